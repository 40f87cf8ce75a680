import { Readable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { who } from '../../api/auth-plugin.js'
import { codeSchema } from '../../api/fields.js'
import { inTransaction } from '../../db/transaction.js'
import { AppError } from '../../errors.js'
import { deliveries } from '../../interactions/delivery/deliveries.js'
import { requestDelivery } from '../../interactions/delivery/delivery-runs.js'
import { deliveryProgress, prepareResend } from '../../interactions/delivery/delivery-status.js'
import { letterChunks, lettersInfo } from '../../interactions/delivery/letters-pdf.js'
import type { LineStatistics } from '../engine/index.js'
import { inSegmentAction } from '../segment-action.js'
import { applyMailingGroup } from './apply-mailing-group.js'
import { logSegment } from './log-segment.js'
import {
  deleteLoggedSegment,
  followUpLoggedSegment,
  getLoggedSegment,
  listLoggedSegments,
  setLoggedSegmentCanceled,
} from './logged-segments.js'
import { reuseLoggedSegment } from './reuse-logged-segment.js'

const segmentParams = z.object({ no: codeSchema(20) })
const entryParams = z.object({ entryNo: z.coerce.number().int().min(1) })

/**
 * Log a segment, Reuse Segment, Apply Mailing Group; the logged segments with cancel / restore / delete,
 * follow-up, their delivery progress, resend and letters. Sending runs in the background after the commit
 * (`deliveries`); closing the app stops it after the message in hand.
 */
export function registerSegmentLogRoutes(app: FastifyInstance, statistics: LineStatistics): void {
  const r = app.withTypeProvider<ZodTypeProvider>()
  const db = app.db
  const tags = ['segments']
  const logTags = ['logged segments']
  app.addHook('onClose', async () => {
    await deliveries.stop(db.kysely)
  })

  r.post(
    '/api/segments/:no/log',
    {
      schema: {
        tags,
        summary: 'Log the segment: interactions, campaign entries, optional delivery and follow-up segment',
        params: segmentParams,
        body: z.strictObject({
          sendAttachments: z.boolean().optional(),
          createFollowUpSegment: z.boolean().optional(),
          // false: log the e-mails as not sent (for Resend later) instead of sending them; see LogOptions.
          sendEmails: z.boolean().optional(),
        }),
      },
    },
    async (req) => {
      const p = who(req)
      const { linesChanged, ...result } = await inTransaction(db.kysely, async (trx) => {
        const logged = await logSegment(trx, db.dialect, req.params.no, req.body, p)
        // Asked for in the log's transaction: a crash right after the commit still leaves it to resume.
        if (logged.delivery?.status === 'queued') await requestDelivery(trx, logged.loggedSegmentEntryNo)
        return logged
      })
      statistics.afterStep(linesChanged)
      if (result.delivery?.status === 'queued') deliveries.enqueue(db.kysely, result.loggedSegmentEntryNo)
      return result
    },
  )

  r.post(
    '/api/segments/:no/reuse-logged-segment',
    {
      schema: {
        tags,
        summary: 'Add one line per interaction of a logged segment (Reuse Segment)',
        params: segmentParams,
        body: z.strictObject({
          loggedSegmentEntryNo: z.number().int().min(1),
          confirm: z.boolean().optional(),
        }),
      },
    },
    async (req) => {
      const r = await inSegmentAction(db.kysely, (trx) =>
        reuseLoggedSegment(trx, db.dialect, req.params.no, req.body.loggedSegmentEntryNo, who(req), {
          confirm: req.body.confirm,
        }),
      )
      statistics.afterStep(r.linesInserted)
      return r
    },
  )

  r.post(
    '/api/segments/:no/apply-mailing-group',
    {
      schema: {
        tags,
        summary: "Assign a mailing group to the segment's contacts",
        params: segmentParams,
        body: z.strictObject({
          mailingGroupCode: codeSchema(10).optional(),
          deleteOldAssignments: z.boolean().optional(),
        }),
      },
    },
    async (req) =>
      inTransaction(db.kysely, (trx) =>
        applyMailingGroup(trx, db.dialect, req.params.no, req.body.mailingGroupCode, !!req.body.deleteOldAssignments),
      ),
  )

  r.get('/api/logged-segments', { schema: { tags: logTags, summary: 'List logged segments' } }, async (req) =>
    listLoggedSegments(db.kysely, db.dialect, req.query as Record<string, unknown>),
  )

  r.get(
    '/api/logged-segments/:entryNo',
    { schema: { tags: logTags, summary: 'Get one logged segment', params: entryParams } },
    async (req) => getLoggedSegment(db.kysely, req.params.entryNo),
  )

  for (const [action, canceled] of [
    ['cancel', true],
    ['restore', false],
  ] as const)
    r.post(
      `/api/logged-segments/:entryNo/${action}`,
      {
        schema: {
          tags: logTags,
          summary: `${canceled ? 'Cancel' : 'Restore'} a logged segment with its interactions and campaign entries`,
          params: entryParams,
        },
      },
      async (req) => inTransaction(db.kysely, (trx) => setLoggedSegmentCanceled(trx, req.params.entryNo, canceled)),
    )

  r.post(
    '/api/logged-segments/:entryNo/follow-up',
    {
      schema: {
        tags: logTags,
        summary: 'Create a follow-up segment with the contacts of a logged segment',
        params: entryParams,
      },
    },
    async (req) =>
      inTransaction(db.kysely, (trx) => followUpLoggedSegment(trx, db.dialect, req.params.entryNo, who(req))),
  )

  r.post(
    '/api/logged-segments/:entryNo/resend',
    {
      schema: {
        tags: logTags,
        summary: 'Send again the deliveries that failed (or that a stopped run left In Progress)',
        params: entryParams,
      },
    },
    async (req) => {
      const out = await inTransaction(db.kysely, (trx) => prepareResend(trx, req.params.entryNo))
      deliveries.enqueue(db.kysely, req.params.entryNo)
      return out
    },
  )

  r.get(
    '/api/logged-segments/:entryNo/delivery',
    {
      schema: {
        tags: logTags,
        summary: 'Delivery progress: {total, sent, failed, inProgress, maybeSentTwice}, counted from the entries',
        params: entryParams,
      },
    },
    async (req) => deliveryProgress(db.kysely, req.params.entryNo),
  )

  r.get(
    '/api/logged-segments/:entryNo/letters.pdf',
    { schema: { tags: logTags, summary: 'The printable letters of the Hard Copy entries (PDF)', params: entryParams } },
    async (req, reply) => {
      const { entryNo } = req.params
      const ls = await getLoggedSegment(db.kysely, entryNo)
      const info = await lettersInfo(db.kysely, entryNo)
      if (!info) throw new AppError('NOT_FOUND', `Logged segment ${entryNo} has no letters.`)
      const name = `letters-${ls.segmentNo || 'segment'}-${entryNo}.pdf`.replace(/[^A-Za-z0-9._-]/g, '_')
      reply
        .type('application/pdf')
        .header('content-length', String(info.bytes))
        .header('content-disposition', `attachment; filename="${name}"`)
      return reply.send(Readable.from(letterChunks(db.kysely, entryNo)))
    },
  )

  r.delete(
    '/api/logged-segments/:entryNo',
    {
      schema: {
        tags: logTags,
        summary: 'Delete a canceled logged segment; its interactions and campaign entries are kept, unlinked',
        params: entryParams,
      },
    },
    async (req, reply) => {
      await inTransaction(db.kysely, (trx) => deleteLoggedSegment(trx, req.params.entryNo))
      return reply.status(204).send()
    },
  )
}
