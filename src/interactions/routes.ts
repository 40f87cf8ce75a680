import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { patchSchema } from '../api/fields.js'
import { inTransaction } from '../db/transaction.js'
import {
  cancelInteractionLogEntry,
  getInteractionLogEntry,
  listInteractionLogEntries,
  PATCHABLE_FIELDS,
  restoreInteractionLogEntry,
  updateInteractionLogEntry,
} from './interaction-log-entries.js'

const params = z.object({ entryNo: z.coerce.number().int().min(1) })

/** Interaction log entries: list, read, change evaluation / attempt failed / comment, cancel and restore. */
export function registerInteractionRoutes(app: FastifyInstance): void {
  const r = app.withTypeProvider<ZodTypeProvider>()
  const db = app.db
  const tags = ['interactions']

  r.get(
    '/api/interaction-log-entries',
    { schema: { tags, summary: 'List interaction log entries (filter[<field>], sort, limit, offset, total=false)' } },
    async (req) => listInteractionLogEntries(db.kysely, db.dialect, req.query as Record<string, unknown>),
  )

  r.get(
    '/api/interaction-log-entries/:entryNo',
    { schema: { tags, summary: 'Get one interaction log entry', params } },
    async (req) => getInteractionLogEntry(db.kysely, req.params.entryNo),
  )

  r.patch(
    '/api/interaction-log-entries/:entryNo',
    {
      schema: {
        tags,
        summary: 'Change the evaluation, attempt failed or comment of an interaction log entry',
        params,
        body: patchSchema(PATCHABLE_FIELDS),
      },
    },
    async (req) =>
      inTransaction(db.kysely, (trx) =>
        updateInteractionLogEntry(trx, req.params.entryNo, req.body as Record<string, never>),
      ),
  )

  r.post(
    '/api/interaction-log-entries/:entryNo/cancel',
    { schema: { tags, summary: 'Mark an interaction log entry as canceled', params } },
    async (req) => inTransaction(db.kysely, (trx) => cancelInteractionLogEntry(trx, req.params.entryNo)),
  )

  r.post(
    '/api/interaction-log-entries/:entryNo/restore',
    {
      schema: {
        tags,
        summary: 'Remove the canceled mark (refused while its logged segment or campaign entry is canceled)',
        params,
      },
    },
    async (req) => inTransaction(db.kysely, (trx) => restoreInteractionLogEntry(trx, req.params.entryNo)),
  )
}
