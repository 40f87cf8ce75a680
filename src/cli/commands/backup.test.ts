import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliUsername } from '../../audit/cli-audit.js'
import { createToken } from '../../auth/credentials.js'
import { inTransaction } from '../../db/transaction.js'
import { loadDemo } from '../../demo/load.js'
import { fingerprint } from '../../reliability/reliability-fixtures.js'
import { kill, runCli, startServer, urlOf } from '../../reliability/server-fixtures.js'
import { createTestDb, dialects, type TestDb } from '../../test-support/databases.js'
import { CliError } from '../context.js'
import { backupDatabase, restoreDatabase } from './backup.js'

/** PostgreSQL's client tools (pg_dump, pg_restore, psql) are needed for its backups (docs/backup.md). */
const pgTools = ['pg_dump', 'pg_restore', 'psql'].every((t) => spawnSync(t, ['--version']).status === 0)

/** Every table, nothing left out: a restore gives back the data exactly. */
const everything = (db: TestDb) => fingerprint(db, [])

describe.each(dialects.filter((d) => d === 'sqlite' || pgTools))('segmenta backup and restore on %s', (dialect) => {
  let db: TestDb
  let url: string
  let dir: string
  beforeAll(async () => {
    db = await createTestDb(dialect)
    await inTransaction(db.kysely, (trx) => loadDemo(trx, { today: '2026-03-15' }))
    url = await urlOf(db)
    dir = mkdtempSync(join(tmpdir(), 'segmenta-backup-'))
  }, 120_000)
  afterAll(async () => {
    await db.drop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('Given a backup, when the data is changed and the backup restored with the CLI, then the data is exactly as backed up', async () => {
    const file = join(dir, 'round-trip.backup')
    const before = await everything(db)
    const info = await backupDatabase(url, file)
    expect(info).toMatchObject({ dialect, contacts: 389, segments: 2 })

    // Changes of every kind after the backup: new, changed and deleted rows, and a table the backup lacks.
    await db.kysely.insertInto('mailing_groups').values({ code: 'AFTER', description: 'After the backup' }).execute()
    await db.kysely.updateTable('contacts').set({ name: 'Changed' }).where('no', '=', 'CT000001').execute()
    await db.kysely.deleteFrom('segment_headers').where('no', '=', 'SM00005').execute()
    await sql`create table stray_table (x integer)`.execute(db.kysely)
    expect(await everything(db)).not.toEqual(before)

    const r = await runCli(['--db', url, 'restore', file])
    expect([r.status, r.stderr]).toEqual([0, ''])
    expect(r.stdout).toBe(`Restored ${file} into the ${dialect} database (389 contacts, 2 segments).\n`)
    // The restore's own audit row comes after it, in the restored database; all else is as backed up.
    const audit = await db.kysely.selectFrom('audit_log').select(['username', 'action', 'method', 'status']).execute()
    expect(audit).toEqual([{ username: cliUsername(), action: 'database.restore', method: 'CLI', status: 200 }])
    await db.kysely.deleteFrom('audit_log').execute()
    const after = await everything(db)
    expect(after).toEqual(before)
    expect(after).not.toHaveProperty('stray_table')
  }, 120_000)

  it('Given a CLI backup, its audit row is done in the database and absent from the copy, so a restore brings back no unfinished row', async () => {
    await db.kysely.deleteFrom('audit_log').execute()
    const file = join(dir, 'audited.backup')
    const audit = async () =>
      (
        await db.kysely
          .selectFrom('audit_log')
          .select(['username', 'action', 'method', 'status'])
          .orderBy('id')
          .execute()
      ).map((a) => ({ ...a, status: Number(a.status) }))
    const b = await runCli(['--db', url, 'backup', file])
    expect([b.status, b.stderr]).toEqual([0, ''])
    expect(await audit()).toEqual([{ username: cliUsername(), action: 'database.backup', method: 'CLI', status: 200 }])
    const r = await runCli(['--db', url, 'restore', file])
    expect([r.status, r.stderr]).toEqual([0, ''])
    expect(await audit()).toEqual([{ username: cliUsername(), action: 'database.restore', method: 'CLI', status: 200 }])
    await db.kysely.deleteFrom('audit_log').execute()
  }, 120_000)

  it('never overwrites a file, and refuses a file that is not a backup without changing anything', async () => {
    const existing = join(dir, 'existing.backup')
    writeFileSync(existing, 'not a database')
    await expect(backupDatabase(url, existing)).rejects.toThrow(
      `${existing} already exists; give a new file name (a backup never overwrites)`,
    )
    const before = await everything(db)
    await expect(restoreDatabase(url, existing)).rejects.toBeInstanceOf(CliError)
    await expect(restoreDatabase(url, join(dir, 'missing.backup'))).rejects.toThrow('does not exist')
    const r = await runCli(['--db', url, 'restore', existing])
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(/^segmenta: .*existing\.backup (is not|does not hold)/)
    expect(await everything(db)).toEqual(before)
  }, 120_000)

  it.runIf(dialect === 'postgres')(
    'says what to install when pg_dump is not there, and writes nothing',
    async () => {
      const file = join(dir, 'no-tools.backup')
      const r = await runCli(['--db', url, 'backup', file], { PATH: '/nonexistent' })
      expect(r.status).toBe(1)
      expect(r.stderr).toBe(
        "segmenta: pg_dump was not found: install PostgreSQL's client tools (package postgresql-client, the server's major version or newer), or back up with your own tooling — see docs/backup.md\n",
      )
      expect(existsSync(file)).toBe(false)
    },
    60_000,
  )

  it('Given a server taking writes all along, the CLI backup is a consistent copy: every segment in it replays its history', async () => {
    const { token } = await createToken(db.kysely, 'demo')
    const server = await startServer(url)
    let writes = 0
    let stop = false
    const writer = (async () => {
      while (!stop) {
        const res = await fetch(`${server.url}/api/segments/SM00004/add-contacts`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ filters: { contact: { no: 'CT00001*' } }, allowExistingContacts: true }),
        })
        if (res.status !== 200) throw new Error(`write failed: ${res.status} ${await res.text()}`)
        writes++
      }
    })()
    try {
      while (writes < 3) await new Promise((r) => setTimeout(r, 20))
      const file = join(dir, 'while-serving.backup')
      const r = await runCli(['--db', url, 'backup', file])
      expect([r.status, r.stderr]).toEqual([0, ''])
      expect(r.stdout).toMatch(new RegExp(`^Backed up the ${dialect} database to ${file} \\(\\d`))
      stop = true
      await writer
      const atEnd = writes
      await kill(server)

      // Restore the copy and look inside: each Add wrote its lines, history and criteria in one transaction.
      await restoreDatabase(url, file)
      const lines = await db.kysely
        .selectFrom('segment_lines')
        .select(sql<number>`count(*)`.as('n'))
        .where('segment_no', '=', 'SM00004')
        .executeTakeFirstOrThrow()
      const inserted = await db.kysely
        .selectFrom('segment_history')
        .select(sql<number>`count(*)`.as('n'))
        .where('segment_no', '=', 'SM00004')
        .where('action_taken', '=', 'Insertion')
        .executeTakeFirstOrThrow()
      const actions = await db.kysely
        .selectFrom('segment_criteria_actions')
        .select(sql<number>`count(*)`.as('n'))
        .where('segment_no', '=', 'SM00004')
        .executeTakeFirstOrThrow()
      // Each Add inserts the same ten contacts (CT000010…CT000019).
      expect(Number(actions.n)).toBeGreaterThanOrEqual(3)
      expect(Number(actions.n)).toBeLessThanOrEqual(atEnd)
      expect([Number(lines.n), Number(inserted.n)]).toEqual([Number(actions.n) * 10, Number(actions.n) * 10])
    } finally {
      stop = true
      await writer.catch(() => {})
      await kill(server)
    }
  }, 180_000)
})
