import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { who } from '../../api/auth-plugin.js'
import { codeSchema } from '../../api/fields.js'
import { inSegmentAction } from '../segment-action.js'
import { addContacts } from './add-contacts.js'
import { BLOCKS } from './criteria-blocks.js'
import { pageCriteria } from './criteria-log.js'
import { goBack } from './go-back.js'
import { pageHistory } from './history.js'
import type { LineStatistics } from './line-statistics.js'
import { previewStep } from './preview.js'
import { removeContacts } from './remove-contacts.js'
import { BLOCK_NAMES, type CriteriaFilters } from './types.js'

/**
 * The `filters` of a step, documented block by block for the OpenAPI document. Unknown blocks and fields
 * pass through to `validateFilters`, which names them (`filters.contact.nmae`) and checks every expression.
 */
export const filtersSchema = z
  .looseObject(
    Object.fromEntries(
      BLOCK_NAMES.map((b) => [
        b,
        z
          .looseObject(
            Object.fromEntries(Object.keys(BLOCKS[b].fields).map((f) => [f, z.string().max(2048).optional()])),
          )
          .optional()
          .describe(`${BLOCKS[b].caption}: field → BC filter expression`),
      ]),
    ),
  )
  .describe('Criteria blocks (API.md §3); blocks AND together, the fields of a block hold on one related record')

const flag = z.boolean().optional()
const params = z.object({ no: codeSchema(20, { required: true }) })

const addBody = z.strictObject({
  filters: filtersSchema.optional(),
  allowExistingContacts: flag,
  expandCompanies: flag,
  allowRelatedCompanies: flag,
  ignoreExclusion: flag,
})
const removeBody = z.strictObject({ filters: filtersSchema.optional(), entireCompanies: flag })
const previewBody = z.strictObject({
  action: z.enum(['add', 'reduce', 'refine']),
  filters: filtersSchema.optional(),
  allowExistingContacts: flag,
  expandCompanies: flag,
  allowRelatedCompanies: flag,
  ignoreExclusion: flag,
  entireCompanies: flag,
})

const filtersOf = (f: unknown) => (f ?? {}) as CriteriaFilters

/**
 * Criteria steps, preview, Go Back, criteria and history of a segment. Each action is one transaction; a bulk
 * step then has PostgreSQL's statistics refreshed, after the answer.
 */
export function registerSegmentEngineRoutes(app: FastifyInstance, statistics: LineStatistics): void {
  const r = app.withTypeProvider<ZodTypeProvider>()
  const { kysely: db, dialect } = app.db
  const tags = ['segments']

  r.post(
    '/api/segments/:no/add-contacts',
    {
      schema: {
        tags,
        summary: 'Add Contacts: insert lines for the contacts matching the criteria',
        params,
        body: addBody,
      },
    },
    async (req) => {
      const { filters, ...opts } = req.body
      const r = await inSegmentAction(db, (trx) =>
        addContacts(trx, dialect, req.params.no, filtersOf(filters), opts, who(req)),
      )
      statistics.afterStep(r.linesInserted)
      return r
    },
  )

  for (const kind of ['reduce', 'refine'] as const) {
    r.post(
      `/api/segments/:no/${kind}-contacts`,
      {
        schema: {
          tags,
          summary:
            kind === 'reduce'
              ? 'Reduce Contacts: remove the lines whose contact matches the criteria'
              : 'Refine Contacts: keep only the lines whose contact matches the criteria',
          params,
          body: removeBody,
        },
      },
      async (req) => {
        const { filters, ...opts } = req.body
        const r = await inSegmentAction(db, (trx) =>
          removeContacts(trx, dialect, req.params.no, kind, filtersOf(filters), opts, who(req)),
        )
        statistics.afterStep(r.linesRemoved)
        return r
      },
    )
  }

  r.post(
    '/api/segments/:no/preview',
    {
      config: { role: 'viewer' },
      schema: { tags, summary: 'Count what a step would insert or remove; writes nothing', params, body: previewBody },
    },
    async (req) => previewStep(db, dialect, req.params.no, { ...req.body, filters: filtersOf(req.body.filters) }),
  )

  r.post(
    '/api/segments/:no/go-back',
    {
      schema: {
        tags,
        summary: 'Go Back: undo the last criteria action (calling it answers BC’s confirmation)',
        params,
        body: z.strictObject({}).optional(),
      },
    },
    async (req) => {
      const r = await inSegmentAction(db, (trx) => goBack(trx, dialect, req.params.no, who(req)))
      statistics.afterStep(r.linesInserted + r.linesRemoved)
      return r
    },
  )

  r.get(
    '/api/segments/:no/criteria',
    {
      schema: {
        tags,
        summary: 'The criteria actions of the segment, with readable text (filter[field], sort, limit, offset)',
        params,
      },
    },
    async (req) => pageCriteria(db, dialect, req.params.no, req.query as Record<string, unknown>),
  )

  r.get(
    '/api/segments/:no/history',
    {
      schema: {
        tags,
        summary:
          'Segment history: the lines each criteria action inserted or deleted (filter[field], sort, limit, offset)',
        params,
      },
    },
    async (req) => pageHistory(db, dialect, req.params.no, req.query as Record<string, unknown>),
  )
}
