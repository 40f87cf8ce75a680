import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { type Db, openDb } from './connection.js'

/** SQLite files only: PostgreSQL has its own checkpointer process and no such setting. */
describe('background checkpoints of the SQLite write-ahead log', () => {
  const dirs: string[] = []
  const open = (backgroundCheckpoints: boolean): { db: Db; path: string } => {
    const dir = mkdtempSync(join(tmpdir(), 'segmenta-ckpt-'))
    dirs.push(dir)
    const path = join(dir, 'db.sqlite')
    return { db: openDb(`sqlite:${path}`, { backgroundCheckpoints }), path }
  }
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
  })

  /** One transaction writing about 8 MB (2,000 pages of 4 KiB: past SQLite's 1,000-page autocheckpoint). */
  const writeLots = (db: Db) =>
    db.kysely.transaction().execute(async (trx) => {
      await sql`CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)`.execute(trx)
      await sql`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 8000)
                INSERT INTO t SELECT i, printf('%.1000c', 'x') FROM n`.execute(trx)
    })
  const pragma = async (db: Db, name: string) =>
    Object.values((await sql.raw(`PRAGMA ${name}`).execute(db.kysely)).rows[0] as object)[0]

  it('leaves the commit to append to the log, and a worker copies the log into the database file', async () => {
    // Given a database opened as the server opens it
    const { db, path } = open(true)
    expect(await pragma(db, 'wal_autocheckpoint')).toBe(0)
    // When a transaction writes 8 MB
    await writeLots(db)
    // Then the worker's checkpoint brings the database file to the data's size (it runs every 0.5 s)
    const deadline = Date.now() + 20_000
    while (statSync(path).size < 8_000_000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
    expect(statSync(path).size).toBeGreaterThanOrEqual(8_000 * 1_000)
    // And closing stops the worker and leaves no log behind, every row in the file
    await db.close()
    expect(existsSync(`${path}-wal`)).toBe(false)
    const again = openDb(`sqlite:${path}`)
    expect((await sql<{ n: number }>`SELECT count(*) AS n FROM t`.execute(again.kysely)).rows[0].n).toBe(8000)
    await again.close()
  })

  it('lets a process that closes the database exit normally (the worker does not hold it open or cut it short)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'segmenta-ckpt-'))
    dirs.push(dir)
    const script = `import { openDb } from ${JSON.stringify(fileURLToPath(new URL('./connection.ts', import.meta.url)))}
      const db = openDb(${JSON.stringify(`sqlite:${join(dir, 'db.sqlite')}`)}, { backgroundCheckpoints: true })
      await db.kysely.selectNoFrom((eb) => eb.val(1).as('x')).execute()
      await db.close()
      console.log('closed')`
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
    })
    expect({ status: r.status, stdout: r.stdout.trim() }).toEqual({ status: 0, stdout: 'closed' })
  })

  it('keeps SQLite’s own checkpoint in the commit for other connections (CLI commands)', async () => {
    const { db } = open(false)
    expect(await pragma(db, 'wal_autocheckpoint')).toBe(1000)
    await db.close()
  })
})
