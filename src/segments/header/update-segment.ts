import type { Dialect } from '../../db/connection.js'
import type { Tx } from '../../db/transaction.js'
import { deleteSegmentRows, lockSegment } from '../engine/index.js'
import {
  applyHeaderChanges,
  type ChangeOptions,
  type HeaderChange,
  type HeaderRow,
  storeHeader,
} from './header-changes.js'

/**
 * Changes a segment header: fields that fill defaults first, the others in the order given, the lines
 * following as `applyHeaderChanges` describes when `updateLines` (BC's "update the segment lines?" answer)
 * is true. Locks the segment first so
 * a change never interleaves with a criteria action on the same segment.
 */
export async function updateSegment(
  trx: Tx,
  dialect: Dialect,
  no: string,
  changes: HeaderChange[],
  opts: ChangeOptions,
): Promise<void> {
  const header = (await lockSegment(trx, dialect, no)) as HeaderRow
  const h = await applyHeaderChanges(trx, dialect, header, changes, opts)
  await storeHeader(trx, h)
}

/**
 * Deletes a segment. BC deletes criteria lines first (so deleting the lines does not ask "Your Segment is
 * now empty…"), then history, languages and lines; here no line trigger runs, so the order does not matter:
 * history, criteria actions and lines go by one statement each, then the header (`deleteSegmentRows`).
 * Returns the lines deleted (the header's stored No. of Lines, read under the lock).
 */
export async function deleteSegment(trx: Tx, dialect: Dialect, no: string): Promise<{ linesRemoved: number }> {
  const header = await lockSegment(trx, dialect, no)
  await deleteSegmentRows(trx, no)
  return { linesRemoved: Number(header.no_of_lines) }
}
