import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { code, type Field, text, toApi } from '../../api/fields.js'
import { parseListQuery, runList } from '../../api/list-query.js'
import { SEGMENT_LINE_FIELDS } from './line-fields.js'

/** A line seen from outside its segment: which segments a contact is in (the contact card's tab). */
const ALL_LINE_FIELDS: Field[] = [
  code('segmentNo', 'segment_no', 20),
  text('segmentDescription', 'segment_description', 100, { readOnly: true, sqlRef: 'h.description' }),
  ...SEGMENT_LINE_FIELDS.filter((f) => !f.noFilter),
]

export function registerAllSegmentLinesRoute(app: FastifyInstance): void {
  const r = app.withTypeProvider<ZodTypeProvider>()
  r.get(
    '/api/segment-lines',
    {
      schema: {
        tags: ['segments'],
        summary: 'Lines of every open segment, e.g. filter[contactNo]=CT000012 for the segments a contact is in',
      },
    },
    async (req) => {
      const p = parseListQuery(req.query as Record<string, unknown>, ALL_LINE_FIELDS, {
        dialect: app.db.dialect,
        alias: 'l',
        defaultSort: ['segmentNo', 'lineNo'],
      })
      const qb = app.db.kysely
        .selectFrom('segment_lines as l')
        .innerJoin('segment_headers as h', 'h.no', 'l.segment_no')
        .selectAll('l')
        .select('h.description as segment_description')
      return runList(qb, p, (row) => toApi(ALL_LINE_FIELDS, row))
    },
  )
}
