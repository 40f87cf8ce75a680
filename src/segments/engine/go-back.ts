import type { Dialect } from '../../db/connection.js'
import type { Tx } from '../../db/transaction.js'
import { mustHaveValue } from '../../errors.js'
import { deleteInsertedLines, restoreDeletedLines } from './history.js'
import { countCriteriaActions, lockSegment } from './segment-state.js'
import type { Actor } from './types.js'

/**
 * Go Back (`SegHistoryManagement.GoBack`): undoes the last criteria action. Its inserted lines are
 * deleted — only those lines (quirk Q5 fixed) — and its deleted lines come back with their own values
 * and line nos. (quirk Q6 fixed); then its history and its criteria action are dropped. Can be repeated
 * action by action down to an empty criteria list. BC's "This will undo the last criteria action." question
 * is not asked: calling the endpoint is the answer.
 *
 * @throws RULE_VIOLATION `No. of Criteria Actions must have a value in Segment Header: No.=…` when there is none.
 */
export async function goBack(
  trx: Tx,
  dialect: Dialect,
  segmentNo: string,
  _actor: Actor,
): Promise<{ actionNo: number; linesInserted: number; linesRemoved: number; noOfCriteriaActions: number }> {
  await lockSegment(trx, dialect, segmentNo)
  const last = await trx
    .selectFrom('segment_criteria_actions')
    .select('action_no')
    .where('segment_no', '=', segmentNo)
    .orderBy('action_no', 'desc')
    .limit(1)
    .executeTakeFirst()
  if (!last) throw mustHaveValue('No. of Criteria Actions', 'Segment Header', { 'No.': segmentNo })
  const actionNo = Number(last.action_no)
  const linesRemoved = await deleteInsertedLines(trx, dialect, segmentNo, actionNo)
  const linesInserted = await restoreDeletedLines(trx, dialect, segmentNo, actionNo)
  await trx
    .deleteFrom('segment_history')
    .where('segment_no', '=', segmentNo)
    .where('action_no', '=', actionNo)
    .execute()
  await trx
    .deleteFrom('segment_criteria_actions')
    .where('segment_no', '=', segmentNo)
    .where('action_no', '=', actionNo)
    .execute()
  return { actionNo, linesInserted, linesRemoved, noOfCriteriaActions: await countCriteriaActions(trx, segmentNo) }
}
