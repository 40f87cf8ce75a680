import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import { finished } from 'node:stream/promises'
import { parentPort, workerData } from 'node:worker_threads'
import type { ImportLimits } from './import-limits.js'
import { ImportLimitError, readWorkbook, XlsxFormatError } from './xlsx-reader.js'

/**
 * The worker thread of an XLSX import (read-xlsx.ts starts it): reads the workbook at `path` within
 * `limits` and writes its records to `out`, one JSON line `[row, cells]` each, waiting for the disk so that
 * memory stays flat. It answers with one message: `{ ok: true }`, or what stopped it.
 */
export interface XlsxJob {
  path: string
  out: string
  limits: ImportLimits
}

export type XlsxOutcome = { ok: true } | { ok: false; limit: keyof ImportLimits } | { ok: false; format: string }

async function run(job: XlsxJob): Promise<XlsxOutcome> {
  const out = createWriteStream(job.out)
  try {
    await readWorkbook(job.path, job.limits, async (records) => {
      let text = ''
      for (const r of records) text += `${JSON.stringify([r.row, r.cells])}\n`
      if (!out.write(text)) await once(out, 'drain')
    })
    out.end()
    await finished(out)
    return { ok: true }
  } catch (e) {
    out.destroy()
    if (e instanceof ImportLimitError) return { ok: false, limit: e.limit }
    if (e instanceof XlsxFormatError) return { ok: false, format: e.message }
    throw e
  }
}

const job = (workerData as { job: XlsxJob }).job
run(job).then((outcome) => parentPort?.postMessage(outcome))
