import { Worker } from 'node:worker_threads'

/**
 * Copies the SQLite write-ahead log into the database file from a worker thread, so that the request that
 * commits a large step does not (SQLite's default: the committing connection checkpoints as soon as the WAL
 * passes 1,000 pages). At a million contacts an Add Contacts of 100,000 lines writes about 60 MB of WAL,
 * and checkpointing it in the commit cost 0.4–0.85 s of the user’s wait (docs/performance.md). The server's
 * connection runs with `wal_autocheckpoint = 0`; this worker, on a connection of its own, runs a PASSIVE
 * checkpoint every `intervalMs`, which never blocks readers or writers (it copies what no reader still
 * needs and tries again next time). Once a checkpoint has copied the whole log, the next writer starts the
 * WAL over from its beginning.
 */
export interface Checkpointer {
  /** Stops the worker after a last checkpoint. */
  stop(): Promise<void>
}

// The worker's code, evaluated as CommonJS; better-sqlite3 is resolved from this module's location so it
// works the same from src/ (tests, tsx) and from dist/.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads')
const { createRequire } = require('node:module')
const Database = createRequire(workerData.from)('better-sqlite3')
const db = new Database(workerData.path, { fileMustExist: true })
db.pragma('busy_timeout = 1000')
db.pragma('cache_size = -2048')
const checkpoint = () => {
  try { db.pragma('wal_checkpoint(PASSIVE)') } catch (e) { parentPort.postMessage(String(e && e.message || e)) }
}
const timer = setInterval(checkpoint, workerData.intervalMs)
parentPort.on('message', (m) => {
  if (m !== 'stop') return
  clearInterval(timer)
  checkpoint()
  db.close()
  parentPort.close()
})
`

export function startCheckpointer(
  path: string,
  opts: { intervalMs?: number; onError?: (message: string) => void } = {},
): Checkpointer {
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: { path, from: import.meta.url, intervalMs: opts.intervalMs ?? 500 },
  })
  // The timer alone must not keep a CLI process alive.
  worker.unref()
  worker.on('message', (m: string) => opts.onError?.(m))
  worker.on('error', (e) => opts.onError?.(e.message))
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()))
  return {
    stop: async () => {
      // Referenced again while it finishes: otherwise a process with nothing else to do would exit before the
      // last checkpoint (Node's "unsettled top-level await", exit status 13).
      worker.ref()
      worker.postMessage('stop')
      await exited
    },
  }
}
