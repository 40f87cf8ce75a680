import { existsSync } from 'node:fs'
import { dirname, join, posix } from 'node:path'
import { fileURLToPath } from 'node:url'
import cookie from '@fastify/cookie'
import helmet from '@fastify/helmet'
import fastifyStatic from '@fastify/static'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify'
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod'
import { z } from 'zod'
import { installAudit } from '../audit/audit-log.js'
import type { Db } from '../db/connection.js'
import { AppError, classifyDbError, type FieldError, validationFailed } from '../errors.js'
import type { LineStatistics } from '../segments/engine/line-statistics.js'
import { installAuth, type SecurityOptions } from './auth-plugin.js'
import { registerDomainRoutes } from './routes.js'
import { fastifyTrustProxy, type TrustProxy } from './trust-proxy.js'

export interface BuildOptions {
  db: Db
  logger?: FastifyServerOptions['logger']
  /** Folder of the built web app; served at / when present. */
  webRoot?: string
  /** Sign-in rate limit and the origins allowed to send cookie-authenticated writes (defaults: see auth-plugin). */
  security?: SecurityOptions
  /**
   * Which reverse proxies to believe about the client's address and protocol (`X-Forwarded-For`, `-Proto`):
   * Fastify's `trustProxy`. Default off: the socket's peer is the client, for the sign-in rate limit, the audit
   * log and the Secure flag of the session cookie. `segmenta serve` reads it from `SEGMENTA_TRUST_PROXY`.
   */
  trustProxy?: TrustProxy
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/** Largest JSON body (the CSV/XLSX import has its own, larger limit). */
export const BODY_LIMIT = 5 * 1024 * 1024
/** Deepest nesting of arrays and objects a JSON body may have; the deepest real body (criteria) has 3. */
export const MAX_JSON_DEPTH = 32

declare module 'fastify' {
  interface FastifyInstance {
    db: Db
    /** Every route of the app as registered (tests that must cover every route read it). */
    routeTable: RouteInfo[]
    /** The app's one refresher of segment lines' statistics, which bulk steps call after they commit. */
    lineStatistics: LineStatistics
  }
}

export interface RouteInfo {
  method: string
  url: string
  /** `config.role` as declared; undefined means the default (viewer reads, marketer writes). */
  role?: string
}

const here = dirname(fileURLToPath(import.meta.url))
export const DEFAULT_WEB_ROOT = join(here, '..', '..', 'web', 'dist')

/** Builds the app without listening (tests use `inject`). */
export async function buildApp(opts: BuildOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: BODY_LIMIT,
    ajv: { customOptions: { coerceTypes: false } },
    routerOptions: { maxParamLength: 200 },
    trustProxy: fastifyTrustProxy(opts.trustProxy ?? false),
    // A path the router cannot decode (`/%ZZ`, `/%c0%ae`) is refused before routing: as problem+json like any 400.
    frameworkErrors: (_err, _req, reply) => {
      sendProblem(reply, validationFailed([{ path: 'url', message: 'is not a valid percent-encoded UTF-8 path' }]))
    },
  })
  app.decorate('db', opts.db)
  const webRoot = opts.webRoot && existsSync(opts.webRoot) ? opts.webRoot : undefined
  const routeTable: RouteInfo[] = []
  app.decorate('routeTable', routeTable)
  app.addHook('onRoute', (route) => {
    const methods = [route.method].flat()
    for (const method of methods)
      routeTable.push({ method, url: route.url, role: (route.config as { role?: string } | undefined)?.role })
    // A write that takes no body refuses one with fields (API.md: unknown fields are a 400), instead of
    // silently ignoring what the caller meant; routes reading another content type (`consumes`) are left alone.
    const schema = route.schema as { body?: unknown; consumes?: unknown } | undefined
    if (route.url.startsWith('/api/') && methods.some((m) => WRITES.has(m)) && !schema?.body && !schema?.consumes)
      route.schema = { ...route.schema, body: z.strictObject({}).nullish() }
  })
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  installJsonParser(app)

  app.setErrorHandler((err: FastifyError, req, reply) => {
    let e: AppError
    if (err instanceof AppError) e = err
    else if (hasZodFastifySchemaValidationErrors(err)) {
      e = validationFailed(
        err.validation.map((v) => ({
          path: [err.validationContext, ...v.instancePath.split('/').filter(Boolean)].join('.') || 'body',
          message: v.message ?? 'is invalid',
        })),
      )
    } else if (
      (err as { code?: string }).code === 'FST_ERR_CTP_BODY_TOO_LARGE' ||
      (err as { statusCode?: number }).statusCode === 413
    ) {
      e = new AppError('PAYLOAD_TOO_LARGE', 'The request body is too large.')
    } else if (
      (err as { statusCode?: number }).statusCode === 403 ||
      (err as { statusCode?: number }).statusCode === 404
    ) {
      // The file server's refusals (a path climbing out of its folder, `/../../etc/passwd`; a missing file): the
      // same 404 as a path with nothing behind it, and nothing for the error log — it is the caller's mistake.
      e = notFoundError(req)
    } else if (
      (err as { statusCode?: number }).statusCode === 400 ||
      (err as { statusCode?: number }).statusCode === 415 ||
      (err as { code?: string }).code?.startsWith('FST_ERR_CTP')
    ) {
      e = validationFailed([{ path: 'body', message: err.message }])
    } else if (/^22/.test(String((err as { code?: unknown }).code ?? ''))) {
      // PostgreSQL's data exceptions (a number too large for its column, a date out of range…): the value came
      // from the caller and the transaction is rolled back, so it is the caller's 400 — logged, as a schema
      // should have refused it first.
      req.log.warn({ err }, 'a value reached the database that it refused')
      e = validationFailed([{ path: 'request', message: 'a value is out of range or not valid for its field' }])
    } else if (classifyDbError(err) === 'unique') {
      e = new AppError('ALREADY_EXISTS', 'A record with this key already exists.')
    } else if (classifyDbError(err) === 'foreign-key') {
      e = new AppError('REFERENCED', 'The record refers to, or is referred to by, another record.')
    } else {
      req.log.error(err)
      e = new AppError('INTERNAL', 'Something went wrong on the server. The action was not carried out.')
    }
    sendProblem(reply, e)
  })
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Segmenta API',
        version: '0.1.0',
        description: 'Contacts, segments, interactions and campaigns. See API.md for conventions.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: 'segmenta_session' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
  })
  await app.register(swaggerUi, { routePrefix: '/api/docs' })
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger())

  // Security headers on every answer (API, web app, docs). No upgrade-insecure-requests: Segmenta is often
  // served over plain HTTP on a LAN or loopback, where it would break every asset.
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: { 'upgrade-insecure-requests': null, 'img-src': ["'self'", 'data:'] },
    },
  })
  app.addHook('onRequest', async (req, reply) => {
    // A NUL character is never valid text (PostgreSQL refuses it); refuse it in any path and query up front.
    if (/%00/.test(req.url)) throw validationFailed([{ path: 'url', message: 'must not contain the NUL character' }])
    // Personal data: no shared or browser cache keeps an API answer. Decided on the matched route, as the router
    // decodes the path (`/%61pi/…` is an API route); only the web app's files set their own caching.
    if (req.is404 || req.routeOptions.url?.startsWith('/api/')) reply.header('cache-control', 'no-store')
  })
  // CORS stays closed: no @fastify/cors, so browsers refuse every cross-origin read of the API.
  // Sign-in is throttled in the database (src/auth/sign-in-throttle.ts), so every server on it counts together.

  await app.register(cookie)
  installAudit(app)
  const requireCaller = installAuth(app, opts.security)
  app.setNotFoundHandler(async (req, reply) => {
    const path = req.url.split('?')[0]
    // The web app routes in the browser: unknown page paths get index.html, unknown files a 404.
    if (req.method === 'GET' && webRoot && isPagePath(path) && existsSync(join(webRoot, 'index.html')))
      return reply.header('cache-control', 'no-cache').sendFile('index.html')
    // Reached from the public file route without credentials: a path that means the API, in any spelling, is
    // answered as every API route is (401) before it is told that nothing is there.
    if (!req.principal && meansApi(path)) await requireCaller(req, reply, 'viewer')
    return sendProblem(reply, notFoundError(req))
  })

  app.get('/api/health', { config: { role: 'public' }, schema: { tags: ['system'] } }, async () => {
    return { status: 'ok', db: opts.db.dialect }
  })

  await registerDomainRoutes(app)

  if (webRoot) {
    // The web app's files, public (the sign-in page is one of them). Served by this one explicit route rather
    // than @fastify/static's own, so that `role: 'public'` is declared where the route is; files are looked up
    // per request, so a rebuilt web app is served without a restart.
    await app.register(fastifyStatic, {
      root: webRoot,
      serve: false,
      cacheControl: false,
      setHeaders: (res, filePath) => {
        // Vite names assets by content hash: they never change; everything else is revalidated.
        const immutable = filePath.includes(`${join('assets', '')}`)
        res.setHeader('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
      },
    })
    app.get<{ Params: { '*': string } }>('/*', { config: { role: 'public' }, schema: { hide: true } }, (req, reply) => {
      reply.sendFile(`/${req.params['*']}`)
    })
  }
  return app
}

