import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { type Field, int, text } from '../api/fields.js'
import { parseListQuery, runList } from '../api/list-query.js'
import type { Tx } from '../db/transaction.js'
import { actionName, detailJson, targetOf } from './audit-detail.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Whether calls of the route go to the audit log; default: writes, exports and sign-ins (see `audited`). */
    audit?: boolean
  }
  interface FastifyRequest {
    /** The audit row written before the action ran. */
    auditId?: number
  }
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
/** POST routes that only read (a preview writes nothing) and so are not actions to audit. */
const READ_ONLY_POSTS = new Set(['/api/segments/:no/preview'])
const LOGIN = '/api/auth/login'

/**
 * Whether a request is audited: every write (POST/PUT/PATCH/DELETE) under /api but the read-only POSTs, every
 * download of data (`…/export`, `….pdf`), and sign-in; a route may say otherwise with `config.audit`.
 */
export function audited(req: FastifyRequest): boolean {
  const url = req.routeOptions.url
  if (!url?.startsWith('/api/')) return false
  const declared = req.routeOptions.config?.audit
  if (declared !== undefined) return declared
  if (WRITES.has(req.method)) return !READ_ONLY_POSTS.has(url)
  return req.method === 'GET' && (url.endsWith('/export') || url.endsWith('.pdf'))
}

/** The user an audit row is about: the caller, or for a sign-in the name it tried. */
function usernameOf(req: FastifyRequest): string {
  if (req.principal) return req.principal.username
  if (req.routeOptions.url === LOGIN) {
    const name = (req.body as { username?: unknown } | undefined)?.username
    if (typeof name === 'string') return name.trim().slice(0, 50)
  }
  return ''
}

/** What the log keeps of the request: the JSON body, or for an upload its type and size; for a download its query. */
function requestPart(req: FastifyRequest): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const body = req.body
  if (body !== undefined && body !== null) {
    if (typeof body === 'object' && (Array.isArray(body) || Object.getPrototypeOf(body) === Object.prototype))
      out.body = body
    else out.upload = { type: req.headers['content-type'] ?? '', bytes: Number(req.headers['content-length'] ?? 0) }
  }
  const query = req.query as Record<string, unknown> | undefined
  if (query && Object.keys(query).length) out.query = query
  return out
}

/**
 * Installs the audit log: who did what and when, for every sign-in, write, segment action and export.
 *
 * Write-ahead: before the handler runs (after authentication and validation), a row with status 0 is
 * committed on its own; after the answer it is completed with the status, the record acted on and a summary
 * of the answer, before the answer is sent. So a committed action can never be missing from the log — if the
 * server dies between the action's commit and the answer, its row stays with status 0 ("no answer"), and the
 * data shows whether it took effect. If the row cannot be written the action is refused (500), never run unaudited. Requests refused
 * before the handler (401/403 of a known caller, 400, 413) get one complete row afterwards. Anonymous requests
 * other than sign-in are not logged, nor sign-ins the rate limit refused, so nobody can fill the log.
 */
