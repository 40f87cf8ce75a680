/** What the bench's scripts (`run.ts`, `growth.ts`) share: their arguments, the machine's load, the JSON. */
import { writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { Mismatch } from './operations.js'

/** The value after `--<name>` on the command line. */
export function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : undefined
}

/** The load averages over 1, 5 and 15 minutes: how busy the machine was around a run. */
export const load = (): string =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')

/** The command that ran, for the JSON, with the SQLite cache setting in front when it was set. */
export const command = (script: string): string =>
  `${process.env.SEGMENTA_SQLITE_CACHE_MIB ? `SEGMENTA_SQLITE_CACHE_MIB=${process.env.SEGMENTA_SQLITE_CACHE_MIB} ` : ''}npx tsx ${script} ${process.argv.slice(2).join(' ')}`

export function writeJson(file: string, out: unknown): void {
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`)
  console.log(`wrote ${file}`)
}

/** A failed run: the product and the raw SQL disagreeing is said so; anything else is printed as thrown. */
export function reportFailure(e: unknown): void {
  if (e instanceof Mismatch) console.error(`The raw SQL and the product disagree — ${e.message}`)
  else console.error(e)
}
