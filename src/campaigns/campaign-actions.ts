import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { codeSchema } from '../api/fields.js'
import { inTransaction } from '../db/transaction.js'
import { campaignMustExist, campaignStatistics, listCampaignEntries, listTargetGroup } from './campaign-entries.js'
import { activateCampaign, deactivateCampaign } from './target-group.js'

const params = z.object({ no: codeSchema(20) })

/**
 * Campaign actions beside the campaign CRUD of `campaigns.ts`: activate / deactivate (the target group),
 * the target group and the campaign entries, and BC's interaction FlowFields on the single-campaign GET.
 */
export function registerCampaignActionRoutes(app: FastifyInstance): void {
  const r = app.withTypeProvider<ZodTypeProvider>()
  const db = app.db
  const tags = ['campaigns']

  r.post(
    '/api/campaigns/:no/activate',
    {
      schema: {
        tags,
        summary: "Activate: build the target group from the campaign's target segment lines and interactions",
        params,
      },
    },
    async (req) => {
      const { message } = await inTransaction(db.kysely, (trx) => activateCampaign(trx, req.params.no))
      return { message }
    },
  )

  r.post(
    '/api/campaigns/:no/deactivate',
    { schema: { tags, summary: 'Deactivate: delete the target group', params } },
    async (req) => inTransaction(db.kysely, (trx) => deactivateCampaign(trx, req.params.no)),
  )

  r.get(
    '/api/campaigns/:no/target-group',
    { schema: { tags, summary: 'The target group of a campaign', params } },
    async (req) => listTargetGroup(db.kysely, db.dialect, req.params.no, req.query as Record<string, unknown>),
  )

  r.get('/api/campaigns/:no/entries', { schema: { tags, summary: 'The entries of a campaign', params } }, async (req) =>
    listCampaignEntries(db.kysely, db.dialect, req.params.no, req.query as Record<string, unknown>),
  )

  r.get(
    '/api/campaigns/:no/statistics',
    {
      schema: {
        tags,
        summary: 'Target contacts contacted, contacts responded, interactions, cost and duration of a campaign',
        params,
      },
    },
    async (req) => {
      await campaignMustExist(db.kysely, req.params.no)
      return campaignStatistics(db.kysely, req.params.no)
    },
  )

  // The single-campaign GET of campaigns.ts gains BC's FlowFields Target Contacts Contacted and Contacts
  // Responded (read-only), computed for that one campaign — not in the list, where they would cost a count
  // over the interactions per row.
  app.addHook('preSerialization', async (req, _reply, payload) => {
    if (req.method !== 'GET' || req.routeOptions.url !== '/api/campaigns/:no') return payload
    const body = payload as Record<string, unknown> | null
    if (!body || typeof body !== 'object' || typeof body.no !== 'string') return payload
    const s = await campaignStatistics(db.kysely, body.no)
    return { ...body, targetContactsContacted: s.targetContactsContacted, contactsResponded: s.contactsResponded }
  })
}
