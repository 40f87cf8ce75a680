import { sql } from 'kysely'
import { amount, bool, code, date, type Field, int, num, text, toApi } from '../api/fields.js'
import { type ListPage, parseListQuery, runList } from '../api/list-query.js'
import type { Dialect } from '../db/connection.js'
import { AMOUNT_DECIMALS, exactSum, UNIT_AMOUNT_DECIMALS } from '../db/money.js'
import type { Tx } from '../db/transaction.js'
import { notFound } from '../errors.js'

/** A campaign entry (BC table 5072); the three FlowFields are computed for the rows of a page only. */
export const CAMPAIGN_ENTRY_FIELDS: Field[] = [
  int('entryNo', 'entry_no', { readOnly: true }),
  code('campaignNo', 'campaign_no', 20, { readOnly: true }),
  text('description', 'description', 100, { readOnly: true }),
  date('date', 'date', { readOnly: true }),
  text('username', 'username', 50, { readOnly: true }),
  code('segmentNo', 'segment_no', 20, { readOnly: true }),
  bool('canceled', 'canceled', { readOnly: true }),
  code('salespersonCode', 'salesperson_code', 20, { readOnly: true }),
  // BC "Register No.": the logged segment that wrote the entry.
  int('registerNo', 'register_no', { readOnly: true }),
  int('noOfInteractions', 'no_of_interactions', { readOnly: true, noFilter: true }),
  amount('costLcy', 'cost_lcy', { readOnly: true, noFilter: true }),
  num('durationMin', 'duration_min', { readOnly: true, noFilter: true }),
]

/** The target group of a campaign (BC table 7030). */
export const TARGET_GROUP_FIELDS: Field[] = [
  text('type', 'type', 20, { readOnly: true }),
  code('no', 'no', 20, { readOnly: true }),
  code('campaignNo', 'campaign_no', 20, { readOnly: true }),
  // The contact's name for a Contact row (Segmenta keeps no customers).
  text('name', 'name', 100, { readOnly: true, sqlRef: 'c.name' }),
]

export async function campaignMustExist(db: Tx, campaignNo: string): Promise<void> {
  const c = await db.selectFrom('campaigns').select('no').where('no', '=', campaignNo).executeTakeFirst()
  if (!c) throw notFound('Campaign', { 'No.': campaignNo })
}

/**
 * The campaign's entries. No. of Interactions, Cost (LCY), Duration (Min.) follow BC's CalcFormula: the
 * interactions with the entry's campaign and campaign entry no. whose Canceled equals the entry's — one
 * grouped query over the entries of the page.
 */
export async function listCampaignEntries(
  db: Tx,
  dialect: Dialect,
  campaignNo: string,
  query: Record<string, unknown>,
): Promise<ListPage<Record<string, unknown>>> {
  await campaignMustExist(db, campaignNo)
  const p = parseListQuery(query, CAMPAIGN_ENTRY_FIELDS, { dialect, alias: 't', defaultSort: ['entryNo'] })
  const page = await runList(
    db.selectFrom('campaign_entries as t').selectAll('t').where('t.campaign_no', '=', campaignNo),
    p,
    (row) => row,
  )
  const nos = page.items.map((r) => Number(r.entry_no))
  const sums = new Map<string, { n: number; cost: number; duration: number }>()
  if (nos.length) {
    const rows = await db
      .selectFrom('interaction_log_entries')
      .select([
        'campaign_entry_no',
        'canceled',
        sql<number>`count(*)`.as('n'),
        exactSum(sql.ref('cost_lcy'), AMOUNT_DECIMALS).as('cost'),
        exactSum(sql.ref('duration_min'), UNIT_AMOUNT_DECIMALS).as('duration'),
      ])
      .where('campaign_no', '=', campaignNo)
      .where('campaign_entry_no', 'in', nos)
      .groupBy(['campaign_entry_no', 'canceled'])
      .execute()
    for (const r of rows)
      sums.set(`${Number(r.campaign_entry_no)}/${r.canceled}`, {
        n: Number(r.n),
        cost: Number(r.cost),
        duration: Number(r.duration),
      })
  }
  return {
    ...page,
    items: page.items.map((r) => {
      const s = sums.get(`${Number(r.entry_no)}/${r.canceled}`)
      return toApi(CAMPAIGN_ENTRY_FIELDS, {
        ...r,
        no_of_interactions: s?.n ?? 0,
        cost_lcy: s?.cost ?? 0,
        duration_min: s?.duration ?? 0,
      })
    }),
  }
}

export async function listTargetGroup(
  db: Tx,
  dialect: Dialect,
  campaignNo: string,
  query: Record<string, unknown>,
): Promise<ListPage<Record<string, unknown>>> {
  await campaignMustExist(db, campaignNo)
  const p = parseListQuery(query, TARGET_GROUP_FIELDS, { dialect, alias: 't', defaultSort: ['type', 'no'] })
  return runList(
    db
      .selectFrom('campaign_target_groups as t')
      .leftJoin('contacts as c', (j) => j.onRef('c.no', '=', 't.no').on('t.type', '=', 'Contact'))
      .select(['t.type', 't.no', 't.campaign_no', 'c.name'])
      .where('t.campaign_no', '=', campaignNo),
    p,
    (row) => toApi(TARGET_GROUP_FIELDS, row),
  )
}

export interface CampaignStatistics {
  /** BC FlowField: interactions with Campaign Target, not canceled, not postponed. */
  targetContactsContacted: number
  /** BC FlowField: interactions with Campaign Response, not canceled, not postponed. */
  contactsResponded: number
  noOfInteractions: number
  costLcy: number
  durationMin: number
}

/** The campaign's interaction FlowFields (spec §4.10), one aggregate over its interactions. */
export async function campaignStatistics(db: Tx, campaignNo: string): Promise<CampaignStatistics> {
  const r = await db
    .selectFrom('interaction_log_entries')
    .select([
      sql<number>`coalesce(sum(campaign_target), 0)`.as('targets'),
      sql<number>`coalesce(sum(campaign_response), 0)`.as('responses'),
      sql<number>`count(*)`.as('n'),
      exactSum(sql.ref('cost_lcy'), AMOUNT_DECIMALS).as('cost'),
      exactSum(sql.ref('duration_min'), UNIT_AMOUNT_DECIMALS).as('duration'),
    ])
    .where('campaign_no', '=', campaignNo)
    .where('campaign_no', '<>', '')
    .where('canceled', '=', 0)
    .where('postponed', '=', 0)
    .executeTakeFirstOrThrow()
  return {
    targetContactsContacted: Number(r.targets),
    contactsResponded: Number(r.responses),
    noOfInteractions: Number(r.n),
    costLcy: Number(r.cost),
    durationMin: Number(r.duration),
  }
}
