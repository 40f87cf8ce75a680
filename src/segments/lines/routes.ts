import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { who } from '../../api/auth-plugin.js'
import { codeSchema, createSchema, patchSchema } from '../../api/fields.js'
import { getSegment } from '../engine/index.js'
import { inSegmentAction } from '../segment-action.js'
import { SEGMENT_LINE_FIELDS, TIME_OF_INTERACTION } from './line-fields.js'
import { addLine, deleteLine, getLine, listLines, updateLine } from './line-service.js'

const time = z.string().regex(TIME_OF_INTERACTION, 'must be a time HH:MM or HH:MM:SS').optional()
const createBody = createSchema(
  SEGMENT_LINE_FIELDS.map((f) => (f.name === 'contactNo' ? { ...f, required: true } : f)),
).extend({ lineNo: z.number().int().positive().optional(), timeOfInteraction: time })
const updateBody = patchSchema(SEGMENT_LINE_FIELDS, ['lineNo']).extend({ timeOfInteraction: time })

const segParams = z.object({ no: codeSchema(20, { required: true }) })
const lineParams = segParams.extend({ lineNo: z.coerce.number().int().nonnegative() })

/** Segment lines: list, read, add by hand, change, delete (recorded as criteria actions, spec §6.2). */
export function registerSegmentLineRoutes(app: FastifyInstance): void {
  const r = app.withTypeProvider<ZodTypeProvider>()
  const { kysely: db, dialect } = app.db
  const tags = ['segments']

  r.get(
    '/api/segments/:no/lines',
    { schema: { tags, summary: 'The lines of a segment (filter[field], sort, limit, offset)', params: segParams } },
    async (req) => listLines(db, dialect, req.params.no, req.query as Record<string, unknown>),
  )

  r.get(
    '/api/segments/:no/lines/:lineNo',
    { schema: { tags, summary: 'One segment line', params: lineParams } },
    async (req) => {
      await getSegment(db, req.params.no)
      return getLine(db, req.params.no, req.params.lineNo)
    },
  )

  r.post(
    '/api/segments/:no/lines',
    {
      schema: {
        tags,
        summary: 'Add a line by hand: filled from the header and the contact, recorded as an Add Contacts action',
        params: segParams,
        body: createBody,
      },
    },
    async (req, reply) => {
      const line = await inSegmentAction(db, (trx) =>
        addLine(trx, dialect, req.params.no, req.body as Record<string, unknown> & { contactNo: string }, who(req)),
      )
      return reply.status(201).send(line)
    },
  )

  r.patch(
    '/api/segments/:no/lines/:lineNo',
    {
      schema: {
        tags,
        summary: 'Change a line; a new contact no. is recorded as Reduce (old) + Add (new)',
        params: lineParams,
        body: updateBody,
      },
    },
    async (req) =>
      inSegmentAction(db, (trx) =>
        updateLine(trx, dialect, req.params.no, req.params.lineNo, req.body as Record<string, unknown>, who(req)),
      ),
  )

  r.delete(
    '/api/segments/:no/lines/:lineNo',
    {
      schema: {
        tags,
        summary: 'Delete a line (recorded as Reduce); resetCriteria answers BC’s "segment is now empty" question',
        params: lineParams,
        querystring: z.strictObject({ resetCriteria: z.enum(['true', 'false']).optional() }),
      },
    },
    async (req, reply) => {
      const q = (req.query as { resetCriteria?: 'true' | 'false' }).resetCriteria
      await inSegmentAction(db, (trx) =>
        deleteLine(
          trx,
          dialect,
          req.params.no,
          req.params.lineNo,
          q === undefined ? undefined : q === 'true',
          who(req),
        ),
      )
      return reply.status(204).send()
    },
  )
}
