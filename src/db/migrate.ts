import {
  type DatabaseIntrospector,
  type Kysely,
  type Migration,
  type MigrationProvider,
  type MigrationResultSet,
  Migrator,
  sql,
  type TableMetadata,
} from 'kysely'
import { currentSchema, type Db, type Dialect } from './connection.js'
import * as m001 from './migrations/001-foundation.js'
import * as m002 from './migrations/002-segments.js'
import * as m003 from './migrations/003-delivery.js'
import * as m004 from './migrations/004-performance.js'
import * as m005 from './migrations/005-audit.js'
import * as m006 from './migrations/006-interaction-criteria-index.js'
import * as m007 from './migrations/007-segment-line-count.js'
import * as m008 from './migrations/008-segment-line-totals.js'
import * as m009 from './migrations/009-sign-in-throttle.js'
import * as m011 from './migrations/011-segment-line-language-by-hand.js'
import * as m012 from './migrations/012-exact-amounts.js'
import * as m014 from './migrations/014-delivery-claims.js'

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
  '008-segment-line-totals': m008,
  '009-sign-in-throttle': m009,
  '011-segment-line-language-by-hand': m011,
  '012-exact-amounts': m012,
  '014-delivery-claims': m014,
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
  const schema = db.dialect === 'postgres' ? await currentSchema(db.kysely) : undefined
  return new Migrator({
    db: schema ? withSchemaIntrospection(db.kysely, schema) : db.kysely,
    provider: new BundledProvider(db.dialect),
    ...(schema ? { migrationTableSchema: schema } : {}),
  })
}

/**
 * The Kysely instance with an introspector that sees only `schema`. The migrator asks the introspector whether
 * its bookkeeping tables exist, and Kysely's PostgreSQL introspector reads every column of every schema,
 * calling has_schema_privilege() and pg_get_serial_sequence() on each: a schema or table that another session
 * drops meanwhile (another tenant, a test running beside) fails the migration with "schema … does not exist".
 * The migrator needs table names only, so this reads pg_class of the one schema.
 */
export function withSchemaIntrospection<T>(kysely: Kysely<T>, schema: string): Kysely<T> {
  const introspector: DatabaseIntrospector = {
    getSchemas: async () => [{ name: schema }],
    getTables: async () => {
      const { rows } = await sql<{ name: string; kind: string }>`
        select c.relname as name, c.relkind as kind
        from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        where n.nspname = ${schema} and c.relkind in ('r', 'p', 'v')`.execute(kysely)
      // Columns are left out: the migrator reads only the names.
      return rows.map((r): TableMetadata => ({ name: r.name, schema, isView: r.kind === 'v', columns: [] }))
    },
    getMetadata: async () => ({ tables: await introspector.getTables() }),
  }
  return new Proxy(kysely, {
    get(target, prop) {
      if (prop === 'introspection') return introspector
      const value = Reflect.get(target, prop, target)
      // Kysely's methods use private fields, so they must run on the real instance.
      return typeof value === 'function' ? value.bind(target) : value
    },
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
