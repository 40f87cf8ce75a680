import { createReadStream, createWriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { validationFailed } from '../../errors.js'
import { type ImportLimits, limitMessage } from './import-limits.js'
import type { SourceRecord } from './read-csv.js'
import type { XlsxJob, XlsxOutcome } from './xlsx-worker.js'

// From the TypeScript sources (vitest, `npm run dev`) the worker is TypeScript too: a small CommonJS
// bootstrap registers tsx in the thread first. From dist/ the compiled xlsx-worker.js is started as it is.
const TSX_BOOT = `
const { workerData } = require('node:worker_threads')
import(workerData.boot.tsx).then((tsx) => { tsx.register(); return import(workerData.boot.entry) })
`

function startWorker(job: XlsxJob): Worker {
  const resourceLimits = { maxOldGenerationSizeMb: job.limits.workerMemoryMb }
  if (import.meta.url.endsWith('.ts')) {
    const tsxDir = dirname(createRequire(import.meta.url).resolve('tsx/package.json'))
    const boot = {
      tsx: pathToFileURL(join(tsxDir, 'dist/esm/api/index.mjs')).href,
      entry: new URL('./xlsx-worker.ts', import.meta.url).href,
    }
    return new Worker(TSX_BOOT, { eval: true, workerData: { boot, job }, resourceLimits })
  }
  return new Worker(new URL('./xlsx-worker.js', import.meta.url), { workerData: { job }, resourceLimits })
}

/** Parses the workbook in a worker thread into `job.out`; a limit passed or a damaged file is a 400. */
function parseInWorker(job: XlsxJob): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = startWorker(job)
    let outcome: XlsxOutcome | undefined
    let failure: Error | undefined
    worker.on('message', (m: XlsxOutcome) => {
      outcome = m
    })
    worker.on('error', (e: Error & { code?: string }) => {
      // resourceLimits: V8 stopped the thread at its heap limit.
      failure =
        e.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? validationFailed([{ path: 'body', message: limitMessage('workerMemoryMb', job.limits) }])
          : e
    })
    worker.on('exit', () => {
      if (failure) reject(failure)
      else if (!outcome) reject(new Error('The XLSX reader stopped without an answer.'))
      else if (outcome.ok) resolve()
      else if ('limit' in outcome)
        reject(validationFailed([{ path: 'body', message: limitMessage(outcome.limit, job.limits) }]))
      else reject(validationFailed([{ path: 'file', message: `is not a valid XLSX file: ${outcome.format}` }]))
    })
  })
}

async function* recordsOf(file: string): AsyncGenerator<SourceRecord> {
  const input = createReadStream(file)
  try {
    for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
      const [row, cells] = JSON.parse(line) as [number, string[]]
      yield { row, cells }
    }
  } finally {
    input.destroy()
  }
}

/**
 * Reads the first worksheet of an XLSX file (a path, or a stream that is first copied to a temporary file,
 * since a zip's directory is at its end) and calls `fn` with its records. The workbook is unpacked and
 * parsed off the main thread, within `limits`, before `fn` runs: the import's transaction (on SQLite the
 * one connection) is not held while a large workbook is read, and the server answers other requests.
 * The records pass through a temporary file, so memory does not grow with the sheet.
 */
export async function withXlsxRecords<T>(
  input: Readable | string,
  limits: ImportLimits,
  fn: (records: AsyncGenerator<SourceRecord>) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'segmenta-xlsx-'))
  try {
    let path: string
    if (typeof input === 'string') path = input
    else {
      path = join(dir, 'workbook.xlsx')
      await pipeline(input, createWriteStream(path))
    }
    const out = join(dir, 'records.jsonl')
    await parseInWorker({ path, out, limits })
    return await fn(recordsOf(out))
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
