import { randomBytes } from 'node:crypto'
import Database from 'better-sqlite3'
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compileFilter, type FilterDialect } from './compile.js'
import { FilterSyntaxError, FilterValueError } from './errors.js'
import type { FieldSpec } from './field-spec.js'
import { registerSqliteFunctions } from './sqlite-functions.js'

interface T {
  id: number
  name: string
  code: string
  amount: number
  d: string | null
  flag: number
  kind: string
}

const KINDS = ['', 'Company', 'Person'] as const
const FIELDS = {
  name: { type: 'text', column: 't.name' },
  code: { type: 'code', column: 'code' },
  amount: { type: 'number', column: 'amount' },
  id: { type: 'integer', column: 'id' },
  d: { type: 'date', column: 'd' },
  flag: { type: 'boolean', column: 'flag' },
  kind: { type: 'option', column: 'kind', options: KINDS },
} satisfies Record<string, FieldSpec>
type Field = keyof typeof FIELDS

// biome-ignore format: a table reads better
const ROWS: T[] = [
  { id: 1,  name: 'Johnson',     code: 'RETAIL',    amount: 1500,   d: '2026-01-15', flag: 1, kind: 'Company' },
  { id: 2,  name: 'SONJA',       code: 'WHOLESALE', amount: 1000,   d: '2026-02-01', flag: 0, kind: 'Person' },
  { id: 3,  name: 'Anderson',    code: 'SERVICE',   amount: 999.99, d: '2025-12-31', flag: 1, kind: 'Person' },
  { id: 4,  name: 'John',        code: 'RETAIL',    amount: 1999,   d: null,         flag: 0, kind: 'Company' },
  { id: 5,  name: 'Ødegaard',    code: 'X',         amount: 10,     d: '2026-03-31', flag: 1, kind: 'Person' },
  { id: 6,  name: 'müller',      code: 'Y',         amount: 99.5,   d: '2026-04-01', flag: 0, kind: '' },
  { id: 7,  name: 'Müller',      code: 'Z',         amount: 100,    d: '2025-06-30', flag: 1, kind: 'Company' },
  { id: 8,  name: '100% Cotton', code: 'A-1',       amount: 2000,   d: null,         flag: 0, kind: 'Person' },
  { id: 9,  name: 'snake_case',  code: 'B_2',       amount: 5,      d: '2026-02-28', flag: 1, kind: '' },
  { id: 10, name: '[Bracket]',   code: '',          amount: -0.5,   d: '2026-03-01', flag: 0, kind: 'Company' },
  { id: 11, name: '',            code: '',          amount: 0,      d: null,         flag: 0, kind: 'Person' },
  { id: 12, name: 'bob',         code: 'BOB',       amount: -5,     d: '2026-01-01', flag: 1, kind: 'Company' },
]
const ALL = ROWS.map((r) => r.id)
const except = (...ids: number[]) => ALL.filter((id) => !ids.includes(id))

