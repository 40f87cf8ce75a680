import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import {
  createSession,
  deleteSession,
  type Principal,
  principalFromSession,
  principalFromToken,
  type Role,
  roleAllows,
} from '../auth/credentials.js'
import { verifyPassword } from '../auth/passwords.js'
import { AppError, forbidden, unauthenticated } from '../errors.js'

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

/** The caller, for routes behind the auth hook (every route but health and login). */
export function who(req: FastifyRequest): Principal {
  if (!req.principal) throw unauthenticated()
  return req.principal
}

const LOCK_AFTER = 5
const LOCK_MINUTES = 15

/** Installs authentication and role checks on every /api route, and the login/logout routes. */
export function installAuth(app: FastifyInstance): void {
  app.addHook('onRequest', async (req) => {
    if (!req.url.startsWith('/api/')) return
    const config = req.routeOptions.config ?? {}
    if (config.role === 'public') return
    const db = app.db.kysely
    let principal: Principal | undefined
    const auth = req.headers.authorization
    if (auth) {
      const m = /^Bearer\s+(\S+)$/i.exec(auth)
      if (!m) throw unauthenticated('The Authorization header must be "Bearer <token>".')
      principal = await principalFromToken(db, m[1])
      if (!principal) throw unauthenticated('The token is not valid or has been revoked.')
    } else {
      const secret = req.cookies?.[SESSION_COOKIE]
      if (secret) principal = await principalFromSession(db, secret)
      if (!principal) throw unauthenticated(secret ? 'Your session has expired. Sign in again.' : undefined)
    }
    req.principal = principal
    const need: Role = config.role ?? (req.method === 'GET' || req.method === 'HEAD' ? 'viewer' : 'marketer')
    if (!roleAllows(principal.role, need))
      throw forbidden(`The ${principal.role} role may not do this; it needs the ${need} role.`)
  })

  const r = app.withTypeProvider<ZodTypeProvider>()
  r.post(
    '/api/auth/login',
    {
      config: { role: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Sign in; sets an http-only session cookie',
        body: z.strictObject({ username: z.string().min(1).max(50), password: z.string().min(1).max(200) }),
      },
    },
    async (req, reply) => {
      const db = app.db.kysely
      const username = req.body.username.trim()
      const user = await db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst()
      if (user?.locked_until && new Date(user.locked_until).getTime() > Date.now())
        throw new AppError('TOO_MANY_REQUESTS', 'Too many failed sign-ins. Try again later.')
      const ok = !!user && user.password_hash !== '' && (await verifyPassword(req.body.password, user.password_hash))
      if (!ok) {
        if (user) {
          const failed = user.failed_logins + 1
          await db
            .updateTable('users')
            .set({
              failed_logins: failed >= LOCK_AFTER ? 0 : failed,
              locked_until: failed >= LOCK_AFTER ? new Date(Date.now() + LOCK_MINUTES * 60_000).toISOString() : null,
            })
            .where('username', '=', username)
            .execute()
        }
        throw unauthenticated('The user name or password is wrong.')
      }
      await db
        .updateTable('users')
        .set({ failed_logins: 0, locked_until: null })
        .where('username', '=', username)
        .execute()
      const secret = await createSession(db, username)
      reply.setCookie(SESSION_COOKIE, secret, {
        httpOnly: true,
        sameSite: 'strict',
        path: '/',
        secure: req.protocol === 'https',
      })
      return {
        username: user.username,
        fullName: user.full_name,
        role: user.role,
        salespersonCode: user.salesperson_code,
      }
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
}
