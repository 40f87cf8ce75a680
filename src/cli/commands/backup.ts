import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { rename } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import Database from 'better-sqlite3'
import type { Command } from 'commander'
import { sql } from 'kysely'
import { auditCliDone, auditedCliAfter } from '../../audit/cli-audit.js'
import { currentSchema, type Db, openDb, parseDbUrl } from '../../db/connection.js'
import { migrateToLatest } from '../../db/migrate.js'
import { CliError, dbUrl } from '../context.js'

/**
 * `segmenta backup <file>` and `segmenta restore <file>` (docs/backup.md).
 *
 * SQLite: the backup is `VACUUM INTO`, one read transaction, so it is a consistent copy of the database as it
 * was at one instant, taken while the server goes on serving (WAL mode lets writers continue); the restore
 * copies the file back with SQLite's online backup API, then brings the schema up to date.
 * PostgreSQL: `pg_dump --format=custom` of the schema Segmenta uses (a consistent snapshot; the server goes on
 * serving); the restore replays it with `pg_restore` into `psql --single-transaction`, after dropping the
 * schema's tables in the same transaction — so a failed restore leaves the database as it was.
 */
export function backupCommands(program: Command): void {
  program
    .command('backup <file>')
    .description('write a consistent copy of the database to <file> (safe while the server runs)')
    .action(async (file: string) => {
      // A backup is the whole database taken away: audited like an export, in the database it copies.
      const url = dbUrl(program.opts().db)
      const { dialect, target } = parseDbUrl(url)
      // Nothing to audit in (nor to back up), and no empty database is made here.
      if (dialect === 'sqlite' && !existsSync(target)) throw new CliError(`there is no SQLite database at ${target}`)
      let db: Db | undefined
      let info: BackupInfo
      try {
        const entry = { action: 'database.backup', command: `segmenta backup ${file}` }
        info = await auditedCliAfter(
          () => {
            db = openDb(url, { poolSize: 1 })
            return db.kysely
          },
          entry,
          async () => {
            const i = await backupDatabase(url, file)
            return { result: i, answer: { bytes: i.bytes, contacts: i.contacts, segments: i.segments } }
          },
        )
      } finally {
        await db?.close()
      }
      console.log(
        `Backed up the ${info.dialect} database to ${file} (${formatBytes(info.bytes)}; ${info.contacts} contacts, ${info.segments} segments).`,
      )
    })
  program
    .command('restore <file>')
    .description('replace the whole database with a backup made by `segmenta backup`')
    .action(async (file: string) => {
      const url = dbUrl(program.opts().db)
      const info = await restoreDatabase(url, file)
      // Written after the restore, into the restored database: a row written before would go with the old one.
      const db = openDb(url, { poolSize: 1 })
      try {
        const entry = { action: 'database.restore', command: `segmenta restore ${file}` }
        await auditCliDone(db.kysely, entry, { contacts: info.contacts, segments: info.segments })
      } finally {
        await db.close()
      }
      console.log(
        `Restored ${file} into the ${info.dialect} database (${info.contacts} contacts, ${info.segments} segments).`,
      )
    })
}

export interface BackupInfo {
  dialect: Db['dialect']
  bytes: number
  contacts: number
  segments: number
}

/** Writes a backup of the database at `url` to `file` (which must not exist yet). */
export async function backupDatabase(url: string, file: string): Promise<BackupInfo> {
  const { dialect, target } = parseDbUrl(url)
  if (existsSync(file)) throw new CliError(`${file} already exists; give a new file name (a backup never overwrites)`)
  const dir = dirname(file)
  if (!existsSync(dir)) throw new CliError(`the folder ${dir} does not exist`)
  const part = `${file}.part`
  rmSync(part, { force: true })
  try {
    if (dialect === 'sqlite') {
      if (target === ':memory:' || !existsSync(target)) throw new CliError(`there is no SQLite database at ${target}`)
      const db = new Database(target, { fileMustExist: true, readonly: true })
      try {
        db.prepare('VACUUM INTO ?').run(part)
      } finally {
        db.close()
      }
      checkSqliteBackup(part)
    } else {
      requireTool('pg_dump')
      const schema = await schemaAt(url)
      await run('pg_dump', [
        '--format=custom',
        '--no-owner',
        '--no-privileges',
        `--schema=${schema}`,
        `--file=${part}`,
        '--dbname',
        url,
      ])
    }
    await rename(part, file)
  } catch (e) {
    rmSync(part, { force: true })
    throw e
  }
  // What the backup holds (on SQLite read from the copy itself: the database may have moved on since).
  return { dialect, bytes: statSync(file).size, ...(dialect === 'sqlite' ? sqliteCounts(file) : await counts(url)) }
}

