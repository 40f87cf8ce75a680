import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import ExcelJS from 'exceljs'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliUsername } from '../../audit/cli-audit.js'
import { sheetText, workbook } from '../../contacts/import-export/xlsx-fixtures.js'
import { openDb } from '../../db/connection.js'
import { dialects } from '../../test-support/databases.js'

const root = fileURLToPath(new URL('../../..', import.meta.url))
/** Each test starts the CLI through npx and tsx, seconds apiece on a busy machine. */
const SLOW = 120_000

describe.each(dialects)('segmenta import/export contacts on %s', (dialect) => {
  let dir: string
  let url: string
  let dropSchema = async () => {}

  /** Runs the CLI as a user would; npm's own warnings on stderr are not the CLI's. */
  const segmenta = (...args: (string | Record<string, string>)[]) => {
    const env = Object.assign({}, ...args.filter((a) => typeof a !== 'string'))
    const r = spawnSync('npx', ['tsx', 'src/cli/main.ts', ...args.filter((a) => typeof a === 'string')], {
      cwd: root,
      env: { ...process.env, SEGMENTA_DB: url, ...env },
      encoding: 'utf8',
    })
    const stderr = r.stderr
      .split('\n')
      .filter((l) => !l.startsWith('npm warn'))
      .join('\n')
    return { status: r.status, stdout: r.stdout, stderr }
  }
  const contacts = async () => {
    const db = openDb(url)
    try {
      return await db.kysely
        .selectFrom('contacts')
        .select(['no', 'type', 'name', 'company_name', 'city'])
        .orderBy('no')
        .execute()
    } finally {
      await db.close()
    }
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'segmenta-cli-'))
    if (dialect === 'sqlite') url = `sqlite:${join(dir, 'cli.db')}`
    else {
      const base = process.env.DATABASE_URL!
      const schema = `t_${randomBytes(6).toString('hex')}`
      const c = new pg.Client({ connectionString: base })
      await c.connect()
      await c.query(`create schema ${schema}`)
      await c.end()
      url = `${base}${base.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`
      dropSchema = async () => {
        const d = new pg.Client({ connectionString: base })
        await d.connect()
        await d.query(`drop schema ${schema} cascade`)
        await d.end()
      }
    }
  })
  afterAll(async () => {
    await dropSchema()
    rmSync(dir, { recursive: true, force: true })
  })

  it(
    'imports a CSV file: counts on stdout, each rejected row on stderr, exit 1 as a row was rejected',
    async () => {
      const file = join(dir, 'contacts.csv')
      writeFileSync(
        file,
        'no,type,name,companyNo,city,email\nK1,Company,Acme,,Odense,\nP1,Person,Ann Lee,K1,,ann@\nP2,Person,Bob Day,K1,,\n',
      )
      const r = segmenta('import', 'contacts', file)
      expect(r).toEqual({
        status: 1,
        stdout: 'inserted 2, updated 0, rejected 1\n',
        stderr: 'row 3: email: is not a valid email address\n',
      })
      const db = openDb(url)
      try {
        const row = await db.kysely
          .selectFrom('audit_log')
          .select(['username', 'action', 'method', 'path', 'status', 'detail'])
          .where('action', '=', 'contacts.import')
          .executeTakeFirstOrThrow()
        expect(row).toEqual({
          username: cliUsername(),
          action: 'contacts.import',
          method: 'CLI',
          path: `segmenta import contacts ${file}`,
          status: 200,
          detail: JSON.stringify({
            upload: { type: 'csv', bytes: statSync(file).size },
            answer: { inserted: 2, updated: 0, rejected: 1 },
          }),
        })
      } finally {
        await db.close()
      }
    },
    SLOW,
  )

  it(
    'prints the reasons of the first 20 rejected rows and how many more there were, and exits 1',
    async () => {
      const before = await contacts()
      const file = join(dir, 'many-bad.csv')
      const rows = Array.from({ length: 23 }, (_, i) => `B${i + 1},Person,Bad ${i + 1},,,bad@`)
      writeFileSync(file, `no,type,name,companyNo,city,email\n${rows.join('\n')}\n`)
      const r = segmenta('import', 'contacts', file)
      const reasons = Array.from({ length: 20 }, (_, i) => `row ${i + 2}: email: is not a valid email address\n`)
      expect(r).toEqual({
        status: 1,
        stdout: 'inserted 0, updated 0, rejected 23\n',
        stderr: `${reasons.join('')}… and 3 more rejected rows\n`,
      })
      expect(await contacts()).toEqual(before)
    },
    SLOW,
  )

  it(
    'imports an XLSX file by its extension, updating existing contacts',
    async () => {
      const wb = new ExcelJS.Workbook()
      const ws = wb.addWorksheet('Sheet1')
      ws.addRow(['no', 'name'])
      ws.addRow(['K1', 'Acme Ltd'])
      const file = join(dir, 'contacts.xlsx')
      await wb.xlsx.writeFile(file)
      const r = segmenta('import', 'contacts', file)
      expect(r).toEqual({ status: 0, stdout: 'inserted 0, updated 1, rejected 0\n', stderr: '' })
      expect(await contacts()).toEqual([
        { no: 'K1', type: 'Company', name: 'Acme Ltd', company_name: 'Acme Ltd', city: 'Odense' },
        { no: 'P2', type: 'Person', name: 'Bob Day', company_name: 'Acme Ltd', city: 'Odense' },
      ])
    },
    SLOW,
  )

  it(
    'holds an XLSX file to the same import limits as the server: exit 1 naming the limit, nothing imported',
    async () => {
      const before = await contacts()
      const file = join(dir, 'rows.xlsx')
      writeFileSync(
        file,
        await workbook(
          sheetText([
            ['no', 'name'],
            ['L1', 'One'],
            ['L2', 'Two'],
          ]),
        ),
      )
      const r = segmenta('import', 'contacts', file, { SEGMENTA_IMPORT_MAX_ROWS: '2' })
      expect(r).toEqual({
        status: 1,
        stdout: '',
        stderr: 'segmenta: body: the worksheet has more than 2 rows (SEGMENTA_IMPORT_MAX_ROWS)\n',
      })
      expect(await contacts()).toEqual(before)
    },
    SLOW,
  )

  it(
    'exits 1 with one line for a missing file or an unknown column',
    () => {
      const missing = segmenta('import', 'contacts', join(dir, 'nope.csv'))
      expect(missing).toEqual({
        status: 1,
        stdout: '',
        stderr: `segmenta: cannot read ${join(dir, 'nope.csv')}: no such file\n`,
      })
      const file = join(dir, 'bad.csv')
      writeFileSync(file, 'no,nmae\nX1,Nobody\n')
      const bad = segmenta('import', 'contacts', file)
      expect(bad.status).toBe(1)
      expect(bad.stdout).toBe('')
      expect(bad.stderr).toMatch(
        /^segmenta: Unknown column 'nmae' in the header row\. The columns are the API field names of a contact: no, type, .*\.\n$/,
      )
    },
    SLOW,
  )

  it(
    'exports contacts to a file, with filters',
    async () => {
      const file = join(dir, 'persons.csv')
      const r = segmenta('export', 'contacts', '--filter', 'type=Person', '-o', file)
      expect(r).toEqual({ status: 0, stdout: '', stderr: '' })
      const lines = readFileSync(file, 'utf8').split('\n')
      expect(lines.map((l) => l.split(',').slice(0, 3).join(','))).toEqual(['no,type,name', 'P2,Person,Bob Day', ''])
      const db = openDb(url)
      try {
        const row = await db.kysely
          .selectFrom('audit_log')
          .select(['username', 'path', 'status', 'detail'])
          .where('action', '=', 'contacts.export')
          .executeTakeFirstOrThrow()
        expect(row).toEqual({
          username: cliUsername(),
          path: `segmenta export contacts -o ${file}`,
          status: 200,
          detail: JSON.stringify({ query: { format: 'csv', 'filter[type]': 'Person' } }),
        })
      } finally {
        await db.close()
      }
    },
    SLOW,
  )
})
