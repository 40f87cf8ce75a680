import { type Db, DEFAULT_DB_URL, type OpenOptions, openDb } from '../db/connection.js'
import { MIGRATION_NAMES, migrateToLatest } from '../db/migrate.js'
import { inTransaction } from '../db/transaction.js'
import { createSetupDefaults } from '../setup/setup-defaults.js'

/** A user error: printed as one line on stderr, exit status 1 (API.md §5). */
export class CliError extends Error {}

export function dbUrl(opt?: string): string {
  return opt ?? process.env.SEGMENTA_DB ?? DEFAULT_DB_URL
}

export interface MigrateOutcome {
  /** The migrations applied now, in order. */
  applied: string[]
  /** Whether the schema was created now (the first migration was among them). */
  created: boolean
  /** Whether a new company's defaults were created now (src/setup/setup-defaults.ts). */
  defaults: boolean
}

/**
 * Brings the schema up to date and gives a truly empty setup its defaults (number series, interaction groups
 * and templates): always when `withDefaults`, else only when the schema was created now, so every command that
 * opens a new database leaves it ready to use.
 */
export async function migrateAndSetUp(db: Db, withDefaults = false): Promise<MigrateOutcome> {
  const applied = await migrateToLatest(db)
  const created = applied.includes(MIGRATION_NAMES[0]!)
  const defaults = created || withDefaults ? await inTransaction(db.kysely, createSetupDefaults) : false
  return { applied, created, defaults }
}

/** Opens the database of `--db` / SEGMENTA_DB and brings its schema up to date. */
export async function openMigrated(opt?: string, open: OpenOptions = {}): Promise<Db> {
  const db = openDb(dbUrl(opt), open)
  await migrateAndSetUp(db)
  return db
}

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const c of process.stdin) chunks.push(c as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}
