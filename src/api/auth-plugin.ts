import { randomBytes } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import { deleteSession, digest, type Principal, type Role, roleAllows, SESSION_HOURS } from '../auth/credentials.js'
import { hashPassword, verifyPassword } from '../auth/passwords.js'
import {
  forgetQuietCounts,
  recordSuccess,
  reserveAddress,
  reserveSignIn,
  unlockName,
} from '../auth/sign-in-throttle.js'
import type { DB } from '../db/schema.js'
import { AppError, forbidden, notFound, unauthenticated } from '../errors.js'

export const SESSION_COOKIE = 'segmenta_session'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route; default: viewer for GET/HEAD, marketer for writes. */
    role?: Role | 'public'
  }
  interface FastifyRequest {
    principal?: Principal
  }
}

/** The caller, for routes behind the auth hook (every route not marked `role: 'public'`). */
export function who(req: FastifyRequest): Principal {
  if (!req.principal) throw unauthenticated()
  return req.principal
}

export interface SecurityOptions {
  /**
   * Sign-in attempts allowed per client address and minute, counted in the database across servers (default
   * 20; `SEGMENTA_LOGIN_RATE`). The per-name back-off is in src/auth/sign-in-throttle.ts.
   */
  loginAttemptsPerMinute?: number
  /**
   * Origins (`https://crm.example.com`) besides the server's own that may send writes with the session cookie,
   * e.g. behind a proxy that rewrites Host (default: `SEGMENTA_ALLOWED_ORIGINS`, comma-separated).
   */
  allowedOrigins?: string[]
}

/** The answers to a refused sign-in: the same for every name, existing or not. */
export const WRONG = 'The user name or password is wrong.'
export const THROTTLED = 'Too many failed sign-ins. Try again later.'
/** A session older than this gets a new id on its next request (the old one lives on for ROTATE_GRACE_MS). */
export const ROTATE_AFTER_MS = 15 * 60_000
/** How long a rotated-out session id keeps working, for requests the browser sent before it saw the new one. */
export const ROTATE_GRACE_MS = 60_000
/** `last_used_at` of a token is written at most this often (a write per read would make every GET a write). */
const TOKEN_TOUCH_MS = 60_000

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * CSRF defence for cookie sessions, on top of SameSite=Strict: a state-changing request that a browser sends
 * carries an Origin (or at least a Referer); it must be this server or an allowed origin. A request with
 * neither does not come from a browser page, so it cannot be a cross-site forgery.
 */
export function sameOrigin(req: FastifyRequest, allowed: readonly string[]): boolean {
  let origin = req.headers.origin
  if (origin === undefined && typeof req.headers.referer === 'string') {
    try {
      origin = new URL(req.headers.referer).origin
    } catch {
      return false
    }
  }
  if (origin === undefined) return true
  if (allowed.includes(origin)) return true
  try {
    const url = new URL(origin)
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host === req.headers.host
  } catch {
    // 'null' (sandboxed frames, file: pages) and garbage.
    return false
  }
}

interface SessionRow {
  username: string
  full_name: string
  role: string
  salesperson_code: string
  created_at: string
  expires_at: string
}

function principalOf(row: { username: string; full_name: string; role: string; salesperson_code: string }): Principal {
  return {
    username: row.username,
    fullName: row.full_name,
    role: row.role as Role,
    salespersonCode: row.salesperson_code,
  }
}

function setSessionCookie(req: FastifyRequest, reply: FastifyReply, secret: string): void {
  reply.setCookie(SESSION_COOKIE, secret, {
    httpOnly: true,
    sameSite: 'strict',
    path: '/',
    secure: req.protocol === 'https',
  })
}

async function insertSession(db: Kysely<DB>, username: string, expiresAt: string): Promise<string> {
  const secret = randomBytes(32).toString('base64url')
  await db
    .insertInto('sessions')
    .values({ id_hash: digest(secret), username, expires_at: expiresAt })
    .execute()
  return secret
}

/**
 * The session of a cookie, rotated when it is older than ROTATE_AFTER_MS: a new id with the same absolute
 * expiry (12 h after sign-in) replaces it, and the old id stops working after a short grace. A stolen cookie
 * therefore stops working soon after its owner's next request (or the thief's request locks the owner out,
 * which shows). Only the request that shortens the old id's life creates the new one.
 */
