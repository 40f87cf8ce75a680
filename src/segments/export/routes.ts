import { PassThrough } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { getSegment } from '../engine/index.js'
import { segmentParams } from '../header/routes.js'
import { CONTENT_TYPES, EXPORT_FORMATS, exportFileName, writeSegmentExport } from './write-segment-export.js'

export function registerSegmentExportRoutes(app: FastifyInstance): void {
  const r = app.withTypeProvider<ZodTypeProvider>()
  const db = app.db
  r.get(
    '/api/segments/:no/export',
    {
      schema: {
        tags: ['segments'],
        summary: "Download the segment's contacts as CSV or XLSX (streamed)",
        params: segmentParams,
        querystring: z.strictObject({ format: z.enum(EXPORT_FORMATS).default('csv') }),
      },
    },
    async (req, reply) => {
      const { no } = req.params
      const format = req.query.format
      await getSegment(db.kysely, no) // 404 before the first byte
      const body = new PassThrough()
      writeSegmentExport(db.kysely, no, format, body).catch((err) => {
        req.log.error(err)
        body.destroy(err)
      })
      return reply
        .header('content-type', CONTENT_TYPES[format])
        .header('content-disposition', `attachment; filename="${exportFileName(no, format)}"`)
        .send(body)
    },
  )
}
