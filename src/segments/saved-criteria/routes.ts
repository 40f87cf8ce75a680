import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { who } from '../../api/auth-plugin.js'
import { codeSchema } from '../../api/fields.js'
import { inTransaction } from '../../db/transaction.js'
import type { LineStatistics } from '../engine/index.js'
import { segmentParams } from '../header/routes.js'
import { inSegmentAction } from '../segment-action.js'
import { reuseCriteria } from './reuse-criteria.js'
import { saveCriteria } from './save-criteria.js'
import { deleteSavedCriteria, getSavedCriteria, listSavedCriteria } from './saved-criteria.js'

/** Code[10]; blank is let through so the rule answers with BC's "Code must have a value" text. */
const savedCode = codeSchema(10)

export function registerSavedCriteriaRoutes(app: FastifyInstance, statistics: LineStatistics): void {
  const r = app.withTypeProvider<ZodTypeProvider>()
  const db = app.db
  const tags = ['segments']

  r.post(
    '/api/segments/:no/save-criteria',
    {
      schema: {
        tags,
        summary: "Save the segment's criteria actions under a code",
        params: segmentParams,
        body: z.strictObject({ code: savedCode, description: z.string().max(100).optional() }),
      },
    },
    async (req, reply) => {
      const actor = who(req)
      const saved = await inTransaction(db.kysely, (trx) =>
        saveCriteria(trx, db.dialect, req.params.no, req.body, actor),
      )
      return reply.status(201).send(saved)
    },
  )

  r.post(
    '/api/segments/:no/reuse-criteria',
    {
      schema: {
        tags,
        summary: 'Replay saved criteria on the segment (Add / Reduce / Refine, against current data)',
        params: segmentParams,
        body: z.strictObject({
          code: savedCode,
          confirm: z.boolean().optional().describe('Yes to "Segment … already contains … criteria actions…"'),
        }),
      },
    },
    async (req) => {
      const actor = who(req)
      const { linesChanged, ...answer } = await inSegmentAction(db.kysely, (trx) =>
        reuseCriteria(trx, db.dialect, req.params.no, req.body, actor),
      )
      statistics.afterStep(linesChanged)
      return answer
    },
  )

  r.get('/api/saved-segment-criteria', { schema: { tags, summary: 'List saved segment criteria' } }, async (req) =>
    listSavedCriteria(db.kysely, db.dialect, req.query as Record<string, unknown>),
  )

  const codeParams = z.object({ code: savedCode })
  r.get(
    '/api/saved-segment-criteria/:code',
    { schema: { tags, summary: 'Get saved segment criteria with its actions', params: codeParams } },
    async (req) => getSavedCriteria(db.kysely, req.params.code),
  )

  r.delete(
    '/api/saved-segment-criteria/:code',
    { schema: { tags, summary: 'Delete saved segment criteria', params: codeParams } },
    async (req, reply) => {
      await inTransaction(db.kysely, (trx) => deleteSavedCriteria(trx, req.params.code))
      return reply.status(204).send()
    },
  )
}
