import type { Dialect } from '../../db/connection.js'
import type { Tx } from '../../db/transaction.js'
import { alreadyExists } from '../../errors.js'
import { assignNo } from '../../setup/number-series.js'
import { applyHeaderChanges, checkSalesperson, type HeaderChange, storeHeader } from './header-changes.js'
import { SEGMENT_TABLE } from './segment-fields.js'

export interface Creator {
  username: string
  /** The user's salesperson (BC User Setup "Salespers./Purch. Code"). */
  salespersonCode: string
}

/** BC WorkDate: the user's working date, today in the server's time zone (as the filter `TODAY`). */
export function workDate(now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0')
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`
}

/**
 * Creates a segment header (BC OnInsert, spec §5.1 / §6.1) and returns its No.:
 * 1. the given No. (only if the Segment Nos. series allows manual numbers) or the next one of that series;
 * 2. the other given fields, validated as a PATCH validates them: a template fills the interaction
 *    defaults, and a value given for one of those fields wins over the template's;
 * 3. Salesperson Code: the user's salesperson when none was given (validated like a typed one);
 * 4. Date: the one given, else WorkDate. BC sets WorkDate on insert, before the user types anything on
 *    the new card; a date given with the request is that typing, so it wins.
 */
export async function createSegment(
  trx: Tx,
  dialect: Dialect,
  changes: HeaderChange[],
  creator: Creator,
): Promise<string> {
  const given = changes.find(([f]) => f === 'no')?.[1] as string | undefined
  const isUsed = async (n: string) =>
    !!(await trx.selectFrom('segment_headers').select('no').where('no', '=', n).executeTakeFirst())
  const { no, series } = await assignNo(trx, dialect, 'segment_nos', given || undefined, isUsed)
  if (given && (await isUsed(no))) throw alreadyExists(SEGMENT_TABLE, { 'No.': no })
  await trx.insertInto('segment_headers').values({ no, no_series: series, date: workDate() }).execute()
  const header = await trx.selectFrom('segment_headers').selectAll().where('no', '=', no).executeTakeFirstOrThrow()

  const fields = changes.filter(([f]) => f !== 'no')
  const h = await applyHeaderChanges(trx, dialect, header, fields, { updateLines: true })
  if (!fields.some(([f]) => f === 'salespersonCode') && creator.salespersonCode) {
    await checkSalesperson(trx, creator.salespersonCode)
    h.salesperson_code = creator.salespersonCode
  }
  await storeHeader(trx, h)
  return no
}
