import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { type Db, type Dialect, openDb } from '../db/connection.js'
import { migrateToLatest } from '../db/migrate.js'
import { findLineTotalMismatches } from '../segments/engine/line-totals-check.js'

/**
 * The dialects every SQL test runs on: SQLite always, PostgreSQL when DATABASE_URL is set (CI sets it).
 * Use as `describe.each(dialects)('…on %s', (dialect) => …)`.
 */
export const dialects: Dialect[] = process.env.DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite']

export interface TestDb extends Db {
  /**
   * Drops the scratch schema or file — after checking that every segment's stored No. of Lines still matches
   * its lines (migration 007), so every test that changes lines also checks that invariant; it throws after
   * the drop when one does not.
   */
  drop(): Promise<void>
}

/** SQLite's and PostgreSQL's answers for a database without the segment tables, and the drivers' once closed. */
const NOTHING_TO_CHECK =
  /no such (table|column)|does not exist|has already been destroyed|connection is not open|after calling end/i

/** A fresh, migrated database of the given dialect: a temp SQLite file or a scratch PostgreSQL schema. */
export async function createTestDb(dialect: Dialect, opts: { migrate?: boolean } = {}): Promise<TestDb> {
  let db: Db
  let cleanup: () => Promise<void>
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'segmenta-test-'))
    db = openDb(`sqlite:${join(dir, 'test.db')}`)
    cleanup = async () => rmSync(dir, { recursive: true, force: true })
  } else {
    const url = process.env.DATABASE_URL
    if (!url) throw new Error('DATABASE_URL is not set')
    const schema = `t_${randomBytes(6).toString('hex')}`
    const admin = new pg.Client({ connectionString: url })
    await admin.connect()
    await admin.query(`create schema ${schema}`)
    await admin.end()
    db = openDb(url, { schema, poolSize: 5 })
    cleanup = async () => {
      const c = new pg.Client({ connectionString: url })
      await c.connect()
      await c.query(`drop schema ${schema} cascade`)
      await c.end()
    }
  }
  if (opts.migrate !== false) {
    try {
      await migrateToLatest(db)
    } catch (e) {
      // Leave no half-made schema behind to confuse later runs.
      await db.close()
      await cleanup()
      throw e
    }
  }
  let dropped = false
  return {
    ...db,
    async drop() {
      if (dropped) return
      dropped = true
      // A database the test closed itself, or never migrated, has nothing to check; any other error fails.
      const mismatches = await findLineTotalMismatches(db.kysely, db.dialect).catch((e: unknown) => {
        if (NOTHING_TO_CHECK.test(String((e as Error)?.message ?? e))) return []
        throw e
      })
      await db.close()
      await cleanup()
      if (mismatches.length > 0)
        throw new Error(`stored line totals differ from the lines: ${JSON.stringify(mismatches)}`)
    },
  }
}
