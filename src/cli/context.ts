import { type Db, DEFAULT_DB_URL, type OpenOptions, openDb } from '../db/connection.js'
import { migrateToLatest } from '../db/migrate.js'

/** A user error: printed as one line on stderr, exit status 1 (API.md §5). */
export class CliError extends Error {}

export function dbUrl(opt?: string): string {
  return opt ?? process.env.SEGMENTA_DB ?? DEFAULT_DB_URL
}

/** Opens the database of `--db` / SEGMENTA_DB and brings its schema up to date. */
export async function openMigrated(opt?: string, open: OpenOptions = {}): Promise<Db> {
  const db = openDb(dbUrl(opt), open)
  await migrateToLatest(db)
  return db
}

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const c of process.stdin) chunks.push(c as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}