export function installAudit(app: FastifyInstance): void {
  const urls = new Set<string>()
  app.addHook('onRoute', (route) => {
    urls.add(route.url)
  })
  // A POST path is a collection when an item route lies below it (`/api/contacts` → `/api/contacts/:no`).
  const isCollection = (url: string) => [...urls].some((u) => u.startsWith(`${url}/:`))
  const db = () => app.db.kysely

  app.addHook('preHandler', async (req) => {
    if (!audited(req)) return
    const row = await db()
      .insertInto('audit_log')
      .values({
        at: new Date().toISOString(),
        username: usernameOf(req),
        action: actionName(req.method, req.routeOptions.url ?? '', isCollection),
        method: req.method,
        path: req.url.slice(0, 2000),
        status: 0,
        target: targetOf(req.params, undefined),
        detail: detailJson(requestPart(req)),
        ip: req.ip ?? '',
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    req.auditId = Number(row.id)
  })

  // Completed before the answer leaves (onSend, not onResponse), so a client that sees the answer finds the row
  // complete; a download's row is completed when its first bytes go out.
  app.addHook('onSend', async (req, reply, payload) => {
    if (req.auditId === undefined && !audited(req)) return payload
    let answer: Record<string, unknown> | undefined
    if (typeof payload === 'string' && payload.length <= 100_000) {
      try {
        answer = JSON.parse(payload)
      } catch {
        // Not JSON: nothing to keep.
      }
    }
    const status = reply.statusCode
    const outcome =
      status >= 400
        ? { error: answer?.code, message: answer?.detail }
        : { answer: Array.isArray(answer) || (answer && 'items' in answer) ? undefined : answer }
    const detail = detailJson({ ...requestPart(req), ...outcome })
    const target = targetOf(req.params, status < 400 ? answer : undefined)
    try {
      if (req.auditId !== undefined) {
        await db().updateTable('audit_log').set({ status, target, detail }).where('id', '=', req.auditId).execute()
      } else if (req.principal || (req.routeOptions.url === LOGIN && status !== 429)) {
        // Sign-ins the rate limit refused are not recorded: at most its quota per address reaches the log.
        await db()
          .insertInto('audit_log')
          .values({
            at: new Date().toISOString(),
            username: usernameOf(req),
            action: actionName(req.method, req.routeOptions.url ?? '', isCollection),
            method: req.method,
            path: req.url.slice(0, 2000),
            status,
            target,
            detail,
            ip: req.ip ?? '',
          })
          .execute()
      }
    } catch (e) {
      // The action has run (or was refused); its row keeps status 0 and the server log says why.
      req.log.error({ err: e }, 'audit log: could not complete the row')
    }
    return payload
  })

  registerAuditRoutes(app)
}

export const AUDIT_FIELDS: Field[] = [
  int('id', 'id', { readOnly: true }),
  text('at', 'at', 30, { readOnly: true }),
  text('username', 'username', 50, { readOnly: true }),
  text('action', 'action', 100, { readOnly: true }),
  text('method', 'method', 10, { readOnly: true }),
  text('path', 'path', 2000, { readOnly: true }),
  int('status', 'status', { readOnly: true }),
  text('target', 'target', 200, { readOnly: true }),
  text('detail', 'detail', 4000, { readOnly: true }),
  text('ip', 'ip', 64, { readOnly: true }),
]

export interface AuditEntry {
  id: number
  at: string
  username: string
  action: string
  method: string
  path: string
  /** The answer's HTTP status; 0 while the action runs or when the server stopped before answering. */
  status: number
  target: string
  detail: Record<string, unknown>
  ip: string
}

function toEntry(row: Record<string, unknown>): AuditEntry {
  let detail: Record<string, unknown> = {}
  try {
    detail = JSON.parse(String(row.detail ?? '{}'))
  } catch {}
  return {
    id: Number(row.id),
    at: String(row.at),
    username: String(row.username),
    action: String(row.action),
    method: String(row.method),
    path: String(row.path),
    status: Number(row.status),
    target: String(row.target),
    detail,
    ip: String(row.ip),
  }
}

/** Reads the audit log (newest first unless sorted otherwise). */
export function auditLogQuery(db: Tx) {
  return db.selectFrom('audit_log as t').selectAll('t')
}

function registerAuditRoutes(app: FastifyInstance): void {
  const r = app.withTypeProvider<ZodTypeProvider>()
  r.get(
    '/api/audit-log',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['auth'],
        summary:
          'The audit log: sign-ins, every write, segment action and export, newest first; filter like every list',
      },
    },
    async (req) => {
      const p = parseListQuery(req.query as Record<string, unknown>, AUDIT_FIELDS, {
        dialect: app.db.dialect,
        alias: 't',
        defaultSort: ['-id'],
      })
      return runList(auditLogQuery(app.db.kysely), p, toEntry)
    },
  )
}
