import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { registerCrud } from '../api/crud.js'
import { bool, code, date, text } from '../api/fields.js'
import type { Tx } from '../db/transaction.js'
import { ruleViolation } from '../errors.js'
import { assignNo } from '../setup/number-series.js'

export const CAMPAIGN_FIELDS = [
  code('no', 'no', 20),
  text('description', 'description', 100),
  date('startingDate', 'starting_date'),
  date('endingDate', 'ending_date'),
  code('salespersonCode', 'salesperson_code'),
  code('statusCode', 'status_code', 10),
  bool('activated', 'activated', { readOnly: true }),
  date('lastDateModified', 'last_date_modified', { readOnly: true }),
]

/** BC: Starting Date validate → '%1 must be before %2.'; Ending Date validate → '%1 must be after %2.' */
function checkDates(row: Record<string, unknown>, changed: Record<string, unknown>): void {
  const start = row.starting_date as string | null | undefined
  const end = row.ending_date as string | null | undefined
  if (!start || !end || start <= end) return
  if ('ending_date' in changed) throw ruleViolation('Ending Date must be after Starting Date.')
  throw ruleViolation('Starting Date must be before Ending Date.')
}

async function checkRefs(trx: Tx, row: Record<string, unknown>): Promise<void> {
  if (row.salesperson_code) {
    const s = await trx
      .selectFrom('salespeople')
      .select(['code', 'blocked'])
      .where('code', '=', String(row.salesperson_code))
      .executeTakeFirst()
    if (!s)
      throw ruleViolation(
        `The Salesperson/Purchaser does not exist. Identification fields and values: Code='${row.salesperson_code}'`,
      )
  }
  if (row.status_code) {
    const s = await trx
      .selectFrom('campaign_statuses')
      .select('code')
      .where('code', '=', String(row.status_code))
      .executeTakeFirst()
    if (!s)
      throw ruleViolation(
        `The Campaign Status does not exist. Identification fields and values: Code='${row.status_code}'`,
      )
  }
}

const today = () => new Date().toISOString().slice(0, 10)

export function registerCampaignRoutes(app: FastifyInstance): void {
  registerCrud(app, {
    path: '/api/campaigns',
    table: 'campaigns',
    title: 'Campaign',
    keyCaptions: { no: 'No.' },
    tag: 'campaigns',
    fields: CAMPAIGN_FIELDS,
    key: ['no'],
    keyOptionalOnCreate: true,
    // A derived table, so the computed `activated` filters and sorts like a column.
    select: (db) =>
      db
        .selectFrom(
          db
            .selectFrom('campaigns as c')
            .selectAll('c')
            .select(
              sql<number>`case when exists (select 1 from campaign_target_groups g where g.campaign_no = c.no) then 1 else 0 end`.as(
                'activated',
              ),
            )
            .as('t'),
        )
        .selectAll('t') as never,
    beforeCreate: async (trx, row, ctx) => {
      const { no } = await assignNo(
        trx,
        ctx.dialect,
        'campaign_nos',
        row.no as string | undefined,
        async (n) => !!(await trx.selectFrom('campaigns').select('no').where('no', '=', n).executeTakeFirst()),
      )
      row.no = no
      if (!row.salesperson_code && ctx.principal?.salespersonCode) row.salesperson_code = ctx.principal.salespersonCode
      checkDates(row, row)
      await checkRefs(trx, row)
      row.last_date_modified = today()
    },
    beforeUpdate: async (trx, row, existing) => {
      checkDates({ ...existing, ...row }, row)
      await checkRefs(trx, row)
      row.last_date_modified = today()
    },
    afterDelete: async (trx, existing) => {
      // BC Campaign.OnDelete: campaign entries (plain DeleteAll, the interactions stay), then deactivate.
      await trx.deleteFrom('campaign_entries').where('campaign_no', '=', String(existing.no)).execute()
      await trx.deleteFrom('campaign_target_groups').where('campaign_no', '=', String(existing.no)).execute()
    },
  })
}
