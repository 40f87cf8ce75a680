import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { userInfo } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliUsername } from '../../audit/cli-audit.js'
import { verifyPassword } from '../../auth/passwords.js'
import { openDb } from '../../db/connection.js'
import { MIGRATION_NAMES, migrateTo } from '../../db/migrate.js'
import { urlOf } from '../../reliability/server-fixtures.js'
import { createTestDb, dialects, type TestDb } from '../../test-support/databases.js'

const root = fileURLToPath(new URL('../../..', import.meta.url))
/** Each call starts the CLI through tsx, seconds apiece on a busy machine. */
const SLOW = 120_000

/** Runs the CLI as a user would, with `input` on standard input. */
function runSegmenta(url: string, args: string[], input?: string) {
  const r = spawnSync(join(root, 'node_modules/.bin/tsx'), ['src/cli/main.ts', ...args], {
    cwd: root,
    env: { ...process.env, SEGMENTA_DB: url, SEGMENTA_PASSWORD: '' },
    encoding: 'utf8',
    input: input ?? '',
  })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

it(
  'segmenta --version prints the version of package.json and exits 0',
  () => {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
    expect(runSegmenta('sqlite::memory:', ['--version'])).toEqual({ status: 0, stdout: `${version}\n`, stderr: '' })
  },
  SLOW,
)

it('the audit log names a command-line action by the operating-system user', () => {
  expect(cliUsername()).toBe(`cli:${userInfo().username}`)
})

describe.each(dialects)('segmenta migrate, user and token on %s', (dialect) => {
  let url: string
  const segmenta = (args: string[], input?: string) => runSegmenta(url, args, input)

  const query = async <T>(fn: (db: ReturnType<typeof openDb>) => Promise<T>): Promise<T> => {
    const db = openDb(url)
    try {
      return await fn(db)
    } finally {
      await db.close()
    }
  }
  const audit = () =>
    query((db) =>
      db.kysely
        .selectFrom('audit_log')
        .select(['username', 'action', 'method', 'path', 'status', 'target', 'detail'])
        .orderBy('id')
        .execute(),
    )
  const hashOf = (username: string) =>
    query(
      async (db) =>
        (
          await db.kysely
            .selectFrom('users')
            .select('password_hash')
            .where('username', '=', username)
            .executeTakeFirstOrThrow()
        ).password_hash,
    )

  const scratches: TestDb[] = []
  /** A new, empty database of the dialect (a temp file or a scratch schema), as the CLI's URL. */
  async function scratch(): Promise<string> {
    const db = await createTestDb(dialect, { migrate: false })
    scratches.push(db)
    return urlOf(db)
  }

  beforeAll(async () => {
    url = await scratch()
  })
  afterAll(async () => {
    for (const db of scratches) await db.drop()
  })

  it(
    'Given a database one migration behind and set up, migrate says which migration it applied and adds no defaults',
    async () => {
      const older = await scratch()
      const db = openDb(older)
      try {
        await migrateTo(db, MIGRATION_NAMES.at(-2)!)
        await db.kysely.insertInto('number_series').values({ code: 'MINE', starting_no: 'M001' }).execute()
      } finally {
        await db.close()
      }
      expect(runSegmenta(older, ['migrate'])).toEqual({
        status: 0,
        stdout: `Applied 1 migration: ${MIGRATION_NAMES.at(-1)}.\n`,
        stderr: '',
      })
      const after = openDb(older)
      try {
        const series = await after.kysely.selectFrom('number_series').select('code').execute()
        const groups = await after.kysely.selectFrom('interaction_groups').select('code').execute()
        expect({ series, groups }).toEqual({ series: [{ code: 'MINE' }], groups: [] })
      } finally {
        await after.close()
      }
    },
    SLOW,
  )

  it(
    "Given an empty database, migrate says it created the schema and a new company's defaults; run again, that the schema is up to date",
    async () => {
      const first = segmenta(['migrate'])
      expect(first).toEqual({
        status: 0,
        stdout: `Created the schema (${MIGRATION_NAMES.length} migrations). Created a new company's defaults: number series CONT, SEG and CAMP, interaction groups LETTER and EMAIL, templates E-MAIL and LETTER.\n`,
        stderr: '',
      })
      const setup = await query((db) =>
        db.kysely
          .selectFrom('marketing_setup')
          .select(['contact_nos', 'segment_nos', 'campaign_nos'])
          .executeTakeFirstOrThrow(),
      )
      expect(setup).toEqual({ contact_nos: 'CONT', segment_nos: 'SEG', campaign_nos: 'CAMP' })

      const again = segmenta(['migrate'])
      expect(again).toEqual({ status: 0, stdout: 'The schema is up to date.\n', stderr: '' })
      // Only the run that changed something is in the audit log.
      expect(await audit()).toEqual([
        {
          username: cliUsername(),
          action: 'schema.migrate',
          method: 'CLI',
          path: 'segmenta migrate',
          status: 200,
          target: '',
          detail: JSON.stringify({ answer: { applied: MIGRATION_NAMES, defaults: true } }),
        },
      ])
    },
    SLOW,
  )

  it(
    'user passwd sets a new password read from standard input, ends the sessions, and is audited without the password',
    async () => {
      expect(segmenta(['user', 'add', 'ann', '--role', 'marketer', '--password-stdin'], 'first-password-1\n')).toEqual({
        status: 0,
        stdout: '',
        stderr: 'User ann (marketer) created.\n',
      })
      await query((db) =>
        db.kysely
          .insertInto('sessions')
          .values({ id_hash: 'sess-ann', username: 'ann', expires_at: '2999-01-01T00:00:00.000Z' })
          .execute(),
      )

      const r = segmenta(['user', 'passwd', 'ann', '--password-stdin'], 'second-password-2\n')
      expect(r).toEqual({ status: 0, stdout: '', stderr: 'Password of ann changed.\n' })
      const hash = await hashOf('ann')
      expect(await verifyPassword('second-password-2', hash)).toBe(true)
      expect(await verifyPassword('first-password-1', hash)).toBe(false)
      const sessions = await query((db) =>
        db.kysely.selectFrom('sessions').select('id_hash').where('username', '=', 'ann').execute(),
      )
      expect(sessions).toEqual([])

      const rows = (await audit()).filter((a) => a.action.startsWith('users.'))
      expect(rows).toEqual([
        {
          username: cliUsername(),
          action: 'users.create',
          method: 'CLI',
          path: 'segmenta user add ann',
          status: 200,
          target: 'ann',
          detail: JSON.stringify({ body: { username: 'ann', role: 'marketer' } }),
        },
        {
          username: cliUsername(),
          action: 'users.password',
          method: 'CLI',
          path: 'segmenta user passwd ann',
          status: 200,
          target: 'ann',
          detail: '{}',
        },
      ])
      expect(JSON.stringify(rows)).not.toContain('password-')
    },
    SLOW,
  )

  it(
    'user passwd exits 1 for an unknown user and for a too short password, changing nothing',
    async () => {
      const before = await hashOf('ann')
      expect(segmenta(['user', 'passwd', 'nobody', '--password-stdin'], 'a-fine-password\n')).toEqual({
        status: 1,
        stdout: '',
        stderr: "segmenta: The User does not exist. Identification fields and values: User Name='nobody'\n",
      })
      expect(segmenta(['user', 'passwd', 'ann', '--password-stdin'], 'short\n')).toEqual({
        status: 1,
        stdout: '',
        stderr: 'segmenta: password: must be at least 10 characters\n',
      })
      expect(segmenta(['user', 'passwd', 'ann'])).toEqual({
        status: 1,
        stdout: '',
        stderr: 'segmenta: give the password on standard input with --password-stdin (or in SEGMENTA_PASSWORD)\n',
      })
      expect(await hashOf('ann')).toBe(before)
      const refused = (await audit())
        .filter((a) => a.action === 'users.password' && a.status !== 200)
        .map((a) => [a.target, a.status, JSON.parse(a.detail).error])
      expect(refused).toEqual([
        ['nobody', 404, 'NOT_FOUND'],
        ['ann', 400, 'VALIDATION_FAILED'],
      ])
    },
    SLOW,
  )

  it(
    'token create prints the token and is audited with the token id, never the token',
    async () => {
      const r = segmenta(['token', 'create', 'ann', '--description', 'reports'])
      expect(r.status).toBe(0)
      expect(r.stdout).toMatch(/^sgm_[0-9a-f]{12}_[A-Za-z0-9_-]{32}\n$/)
      const id = r.stdout.slice(4, 16)
      const row = (await audit()).find((a) => a.action === 'tokens.create')
      expect(row).toEqual({
        username: cliUsername(),
        action: 'tokens.create',
        method: 'CLI',
        path: 'segmenta token create ann',
        status: 200,
        target: 'ann',
        detail: JSON.stringify({ body: { username: 'ann', description: 'reports' }, answer: { id } }),
      })
    },
    SLOW,
  )
})
