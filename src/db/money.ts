import { type RawBuilder, sql } from 'kysely'

/**
 * Exact amounts on both dialects (BC's General Ledger Setup defaults): amounts — Cost (LCY), a value entry's
 * Amount — have 2 decimals; unit amounts (Unit Cost (LCY)), quantities and durations keep up to 5.
 *
 * PostgreSQL stores them as `numeric(20, 2)` / `numeric(20, 5)` (migration 012): exact decimals, exact sums.
 * SQLite has no decimal type. It keeps its `real` columns, and every value in them is on its decimal grid: the
 * double nearest to a number of 2 (or 5) decimals, which maps back to that number and nothing else (to 15
 * significant digits) — the same number a JSON parser reads from "449.65". Values are rounded onto the grid
 * before they are written (`roundDecimal`, at the API edge and where the product computes one), and SQL that
 * adds them does so in whole minor units (cents; 10^-5 for the others), which doubles add exactly up to 2^53:
 * a sum of 0.1 + 0.2 is 0.3, not 0.30000000000000004, over any number of lines. That keeps every existing
 * column and index (no table rebuild) and every reader that compares the columns (`amount` filters) as it was.
 */
export const AMOUNT_DECIMALS = 2
export const UNIT_AMOUNT_DECIMALS = 5

/**
 * `v` rounded to `places` decimals, half away from zero, as PostgreSQL's numeric and BC round: on the decimal
 * digits `v` prints as (1.005 → 1.01), not on its binary value (1.00499999999999989…, which `toFixed` rounds
 * down).
 */
export function roundDecimal(v: number, places: number): number {
  if (!Number.isFinite(v) || v === 0) return v === 0 ? 0 : v
  const [mantissa, exponent = '0'] = Math.abs(v).toString().split('e')
  // Shifting the decimal point in the text is exact; Math.round then rounds the shifted number's halves up.
  const shifted = Math.round(Number(`${mantissa}e${Number(exponent) + places}`))
  const rounded = Number(`${shifted}e-${places}`)
  return v < 0 ? -rounded : rounded
}

/**
 * The SQL below is the same text on both dialects: whole minor units are exact in PostgreSQL's numeric as in
 * SQLite's doubles, and one text keeps the statements that use it free of dialect switches.
 */
const scale = (places: number) => sql.raw(`${10 ** places}.0`)

/** `expr` in whole minor units: `round(expr * 100.0)`, exact for a value on its grid. */
const minorUnits = (expr: RawBuilder<unknown>, places: number) => sql`round(${expr} * ${scale(places)})`

/**
 * The exact sum of `expr` over a query's rows, 0 for none: `coalesce(sum(round(expr * 100.0)), 0) / 100.0`.
 * Whole cents add exactly, and the one division gives the decimal sum (PostgreSQL) or the double nearest to it
 * (SQLite, whose `sum(expr)` of 0.1 and 0.2 would be 0.30000000000000004).
 */
export function exactSum(expr: RawBuilder<unknown>, places: number): RawBuilder<number> {
  return sql<number>`(coalesce(sum(${minorUnits(expr, places)}), 0) / ${scale(places)})`
}

/** `a + b` or `a - b`, exact, in minor units: a running total stays on its grid. */
export function exactAdd(
  a: RawBuilder<unknown>,
  op: '+' | '-',
  b: RawBuilder<unknown>,
  places: number,
): RawBuilder<number> {
  return sql<number>`((${minorUnits(a, places)} ${sql.raw(op)} ${minorUnits(b, places)}) / ${scale(places)})`
}

/** `a` and `b` differ as decimals of `places`, compared in minor units. */
export function amountsDiffer(a: RawBuilder<unknown>, b: RawBuilder<unknown>, places: number): RawBuilder<boolean> {
  return sql<boolean>`${minorUnits(a, places)} <> ${minorUnits(b, places)}`
}

/** A line's Cost (LCY) from a Unit Cost (LCY): the amount's 2 decimals of the unit amount's 5, as BC computes it. */
export function lineCost(unitCost: number | string): number {
  return roundDecimal(Number(unitCost), AMOUNT_DECIMALS)
}
