import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.js'
import type { Deliveries } from './deliveries.js'
import { unclaimedRuns } from './delivery-runs.js'

type Log = (msg: string, err?: unknown) => void

/**
 * Takes up the deliveries nobody is sending: at once when the server starts (runs a crash or a stop left
 * unfinished), then every half lease (runs whose process died meanwhile, once their lease ran out, and
 * requests whose enqueue a crash cut off). A run another process holds is not touched; one this process
 * already has queued is not queued twice.
 */
export function resumeDeliveries(
  db: Kysely<DB>,
  deliveries: Deliveries,
  log: Log = (msg, err) => console.error(msg, err),
): { stop(): void; firstSweep: Promise<void> } {
  let sweeping = false
  const sweep = async () => {
    if (sweeping) return
    sweeping = true
    try {
      for (const no of await unclaimedRuns(db))
        if (!deliveries.isBusy(db, no)) deliveries.enqueue(db, no, { request: false })
    } catch (e) {
      log('Looking for unfinished deliveries failed', e)
    } finally {
      sweeping = false
    }
  }
  const firstSweep = sweep()
  const timer = setInterval(() => void sweep(), deliveries.leaseMs / 2)
  timer.unref()
  return { stop: () => clearInterval(timer), firstSweep }
}
