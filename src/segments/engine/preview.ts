import { sql } from 'kysely'
import type { Dialect } from '../../db/connection.js'
import type { Tx } from '../../db/transaction.js'
import { addSelection } from './add-contacts.js'
import { removalCondition } from './remove-contacts.js'
import { countLines, getSegment } from './segment-state.js'
import type { AddOptions, CriteriaFilters, RemoveOptions } from './types.js'
import { validateFilters } from './validate-filters.js'

/**
 * What a step would do, counted with the very query the step runs (so the numbers agree), writing nothing:
 * `{linesInserted, noOfLinesAfter}` for add, `{linesRemoved, noOfLinesAfter}` for reduce/refine.
 */
export async function previewStep(
  db: Tx,
  dialect: Dialect,
  segmentNo: string,
  body: { action: 'add' | 'reduce' | 'refine'; filters: CriteriaFilters } & AddOptions & RemoveOptions,
): Promise<{ linesInserted?: number; linesRemoved?: number; noOfLinesAfter: number }> {
  const f = validateFilters(body.filters, dialect)
  await getSegment(db, segmentNo)
  const current = await countLines(db, segmentNo)
  if (body.action === 'add') {
    const { ctes, where } = addSelection(segmentNo, f, body, dialect)
    const r = await sql<{
      n: number
    }>`${ctes ? sql`WITH ${ctes} ` : sql``}SELECT count(*) AS n FROM contacts x WHERE ${where}`.execute(db)
    const n = Number(r.rows[0].n)
    return { linesInserted: n, noOfLinesAfter: current + n }
  }
  const r = await sql<{ n: number }>`SELECT count(*) AS n FROM segment_lines l
      WHERE l.segment_no = ${segmentNo} AND ${removalCondition(body.action, f, body, dialect)}`.execute(db)
  const n = Number(r.rows[0].n)
  return { linesRemoved: n, noOfLinesAfter: current - n }
}