/** Replaces the database at `url` with the backup in `file`, then brings its schema up to date. */
export async function restoreDatabase(url: string, file: string): Promise<BackupInfo> {
  const { dialect, target } = parseDbUrl(url)
  if (!existsSync(file)) throw new CliError(`${file} does not exist`)
  if (dialect === 'sqlite') {
    checkSqliteBackup(file)
    if (target === ':memory:') throw new CliError('cannot restore into an in-memory database')
    mkdirSync(dirname(target), { recursive: true })
    const backup = new Database(file, { readonly: true, fileMustExist: true })
    try {
      // The online backup API writes the pages under the database's own locks, so even a running server sees
      // either the old database or the restored one, never a mix.
      await backup.backup(target)
    } finally {
      backup.close()
    }
  } else {
    requireTool('pg_restore')
    requireTool('psql')
    const list = await run('pg_restore', ['--list', file]).catch(() => {
      throw new CliError(`${file} is not a backup made by \`segmenta backup\` of a PostgreSQL database`)
    })
    const schemas = [...new Set([...list.matchAll(/^\d+; \d+ \d+ TABLE (\S+) contacts /gm)].map((m) => m[1]))]
    if (schemas.length !== 1) throw new CliError(`${file} does not hold a Segmenta database`)
    await restorePostgres(url, file, schemas[0], list)
  }
  const db = openDb(url)
  try {
    await migrateToLatest(db)
  } finally {
    await db.close()
  }
  return { dialect, bytes: statSync(file).size, ...(await counts(url)) }
}

/** A SQLite file that is whole and holds Segmenta's tables; anything else is refused before anything changes. */
function checkSqliteBackup(file: string): void {
  let db: Database.Database
  try {
    db = new Database(file, { readonly: true, fileMustExist: true })
  } catch {
    throw new CliError(`${file} is not a SQLite database`)
  }
  try {
    const check = db.pragma('quick_check', { simple: true })
    if (check !== 'ok') throw new CliError(`${file} is damaged: ${check}`)
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('contacts', 'kysely_migration')")
      .all()
    if (tables.length !== 2) throw new CliError(`${file} does not hold a Segmenta database`)
  } catch (e) {
    if (e instanceof CliError) throw e
    throw new CliError(`${file} is not a SQLite database (${(e as Error).message})`)
  } finally {
    db.close()
  }
}

/**
 * pg_restore's script, without its CREATE SCHEMA, piped into one psql transaction that first drops every table,
 * view, sequence, routine and type of the schema (also those a newer version added, which the backup does not
 * know) — and keeps the schema itself, with its owner and grants.
 */
