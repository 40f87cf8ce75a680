import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Tx } from '../db/transaction.js'
import { ruleViolation } from '../errors.js'
import { createTransport, mailSettings, NO_SMTP } from '../interactions/delivery/mail-transport.js'

/** Whether e-mails can go out: the setup names an SMTP host or the environment an SMTP URL. */
export async function mailServerConfigured(db: Tx): Promise<boolean> {
  return (await mailSettings(db)) !== undefined
}

/** Whether the setup holds an SMTP password (the password itself is write-only): for admins only. */
export async function smtpPasswordSet(db: Tx): Promise<boolean> {
  const row = await db.selectFrom('marketing_setup').select('smtp_password').where('id', '=', 1).executeTakeFirst()
  return !!row?.smtp_password
}

export interface TestEmailResult {
  accepted: string[]
  /** The server's answer to the message, e.g. `250 OK: message queued`. */
  response: string
}

export const TEST_EMAIL_SUBJECT = 'Segmenta test e-mail'

/**
 * Sends one short message through the mail server that delivery would use (setup, else environment), so
 * an admin sees the server's own answer. Without a From address it is sent from the recipient, since a
 * test has no salesperson to take the sender from. A refusal or a connection failure is a rule violation
 * carrying the server's (or the network's) message: the setup is what is wrong, not the request.
 */
export async function sendTestEmail(db: Tx, to: string): Promise<TestEmailResult> {
  const settings = await mailSettings(db)
  if (!settings) throw ruleViolation(NO_SMTP)
  const transport = createTransport(settings)
  try {
    const info = await transport.sendMail({
      from: settings.from || to,
      to,
      subject: TEST_EMAIL_SUBJECT,
      text: 'This message was sent from the Marketing Setup of Segmenta to check the mail server settings.',
    })
    return { accepted: info.accepted.map(String), response: String(info.response ?? '') }
  } catch (e) {
    const err = e as { response?: string; message?: string }
    throw ruleViolation(`The mail server did not accept the test e-mail: ${err.response || err.message || String(e)}`)
  } finally {
    transport.close()
  }
}

export function registerTestEmailRoute(app: FastifyInstance): void {
  const r = app.withTypeProvider<ZodTypeProvider>()
  r.post(
    '/api/setup/marketing/test-email',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['setup'],
        summary: 'Send a test e-mail through the configured mail server and answer what the server said',
        body: z.strictObject({ to: z.email().max(200) }),
        response: {
          200: z.object({ accepted: z.array(z.string()), response: z.string() }),
        },
      },
    },
    async (req) => sendTestEmail(app.db.kysely, req.body.to),
  )
}
