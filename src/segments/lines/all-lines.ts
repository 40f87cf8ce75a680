import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { code, type Field, text, toApi } from '../../api/fields.js'
import { parseListQuery, runList } from '../../api/list-query.js'
import { SEGMENT_LINE_FIELDS } from './line-fields.js'
import { NAMES } from './line-service.js'

/** A line seen from outside its segment: which segments a contact is in (the contact card's tab). */
const ALL_LINE_FIELDS: Field[] = [
  code('segmentNo', 'segment_no', 20),
  text('segmentDescription', 'segment_description', 100, { readOnly: true }),
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
        alias: 't',
        defaultSort: ['segmentNo', 'lineNo'],
      })
      // A derived table, so that the segment's description and the contact's names filter and sort like the
      // line's own fields; both engines merge it into the outer query (the joins are on primary keys).
      const db = app.db.kysely
      const lines = db
        .selectFrom('segment_lines as l')
        .innerJoin('segment_headers as h', 'h.no', 'l.segment_no')
        .leftJoin('contacts as c', 'c.no', 'l.contact_no')
        .leftJoin('contacts as k', 'k.no', 'l.contact_company_no')
        .selectAll('l')
        .select('h.description as segment_description')
        .select(NAMES)
      return runList(db.selectFrom(lines.as('t')).selectAll('t'), p, (row) => toApi(ALL_LINE_FIELDS, row))
    },
  )
}
