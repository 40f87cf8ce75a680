/**
 * A scratch database for one benchmark run: a new SQLite file (in the temp folder unless `--db sqlite:<path>`
 * names one that does not exist yet) or a new PostgreSQL database on the server `--db postgres://…` points to,
 * created with byte-order collation (`LC_COLLATE 'C'`, DESIGN.md) from template0. Dropped afterwards unless kept.
 * With `reuse`, the database named is one a run kept (`--keep`): used as it is and never dropped.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import pg from 'pg'
import { type Db, openDb } from '../src/db/connection.js'
import { migrateToLatest } from '../src/db/migrate.js'
import { generate } from './generate.js'
import { dropBenchSegments } from './operations.js'

export interface BenchDatabase {
  db: Db
  /** Where the data lives, for the report. */
  where: string
  /** Bytes the database takes on disk (SQLite file + WAL, or pg_database_size). */
  size(): Promise<number>
  /** Closes the connection and, unless kept, removes the database. */
  cleanup(keep: boolean): Promise<void>
}

export async function openBenchDatabase(url: string | undefined, reuse = false): Promise<BenchDatabase> {
  if (!url || url.startsWith('sqlite:')) {
    const path = url ? url.slice('sqlite:'.length) : join(tmpdir(), `segmenta-bench-${process.pid}.db`)
    if (!reuse && existsSync(path) && statSync(path).size > 0)
      throw new Error(`${path} exists: the bench generates its own data and needs a new file`)
    // As the server opens it (checkpoints in a worker thread).
    const db = openDb(`sqlite:${path}`, { backgroundCheckpoints: true })
    return {
      db,
      where: `SQLite ${path}`,
      size: async () => ['', '-wal'].reduce((s, x) => s + (existsSync(path + x) ? statSync(path + x).size : 0), 0),
      cleanup: async (keep) => {
        await db.close()
        if (!keep && !reuse) for (const s of ['', '-wal', '-shm']) rmSync(`${path}${s}`, { force: true })
      },
    }
  }
  const target = new URL(url)
  let name = target.pathname.slice(1)
  if (!reuse) {
    name = `segmenta_bench_${randomBytes(4).toString('hex')}`
    const admin = new pg.Client({ connectionString: url })
    await admin.connect()
    await admin.query(`CREATE DATABASE ${name} LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0`)
    await admin.end()
    target.pathname = `/${name}`
  }
  const db = openDb(target.toString(), { poolSize: 2 })
  return {
    db,
    where: `PostgreSQL database ${name}`,
    size: async () => {
      const c = new pg.Client({ connectionString: target.toString() })
      await c.connect()
      const r = await c.query('SELECT pg_database_size(current_database()) AS s')
      await c.end()
      return Number(r.rows[0].s)
    },
    cleanup: async (keep) => {
      await db.close()
      if (keep || reuse) return
      const c = new pg.Client({ connectionString: url })
      await c.connect()
      await c.query(`DROP DATABASE IF EXISTS ${name}`)
      await c.end()
    },
  }
}

/**
 * Migrates the database and generates `contacts` contacts in it, with statistics as a running installation
 * has them; or, `reuse`d, removes the segments a previous run left. The seconds it took.
 */
export async function fillBenchDatabase(
  db: Db,
  contacts: number,
  reuse: boolean,
  log: (line: string) => void,
): Promise<number> {
  await migrateToLatest(db)
  const t = performance.now()
  if (reuse) await dropBenchSegments(db)
  else {
    await generate(db, contacts, log)
    // PostgreSQL's autovacuum would have analysed the loaded tables and set their visibility maps.
    if (db.dialect === 'postgres') await sql`VACUUM ANALYZE`.execute(db.kysely)
  }
  return (performance.now() - t) / 1000
}