/** [field, expression, expected ids] — the same answers on both dialects. */
// biome-ignore format: a table reads better
const MATCHES: [Field, string, number[]][] = [
  // text: patterns, case, non-ASCII, blanks, ranges in byte order
  ['name', '@*son*',        [1, 2, 3]],
  ['name', '*son*',         [1, 3]],
  ['name', '?ohn*',         [1, 4]],
  ['name', '<>*son*',       except(1, 3)],
  ['name', '@<>*SON*',      except(1, 2, 3)],
  ['name', 'John',          [4]],
  ['name', 'john',          []],
  ['name', '@john',         [4]],
  ['name', 'John|bob',      [4, 12]],
  ['name', '@JOHN|@BOB',    [4, 12]],
  ['name', '@MÜLLER',       [6, 7]],
  ['name', 'MÜLLER',        []],
  ['name', 'müller',        [6]],
  ['name', '@ødegaard',     [5]],
  ['name', '@m?ller',       [6, 7]],
  ['name', "''",            [11]],
  ['name', "<>''",          except(11)],
  ['name', '..B',           [3, 8, 11]],
  ['name', 'A..',           except(8, 11)],
  ['name', 'John..Johnson', [1, 4]],
  ['name', '@JOHN..JOHNSON', [1, 4]],
  ['name', '<>John&<>bob',  except(4, 12)],
  ['name', '*%*',           [8]],
  ['name', '100%*',         [8]],
  ['name', '*_*',           [9]],
  ['name', '@*_CASE',       [9]],
  ['name', '@*%*',          [8]],
  ['name', '@*\\*',         []],
  ['name', '[*',            [10]],
  ['name', '*]',            [10]],
  ['name', '@[b*',          [10]],
  ['name', "'[Bracket]'",   [10]],
  ['name', "'*'*",          []],
  ['name', '(John|bob)&<>bob', [4]],
  // code: upper-cased values and patterns
  ['code', '<>X&<>Y',       except(5, 6)],
  ['code', 'retail|wholesale', [1, 2, 4]],
  ['code', 'A|B',           []],
  ['code', 'A-1|b_2',       [8, 9]],
  ['code', '..B',           [8, 10, 11]],
  ['code', 'S..',           [2, 3, 5, 6, 7]],
  ['code', 'b*',            [9, 12]],
  ['code', '*_*',           [9]],
  ['code', '@r*',           [1, 4]],
  ['code', "''",            [10, 11]],
  ['code', "<>''",          except(10, 11)],
  // numbers
  ['amount', '1000..1999',  [1, 2, 4]],
  ['amount', '>=10&<100',   [5, 6]],
  ['amount', '<0',          [10, 12]],
  ['amount', '-5|-0.5',     [10, 12]],
  ['amount', '999.99',      [3]],
  ['amount', '>1999',       [8]],
  ['amount', "''",          [11]],
  ['amount', "<>''",        except(11)],
  ['id', '<=3|>=11',        [1, 2, 3, 11, 12]],
  ['id', '<>1&<>2&..4',     [3, 4]],
  // dates: NULL is the blank date 0D, before every date
  ['d', '2026-01-01..2026-03-31', [1, 2, 5, 9, 10, 12]],
  ['d', "''",               [4, 8, 11]],
  ['d', "<>''",             except(4, 8, 11)],
  ['d', '..2025-12-31',     [3, 4, 7, 8, 11]],
  ['d', '<2026-01-01',      [3, 4, 7, 8, 11]],
  ['d', '2026-03-31..',     [5, 6]],
  ['d', '>2026-03-31',      [6]],
  ['d', '2026-01-01',       [12]],
  ['d', '<>2026-01-01',     except(12)],
  ['d', '2026-01-01|2026-04-01', [6, 12]],
  ['d', 'today',            [6]],
  // booleans
  ['flag', 'Yes',           [1, 3, 5, 7, 9, 12]],
  ['flag', 'true',          [1, 3, 5, 7, 9, 12]],
  ['flag', 'false',         [2, 4, 6, 8, 10, 11]],
  ['flag', 'NO',            [2, 4, 6, 8, 10, 11]],
  ['flag', '<>yes',         [2, 4, 6, 8, 10, 11]],
  ['flag', '1',             [1, 3, 5, 7, 9, 12]],
  // options by caption, any case; order of the captions for < and ..
  ['kind', 'person',        [2, 3, 5, 8, 11]],
  ['kind', 'COMPANY|person', except(6, 9)],
  ['kind', "''",            [6, 9]],
  ['kind', "<>''",          except(6, 9)],
  ['kind', '<>company',     [2, 3, 5, 6, 8, 9, 11]],
  ['kind', '<Person',       [1, 4, 6, 7, 9, 10, 12]],
  ['kind', '>=company',     except(6, 9)],
  ['kind', 'Company..',     except(6, 9)],
  ['kind', '..Company',     [1, 4, 6, 7, 9, 10, 12]],
  ['kind', 'p*',            [2, 3, 5, 8, 11]],
  ['kind', '<>p*',          [1, 4, 6, 7, 9, 10, 12]],
  ['kind', 'x*',            []],
  // no condition
  ['name', '',              ALL],
  ['name', '   ',           ALL],
]

const dialects: FilterDialect[] = process.env.DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite']

