import { type Kysely, type RawBuilder, sql } from 'kysely'
import type { DB } from '../db/schema.js'
import { inTransaction, type Tx } from '../db/transaction.js'
import { notFound, ruleViolation } from '../errors.js'

/**
 * BC's "no targets" error of Activate (spec §8), with %1 = 'Segment Line', %2 = 'Campaign',
 * %3 = 'Campaign Target'.
 */
export const NO_TARGETS =
  'To activate the sales prices and/or line discounts, you must apply the relevant Segment Line(s) to the Campaign and place a check mark in the Campaign Target field on the Segment Line.'

/**
 * The target group a campaign should have (spec §6.16, Campaign Target Group Mgt.), as a derived table of
 * `(type, no)`: the companies of every segment line marked Campaign Target for the campaign and of every
 * interaction log entry marked Campaign Target for it (not postponed; canceled ones count, as in BC). A
 * company linked to a customer by a business relation is a `Customer` row (the customer no.), any other a
 * `Contact` row (the company no.). A person without a company stands for itself (BC would write a row with a
 * blank no.).
 *
 * ```sql
 * SELECT DISTINCT CASE WHEN b.link_no IS NULL THEN 'Contact' ELSE 'Customer' END AS type,
 *        COALESCE(b.link_no, k.company_no) AS no
 * FROM (SELECT company FROM segment_lines WHERE campaign_no = ? AND campaign_target = 1
 *       UNION SELECT company FROM interaction_log_entries WHERE campaign_no = ? AND campaign_target = 1 AND postponed = 0) k
 * LEFT JOIN (customer links of companies) b ON b.contact_no = k.company_no
 * ```
 */
function desiredTargets(campaignNo: string): RawBuilder<unknown> {
  const company = (alias: string) =>
    sql`CASE WHEN ${sql.ref(`${alias}.contact_company_no`)} = '' THEN ${sql.ref(`${alias}.contact_no`)} ELSE ${sql.ref(`${alias}.contact_company_no`)} END`
  return sql`(
    SELECT DISTINCT CASE WHEN b.link_no IS NULL THEN 'Contact' ELSE 'Customer' END AS type,
           COALESCE(b.link_no, k.company_no) AS no
    FROM (
      SELECT ${company('l')} AS company_no FROM segment_lines l
      WHERE l.campaign_no = ${campaignNo} AND l.campaign_target = 1 AND l.contact_no <> ''
      UNION
      SELECT ${company('e')} AS company_no FROM interaction_log_entries e
      WHERE e.campaign_no = ${campaignNo} AND e.campaign_target = 1 AND e.postponed = 0 AND e.contact_no <> ''
    ) k
    LEFT JOIN (
      SELECT r.contact_no, MIN(r.link_no) AS link_no FROM contact_business_relations r
      WHERE r.link_to_table = 'Customer' AND r.link_no <> '' GROUP BY r.contact_no
    ) b ON b.contact_no = k.company_no
  )`
}

/** Replaces the campaign's target group by the one its target lines and entries give (two set-based statements). */
async function rebuild(trx: Tx, campaignNo: string): Promise<number> {
  // NOT IN over an uncorrelated subquery: the desired group is computed once, not once per existing row (a
  // correlated NOT EXISTS made SQLite rebuild it for every row: 8 ms of each segment action on the demo data).
  // Neither column of the desired group can be NULL, so NOT IN means "not among them".
  await sql`DELETE FROM campaign_target_groups
      WHERE campaign_no = ${campaignNo}
        AND (type, no) NOT IN (SELECT d.type, d.no FROM ${desiredTargets(campaignNo)} d)`.execute(trx)
  await sql`INSERT INTO campaign_target_groups (type, no, campaign_no)
      SELECT d.type, d.no, ${campaignNo} FROM ${desiredTargets(campaignNo)} d
      WHERE NOT EXISTS (SELECT 1 FROM campaign_target_groups g
                        WHERE g.campaign_no = ${campaignNo} AND g.type = d.type AND g.no = d.no)`.execute(trx)
  const n = await trx
    .selectFrom('campaign_target_groups')
    .select(sql<number>`count(*)`.as('n'))
    .where('campaign_no', '=', campaignNo)
    .executeTakeFirstOrThrow()
  return Number(n.n)
}

async function isActivated(trx: Tx, campaignNo: string): Promise<boolean> {
  const row = await trx
    .selectFrom('campaign_target_groups')
    .select('no')
    .where('campaign_no', '=', campaignNo)
    .limit(1)
    .executeTakeFirst()
  return !!row
}

/**
 * Keeps an activated campaign's target group in sync with its target segment lines and interaction log
 * entries (quirk Q11 fixed: BC only maintains it on line validation, not on header propagation). Does
 * nothing for a campaign that is not activated — activation is the user's decision (BC acts only "if the
 * campaign is Activated"). When no target is left the group becomes empty, i.e. the campaign is deactivated,
 * as BC's removal of the last target does.
 *
 * Call it, in the same transaction, after any change of segment lines' Campaign No. or Campaign Target
 * (header propagation, line edits, line deletion, Go Back, segment deletion), for the old and the new
 * campaign no.
 */
export async function syncCampaignTargetGroup(trx: Tx, campaignNo: string): Promise<void> {
  if (!campaignNo || !(await isActivated(trx, campaignNo))) return
  await rebuild(trx, campaignNo)
}