async function sessionPrincipal(
  db: Kysely<DB>,
  secret: string,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<Principal | undefined> {
  const hash = digest(secret)
  const row = (await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.username', 's.username')
    .select(['u.username', 'u.full_name', 'u.role', 'u.salesperson_code', 's.created_at', 's.expires_at'])
    .where('s.id_hash', '=', hash)
    .executeTakeFirst()) as SessionRow | undefined
  if (!row) return undefined
  const now = Date.now()
  const expires = new Date(row.expires_at).getTime()
  if (expires <= now) {
    await db.deleteFrom('sessions').where('id_hash', '=', hash).execute()
    return undefined
  }
  if (now - new Date(row.created_at).getTime() > ROTATE_AFTER_MS && expires > now + ROTATE_GRACE_MS) {
    const grace = new Date(now + ROTATE_GRACE_MS).toISOString()
    // Only a session nobody has rotated yet: a rotated one ends within the grace of its rotating request's
    // clock, which may be ahead of this one's (concurrent requests read the clock in either order), so the
    // test leaves a second grace of room rather than comparing with this request's own `grace`.
    const res = await db
      .updateTable('sessions')
      .set({ expires_at: grace })
      .where('id_hash', '=', hash)
      .where('expires_at', '>', new Date(now + 2 * ROTATE_GRACE_MS).toISOString())
      .executeTakeFirst()
    if (Number(res.numUpdatedRows)) {
      const fresh = await insertSession(db, row.username, new Date(expires).toISOString())
      setSessionCookie(req, reply, fresh)
    }
  }
  return principalOf(row)
}

/** The user of a live session, read only: no rotation, no new cookie (for a request that is being refused). */
async function sessionOwner(db: Kysely<DB>, secret: string): Promise<Principal | undefined> {
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.username', 's.username')
    .select(['u.username', 'u.full_name', 'u.role', 'u.salesperson_code'])
    .where('s.id_hash', '=', digest(secret))
    .where('s.expires_at', '>', new Date().toISOString())
    .executeTakeFirst()
  return row ? principalOf(row) : undefined
}

async function tokenPrincipal(db: Kysely<DB>, token: string): Promise<Principal | undefined> {
  const row = await db
    .selectFrom('api_tokens as t')
    .innerJoin('users as u', 'u.username', 't.username')
    .select(['t.id', 't.last_used_at', 'u.username', 'u.full_name', 'u.role', 'u.salesperson_code'])
    .where('t.token_hash', '=', digest(token))
    .executeTakeFirst()
  if (!row) return undefined
  const now = Date.now()
  if (!row.last_used_at || now - new Date(row.last_used_at).getTime() > TOKEN_TOUCH_MS)
    await db
      .updateTable('api_tokens')
      .set({ last_used_at: new Date(now).toISOString() })
      .where('id', '=', row.id)
      .execute()
  return principalOf(row)
}

/** A hash to verify against when the user does not exist, so a sign-in takes as long either way. */
let decoyHash: Promise<string> | undefined

/** Checks a request's credentials and that its caller has `need`; sets `req.principal` (401 or 403 otherwise). */
export type RequireCaller = (req: FastifyRequest, reply: FastifyReply, need: Role) => Promise<void>

/**
 * The role a route needs when its config names none: viewer for reads, marketer for writes; and a request that
 * matches no route needs a signed-in caller of any role before it is told there is nothing there.
 */
function defaultRole(req: FastifyRequest): Role {
  if (req.is404 || req.method === 'GET' || req.method === 'HEAD') return 'viewer'
  return 'marketer'
}

/**
 * Installs authentication, CSRF and role checks on every route, and the login/logout routes. Returns the
 * credential check, for the not-found handler (which runs without the route hooks when a public file route
 * finds no file).
 *
 * Every decision is made on the route the router matched (`req.routeOptions`), never on the URL: the router
 * percent-decodes the path, so `/%61pi/users` is `/api/users`, and a test of the raw URL is walked around.
 * Deny by default: only a route whose config says `role: 'public'` (health, sign-in, the web app's files)
 * needs no credentials; every other route, and a request that matches no route, needs them.
 */
export function installAuth(app: FastifyInstance, opts: SecurityOptions = {}): RequireCaller {
  const allowedOrigins =
    opts.allowedOrigins ??
    (process.env.SEGMENTA_ALLOWED_ORIGINS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
  const loginRate = opts.loginAttemptsPerMinute ?? (Number(process.env.SEGMENTA_LOGIN_RATE) || 20)

  const requireCaller: RequireCaller = async (req, reply, need) => {
    const db = app.db.kysely
    const auth = req.headers.authorization
    let principal: Principal | undefined
    if (auth) {
      const m = /^Bearer\s+(\S+)$/i.exec(auth)
      if (!m) throw unauthenticated('The Authorization header must be "Bearer <token>".')
      principal = await tokenPrincipal(db, m[1])
      if (!principal) throw unauthenticated('The token is not valid or has been revoked.')
    } else {
      const secret = req.cookies?.[SESSION_COOKIE]
      if (secret) principal = await sessionPrincipal(db, secret, req, reply)
      if (!principal) throw unauthenticated(secret ? 'Your session has expired. Sign in again.' : undefined)
    }
    req.principal = principal
    if (!roleAllows(principal.role, need))
      throw forbidden(`The ${principal.role} role may not do this; it needs the ${need} role.`)
  }

  app.addHook('onRequest', async (req, reply) => {
    const config = req.routeOptions.config ?? {}
    const auth = req.headers.authorization
    // Bearer tokens are never sent by a browser on its own, so only cookie requests (and sign-in) need it.
    if (!SAFE_METHODS.has(req.method) && (!auth || config.role === 'public') && !sameOrigin(req, allowedOrigins)) {
      // A forged write riding on a live session is recorded in the audit log as a refused attempt of its user.
      const secret = req.cookies?.[SESSION_COOKIE]
      if (!auth && secret) req.principal = await sessionOwner(app.db.kysely, secret)
      throw forbidden('Cross-site request refused: its Origin is not this server.')
    }
    if (config.role === 'public') return
    await requireCaller(req, reply, config.role ?? defaultRole(req))
  })

  const r = app.withTypeProvider<ZodTypeProvider>()
  r.post(
    '/api/auth/login',
    {
      config: { role: 'public' },
      // The address's budget is spent before the body is read or the audit log writes a row: a flood from one
      // address costs one statement per request and reaches the log only up to the budget.
      onRequest: async (req, reply) => {
        const budget = await reserveAddress(app.db.kysely, req.ip, loginRate)
        if (budget.allowed) {
          // Each attempt the budget lets through also forgets the counts nobody used for a day.
          await forgetQuietCounts(app.db.kysely)
          return
        }
        const seconds = retryAfter(reply, budget.retryAfterMs)
        throw new AppError('TOO_MANY_REQUESTS', `Too many sign-ins from this address. Try again in ${seconds} s.`)
      },
      schema: {
        tags: ['auth'],
        summary: 'Sign in; sets an http-only session cookie',
        body: z.strictObject({ username: z.string().min(1).max(50), password: z.string().min(1).max(200) }),
      },
    },
    async (req, reply) => {
      const db = app.db.kysely
      const username = req.body.username.trim()
      const now = Date.now()
      // The reservation commits on its own, before the password is checked: a refused or wrong sign-in must
      // still count, and parallel attempts must see each other's counts.
      const reservation = await reserveSignIn(db, username, req.ip, now)
      const user = await db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst()
      // The same work whatever the case (throttled, unknown user, wrong password): one scrypt verification,
      // against the decoy when there is no user, so neither the answer nor its time tells whether a name exists.
      decoyHash ??= hashPassword(randomBytes(16).toString('hex'))
      const hash = user && user.password_hash !== '' ? user.password_hash : await decoyHash
      const verified = (await verifyPassword(req.body.password, hash)) && !!user && user.password_hash !== ''
      if (!reservation.allowed) {
        retryAfter(reply, reservation.retryAfterMs)
        throw new AppError('TOO_MANY_REQUESTS', THROTTLED)
      }
      if (!verified) throw unauthenticated(WRONG)
      // A session id the browser already had is never promoted to a signed-in one (session fixation).
      const previous = req.cookies?.[SESSION_COOKIE]
      if (previous) await deleteSession(db, previous)
      await recordSuccess(db, username, req.ip, now)
      await db.deleteFrom('sessions').where('expires_at', '<', new Date().toISOString()).execute()
      const secret = await insertSession(db, username, new Date(Date.now() + SESSION_HOURS * 3600_000).toISOString())
      setSessionCookie(req, reply, secret)
      return {
        username: user.username,
        fullName: user.full_name,
        role: user.role,
        salespersonCode: user.salesperson_code,
      }
    },
  )

  r.post(
    '/api/users/:username/unlock',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['auth'],
        summary: "Clear a user's sign-in throttle, from every address (as `segmenta user unlock`)",
        params: z.object({ username: z.string().min(1).max(50) }),
      },
    },
    async (req) => {
      const db = app.db.kysely
      const { username } = req.params
      const user = await db.selectFrom('users').select('username').where('username', '=', username).executeTakeFirst()
      if (!user) throw notFound('User', { 'User Name': username })
      return { username, ...(await unlockName(db, username)) }
    },
  )

  r.post(
    '/api/auth/logout',
    { config: { role: 'viewer' }, schema: { tags: ['auth'], summary: 'Sign out (ends the session)' } },
    async (req, reply) => {
      const secret = req.cookies?.[SESSION_COOKIE]
      if (secret) await deleteSession(app.db.kysely, secret)
      reply.clearCookie(SESSION_COOKIE, { path: '/' })
      return reply.status(204).send()
    },
  )
  return requireCaller
}

/** Sets Retry-After (whole seconds, at least 1) and answers it. */
function retryAfter(reply: FastifyReply, ms: number): number {
  const seconds = Math.max(1, Math.ceil(ms / 1000))
  reply.header('retry-after', String(seconds))
  return seconds
}
