import nodemailer, { type Transporter } from 'nodemailer'
import type { Tx } from '../../db/transaction.js'

/**
 * Where e-mails go: the SMTP settings of the marketing setup (`smtp_host` set) or, without them, the
 * environment: `SEGMENTA_SMTP_URL` (`smtp://user:pass@host:587`, `smtps://…` for TLS from the start) and
 * `SEGMENTA_SMTP_FROM`. The sender is the configured From address, else the salesperson's e-mail.
 */
export interface MailSettings {
  transport: { host: string; port: number; secure: boolean; user: string; password: string } | { url: string }
  from: string
}

export async function mailSettings(db: Tx, env: NodeJS.ProcessEnv = process.env): Promise<MailSettings | undefined> {
  const s = await db
    .selectFrom('marketing_setup')
    .select(['smtp_host', 'smtp_port', 'smtp_secure', 'smtp_user', 'smtp_password', 'smtp_from'])
    .where('id', '=', 1)
    .executeTakeFirst()
  const from = s?.smtp_from || env.SEGMENTA_SMTP_FROM || ''
  if (s?.smtp_host) {
    const secure = s.smtp_secure === 1
    return {
      transport: {
        host: s.smtp_host,
        port: Number(s.smtp_port) || (secure ? 465 : 587),
        secure,
        user: s.smtp_user,
        password: s.smtp_password,
      },
      from,
    }
  }
  if (env.SEGMENTA_SMTP_URL) return { transport: { url: env.SEGMENTA_SMTP_URL }, from }
  return undefined
}

/** Says how to set up e-mail when neither the setup nor the environment names a server. */
export const NO_SMTP =
  'No SMTP server is set up for sending e-mails. Fill in the SMTP fields of the marketing setup, or set SEGMENTA_SMTP_URL.'

/**
 * One pooled connection, reused for the messages of one delivery run (one message after the other), with
 * timeouts so a silent server fails the message instead of hanging the run.
 */
export function createTransport(settings: MailSettings): Transporter {
  const timeouts = { connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 60_000 }
  const t = settings.transport
  if ('url' in t) {
    const url = new URL(t.url)
    return nodemailer.createTransport({
      host: url.hostname,
      port: Number(url.port) || (url.protocol === 'smtps:' ? 465 : 587),
      secure: url.protocol === 'smtps:',
      ...(url.username
        ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }
        : {}),
      pool: true,
      maxConnections: 1,
      ...timeouts,
    })
  }
  return nodemailer.createTransport({
    host: t.host,
    port: t.port,
    secure: t.secure,
    ...(t.user ? { auth: { user: t.user, pass: t.password } } : {}),
    pool: true,
    maxConnections: 1,
    ...timeouts,
  })
}