describe.each(dialects)('compileFilter on %s', (dialect) => {
  let db: Kysely<{ t: T }>
  let drop = async () => {}

  beforeAll(async () => {
    if (dialect === 'sqlite') {
      const database = new Database(':memory:')
      registerSqliteFunctions(database)
      db = new Kysely({ dialect: new SqliteDialect({ database }) })
      await sql`create table t (id integer, name text not null, code text not null, amount real not null,
        d text, flag integer not null, kind text not null)`.execute(db)
    } else {
      const connectionString = process.env.DATABASE_URL!
      const schema = `filt_${randomBytes(6).toString('hex')}`
      const admin = new pg.Client({ connectionString })
      await admin.connect()
      await admin.query(`create schema ${schema}`)
      await admin.end()
      pg.types.setTypeParser(1082, (v) => v)
      const pool = new pg.Pool({ connectionString, options: `-c search_path=${schema}`, max: 2 })
      db = new Kysely({ dialect: new PostgresDialect({ pool }) })
      await sql`create table t (id integer, name text not null, code text not null, amount numeric(20, 5) not null,
        d date, flag integer not null, kind text not null)`.execute(db)
      drop = async () => {
        const c = new pg.Client({ connectionString })
        await c.connect()
        await c.query(`drop schema ${schema} cascade`)
        await c.end()
      }
    }
    await db.insertInto('t').values(ROWS).execute()
  })

  afterAll(async () => {
    await db?.destroy()
    await drop()
  })

  const ids = async (field: Field, expr: string) => {
    const where = compileFilter(expr, FIELDS[field], dialect, { today: '2026-04-01' })
    const rows = await db.selectFrom('t').select('id').where(where).orderBy('id').execute()
    return rows.map((r) => r.id)
  }

  it.each(MATCHES)('%s %j', async (field, expr, expected) => {
    expect(await ids(field, expr)).toEqual(expected)
  })

  it('binds every value as a parameter', () => {
    const cases: [Field, string, unknown[], string[]][] = [
      ['code', 'retail|wholesale', ['RETAIL', 'WHOLESALE'], ['RETAIL', 'WHOLESALE', 'retail']],
      ['name', "@*'O''Brien'*", ["%O'Brien%"], ['Brien']],
      ['amount', '1000..1999', [1000, 1999], ['1000', '1999']],
      ['d', '2026-01-01..', ['2026-01-01'], ['2026']],
      ['flag', 'yes', [1], ['1', 'yes']],
      ['kind', 'person', ['Person'], ['Person', 'person']],
      ['name', "''", [''], ["''"]],
      ['amount', "''", [0], ['0']],
    ]
    for (const [field, expr, parameters, absent] of cases) {
      const compiled = compileFilter(expr, FIELDS[field], dialect).compile(db)
      expect(compiled.parameters).toEqual(parameters)
      const text = compiled.sql.replace(/\$\d+/g, '?') // PostgreSQL's $1 is not a literal 1
      for (const value of absent) expect(text).not.toContain(value)
    }
  })

  it('emits GLOB on SQLite and LIKE on PostgreSQL for case-sensitive patterns, lower() LIKE for @', () => {
    const cs = compileFilter('[a]*%_?', FIELDS.name, dialect).compile(db)
    const ci = compileFilter('@*Son*', FIELDS.name, dialect).compile(db)
    if (dialect === 'sqlite') {
      expect(cs.sql).toBe('"t"."name" GLOB ?')
      expect(cs.parameters).toEqual(['[[]a[]]*%_?'])
      // SQLite's LIKE folds ASCII itself; lower() (a JavaScript function there) only where it can matter.
      expect(ci.sql).toBe(`"t"."name" LIKE lower(?)`)
      expect(compileFilter('@Sm?th*', FIELDS.name, dialect).compile(db).sql).toBe(
        `CASE WHEN length("t"."name") = length(CAST("t"."name" AS BLOB)) THEN "t"."name" ELSE lower("t"."name") END LIKE lower(?)`,
      )
    } else {
      expect(cs.sql).toBe(`"t"."name" LIKE $1 ESCAPE '\\'`)
      expect(cs.parameters).toEqual(['[a]%\\%\\__'])
      expect(ci.sql).toBe(`lower("t"."name") LIKE lower($1)`)
    }
    expect(ci.parameters).toEqual(['%Son%'])
  })

  it('adds ESCAPE to a LIKE only when the pattern escapes a %, _ or \\ of the text', () => {
    const escaped = compileFilter('@*100%*', FIELDS.name, dialect).compile(db)
    expect(escaped.sql).toMatch(/ LIKE lower\((\?|\$1)\) ESCAPE '\\'$/)
    expect(escaped.parameters).toEqual(['%100\\%%'])
    const plain = compileFilter('@*son*', FIELDS.name, dialect).compile(db)
    expect(plain.sql).not.toContain('ESCAPE')
    expect(plain.parameters).toEqual(['%son%'])
  })

  it('casts date parameters on PostgreSQL and lets NULL (0D) through below a date', () => {
    const c = compileFilter('..2026-03-31', FIELDS.d, dialect).compile(db)
    expect(c.sql).toBe(
      dialect === 'postgres' ? '("d" IS NULL OR "d" <= CAST($1 AS date))' : '("d" IS NULL OR "d" <= ?)',
    )
  })

  it('nests many alternatives as a balanced tree, the plain values as one IN list, and counts every parameter', () => {
    const parameters = { count: 0 }
    const c = compileFilter('A|B*|C|@d|1..2', FIELDS.code, dialect, { parameters }).compile(db)
    const glob = dialect === 'sqlite' ? '"code" GLOB ?' : '"code" LIKE ?'
    expect(c.sql.replace(/\$\d+/g, '?')).toBe(
      `(("code" IN (?, ?) OR "code" = ?) OR (${glob} OR ("code" >= ? AND "code" <= ?)))`,
    )
    expect(c.parameters).toEqual(['A', 'C', 'D', dialect === 'sqlite' ? 'B*' : 'B%', '1', '2'])
    expect(parameters.count).toBe(6)
    // 1,000 alternatives nest 10 levels deep, not 1,000 (SQLite's limit).
    const deep = compileFilter(Array(1000).fill('x*').join('|'), FIELDS.code, dialect).compile(db).sql
    let depth = 0
    let deepest = 0
    for (const ch of deep) {
      if (ch === '(') deepest = Math.max(deepest, ++depth)
      else if (ch === ')') depth--
    }
    expect(deepest).toBe(10)
  })

  it('finds the same rows for 1,000 alternatives, ranges and conditions on both dialects', async () => {
    expect(await ids('amount', [...Array(998).fill('7..8'), '1000..1500', '-5'].join('|'))).toEqual([1, 2, 12])
    expect(await ids('code', [...Array.from({ length: 999 }, (_, i) => `<>Q${i}`), '<>RETAIL'].join('&'))).toEqual(
      except(1, 4),
    )
  })

  it('compiles an empty expression to 1 = 1', () => {
    expect(compileFilter('', FIELDS.name, dialect).compile(db).sql).toBe('1 = 1')
  })

  const valueErrors: [Field, string, number, string][] = [
    ['amount', 'abc', 0, "'abc' is not a valid number at position 0"],
    ['amount', '>=10&<1x0', 6, "'1x0' is not a valid number at position 6"],
    ['amount', '1,5', 0, "'1,5' is not a valid number at position 0"],
    ['id', '1.5', 0, "'1.5' is not a valid integer at position 0"],
    ['d', '2026-13-01', 0, "'2026-13-01' is not a valid date (use YYYY-MM-DD) at position 0"],
    ['d', '2026-02-29..2026-03-01', 0, "'2026-02-29' is not a valid date (use YYYY-MM-DD) at position 0"],
    ['d', '01/02/2026', 0, "'01/02/2026' is not a valid date (use YYYY-MM-DD) at position 0"],
    ['d', '2026*', 0, 'Wildcards cannot be used in a date filter at position 0'],
    ['flag', 'maybe', 0, "'maybe' is not a valid boolean (use true or false) at position 0"],
    ['flag', "''", 0, "'' is not a valid boolean (use true or false) at position 0"],
    ['kind', 'Robot', 0, "'Robot' is not a valid option (expected one of '', 'Company', 'Person') at position 0"],
    [
      'kind',
      'Company|@Robot',
      9,
      "'Robot' is not a valid option (expected one of '', 'Company', 'Person') at position 9",
    ],
  ]

  it.each(valueErrors)('%s %j is rejected', (field, expr, position, message) => {
    let error: unknown
    try {
      compileFilter(expr, FIELDS[field], dialect)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(FilterValueError)
    expect((error as FilterValueError).position).toBe(position)
    expect((error as FilterValueError).message).toBe(message)
  })

  it('rejects a malformed expression with FilterSyntaxError', () => {
    expect(() => compileFilter('a..b..c', FIELDS.name, dialect)).toThrow(FilterSyntaxError)
  })
})
