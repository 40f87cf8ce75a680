import { type Kysely, sql } from 'kysely'
import type { Dialect } from '../connection.js'
import { AMOUNT_DECIMALS, exactSum, UNIT_AMOUNT_DECIMALS } from '../money.js'

/** Amount columns (2 decimals) and the other decimal columns (5): unit amounts, quantities, durations. */
const AMOUNTS = [
  ['segment_lines', 'cost_lcy'],
  ['interaction_log_entries', 'cost_lcy'],
  ['value_entries', 'amount'],
] as const
const FIVE_DECIMALS = [
  ['segment_lines', ['duration_min']],
  ['interaction_log_entries', ['duration_min']],
  ['value_entries', ['quantity']],
  ['interaction_templates', ['unit_cost_lcy', 'unit_duration_min']],
  ['segment_headers', ['unit_cost_lcy', 'unit_duration_min']],
] as const

/**
 * Exact amounts (src/db/money.ts): the same value on both dialects, to the cent, and sums that add up.
 *
 * PostgreSQL: amounts become `numeric(20, 2)` (they were `numeric(20, 5)`, which kept 449.65432 where SQLite
 * kept 449.654321), the header totals `numeric(38, 2)` / `numeric(38, 5)` (a sum of up to a million lines of
 * 15 digits); the cast rounds what is stored, half away from zero. One `ALTER TABLE` per table: PostgreSQL
 * rewrites each table once.
 *
 * SQLite keeps its `real` columns (a type change would rebuild every table and its indexes) and puts the values
 * that are off their decimal grid on it, in one `UPDATE` per table that writes only those rows. A value is
 * rounded on the decimal digits it was stored from: `round(round(v * 100, 6))` first takes 1.005 × 100 =
 * 100.49999999999999 to 100.5, so it rounds to 1.01 as PostgreSQL's 1.00500 does.
 *
 * Then every segment's Cost (LCY) and Duration (Min.) are summed again from its lines, exactly.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  if (dialect === 'postgres') {
    for (const [table, column] of AMOUNTS)
      await sql`alter table ${sql.ref(table)} alter column ${sql.ref(column)} type numeric(20, 2)`.execute(db)
    await sql`alter table segment_headers alter column cost_lcy type numeric(38, 2),
        alter column duration_min type numeric(38, 5)`.execute(db)
  } else {
    const scale = (places: number) => sql.raw(`${10 ** places}.0`)
    // What is written to the rows off the grid: the value rounded on its decimal digits (see above).
    const onGrid = (column: string, places: number) =>
      sql`round(round(${sql.ref(column)} * ${scale(places)}, 6)) / ${scale(places)}`
    // Which rows are off it: a value on the grid is its own whole minor units over the scale, exactly. (round()
    // without digits is SQLite's fast path; with digits it prints the number, which took 13 s over 1M lines.)
    const offGrid = (column: string, places: number) =>
      sql`${sql.ref(column)} <> round(${sql.ref(column)} * ${scale(places)}) / ${scale(places)}`
    const columnsOf = new Map<string, [string, number][]>()
    for (const [table, column] of AMOUNTS) columnsOf.set(table, [[column, AMOUNT_DECIMALS]])
    for (const [table, columns] of FIVE_DECIMALS)
      columnsOf.set(table, [
        ...(columnsOf.get(table) ?? []),
        ...columns.map((c): [string, number] => [c, UNIT_AMOUNT_DECIMALS]),
      ])
    for (const [table, columns] of columnsOf) {
      const set = sql.join(columns.map(([c, places]) => sql`${sql.ref(c)} = ${onGrid(c, places)}`))
      const off = sql.join(
        columns.map(([c, places]) => offGrid(c, places)),
        sql` OR `,
      )
      await sql`update ${sql.ref(table)} set ${set} where ${off}`.execute(db)
    }
  }
  // One grouped pass over the lines for both sums (two correlated subqueries read them twice).
  await sql`update segment_headers set cost_lcy = 0, duration_min = 0`.execute(db)
  await sql`update segment_headers
      set cost_lcy = t.cost, duration_min = t.duration
      from (select segment_no, ${exactSum(sql.ref('cost_lcy'), AMOUNT_DECIMALS)} as cost,
                   ${exactSum(sql.ref('duration_min'), UNIT_AMOUNT_DECIMALS)} as duration
            from segment_lines group by segment_no) as t
      where t.segment_no = segment_headers.no`.execute(db)
}
