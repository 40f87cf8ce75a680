import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import cookie from '@fastify/cookie'
import fastifyStatic from '@fastify/static'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import Fastify, { type FastifyError, type FastifyInstance, type FastifyServerOptions } from 'fastify'
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod'
import type { Db } from '../db/connection.js'
import { AppError, classifyDbError, validationFailed } from '../errors.js'
import { installAuth } from './auth-plugin.js'
import { registerDomainRoutes } from './routes.js'

export interface BuildOptions {
  db: Db
  logger?: FastifyServerOptions['logger']
  /** Folder of the built web app; served at / when present. */
  webRoot?: string
}

declare module 'fastify' {
  interface FastifyInstance {
    db: Db
  }
}

const here = dirname(fileURLToPath(import.meta.url))
export const DEFAULT_WEB_ROOT = join(here, '..', '..', 'web', 'dist')

/** Builds the app without listening (tests use `inject`). */
export async function buildApp(opts: BuildOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: 5 * 1024 * 1024,
    ajv: { customOptions: { coerceTypes: false } },
    routerOptions: { maxParamLength: 200 },
  })
  app.decorate('db', opts.db)
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)

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
    } else if ((err as { code?: string }).code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      e = new AppError('PAYLOAD_TOO_LARGE', 'The request body is too large.')
    } else if (
      (err as { statusCode?: number }).statusCode === 400 ||
      (err as { code?: string }).code?.startsWith('FST_ERR_CTP')
    ) {
      e = validationFailed([{ path: 'body', message: err.message }])
    } else if (classifyDbError(err) === 'unique') {
      e = new AppError('ALREADY_EXISTS', 'A record with this key already exists.')
    } else if (classifyDbError(err) === 'foreign-key') {
      e = new AppError('REFERENCED', 'The record refers to, or is referred to by, another record.')
    } else {
      req.log.error(err)
      e = new AppError('INTERNAL', 'Something went wrong on the server. The action was not carried out.')
    }
    reply.status(e.status).type('application/problem+json').send(JSON.stringify(e.toProblem()))
  })
  app.setNotFoundHandler((req, reply) => {
    // The web app routes in the browser: unknown page paths get index.html, unknown files a 404.
    const path = req.url.split('?')[0]
    const isPage = !path.startsWith('/api/') && !/\.[a-z0-9]+$/i.test(path)
    if (isPage && req.method === 'GET' && opts.webRoot && existsSync(join(opts.webRoot, 'index.html'))) {
      return reply.header('cache-control', 'no-cache').sendFile('index.html')
    }
    const e = new AppError('NOT_FOUND', `No route ${req.method} ${req.url.split('?')[0]}.`)
    reply.status(404).type('application/problem+json').send(JSON.stringify(e.toProblem()))
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

  await app.register(cookie)
  installAuth(app)

  app.get('/api/health', { config: { role: 'public' }, schema: { tags: ['system'] } }, async () => {
    return { status: 'ok', db: opts.db.dialect }
  })

  await registerDomainRoutes(app)

  if (opts.webRoot && existsSync(opts.webRoot)) {
    // wildcard: files are looked up per request, so a rebuilt web app is served without a restart.
    await app.register(fastifyStatic, {
      root: opts.webRoot,
      prefix: '/',
      cacheControl: false,
      setHeaders: (res, filePath) => {
        // Vite names assets by content hash: they never change; everything else is revalidated.
        const immutable = filePath.includes(`${join('assets', '')}`)
        res.setHeader('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
      },
    })
  }
  return app
}
