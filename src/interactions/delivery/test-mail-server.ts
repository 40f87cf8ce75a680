import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'

/** A received message, decoded enough for tests: headers, recipients, subject, text and HTML parts. */
export interface ReceivedMail {
  envelopeTo: string[]
  from: string
  to: string
  replyTo: string
  subject: string
  text: string
  html: string
  headers: Record<string, string>
}

/** Decodes RFC 2047 encoded words (`=?UTF-8?Q?…?=`, `=?UTF-8?B?…?=`); adjacent words join without space. */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_m, _charset: string, enc: string, data: string) => {
      if (enc.toUpperCase() === 'B') return Buffer.from(data, 'base64').toString('utf8')
      return decodeQp(data.replace(/_/g, ' '))
    })
}

function decodeQp(s: string): string {
  const bytes: number[] = []
  const src = s.replace(/=\r?\n/g, '')
  for (let i = 0; i < src.length; i++) {
    const c = src[i]
    if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(src.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(src.slice(i + 1, i + 3), 16))
      i += 2
    } else bytes.push(...Buffer.from(c, 'utf8'))
  }
  return Buffer.from(bytes).toString('utf8')
}

function splitHeaders(raw: string): { headers: Record<string, string>; body: string } {
  const at = raw.search(/\r?\n\r?\n/)
  const head = at < 0 ? raw : raw.slice(0, at)
  const body = at < 0 ? '' : raw.slice(at).replace(/^\r?\n\r?\n/, '')
  const headers: Record<string, string> = {}
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':')
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim()
  }
  return { headers, body }
}

function decodeBody(headers: Record<string, string>, body: string): string {
  const enc = (headers['content-transfer-encoding'] ?? '').toLowerCase()
  if (enc === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
  if (enc === 'quoted-printable') return decodeQp(body)
  return body
}

/** The text and HTML parts of a (possibly nested) multipart message. */
function parts(headers: Record<string, string>, body: string, out: { text: string; html: string }): void {
  const type = headers['content-type'] ?? 'text/plain'
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1]
  if (/^multipart\//i.test(type) && boundary) {
    for (const chunk of body.split(`--${boundary}`).slice(1)) {
      if (chunk.startsWith('--')) break
      const p = splitHeaders(chunk.replace(/^\r?\n/, ''))
      parts(p.headers, p.body, out)
    }
    return
  }
  const decoded = decodeBody(headers, body).replace(/\r\n/g, '\n').replace(/\n$/, '')
  if (/^text\/html/i.test(type)) out.html = decoded
  else out.text = decoded
}

export function parseMail(raw: string, envelopeTo: string[] = []): ReceivedMail {
  const { headers, body } = splitHeaders(raw)
  const out = { text: '', html: '' }
  parts(headers, body, out)
  return {
    envelopeTo,
    from: decodeWords(headers.from ?? ''),
    to: decodeWords(headers.to ?? ''),
    replyTo: decodeWords(headers['reply-to'] ?? ''),
    subject: decodeWords(headers.subject ?? ''),
    text: out.text,
    html: out.html,
    headers,
  }
}

export interface TestMailServer {
  port: number
  messages: ReceivedMail[]
  /** Recipients the server refuses with 550 (in RCPT TO). */
  refuse: Set<string>
  close(): Promise<void>
}

export interface MailServerOptions {
  /** Waits this long before accepting each message: a slow server, so a delivery run takes a while. */
  delayMs?: number
  /**
   * Called with each message once it is received and before the server accepts it (the sender is still
   * waiting for the answer): a test can kill the sender here, with the message in flight.
   */
  onMessage?: (mail: ReceivedMail, index: number) => void | Promise<void>
}

/** An SMTP server on loopback, without TLS or authentication, that keeps what it receives. */
export async function startMailServer(opts: MailServerOptions = {}): Promise<TestMailServer> {
  const messages: ReceivedMail[] = []
  const refuse = new Set<string>()
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (refuse.has(address.address)) {
        const err = new Error(`Mailbox ${address.address} unavailable`) as Error & { responseCode: number }
        err.responseCode = 550
        return callback(err)
      }
      callback()
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', async () => {
        const to = session.envelope.rcptTo.map((a) => a.address)
        const mail = parseMail(Buffer.concat(chunks).toString('utf8'), to)
        messages.push(mail)
        try {
          if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs))
          await opts.onMessage?.(mail, messages.length - 1)
          callback()
        } catch (e) {
          callback(e as Error)
        }
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const port = ((server as unknown as { server: { address(): AddressInfo } }).server.address() as AddressInfo).port
  return {
    port,
    messages,
    refuse,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
