/**
 * Bounds on the work an XLSX import may make (docs/admin.md, "Import limits"). An XLSX file is a zip: a
 * few megabytes can unpack to gigabytes or to tens of millions of shared strings, so the reader counts
 * while it unpacks and parses and stops the moment one of these is passed. Each can be changed in the
 * environment; a value that is not a positive whole number is refused rather than silently ignored.
 */
export interface ImportLimits {
  /** Rows of the worksheet (`<row>` elements, blank ones included; the header is one). */
  maxRows: number
  /** Cells of the worksheet (`<c>` elements). */
  maxCells: number
  /** Entries of the shared-string table (`<si>` elements). */
  maxSharedStrings: number
  /** Bytes the entries read from the zip unpack to, all together. */
  maxUnzippedBytes: number
  /** Heap of the thread that reads the workbook, in MB: a second line of defence behind the counts. */
  workerMemoryMb: number
}

const MB = 1024 * 1024

interface LimitSpec {
  key: keyof ImportLimits
  env: string
  /** The default, in the unit of the variable (MB for the byte sizes). */
  value: number
  unit: number
}

// A sheet of a million contacts (Excel's own limit is 1,048,576 rows) must import with the defaults: our
// export of 1M contacts has 26 cells a row and unpacks to about 1 GB.
const SPECS: LimitSpec[] = [
  { key: 'maxRows', env: 'SEGMENTA_IMPORT_MAX_ROWS', value: 1_048_576, unit: 1 },
  { key: 'maxCells', env: 'SEGMENTA_IMPORT_MAX_CELLS', value: 40_000_000, unit: 1 },
  { key: 'maxSharedStrings', env: 'SEGMENTA_IMPORT_MAX_SHARED_STRINGS', value: 10_000_000, unit: 1 },
  { key: 'maxUnzippedBytes', env: 'SEGMENTA_IMPORT_MAX_UNZIPPED_MB', value: 4096, unit: MB },
  { key: 'workerMemoryMb', env: 'SEGMENTA_IMPORT_WORKER_MEMORY_MB', value: 1024, unit: 1 },
]

export const LIMIT_VARIABLES: Record<keyof ImportLimits, string> = Object.fromEntries(
  SPECS.map((s) => [s.key, s.env]),
) as Record<keyof ImportLimits, string>

export const DEFAULT_IMPORT_LIMITS: ImportLimits = Object.fromEntries(
  SPECS.map((s) => [s.key, s.value * s.unit]),
) as unknown as ImportLimits

/** The limits in force: each variable of `env` that is set, else its default. */
export function importLimits(env: NodeJS.ProcessEnv = process.env): ImportLimits {
  const out = { ...DEFAULT_IMPORT_LIMITS }
  for (const s of SPECS) {
    const raw = env[s.env]
    if (raw === undefined || raw.trim() === '') continue
    const n = Number(raw)
    if (!/^\s*\d+\s*$/.test(raw) || n < 1 || !Number.isSafeInteger(n * s.unit))
      throw new Error(`${s.env} must be a positive whole number${s.unit === MB ? ' of MB' : ''}, not "${raw}".`)
    out[s.key] = n * s.unit
  }
  return out
}

const fmt = (n: number) => n.toLocaleString('en-US')

/** The message of the 400 when `key` is passed: what was exceeded, and the variable that changes it. */
export function limitMessage(key: keyof ImportLimits, limits: ImportLimits): string {
  const v = LIMIT_VARIABLES[key]
  switch (key) {
    case 'maxRows':
      return `the worksheet has more than ${fmt(limits.maxRows)} rows (${v})`
    case 'maxCells':
      return `the worksheet has more than ${fmt(limits.maxCells)} cells (${v})`
    case 'maxSharedStrings':
      return `the workbook's shared strings exceed ${fmt(limits.maxSharedStrings)} (${v})`
    case 'maxUnzippedBytes':
      return `the workbook unpacks to more than ${fmt(limits.maxUnzippedBytes / MB)} MB (${v})`
    case 'workerMemoryMb':
      return `reading the workbook needs more than ${fmt(limits.workerMemoryMb)} MB of memory (${v})`
  }
}
