/**
 * Timing one operation, product and raw SQL side by side: a warm-up with the row check (`warmUp`), then timed
 * runs (`timeRun`), each run one call per side — or, for a read of milliseconds, one batch of calls — with the
 * state put back after each. `measure` is the two together, as `npm run bench` runs them; `bench/growth.ts`
 * interleaves the runs of two databases instead.
 */
import type { Operation } from './operations.js'
import { peakRssMb, resetPeakRss } from './rss.js'

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}
export const round = (x: number): number => (x >= 100 ? Math.round(x) : Math.round(x * 10) / 10)

export interface Warm {
  /** Calls per timed run and side: 1, or a batch of about 200 ms for a read of milliseconds. */
  batch: number
  /** Rows of the product's warm-up run. */
  rows: number
  /** Peak RSS of the warm-up and the row check (the bench's own EXCEPTs), apart from the timed runs. */
  checkPeakRssMb: number
}

export interface Run {
  /** ms per call. */
  product: number
  raw: number
  rows: number
  /** The statistics refresh the product's call started after it answered, timed apart. */
  afterAnswer?: number
}

/**
 * Setup, one run per side, the row check (throws `Mismatch`), the resets; then, for a read of milliseconds,
 * about a second of untimed calls per side and the batch size. Resets the peak RSS at the end.
 */
export async function warmUp(op: Operation): Promise<Warm> {
  resetPeakRss()
  await op.setup?.()
  let t = performance.now()
  const rows = await op.product()
  const warmMs = performance.now() - t
  await op.afterAnswer?.()
  const r0 = await op.raw()
  await op.check(rows, r0)
  await op.resetProduct?.()
  await op.resetRaw?.()
  // The row check's EXCEPTs are the bench's own work (at a million contacts they take SQLite to 466 MiB, the
  // refine itself to 260 MiB): the peak of the operation is taken over the timed runs and their resets only.
  const checkPeakRssMb = Math.round(peakRssMb())
  resetPeakRss()
  const readOnly = !op.resetProduct && !op.resetRaw
  const fill = (ms: number, total = 200) => Math.min(5 * total, Math.ceil(total / Math.max(ms, 0.2)))
  let batch = 1
  if (readOnly && warmMs < 50) {
    // The first call is cold (statements are prepared, and the JIT compiles the code over its first
    // thousand calls: the product's query builder, more code than the raw SQL's, kept getting faster over
    // the timed runs), so it neither warms a sub-millisecond read nor tells its time. About a second of
    // untimed calls per side warms it, as a running server is; the batch is sized from the warm average.
    const n = fill(warmMs, 1000)
    for (const side of ['product', 'raw'] as const) for (let b = 0; b < n; b++) await op[side]()
    t = performance.now()
    for (let b = 0; b < n; b++) await op.product()
    batch = fill((performance.now() - t) / n)
  }
  return { batch, rows, checkPeakRssMb }
}

/** The `i`-th timed run: one call per side (or one batch), the side that goes first alternating with `i`. */
export async function timeRun(op: Operation, warm: Warm, i: number): Promise<Run> {
  let t: number
  if (warm.batch > 1) {
    // A batch interleaves the two sides call by call, each call timed alone: on a shared machine the CPU's
    // speed drifts over a 200 ms batch (steal time), and timing one side's batch after the other's charged
    // that drift to whichever side ran in the slower stretch.
    const sum = { product: 0, raw: 0 }
    let rows = warm.rows
    for (let b = 0; b < warm.batch; b++) {
      for (const side of (i + b) % 2 === 0 ? (['product', 'raw'] as const) : (['raw', 'product'] as const)) {
        t = performance.now()
        const n = await op[side]()
        sum[side] += performance.now() - t
        if (side === 'product') rows = n
      }
    }
    return { product: sum.product / warm.batch, raw: sum.raw / warm.batch, rows }
  }
  const run: Run = { product: 0, raw: 0, rows: warm.rows }
  for (const side of i % 2 === 0 ? (['product', 'raw'] as const) : (['raw', 'product'] as const)) {
    t = performance.now()
    const n = await op[side]()
    run[side] = performance.now() - t
    if (side === 'product') {
      run.rows = n
      t = performance.now()
      if (await op.afterAnswer?.()) run.afterAnswer = performance.now() - t
    }
    await (side === 'product' ? op.resetProduct?.() : op.resetRaw?.())
  }
  return run
}

export interface Measured {
  name: string
  /** Median of the product's runs, ms. */
  ms: number
  /** Median of the hand-written SQL's runs, ms. */
  rawMs: number
  ratio: number
  /** Rows the operation inserted, removed, restored, logged or returned. */
  rows: number
  /**
   * Median time of what the product's route starts after it has answered (PostgreSQL's statistics refresh
   * after a step of 100,000 lines or more), timed apart: not in `ms`, not in the user's wait. Absent when
   * the operation starts nothing.
   */
  afterAnswerMs?: number
}

/** The medians of timed runs. */
export function summarise(name: string, runs: Run[]): Measured {
  const ms = median(runs.map((r) => r.product))
  const rawMs = median(runs.map((r) => r.raw))
  const after = runs.flatMap((r) => (r.afterAnswer === undefined ? [] : [r.afterAnswer]))
  return {
    name,
    ms: round(ms),
    rawMs: round(rawMs),
    ratio: Math.round((ms / rawMs) * 100) / 100,
    rows: runs[runs.length - 1]?.rows ?? 0,
    ...(after.length ? { afterAnswerMs: round(median(after)) } : {}),
  }
}

/** Warm-up, then `runs` timed runs per side, alternating which goes first; the medians. */
export async function measure(op: Operation, runs: number): Promise<Measured & { checkPeakRssMb: number }> {
  const warm = await warmUp(op)
  const timed: Run[] = []
  for (let i = 0; i < runs; i++) timed.push(await timeRun(op, warm, i))
  await op.teardown?.()
  return { ...summarise(op.name, timed), checkPeakRssMb: warm.checkPeakRssMb }
}
