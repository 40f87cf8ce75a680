import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { runCli } from '../reliability/server-fixtures.js'
import { DEFAULT_SQLITE_CACHE_MIB, openDb, sqliteCacheMib } from './connection.js'

/** SQLite reports a cache size given in KiB as its negative. */
async function cacheKib(url: string, opts: Parameters<typeof openDb>[1] = {}): Promise<number> {
  const db = openDb(url, opts)
  try {
    const r = await sql<{ cache_size: number }>`PRAGMA cache_size`.execute(db.kysely)
    return -r.rows[0].cache_size
  } finally {
    await db.close()
  }
}

describe('SQLite page cache size (SEGMENTA_SQLITE_CACHE_MIB)', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'segmenta-cache-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  afterEach(() => vi.unstubAllEnvs())

  it('is 64 MiB when the variable is unset or blank', () => {
    vi.stubEnv('SEGMENTA_SQLITE_CACHE_MIB', undefined)
    expect(DEFAULT_SQLITE_CACHE_MIB).toBe(64)
    expect(sqliteCacheMib()).toBe(64)
    expect(sqliteCacheMib('')).toBe(64)
    expect(sqliteCacheMib('  ')).toBe(64)
  })

  it('takes a whole number of MiB from 2 to 1048576', () => {
    expect(sqliteCacheMib('2')).toBe(2)
    expect(sqliteCacheMib('256')).toBe(256)
    expect(sqliteCacheMib(' 1024 ')).toBe(1024)
    expect(sqliteCacheMib('1048576')).toBe(1048576)
  })

  it.each(['abc', '0', '1', '3.5', '-64', '64MB', '1e3', '1048577'])(
    'refuses "%s" with a message naming the variable',
    (v) => {
      expect(() => sqliteCacheMib(v)).toThrow(
        `SEGMENTA_SQLITE_CACHE_MIB must be a whole number of MiB from 2 to 1048576, not "${v}".`,
      )
    },
  )

  it('Given no setting, when the product opens a SQLite file, then its page cache is 64 MiB', async () => {
    vi.stubEnv('SEGMENTA_SQLITE_CACHE_MIB', undefined)
    expect(await cacheKib(`sqlite:${join(dir, 'default.db')}`)).toBe(65536)
  })

  it('Given 256 MiB, when the product opens a SQLite file, then its page cache is 256 MiB', async () => {
    expect(await cacheKib(`sqlite:${join(dir, 'large.db')}`, { sqliteCacheMib: 256 })).toBe(262144)
  })

  it('Given SEGMENTA_SQLITE_CACHE_MIB=128 in the environment, when the product opens a SQLite file, then its page cache is 128 MiB', async () => {
    vi.stubEnv('SEGMENTA_SQLITE_CACHE_MIB', '128')
    expect(await cacheKib(`sqlite:${join(dir, 'env.db')}`)).toBe(131072)
  })

  it('Given a mistyped setting, when a CLI command opens the database, then it stops with the message and exit 1, creating nothing', async () => {
    const file = join(dir, 'never.db')
    const r = await runCli(['--db', `sqlite:${file}`, 'check'], { SEGMENTA_SQLITE_CACHE_MIB: '64MB' })
    expect(r.status).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toBe(
      'segmenta: SEGMENTA_SQLITE_CACHE_MIB must be a whole number of MiB from 2 to 1048576, not "64MB".\n',
    )
    expect(existsSync(file)).toBe(false)
  })
})
