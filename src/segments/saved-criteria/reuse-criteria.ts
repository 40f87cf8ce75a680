import type { Dialect } from '../../db/connection.js'
import type { Tx } from '../../db/transaction.js'
import { confirmationRequired, ruleViolation } from '../../errors.js'
import {
  type Actor,
  addContacts,
  type CriteriaFilters,
  countCriteriaActions,
  countLines,
  lockSegment,
  removeContacts,
} from '../engine/index.js'
import { SAVED_CRITERIA_TABLE } from './saved-criteria.js'

/**
 * BC `SegmentHeader.ReuseCriteria` (spec §6.8): replays every saved action, in order, against today's data
 * through the same Add / Reduce / Refine steps a user runs, each recording its own criteria action and
 * history. Quirk Q4 fixed: every saved flag is replayed, Entire Companies of a Refine included. The caller
 * runs it in one transaction, so a failing step leaves the segment as it was.
 *
 * @throws CONFIRMATION_REQUIRED when the segment already has criteria actions and `confirm` is not true
 *   (BC's question, default No).
 */
export async function reuseCriteria(
  trx: Tx,
  dialect: Dialect,
  segmentNo: string,
  input: { code: string; confirm?: boolean },
  actor: Actor,
): Promise<{ actionsApplied: number; noOfLines: number; linesChanged: number }> {
  await lockSegment(trx, dialect, segmentNo)
  const saved = await trx
    .selectFrom('saved_segment_criteria')
    .select('code')
    .where('code', '=', input.code)
    .executeTakeFirst()
  if (!saved)
    throw ruleViolation(
      `The ${SAVED_CRITERIA_TABLE} does not exist. Identification fields and values: Code='${input.code}'`,
    )

  const existing = await countCriteriaActions(trx, segmentNo)
  if (existing > 0 && input.confirm !== true)
    throw confirmationRequired(
      `Segment ${segmentNo} already contains ${existing} No. of Criteria Actions.\\Are you sure you want to reuse a ${SAVED_CRITERIA_TABLE}?`,
    )

  const actions = await trx
    .selectFrom('saved_segment_criteria_actions')
    .selectAll()
    .where('code', '=', input.code)
    .orderBy('action_no')
    .execute()
  let linesChanged = 0
  for (const a of actions) {
    // The steps validate the filters again: a saved filter on a field that no longer exists fails, naming
    // it, and the transaction leaves nothing behind.
    const filters = JSON.parse(a.filters) as CriteriaFilters
    if (a.action === 'Add Contacts') {
      const r = await addContacts(
        trx,
        dialect,
        segmentNo,
        filters,
        {
          allowExistingContacts: a.allow_existing_contacts === 1,
          expandCompanies: a.expand_companies === 1,
          allowRelatedCompanies: a.allow_related_companies === 1,
          ignoreExclusion: a.ignore_exclusion === 1,
        },
        actor,
      )
      linesChanged += r.linesInserted
    } else {
      const kind = a.action === 'Remove Contacts (Reduce)' ? 'reduce' : 'refine'
      const r = await removeContacts(
        trx,
        dialect,
        segmentNo,
        kind,
        filters,
        { entireCompanies: a.entire_companies === 1 },
        actor,
      )
      linesChanged += r.linesRemoved
    }
  }
  // No. of Lines is stored on the header (migration 007): reading it costs nothing after the last step.
  return { actionsApplied: actions.length, noOfLines: await countLines(trx, segmentNo), linesChanged }
}
