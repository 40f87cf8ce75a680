import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { code, type Field, text, toApi } from '../../api/fields.js'
import { type AnySelect, parseListQuery, runList } from '../../api/list-query.js'
import { SEGMENT_LINE_FIELDS } from './line-fields.js'
import { byContactName, linesWithNames, withNames } from './line-service.js'

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
        alias: 't',
        defaultSort: ['segmentNo', 'lineNo'],
      })
      // The names are joined to the page's rows only, unless the list filters or sorts on them (then below the
      // page, as a segment's lines list does); the segment's description comes with the header join.
      const db = app.db.kysely
      const query = req.query as Record<string, unknown>
      const byName = byContactName(p, query)
      const lines = byName ? linesWithNames(db) : db.selectFrom('segment_lines as t').selectAll('t')
      const qb = (lines as AnySelect)
        .innerJoin('segment_headers as h', 'h.no', 't.segment_no')
        .select('h.description as segment_description')
      return runList(
        qb,
        p,
        (row) => toApi(ALL_LINE_FIELDS, row),
        byName ? {} : { around: (rows) => withNames(db, rows) },
      )
    },
  )
}
