/**
 * Peak memory of this process. better-sqlite3 runs each statement synchronously on the main thread, so the
 * peak is read from the kernel (VmHWM, the high-water mark of RSS, reset by writing 5 to
 * /proc/self/clear_refs) rather than sampled by a timer that could not fire during a statement. RSS counts
 * SQLite's page cache, its sorter, and the pages of the database file it reads through mmap.
 */
import { readFileSync, writeFileSync } from 'node:fs'

function statusKb(field: 'VmHWM' | 'VmRSS' | 'RssAnon' | 'RssFile'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'))
  return m ? Number(m[1]) : Number.NaN
}

/** Peak RSS since the last reset (or process start), in MiB. */
export function peakRssMb(): number {
  return statusKb('VmHWM') / 1024
}

/** Current RSS, in MiB. */
export function rssMb(): number {
  return statusKb('VmRSS') / 1024
}

/** Starts a new peak from the current RSS; false when the kernel does not allow it. */
export function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5')
    return true
  } catch {
    return false
  }
}

/** Current RSS and its parts: anonymous (heap, SQLite's cache and sorter) and file-backed (code, mapped files). */
export function rssSummary(): string {
  const mb = (kb: number) => Math.round(kb / 1024)
  return `${mb(statusKb('VmRSS'))} MiB: ${mb(statusKb('RssAnon'))} anonymous, ${mb(statusKb('RssFile'))} file`
}
