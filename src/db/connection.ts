import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  PostgresDialect,
  SqliteDialect,
  type SqliteDialectConfig,
  sql,
} from 'kysely'
import pg from 'pg'
import { registerSqliteFunctions } from '../filters/index.js'
import { type Checkpointer, startCheckpointer } from './checkpointer.js'
import type { DB } from './schema.js'

export type Dialect = 'sqlite' | 'postgres'

export interface Db {
  kysely: Kysely<DB>
  dialect: Dialect
  url: string
  close(): Promise<void>
}

export const DEFAULT_DB_URL = 'sqlite:./data/segmenta.db'

// pg returns int8, numeric and date as strings or Date objects; the product wants plain numbers and
// YYYY-MM-DD / ISO strings on both dialects, so the API layer never has to know which one it talks to.
pg.types.setTypeParser(20, (v) => Number(v)) // int8: line numbers, counts
pg.types.setTypeParser(1700, (v) => Number(v)) // numeric: amounts
pg.types.setTypeParser(1082, (v) => v) // date
pg.types.setTypeParser(1184, (v) => new Date(v).toISOString()) // timestamptz

/**
 * Kysely's SQLite driver starts transactions with a plain `BEGIN`, which takes the write lock only
 * at the first write; two processes (server and CLI) could then deadlock on upgrade. `BEGIN IMMEDIATE`
 * takes it up front, which is what DESIGN.md asks for.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  override createDriver(): Driver {
    const driver = super.createDriver()
    driver.beginTransaction = async (connection: DatabaseConnection) => {
      await connection.executeQuery(CompiledQuery.raw('begin immediate'))
    }
    return driver
  }
}

export function parseDbUrl(url: string): { dialect: Dialect; target: string } {
  if (url.startsWith('sqlite:')) return { dialect: 'sqlite', target: url.slice('sqlite:'.length) || ':memory:' }
  if (/^postgres(ql)?:\/\//.test(url)) return { dialect: 'postgres', target: url }
  throw new Error(`Unsupported database URL '${url}': use sqlite:<path> or postgres://…`)
}

export interface OpenOptions {
  /** PostgreSQL: search_path to use (tests give each run its own schema). */
  schema?: string
  /** PostgreSQL: pool size. */
  poolSize?: number
  /**
   * SQLite file: checkpoint the write-ahead log from a worker thread instead of in the committing request
   * (`checkpointer.ts`). The server and the bench use it; short-lived CLI commands keep SQLite's default.
   */
  backgroundCheckpoints?: boolean
  /** SQLite: the page cache in MiB (default: `sqliteCacheMib()`, from the environment). */
  sqliteCacheMib?: number
}

/**
 * Settings of every PostgreSQL session the product opens (the server's configuration stays as it is; see
 * docs/performance.md for what to set there):
 * - `jit=off`: a step's statements cost enough to be compiled to machine code, which takes longer than it
 *   saves on statements that run once;
 * - `work_mem=64MB`: the sort that numbers 400,000 new lines in BC's order stays in memory instead of
 *   spilling to disk (the server default is 4 MB).
 */
export const PG_SESSION_SETTINGS = ['-c jit=off', '-c work_mem=64MB']

/** SQLite's page cache unless `SEGMENTA_SQLITE_CACHE_MIB` says otherwise (docs/performance.md, "Settings"). */
export const DEFAULT_SQLITE_CACHE_MIB = 64

/**
 * The SQLite page cache in MiB: `value` (the environment's `SEGMENTA_SQLITE_CACHE_MIB` unless given), or 64
 * when unset. Anything but a whole number from 2 to 1,048,576 is refused, so that a typo does not silently
 * leave the default in place.
 */
export function sqliteCacheMib(value: string | undefined = process.env.SEGMENTA_SQLITE_CACHE_MIB): number {
  if (value === undefined || value.trim() === '') return DEFAULT_SQLITE_CACHE_MIB
  const n = Number(value)
  if (!/^\s*\d+\s*$/.test(value) || n < 2 || n > 1_048_576)
    throw new Error(`SEGMENTA_SQLITE_CACHE_MIB must be a whole number of MiB from 2 to 1048576, not "${value}".`)
  return n
}

export function openDb(url: string, opts: OpenOptions = {}): Db {
  const { dialect, target } = parseDbUrl(url)
  if (dialect === 'sqlite') {
    const cacheMib = opts.sqliteCacheMib ?? sqliteCacheMib() // refused before any file is made
    if (target !== ':memory:') mkdirSync(dirname(target), { recursive: true })
    const sqlite = new Database(target)
    sqlite.pragma('journal_mode = WAL')
    sqlite.pragma('foreign_keys = ON')
    sqlite.pragma('busy_timeout = 10000')
    sqlite.pragma('synchronous = NORMAL')
    // Memory stays bounded whatever the number of contacts (docs/performance.md): a page cache of 64 MiB
    // unless the administrator gives it more (a sort may take as much again before it spills); no memory map
    // of the database file (its mapped pages would count as this process's memory, up to the map's size, for
    // no gain over a page cache of the same size); large sorts (a step's line order) and window buffers
    // spilled to temporary files rather than kept in memory.
    sqlite.pragma('temp_store = FILE')
    sqlite.pragma(`cache_size = ${-1024 * cacheMib}`)
    sqlite.pragma('mmap_size = 0')
    // Unicode-aware lower() so '@' filters treat 'Müller' and 'MÜLLER' alike, as PostgreSQL does.
    registerSqliteFunctions(sqlite)
    let checkpointer: Checkpointer | undefined
    if (opts.backgroundCheckpoints && target !== ':memory:') {
      sqlite.pragma('wal_autocheckpoint = 0')
      // The log file is cut back to 64 MiB when it starts over, rather than keeping its largest size.
      sqlite.pragma(`journal_size_limit = ${64 * 1024 * 1024}`)
      checkpointer = startCheckpointer(target, {
        onError: (m) => process.emitWarning(`SQLite background checkpoint failed: ${m}`),
      })
    }
    const config: SqliteDialectConfig = { database: sqlite }
    const kysely = new Kysely<DB>({ dialect: new ImmediateSqliteDialect(config) })
    return {
      kysely,
      dialect,
      url,
      close: async () => {
        await checkpointer?.stop()
        await kysely.destroy()
      },
    }
  }
  const pool = new pg.Pool({
    connectionString: target,
    max: opts.poolSize ?? 10,
    options: [...(opts.schema ? [`-c search_path=${opts.schema}`] : []), ...PG_SESSION_SETTINGS].join(' '),
  })
  const kysely = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) })
  return { kysely, dialect, url, close: () => kysely.destroy() }
}

/** PostgreSQL: the schema a connection works in (its search path's first), e.g. a test's scratch schema. */
export async function currentSchema(kysely: Kysely<DB>): Promise<string> {
  return (await sql<{ s: string }>`select current_schema() as s`.execute(kysely)).rows[0].s
}