async function restorePostgres(url: string, file: string, schema: string, list: string): Promise<void> {
  const dir = join(tmpdir(), `segmenta-restore-${process.pid}-${Date.now()}`)
  mkdirSync(dir, { recursive: true })
  try {
    const listFile = join(dir, 'list')
    writeFileSync(listFile, list.replace(/^(\d+; \d+ \d+ SCHEMA - )/gm, ';$1'))
    const quoted = schema.replaceAll("'", "''")
    const preamble = `SET client_min_messages = warning;
CREATE SCHEMA IF NOT EXISTS "${schema.replaceAll('"', '""')}";
DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = '${quoted}' AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
           ORDER BY c.relkind = 'S' LOOP
    EXECUTE format(CASE r.relkind WHEN 'v' THEN 'DROP VIEW IF EXISTS %I.%I CASCADE'
                                  WHEN 'm' THEN 'DROP MATERIALIZED VIEW IF EXISTS %I.%I CASCADE'
                                  WHEN 'S' THEN 'DROP SEQUENCE IF EXISTS %I.%I CASCADE'
                                  WHEN 'f' THEN 'DROP FOREIGN TABLE IF EXISTS %I.%I CASCADE'
                                  ELSE 'DROP TABLE IF EXISTS %I.%I CASCADE' END, '${quoted}', r.relname);
  END LOOP;
  FOR r IN SELECT p.oid::regprocedure AS routine FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
           WHERE n.nspname = '${quoted}' LOOP
    EXECUTE format('DROP ROUTINE IF EXISTS %s CASCADE', r.routine);
  END LOOP;
  FOR r IN SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
           WHERE n.nspname = '${quoted}' AND t.typtype IN ('e', 'd', 'r', 'm') LOOP
    EXECUTE format('DROP TYPE IF EXISTS %I.%I CASCADE', '${quoted}', r.typname);
  END LOOP;
END $$;
`
    const psql = spawn(
      'psql',
      ['--single-transaction', '-v', 'ON_ERROR_STOP=1', '--quiet', '--no-psqlrc', '-f', '-', '--dbname', url],
      {
        stdio: ['pipe', 'ignore', 'pipe'],
      },
    )
    const restore = spawn('pg_restore', ['--no-owner', '--no-privileges', '-L', listFile, '-f', '-', file], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let errors = ''
    psql.stderr.on('data', (d) => {
      errors += d
    })
    restore.stderr.on('data', (d) => {
      errors += d
    })
    // If psql stops early (an error), stop feeding it and end pg_restore too, instead of failing on a closed pipe.
    psql.stdin.on('error', () => {})
    psql.once('close', () => {
      restore.stdout.unpipe(psql.stdin)
      restore.stdout.resume()
      if (restore.exitCode === null) restore.kill()
    })
    psql.stdin.write(preamble)
    restore.stdout.pipe(psql.stdin)
    const [restoreCode, psqlCode] = await Promise.all([exitCode(restore), exitCode(psql)])
    if (restoreCode !== 0 || psqlCode !== 0)
      throw new CliError(`the restore failed and changed nothing: ${errors.trim().split('\n').slice(0, 3).join(' ')}`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const exitCode = (child: ReturnType<typeof spawn>) =>
  new Promise<number>((resolve) => {
    child.once('error', () => resolve(-1))
    child.once('close', (code) => resolve(code ?? -1))
  })

/** Runs a tool and returns its standard output; a failure is a CliError with its first error lines. */
function run(tool: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => {
      out += d
    })
    child.stderr.on('data', (d) => {
      err += d
    })
    child.once('error', (e) => reject(new CliError(`${tool}: ${e.message}`)))
    child.once('close', (code) =>
      code === 0
        ? resolve(out)
        : reject(new CliError(`${tool} failed: ${err.trim().split('\n').slice(0, 3).join(' ')}`)),
    )
  })
}

/** PostgreSQL's client tools must be installed (same major version as the server or newer). */
function requireTool(tool: string): void {
  const r = spawnSync(tool, ['--version'], { encoding: 'utf8' })
  if (r.error || r.status !== 0)
    throw new CliError(
      `${tool} was not found: install PostgreSQL's client tools (package postgresql-client, the server's major version or newer), or back up with your own tooling — see docs/backup.md`,
    )
}

async function schemaAt(url: string): Promise<string> {
  const db = openDb(url, { poolSize: 1 })
  try {
    return await currentSchema(db.kysely)
  } finally {
    await db.close()
  }
}

async function counts(url: string): Promise<{ contacts: number; segments: number }> {
  const db = openDb(url, { poolSize: 1 })
  try {
    const c = await db.kysely.selectFrom('contacts').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()
    const s = await db.kysely
      .selectFrom('segment_headers')
      .select(sql<number>`count(*)`.as('n'))
      .executeTakeFirstOrThrow()
    return { contacts: Number(c.n), segments: Number(s.n) }
  } finally {
    await db.close()
  }
}

function sqliteCounts(file: string): { contacts: number; segments: number } {
  const db = new Database(file, { readonly: true, fileMustExist: true })
  try {
    const n = (table: string) => Number(db.prepare(`SELECT count(*) AS n FROM ${table}`).pluck().get())
    return { contacts: n('contacts'), segments: n('segment_headers') }
  } finally {
    db.close()
  }
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`
}
