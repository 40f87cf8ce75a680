import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { who } from '../../api/auth-plugin.js'
import { codeSchema, createSchema, patchSchema } from '../../api/fields.js'
import { inTransaction } from '../../db/transaction.js'
import type { LineStatistics } from '../engine/line-statistics.js'
import { inSegmentAction } from '../segment-action.js'
import { createSegment } from './create-segment.js'
import type { HeaderChange } from './header-changes.js'
import { listSegments, readSegment } from './read-segments.js'
import { SEGMENT_FIELDS } from './segment-fields.js'
import { deleteSegment, updateSegment } from './update-segment.js'

/** The path key of a segment: a Code[20], upper-cased and trimmed like every code. */
export const segmentParams = z.object({ no: codeSchema(20) })

/**
 * The fields of a request are applied in the order they were given, after the fields that fill defaults
 * (`sourcesFirst`): zod returns its own key order, so the order of the raw body is kept here.
 */
const givenOrder = new WeakMap<FastifyRequest, string[]>()
const rememberOrder = async (req: FastifyRequest) => {
  if (req.body && typeof req.body === 'object') givenOrder.set(req, Object.keys(req.body))
}
function changesInOrder(req: FastifyRequest): HeaderChange[] {
  const body = req.body as Record<string, unknown>
  const order = givenOrder.get(req) ?? Object.keys(body)
  return order.filter((k) => k in body && body[k] !== undefined).map((k) => [k, body[k]])
}

export function registerSegmentHeaderRoutes(app: FastifyInstance, statistics: LineStatistics): void {
  const r = app.withTypeProvider<ZodTypeProvider>()
  const db = app.db
  const tags = ['segments']

  r.get('/api/segments', { schema: { tags, summary: 'List segments' } }, async (req) =>
    listSegments(db.kysely, db.dialect, req.query as Record<string, unknown>),
  )

  r.post(
    '/api/segments',
    {
      preValidation: rememberOrder,
      schema: {
        tags,
        summary:
          'Create a segment (No. from the Segment Nos. series and Date today when omitted; given values win over template defaults)',
        body: createSchema(SEGMENT_FIELDS),
      },
    },
    async (req, reply) => {
      const p = who(req)
      const created = await inTransaction(db.kysely, async (trx) => {
        const no = await createSegment(trx, db.dialect, changesInOrder(req), p)
        return readSegment(trx, no)
      })
      return reply.status(201).send(created)
    },
  )

  r.get('/api/segments/:no', { schema: { tags, summary: 'Get one segment', params: segmentParams } }, async (req) =>
    readSegment(db.kysely, req.params.no),
  )

  r.patch(
    '/api/segments/:no',
    {
      preValidation: rememberOrder,
      schema: {
        tags,
        summary:
          'Change a segment; given values win over defaults of other fields, and the lines that follow get what a new line would',
        params: segmentParams,
        querystring: z.strictObject({
          updateLines: z
            .enum(['true', 'false'])
            .optional()
            .describe('BC\'s "Do you want to update the segment lines…?" answer (default true)'),
        }),
        body: patchSchema(SEGMENT_FIELDS, ['no']),
      },
    },
    async (req) =>
      inSegmentAction(db.kysely, async (trx) => {
        await updateSegment(trx, db.dialect, req.params.no, changesInOrder(req), {
          updateLines: req.query.updateLines !== 'false',
        })
        return readSegment(trx, req.params.no)
      }),
  )

  r.delete(
    '/api/segments/:no',
    { schema: { tags, summary: 'Delete a segment with its lines, criteria and history', params: segmentParams } },
    async (req, reply) => {
      const r = await inSegmentAction(db.kysely, (trx) => deleteSegment(trx, db.dialect, req.params.no))
      statistics.afterStep(r.linesRemoved)
      return reply.status(204).send()
    },
  )
}
