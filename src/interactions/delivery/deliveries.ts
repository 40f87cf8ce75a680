import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.js'
import {
  claimRun,
  DEFAULT_LEASE_MS,
  finishRun,
  releaseRun,
  renewRun,
  requestDelivery,
  requeueInterrupted,
  senderName,
} from './delivery-runs.js'
import { type RunControl, type RunResult, runDelivery } from './send-job.js'

type Log = (msg: string, err?: unknown) => void

interface Run {
  control: RunControl
  done: Promise<void>
}

/** What one claimed run did: its passes over the entries, and how many in-flight messages it sent again. */
export interface ClaimedRunResult extends RunResult {
  resent: number
}

/**
 * The background deliveries of this process. A log (or resend) commits its request for a run
 * (`delivery-runs.ts`) and then enqueues its logged segment; runs of one logged segment go one after the
 * other in this process (a resend waits for the run before it), runs of different logged segments side by
 * side. A run sends only while it holds the logged segment's lease: when another process holds it, the
 * request makes that process go over the entries again instead. A run that fails as a whole (database gone)
 * is logged and keeps its lease until it runs out; then the sweep (`delivery-resume.ts`) takes it up again.
 *
 * Tests await `deliveries.idle()`; the app stops its runs on close (`stop`), leaving unsent entries In
 * Progress and the lease given back, rather than holding the shutdown for a long mailing.
 */
export class Deliveries {
  private readonly tails = new WeakMap<Kysely<DB>, Map<number, Promise<void>>>()
  private readonly runs = new Set<Run>()
  private readonly byDb = new WeakMap<Kysely<DB>, Set<Run>>()
  private readonly stopped = new WeakSet<Kysely<DB>>()
  private readonly busy = new WeakMap<Kysely<DB>, Map<number, number>>()
  /** Results of finished runs, newest last (a few per process, for diagnostics and tests). */
  readonly results: { loggedSegmentEntryNo: number; result?: ClaimedRunResult; error?: string }[] = []
  /** This sender's name in the leases it holds. */
  readonly sender = senderName()
  /** How long a lease lasts; renewed every third of it while a run sends. */
  leaseMs = DEFAULT_LEASE_MS

  constructor(private log: Log = (msg, err) => console.error(msg, err)) {}

  setLogger(log: Log): void {
    this.log = log
  }

  /**
   * Queues a delivery run of the logged segment's In Progress entries. `request: false` (the sweep) takes up
   * a run already asked for; otherwise the run is asked for first, in case the caller's transaction did not.
   */
  enqueue(db: Kysely<DB>, loggedSegmentEntryNo: number, { request = true }: { request?: boolean } = {}): void {
    if (this.stopped.has(db)) return
    // Asked for at once (a run of another process then sees it), awaited by the run; a failure is its error.
    const requested: Promise<unknown> = request
      ? requestDelivery(db, loggedSegmentEntryNo).then(
          () => undefined,
          (e: unknown) => e ?? new Error('The delivery could not be requested.'),
        )
      : Promise.resolve(undefined)
    const tails = this.forDb(this.tails, db, () => new Map<number, Promise<void>>())
    const busy = this.forDb(this.busy, db, () => new Map<number, number>())
    busy.set(loggedSegmentEntryNo, (busy.get(loggedSegmentEntryNo) ?? 0) + 1)
    const before = tails.get(loggedSegmentEntryNo) ?? Promise.resolve()
    const control: RunControl = { stopped: false }
    const done = before.then(async () => {
      try {
        const failed = await requested
        if (failed) throw failed
        if (control.stopped) return
        const result = await this.runClaimed(db, loggedSegmentEntryNo, control)
        if (result) this.remember({ loggedSegmentEntryNo, result })
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

  /**
   * Runs the logged segment's delivery under its lease, pass after pass until no log or resend asked for it
   * meanwhile; undefined when another process holds the lease (or nothing is wanted).
   */
  private async runClaimed(
    db: Kysely<DB>,
    loggedSegmentEntryNo: number,
    control: RunControl,
  ): Promise<ClaimedRunResult | undefined> {
    let requests = await claimRun(db, loggedSegmentEntryNo, this.sender, this.leaseMs)
    if (requests === undefined) return undefined
    // Renewed on a timer, not per message: a slow message must not let the lease run out under it.
    const renewal = setInterval(() => {
      renewRun(db, loggedSegmentEntryNo, this.sender, this.leaseMs).then(
        (held) => {
          if (!held) control.stopped = true
        },
        () => {
          control.stopped = true
        },
      )
    }, this.leaseMs / 3)
    renewal.unref()
    const total: ClaimedRunResult = { sent: 0, failed: 0, letters: 0, resent: 0 }
    try {
      for (;;) {
        total.resent += await requeueInterrupted(db, loggedSegmentEntryNo)
        const r = await runDelivery(db, loggedSegmentEntryNo, control)
        total.sent += r.sent
        total.failed += r.failed
        total.letters += r.letters
        if (control.stopped) {
          await releaseRun(db, loggedSegmentEntryNo, this.sender)
          return total
        }
        const finished = await finishRun(db, loggedSegmentEntryNo, this.sender, requests)
        if (finished === true || finished === undefined) return total
        requests = finished
      }
    } finally {
      clearInterval(renewal)
    }
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
