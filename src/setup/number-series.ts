import type { Dialect } from '../db/connection.js'
import type { Tx } from '../db/transaction.js'
import { mustHaveValue, notFound, ruleViolation } from '../errors.js'

/**
 * BC's IncStr: increments the last run of digits in a code, keeping its width ('CT0009' → 'CT0010'),
 * growing it when it overflows ('A99' → 'A100'). A code without digits cannot be incremented.
 */
export function incrementNo(no: string, by = 1): string | undefined {
  const m = /^(.*?)(\d+)(\D*)$/.exec(no)
  if (!m) return undefined
  const [, head, digits, tail] = m
  const next = (BigInt(digits) + BigInt(by)).toString()
  return head + next.padStart(digits.length, '0') + tail
}

function compareNos(a: string, b: string): number {
  // Same pattern: numeric parts compare as numbers; BC compares numbers of equal width as text.
  if (a.length !== b.length) return a.length - b.length
  return a < b ? -1 : a > b ? 1 : 0
}

interface SeriesRow {
  code: string
  starting_no: string
  ending_no: string
  last_no_used: string
  allow_manual_nos: number
}

async function lockSeries(trx: Tx, dialect: Dialect, code: string): Promise<SeriesRow> {
  // FOR UPDATE makes concurrent creates on PostgreSQL queue on the series row; SQLite transactions
  // are already serialised (BEGIN IMMEDIATE).
  const q = trx
    .selectFrom('number_series')
    .select(['code', 'starting_no', 'ending_no', 'last_no_used', 'allow_manual_nos'])
    .where('code', '=', code)
  const row = dialect === 'postgres' ? await q.forUpdate().executeTakeFirst() : await q.executeTakeFirst()
  if (!row) throw notFound('No. Series', { Code: code })
  return row
}

/**
 * Takes `count` consecutive numbers from a series, in the caller's transaction, and returns them.
 * `isUsed` lets a caller skip numbers already taken by manual entry (BC skips used contact numbers).
 */
export async function takeNumbers(
  trx: Tx,
  dialect: Dialect,
  seriesCode: string,
  count = 1,
  isUsed?: (no: string) => Promise<boolean>,
): Promise<string[]> {
  const s = await lockSeries(trx, dialect, seriesCode)
  const out: string[] = []
  let last = s.last_no_used
  while (out.length < count) {
    const next = last ? incrementNo(last) : s.starting_no
    if (!next) throw ruleViolation(`You cannot assign new numbers from the number series ${s.code}.`)
    if (s.ending_no && compareNos(next, s.ending_no) > 0)
      throw ruleViolation(`You cannot assign new numbers from the number series ${s.code}.`)
    last = next
    if (isUsed && (await isUsed(next))) continue
    out.push(next)
  }
  await trx.updateTable('number_series').set({ last_no_used: last }).where('code', '=', s.code).execute()
  return out
}

/** BC's `TestManual`: a typed number is allowed only when the series allows manual numbers. */
export async function testManual(trx: Tx, seriesCode: string): Promise<void> {
  if (!seriesCode) return
  const s = await trx
    .selectFrom('number_series')
    .select(['code', 'allow_manual_nos'])
    .where('code', '=', seriesCode)
    .executeTakeFirst()
  if (!s) throw notFound('No. Series', { Code: seriesCode })
  if (!s.allow_manual_nos)
    throw ruleViolation(
      `You may not enter numbers manually. If you want to enter numbers manually, please activate Manual Nos. in No. Series ${s.code}.`,
    )
}

export type SetupSeriesField = 'contact_nos' | 'segment_nos' | 'campaign_nos'
const SERIES_CAPTION: Record<SetupSeriesField, string> = {
  contact_nos: 'Contact Nos.',
  segment_nos: 'Segment Nos.',
  campaign_nos: 'Campaign Nos.',
}

/**
 * The number for a new record: the given one (checked against the series' manual rule) or the next
 * one from the marketing setup's series. Returns the number and the series it came from ('' if manual).
 */
export async function assignNo(
  trx: Tx,
  dialect: Dialect,
  field: SetupSeriesField,
  given: string | undefined,
  isUsed?: (no: string) => Promise<boolean>,
): Promise<{ no: string; series: string }> {
  const setup = await trx.selectFrom('marketing_setup').select(field).where('id', '=', 1).executeTakeFirstOrThrow()
  const series = setup[field] as string
  if (given) {
    await testManual(trx, series)
    return { no: given, series: '' }
  }
  if (!series) throw mustHaveValue(SERIES_CAPTION[field], 'Marketing Setup', { 'Primary Key': '' })
  const [no] = await takeNumbers(trx, dialect, series, 1, isUsed)
  return { no, series }
}
