import { type Kysely, type Migration, type MigrationProvider, type MigrationResultSet, Migrator, sql } from 'kysely'
import type { Db, Dialect } from './connection.js'
import * as m001 from './migrations/001-foundation.js'
import * as m002 from './migrations/002-segments.js'
import * as m003 from './migrations/003-delivery.js'
import * as m004 from './migrations/004-performance.js'
import * as m005 from './migrations/005-audit.js'
import * as m006 from './migrations/006-interaction-criteria-index.js'
import * as m007 from './migrations/007-segment-line-count.js'

type Up = (db: Kysely<unknown>, dialect: Dialect) => Promise<void>

/** Migrations are bundled as modules (not read from disk) so the built CLI carries them. */
const MIGRATIONS: Record<string, { up: Up }> = {
  '001-foundation': m001,
  '002-segments': m002,
  '003-delivery': m003,
  '004-performance': m004,
  '005-audit': m005,
  '006-interaction-criteria-index': m006,
  '007-segment-line-count': m007,
}

class BundledProvider implements MigrationProvider {
  constructor(private readonly dialect: Dialect) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    const out: Record<string, Migration> = {}
    for (const [name, m] of Object.entries(MIGRATIONS)) out[name] = { up: (db) => m.up(db, this.dialect) }
    return out
  }
}

export const MIGRATION_NAMES = Object.keys(MIGRATIONS)

async function migratorFor(db: Db): Promise<Migrator> {
  // On PostgreSQL, Kysely looks for its bookkeeping tables in every schema unless told which one;
  // a database holding several Segmenta schemas (tests, or tenants) must each keep their own.
  const schema =
    db.dialect === 'postgres'
      ? (await sql<{ s: string }>`select current_schema() as s`.execute(db.kysely)).rows[0].s
      : undefined
  return new Migrator({
    db: db.kysely,
    provider: new BundledProvider(db.dialect),
    ...(schema ? { migrationTableSchema: schema } : {}),
  })
}

function applied({ error, results }: MigrationResultSet): string[] {
  if (error) throw error instanceof Error ? error : new Error(String(error))
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}

/** Brings the schema up to date; returns the names of the migrations applied now. */
export async function migrateToLatest(db: Db): Promise<string[]> {
  return applied(await (await migratorFor(db)).migrateToLatest())
}

/** Brings the schema up to the named migration (tests of a migration on the data before it). */
export async function migrateTo(db: Db, name: string): Promise<string[]> {
  return applied(await (await migratorFor(db)).migrateTo(name))
}