/**
 * The JSON body parser: the body must be valid UTF-8 (no silent U+FFFD), nest at most MAX_JSON_DEPTH deep, and
 * hold no NUL character or lone surrogate in any string or key — each refused as 400 before any route sees it.
 * Parsing itself is fastify's (prototype-poisoning safe).
 */
function installJsonParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error')
  const utf8 = new TextDecoder('utf-8', { fatal: true })
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, raw, done) => {
    let text: string
    try {
      text = utf8.decode(raw as Buffer)
    } catch {
      return done(validationFailed([{ path: 'body', message: 'is not valid UTF-8' }]), undefined)
    }
    if (nestsDeeperThan(text, MAX_JSON_DEPTH))
      return done(
        validationFailed([{ path: 'body', message: `nests deeper than ${MAX_JSON_DEPTH} levels` }]),
        undefined,
      )
    parseJson(req, text, (err, body) => {
      if (err) return done(err, undefined)
      const bad = badText(body, 'body')
      done(bad ? validationFailed([bad]) : null, bad ? undefined : body)
    })
  })
}

/** Whether a JSON text nests arrays/objects deeper than `max` (strings skipped); runs before parsing. */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c) i++
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true
    } else if (c === 0x7d || c === 0x5d) depth--
  }
  return false
}

