import { createWriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { parseListQuery } from '../../api/list-query.js'
import { AppError, validationFailed } from '../../errors.js'
import { CONTACT_FIELDS } from '../contact-fields.js'
import { EXPORT_CONTENT_TYPES, type ExportFormat, exportContacts } from './export-contacts.js'
import { type ImportFormat, type ImportResult, runContactImport } from './import-contacts.js'
import { importLimits } from './import-limits.js'

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
/** Largest import file accepted over HTTP (a full export of a million contacts is about 200 MB of CSV). */
export const IMPORT_MAX_BYTES = 512 * 1024 * 1024

/** Passes bytes through, failing with 413 past `max`. */
function byteLimit(max: number): Transform {
  let seen = 0
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length
      if (seen > max) done(new AppError('PAYLOAD_TOO_LARGE', `The file is larger than ${max / 1024 / 1024} MB.`))
      else done(null, chunk)
    },
  })
}

/**
 * Copies the request body to a temporary file before the import starts, so the import's transaction (on
 * SQLite: the database's write lock) is held while the database works, not while a slow client uploads.
 */
async function spool<T>(body: Readable, fn: (file: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'segmenta-import-'))
  try {
    const file = join(dir, 'upload')
    await pipeline(body, byteLimit(IMPORT_MAX_BYTES), createWriteStream(file))
    return await fn(file)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

function importFormat(req: FastifyRequest): ImportFormat {
  return (req.headers['content-type'] ?? '').startsWith(XLSX_TYPE) ? 'xlsx' : 'csv'
}

/**
 * `POST /api/contacts/import` and `GET /api/contacts/export` (API.md "Bulk"). Registered in an
 * encapsulated plugin so the `text/csv` and XLSX body parsers (raw streams) exist for these routes only.
 * Both paths are static, so they win over `/api/contacts/:no` whatever the order of registration.
 */
export function registerContactImportExportRoutes(app: FastifyInstance): void {
  // A mistyped SEGMENTA_IMPORT_* stops the server at start rather than failing each import with a 500.
  importLimits()
  app.register(async (scope) => {
    const passStream = (_req: FastifyRequest, payload: Readable, done: (err: Error | null, body?: unknown) => void) =>
      done(null, payload)
    scope.addContentTypeParser(['text/csv', 'application/csv', XLSX_TYPE], passStream)

    scope.post(
      '/api/contacts/import',
      {
        schema: {
          tags: ['contacts'],
          summary: 'Import contacts from CSV (text/csv) or XLSX: rows with an existing no update it, others insert',
          consumes: ['text/csv', XLSX_TYPE],
        },
      },
      async (req): Promise<ImportResult> => {
        const body = req.body
        const input =
          body instanceof Readable ? body : typeof body === 'string' ? Readable.from([Buffer.from(body)]) : undefined
        if (!input) throw validationFailed([{ path: 'body', message: `send the file as text/csv or ${XLSX_TYPE}` }])
        const ctx = { dialect: app.db.dialect, userSalespersonCode: req.principal?.salespersonCode }
        return spool(input, (file) => runContactImport(app.db.kysely, file, importFormat(req), ctx))
      },
    )

    scope.get(
      '/api/contacts/export',
      {
        schema: {
          tags: ['contacts'],
          summary: 'Export contacts (the list filters apply) as CSV or XLSX, in No. order; re-imports unchanged',
        },
      },
      async (req, reply) => {
        const query = req.query as Record<string, unknown>
        const format = (query.format ?? 'csv') as ExportFormat
        if (format !== 'csv' && format !== 'xlsx')
          throw validationFailed([{ path: 'format', message: "must be 'csv' or 'xlsx'" }])
        // limit, offset and sort are accepted (they are list parameters) but an export is every match by No.
        const p = parseListQuery(query, CONTACT_FIELDS, { dialect: app.db.dialect, alias: 'c', defaultSort: ['no'] })
        return reply
          .header('content-type', EXPORT_CONTENT_TYPES[format])
          .header('content-disposition', `attachment; filename="contacts.${format}"`)
          .send(exportContacts(app.db.kysely, p, format))
      },
    )
  })
}
