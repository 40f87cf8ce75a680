import type { Command } from 'commander'
import { buildApp, DEFAULT_WEB_ROOT } from '../../api/app.js'
import { parseTrustProxy, type TrustProxy } from '../../api/trust-proxy.js'
import { loadDemoIfEmpty } from '../../demo/load.js'
import { deliveries } from '../../interactions/delivery/deliveries.js'
import { resumeDeliveries } from '../../interactions/delivery/delivery-resume.js'
import { deliveryLeaseMs } from '../../interactions/delivery/delivery-runs.js'
import { CliError, openMigrated } from '../context.js'

export function serveCommand(program: Command): void {
  program
    .command('serve')
    .description('migrate, then serve the API and the web UI')
    .option('--port <port>', 'port to listen on', '3000')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--demo-if-empty', 'load the demo company into an empty database (npm start)')
    .action(async (opts: { port: string; host: string; demoIfEmpty?: boolean }) => {
      // Settings are checked before anything else happens: a bad one stops the start with a clear message.
      let trustProxy: TrustProxy
      try {
        trustProxy = parseTrustProxy(process.env.SEGMENTA_TRUST_PROXY)
        deliveries.leaseMs = deliveryLeaseMs()
      } catch (e) {
        throw new CliError((e as Error).message)
      }
      const db = await openMigrated(program.opts().db, { backgroundCheckpoints: true })
      if (opts.demoIfEmpty) {
        const demo = await loadDemoIfEmpty(db)
        if (demo) {
          console.log('Loaded the demo company (Cronus Marketing).')
          console.log(`Sign in as "${demo.username}" with the password: ${demo.password}`)
          console.log('(shown once; change it under Users, or add users with `segmenta user add`).')
        }
      }
      const app = await buildApp({
        db,
        webRoot: DEFAULT_WEB_ROOT,
        logger: { level: process.env.LOG_LEVEL ?? 'warn' },
        trustProxy,
      })
      const port = Number(opts.port)
      await app.listen({ port, host: opts.host })
      console.log(`Segmenta is serving http://${opts.host}:${port} (database: ${db.dialect}; API docs at /api/docs)`)
      // Deliveries a crash or a stop left unfinished go on by themselves, here or in another server.
      const resume = resumeDeliveries(db.kysely, deliveries, (msg, err) => app.log.error(err, msg))
      const stop = async () => {
        resume.stop()
        await app.close()
        await db.close()
        process.exit(0)
      }
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
    })
}
