import { sql } from 'kysely'
import type { Dialect } from '../../db/connection.js'
import type { Tx } from '../../db/transaction.js'
import { ruleViolation } from '../../errors.js'
import { lockSegment } from '../engine/index.js'

export interface ApplyMailingGroupResult {
  contactsAssigned: number
  /** BC's closing message: `Mailing Group GIFT is now applied to Segment SM00001.` */
  message: string
}

/**
 * BC "Apply Mailing Group" (report 5184, spec §6.17). The code must name an existing mailing group, else
 * `Specify a Mailing Group Code.` With Delete Old Assignments, BC removes the group from EVERY contact in the
 * database, not only the segment's (quirk Q14, followed: the option means "the group is exactly this
 * segment's contacts"). Then each contact of the segment gets the group unless it has it already:
 *
 * ```sql
 * INSERT INTO contact_mailing_groups (contact_no, mailing_group_code)
 * SELECT DISTINCT l.contact_no, ? FROM segment_lines l JOIN contacts c ON c.no = l.contact_no
 * WHERE l.segment_no = ? AND NOT EXISTS (SELECT 1 FROM contact_mailing_groups m
 *                                        WHERE m.contact_no = l.contact_no AND m.mailing_group_code = ?)
 * ```
 */
export async function applyMailingGroup(
  trx: Tx,
  dialect: Dialect,
  segmentNo: string,
  mailingGroupCode: string | undefined,
  deleteOldAssignments: boolean,
): Promise<ApplyMailingGroupResult> {
  await lockSegment(trx, dialect, segmentNo)
  const code = (mailingGroupCode ?? '').trim().toUpperCase()
  const group = code
    ? await trx.selectFrom('mailing_groups').select('code').where('code', '=', code).executeTakeFirst()
    : undefined
  if (!group) throw ruleViolation('Specify a Mailing Group Code.')
  if (deleteOldAssignments)
    await trx.deleteFrom('contact_mailing_groups').where('mailing_group_code', '=', code).execute()
  const codeValue = dialect === 'postgres' ? sql`CAST(${code} AS text)` : sql`${code}`
  const r = await sql`INSERT INTO contact_mailing_groups (contact_no, mailing_group_code)
      SELECT DISTINCT l.contact_no, ${codeValue} FROM segment_lines l JOIN contacts c ON c.no = l.contact_no
      WHERE l.segment_no = ${segmentNo}
        AND NOT EXISTS (SELECT 1 FROM contact_mailing_groups m
                        WHERE m.contact_no = l.contact_no AND m.mailing_group_code = ${code})`.execute(trx)
  return {
    contactsAssigned: Number(r.numAffectedRows ?? 0n),
    message: `Mailing Group ${code} is now applied to Segment ${segmentNo}.`,
  }
}
