import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.js'
import { type RunControl, type RunResult, runDelivery } from './send-job.js'

type Log = (msg: string, err?: unknown) => void

interface Run {
  control: RunControl
  done: Promise<void>
}

/**
 * The background deliveries of this process. A log (or resend) commits first and then enqueues its logged
 * segment; runs of one logged segment go one after the other (a resend waits for the run before it), runs of
 * different logged segments side by side. A run that fails as a whole (database gone) is logged and leaves
 * its entries In Progress, for Resend to pick up.
 *
 * Tests await `deliveries.idle()`; the app stops its runs on close (`stop`), leaving unsent entries In
 * Progress rather than holding the shutdown for a long mailing.
 */
export class Deliveries {
  private readonly tails = new WeakMap<Kysely<DB>, Map<number, Promise<void>>>()
  private readonly runs = new Set<Run>()
  private readonly byDb = new WeakMap<Kysely<DB>, Set<Run>>()
  private readonly stopped = new WeakSet<Kysely<DB>>()
  private readonly busy = new WeakMap<Kysely<DB>, Map<number, number>>()
  /** Results of finished runs, newest last (a few per process, for diagnostics and tests). */
  readonly results: { loggedSegmentEntryNo: number; result?: RunResult; error?: string }[] = []

  constructor(private log: Log = (msg, err) => console.error(msg, err)) {}

  setLogger(log: Log): void {
    this.log = log
  }

  /** Queues a delivery run of the logged segment's In Progress entries. */
  enqueue(db: Kysely<DB>, loggedSegmentEntryNo: number): void {
    if (this.stopped.has(db)) return
    const tails = this.forDb(this.tails, db, () => new Map<number, Promise<void>>())
    const busy = this.forDb(this.busy, db, () => new Map<number, number>())
    busy.set(loggedSegmentEntryNo, (busy.get(loggedSegmentEntryNo) ?? 0) + 1)
    const before = tails.get(loggedSegmentEntryNo) ?? Promise.resolve()
    const control: RunControl = { stopped: false }
    const done = before.then(async () => {
      try {
        if (control.stopped) return
        const result = await runDelivery(db, loggedSegmentEntryNo, control)
        this.remember({ loggedSegmentEntryNo, result })
      } catch (e) {
        this.remember({ loggedSegmentEntryNo, error: e instanceof Error ? e.message : String(e) })
        this.log(`Delivery of logged segment ${loggedSegmentEntryNo} stopped`, e)
      } finally {
        const n = (busy.get(loggedSegmentEntryNo) ?? 1) - 1
        if (n > 0) busy.set(loggedSegmentEntryNo, n)
        else busy.delete(loggedSegmentEntryNo)
      }
    })
    const run: Run = { control, done }
    tails.set(loggedSegmentEntryNo, done)
    this.runs.add(run)
    const mine = this.forDb(this.byDb, db, () => new Set<Run>())
    mine.add(run)
    void done.finally(() => {
      this.runs.delete(run)
      mine.delete(run)
      if (tails.get(loggedSegmentEntryNo) === done) tails.delete(loggedSegmentEntryNo)
    })
  }

  /** Whether a run of the logged segment is queued or running in this process. */
  isBusy(db: Kysely<DB>, loggedSegmentEntryNo: number): boolean {
    return (this.busy.get(db)?.get(loggedSegmentEntryNo) ?? 0) > 0
  }

  /** Resolves when no run is queued or running (runs enqueued meanwhile included). */
  async idle(): Promise<void> {
    while (this.runs.size > 0) await Promise.allSettled([...this.runs].map((r) => r.done))
  }

  /** Stops the runs on one database after their current message and waits for them; refuses new ones. */
  async stop(db: Kysely<DB>): Promise<void> {
    this.stopped.add(db)
    const mine = this.byDb.get(db)
    if (!mine) return
    for (const r of mine) r.control.stopped = true
    await Promise.allSettled([...mine].map((r) => r.done))
  }

  private forDb<V>(map: WeakMap<Kysely<DB>, V>, db: Kysely<DB>, make: () => V): V {
    let v = map.get(db)
    if (v === undefined) {
      v = make()
      map.set(db, v)
    }
    return v
  }

  private remember(entry: Deliveries['results'][number]): void {
    this.results.push(entry)
    if (this.results.length > 100) this.results.shift()
  }
}

/** The process's deliveries. */
export const deliveries = new Deliveries()