/** In Unicode mode a surrogate code unit only matches when it is not half of a pair. */
const LONE_SURROGATE = /\p{Cs}/u

/** The first string (or key) holding a NUL or a lone surrogate, as a field error; undefined when all are clean. */
function badText(v: unknown, path: string): FieldError | undefined {
  const check = (s: string, at: string): FieldError | undefined => {
    if (s.includes('\0')) return { path: at, message: 'must not contain the NUL character' }
    if (LONE_SURROGATE.test(s)) return { path: at, message: 'is not valid Unicode text' }
    return undefined
  }
  if (typeof v === 'string') return check(v, path)
  if (v === null || typeof v !== 'object') return undefined
  for (const [k, x] of Object.entries(v)) {
    const at = `${path}.${k}`
    const bad = check(k, at) ?? badText(x, at)
    if (bad) return bad
  }
  return undefined
}

/** Answers with the error as problem+json; no cache keeps an error. */
function sendProblem(reply: FastifyReply, e: AppError): FastifyReply {
  return reply
    .status(e.status)
    .header('cache-control', 'no-store')
    .type('application/problem+json')
    .send(JSON.stringify(e.toProblem()))
}

function notFoundError(req: FastifyRequest): AppError {
  return new AppError('NOT_FOUND', `No route ${req.method} ${req.url.split('?')[0]}.`)
}

/**
 * A path as a file server or a later decoding could read it: percent-decoded until nothing more decodes (so
 * `%2561` is `a`), backslashes as slashes.
 */
function decodedPath(path: string): string {
  let p = path
  for (let i = 0; i < 5 && p.includes('%'); i++) {
    try {
      p = decodeURIComponent(p)
    } catch {
      break
    }
  }
  return p.replaceAll('\\', '/')
}

/** Whether a path means the API in any spelling: `/%2561pi/x`, `/API/x`, `//api/x`, `/x/../api/x`. */
export function meansApi(path: string): boolean {
  const normal = posix.normalize(decodedPath(path)).toLowerCase()
  return normal === '/api' || normal.startsWith('/api/')
}

/**
 * Whether a path can be a page of the web app (answered with index.html): no file extension, no dot or empty
 * segment, and not the API in any spelling.
 */
export function isPagePath(path: string): boolean {
  const p = decodedPath(path)
  return p === posix.normalize(p) && !meansApi(path) && !/\.[a-z0-9]+$/i.test(p)
}
