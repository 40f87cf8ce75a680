import { sql } from 'kysely'
import type { Dialect } from '../../db/connection.js'
import type { Tx } from '../../db/transaction.js'
import { alreadyExists, mustHaveValue } from '../../errors.js'
import { type Actor, lockSegment } from '../engine/index.js'
import { getSavedCriteria, SAVED_CRITERIA_TABLE, type SavedCriteria } from './saved-criteria.js'

/**
 * BC `SegmentHeader.SaveCriteria` (spec §6.7): the segment must have criteria actions; the code must be
 * new and not blank; the saved criteria get the user and a 1:1 copy of every criteria action (one
 * `INSERT … SELECT`).
 */
export async function saveCriteria(
  trx: Tx,
  dialect: Dialect,
  segmentNo: string,
  input: { code: string; description?: string },
  actor: Actor,
): Promise<SavedCriteria> {
  await lockSegment(trx, dialect, segmentNo)
  const n = await trx
    .selectFrom('segment_criteria_actions')
    .select(sql<number>`count(*)`.as('n'))
    .where('segment_no', '=', segmentNo)
    .executeTakeFirstOrThrow()
  if (Number(n.n) === 0) throw mustHaveValue('No. of Criteria Actions', 'Segment Header', { 'No.': segmentNo })
  const codeValue = input.code
  if (codeValue) {
    const exists = await trx
      .selectFrom('saved_segment_criteria')
      .select('code')
      .where('code', '=', codeValue)
      .executeTakeFirst()
    if (exists) throw alreadyExists(SAVED_CRITERIA_TABLE, { Code: codeValue })
  }
  if (!codeValue) throw mustHaveValue('Code', SAVED_CRITERIA_TABLE, { Code: '' })

  await trx
    .insertInto('saved_segment_criteria')
    .values({ code: codeValue, description: input.description ?? '', username: actor.username })
    .execute()
  await trx
    .insertInto('saved_segment_criteria_actions')
    .columns([
      'code',
      'action_no',
      'action',
      'filters',
      'allow_existing_contacts',
      'expand_companies',
      'allow_related_companies',
      'ignore_exclusion',
      'entire_companies',
    ])
    .expression(
      trx
        .selectFrom('segment_criteria_actions')
        .select([
          sql<string>`cast(${codeValue} as text)`.as('code'),
          'action_no',
          'action',
          'filters',
          'allow_existing_contacts',
          'expand_companies',
          'allow_related_companies',
          'ignore_exclusion',
          'entire_companies',
        ])
        .where('segment_no', '=', segmentNo),
    )
    .execute()
  return getSavedCriteria(trx, codeValue)
}