/** `syncCampaignTargetGroup` for several campaigns (blank and repeated nos. are skipped). */
export async function syncCampaignTargetGroups(trx: Tx, campaignNos: Iterable<string>): Promise<void> {
  for (const no of new Set(campaignNos)) if (no) await syncCampaignTargetGroup(trx, no)
}

/** The campaigns on the lines of a segment (distinct, non-blank): collect them before lines are deleted. */
export async function campaignsOfSegment(trx: Tx, segmentNo: string): Promise<string[]> {
  const rows = await trx
    .selectFrom('segment_lines')
    .select('campaign_no')
    .distinct()
    .where('segment_no', '=', segmentNo)
    .where('campaign_no', '<>', '')
    .execute()
  return rows.map((r) => r.campaign_no)
}

async function campaignMustExist(trx: Tx, campaignNo: string): Promise<void> {
  const c = await trx.selectFrom('campaigns').select('no').where('no', '=', campaignNo).executeTakeFirst()
  if (!c) throw notFound('Campaign', { 'No.': campaignNo })
}

/**
 * BC "Activate Sales Prices/Line Discounts" (spec §6.16): builds the target group; without any target
 * line or entry → BC's error. BC first asks whether to activate a campaign without sales prices (default
 * Yes); Segmenta has no campaign prices, so that question is always answered Yes.
 */
export async function activateCampaign(trx: Tx, campaignNo: string): Promise<{ message: string; targets: number }> {
  await campaignMustExist(trx, campaignNo)
  const targets = await rebuild(trx, campaignNo)
  if (targets === 0) throw ruleViolation(NO_TARGETS)
  return { message: `Campaign ${campaignNo} is now activated.`, targets }
}

/** BC Deactivate: deletes the campaign's target group. */
export async function deactivateCampaign(trx: Tx, campaignNo: string): Promise<{ message: string }> {
  await campaignMustExist(trx, campaignNo)
  await trx.deleteFrom('campaign_target_groups').where('campaign_no', '=', campaignNo).execute()
  return { message: `Campaign ${campaignNo} is now deactivated.` }
}

/**
 * Rebuilds the target group of every activated campaign. Segment actions call it at the end of their
 * transaction (see `inSegmentAction`), so a campaign's targets follow its lines whichever way they
 * changed (Q11); so do the contact changes that move target entries or customers: a person's change of
 * company, a contact's deletion, and a customer link added to or removed from a company (BC's
 * ConverttoCustomer moves a target from Contact to Customer). Activated campaigns are few; with none
 * activated this is one small query.
 */
export async function syncActivatedCampaigns(trx: Tx): Promise<void> {
  for (const no of await activatedCampaigns(trx)) await rebuild(trx, no)
}

/** A row of a campaign target group: `Customer` and the customer no., or `Contact` and the company's no. */
export interface TargetGroupRow {
  type: string
  no: string
}

export interface TargetGroupMismatch {
  campaignNo: string
  /** Rows the campaign's target lines and entries give that its group lacks. */
  missing: TargetGroupRow[]
  /** Rows of its group that none of its target lines or entries gives. */
  extra: TargetGroupRow[]
}

/** The campaigns that have a target group (Activated), in no. order. */
export async function activatedCampaigns(db: Tx): Promise<string[]> {
  const rows = await db
    .selectFrom('campaign_target_groups')
    .select('campaign_no')
    .distinct()
    .orderBy('campaign_no')
    .execute()
  return rows.map((r) => r.campaign_no)
}

/**
 * The campaigns whose stored target group is not the one their target lines and entries give, with the rows
 * missing and the rows extra (each in type, no. order): of every activated campaign, in no. order, or of those
 * named (compared whether activated or not). Two set-based statements per campaign (activated campaigns are
 * few). The product rebuilds a group in the transaction of every change it follows, so a difference means the
 * data was changed outside the product (by hand in SQL, a partial restore).
 */
export async function findTargetGroupMismatches(
  db: Kysely<DB>,
  campaignNos?: string[],
): Promise<TargetGroupMismatch[]> {
  const out: TargetGroupMismatch[] = []
  for (const campaignNo of campaignNos ?? (await activatedCampaigns(db))) {
    // Compound operands without parentheses: SQLite does not take `(SELECT …) EXCEPT (SELECT …)`.
    const stored = sql`SELECT g.type, g.no FROM campaign_target_groups g WHERE g.campaign_no = ${campaignNo}`
    const desired = sql`SELECT d.type, d.no FROM ${desiredTargets(campaignNo)} d`
    const rowsOf = async (a: RawBuilder<unknown>, b: RawBuilder<unknown>) =>
      (
        await sql<TargetGroupRow>`SELECT x.type, x.no FROM (${a} EXCEPT ${b}) x ORDER BY x.type, x.no`.execute(db)
      ).rows.map((r) => ({ type: r.type, no: r.no }))
    const missing = await rowsOf(desired, stored)
    const extra = await rowsOf(stored, desired)
    if (missing.length > 0 || extra.length > 0) out.push({ campaignNo, missing, extra })
  }
  return out
}

/**
 * Rebuilds the target groups of `campaignNos` from their target lines and entries, in one transaction (a
 * campaign left without targets is deactivated, as a step that removes its last target does). Returns the
 * campaigns rebuilt.
 */
export async function rebuildTargetGroups(db: Kysely<DB>, campaignNos: string[]): Promise<string[]> {
  return inTransaction(db, async (trx) => {
    for (const no of campaignNos) await rebuild(trx, no)
    return campaignNos
  })
}
