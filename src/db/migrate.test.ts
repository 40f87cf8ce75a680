import { sql } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDb, dialects, type TestDb } from '../test-support/databases.js'
import { insertLineRows } from '../test-support/segment-lines.js'
import { currentSchema } from './connection.js'
import { MIGRATION_NAMES, migrateTo, migrateToLatest, withSchemaIntrospection } from './migrate.js'

/** The migration before `name`: a test of one migration starts from the schema it finds, whatever comes between. */
function justBefore(name: string): string {
  const i = MIGRATION_NAMES.indexOf(name)
  if (i < 1) throw new Error(`no migration before ${name}`)
  return MIGRATION_NAMES[i - 1]
}

describe.each(dialects)('migrations on %s', (dialect) => {
  let db: TestDb
  beforeAll(async () => {
    db = await createTestDb(dialect, { migrate: false })
  })
  afterAll(() => db.drop())

  it('applies every migration once, then nothing', async () => {
    expect(MIGRATION_NAMES.slice(0, 2)).toEqual(['001-foundation', '002-segments'])
    expect(await migrateToLatest(db)).toEqual(MIGRATION_NAMES)
    expect(await migrateToLatest(db)).toEqual([])
  })

  it('creates the single marketing setup record', async () => {
    const rows = await db.kysely.selectFrom('marketing_setup').select(['id', 'inherit_salesperson_code']).execute()
    expect(rows).toEqual([{ id: 1, inherit_salesperson_code: 1 }])
  })

  it('stores 64-bit line numbers', async () => {
    await db.kysely.insertInto('segment_headers').values({ no: 'S1' }).execute()
    await insertLineRows(db.kysely, [{ segment_no: 'S1', line_no: 3_000_000_000 }])
    const row = await db.kysely.selectFrom('segment_lines').select('line_no').executeTakeFirstOrThrow()
    expect(row.line_no).toBe(3_000_000_000)
  })

  it('indexes interaction entries by contact no., company no. and date for criteria probes (006)', async () => {
    const rows =
      dialect === 'sqlite'
        ? (
            await sql<{ name: string; cols: string }>`SELECT m.name, group_concat(i.name, ',') AS cols
                FROM sqlite_master m, pragma_index_info(m.name) i
                WHERE m.type = 'index' AND m.tbl_name = 'interaction_log_entries' AND m.name LIKE '%by_contact%'
                GROUP BY m.name`.execute(db.kysely)
          ).rows
        : (
            await sql<{ name: string; def: string }>`SELECT indexname AS name, indexdef AS def FROM pg_indexes
                WHERE schemaname = current_schema() AND tablename = 'interaction_log_entries'
                  AND indexname LIKE '%by_contact%'`.execute(db.kysely)
          ).rows.map((r) => ({ name: r.name, cols: /\((.*)\)/.exec(r.def)?.[1] ?? r.def }))
    expect(rows.map((r) => ({ name: r.name, cols: r.cols.replaceAll(' ', '') }))).toEqual([
      { name: 'interaction_log_entries_by_contact_company', cols: 'contact_no,contact_company_no,date' },
    ])
  })

  it('counts the lines of existing segments into their headers (007)', async () => {
    const old = await createTestDb(dialect, { migrate: false })
    try {
      await migrateTo(old, '006-interaction-criteria-index')
      await sql`INSERT INTO segment_headers (no) VALUES ('A'), ('B')`.execute(old.kysely)
      await sql`INSERT INTO segment_lines (segment_no, line_no) VALUES ('A', 10000), ('A', 20000), ('A', 30000)`.execute(
        old.kysely,
      )
      expect(await migrateTo(old, '007-segment-line-count')).toEqual(['007-segment-line-count'])
      const rows = await old.kysely.selectFrom('segment_headers').select(['no', 'no_of_lines']).orderBy('no').execute()
      expect(rows.map((r) => [r.no, Number(r.no_of_lines)])).toEqual([
        ['A', 3],
        ['B', 0],
      ])
    } finally {
      await old.drop()
    }
  })

  it('asks for the deliveries an older version left unfinished, so the next start resumes them (014)', async () => {
    const old = await createTestDb(dialect, { migrate: false })
    try {
      await migrateTo(old, justBefore('014-delivery-claims'))
      // 1: In Progress e-mail; 2: canceled; 3: logged without delivery; 4: all delivered or failed;
      // 5: only a canceled entry In Progress.
      await sql`INSERT INTO logged_segments (entry_no, send_attachments, canceled)
          VALUES (1, 1, 0), (2, 1, 1), (3, 0, 0), (4, 1, 0), (5, 1, 0)`.execute(old.kysely)
      await sql`INSERT INTO interaction_log_entries (logged_segment_entry_no, correspondence_type, delivery_status, canceled)
          VALUES (1, 'Email', '', 0), (1, 'Email', 'In Progress', 0), (2, 'Email', 'In Progress', 1),
                 (3, '', '', 0), (4, 'Email', '', 0), (4, 'Hard Copy', 'Error', 0), (5, 'Email', 'In Progress', 1)`.execute(
        old.kysely,
      )
      expect(await migrateTo(old, '014-delivery-claims')).toEqual(['014-delivery-claims'])
      const runs = await old.kysely.selectFrom('delivery_runs').selectAll().execute()
      expect(
        runs.map((r) => [Number(r.logged_segment_entry_no), Number(r.requests), r.claimed_by, Number(r.claimed_until)]),
      ).toEqual([[1, 1, '', 0]])
      const flags = await old.kysely.selectFrom('interaction_log_entries').select('delivery_interrupted').execute()
      expect(flags.map((f) => Number(f.delivery_interrupted))).toEqual([0, 0, 0, 0, 0, 0, 0])
    } finally {
      await old.drop()
    }
  })

  it("sums the cost and duration of existing segments' lines into their headers (008)", async () => {
    const old = await createTestDb(dialect, { migrate: false })
    try {
      await migrateTo(old, '007-segment-line-count')
      await sql`INSERT INTO segment_headers (no, no_of_lines) VALUES ('A', 3), ('B', 0)`.execute(old.kysely)
      await sql`INSERT INTO segment_lines (segment_no, line_no, cost_lcy, duration_min)
          VALUES ('A', 10000, 2.5, 10), ('A', 20000, 0.25, 0), ('A', 30000, 1, 7.5)`.execute(old.kysely)
      expect(await migrateTo(old, '008-segment-line-totals')).toEqual(['008-segment-line-totals'])
      const rows = await old.kysely
        .selectFrom('segment_headers')
        .select(['no', 'cost_lcy', 'duration_min'])
        .orderBy('no')
        .execute()
      expect(rows.map((r) => [r.no, Number(r.cost_lcy), Number(r.duration_min)])).toEqual([
        ['A', 3.75, 17.5],
        ['B', 0, 0],
      ])
    } finally {
      await old.drop()
    }
  })

  it('marks the languages of existing lines and history rows as not set by hand (011)', async () => {
    const old = await createTestDb(dialect, { migrate: false })
    try {
      await migrateTo(old, justBefore('011-segment-line-language-by-hand'))
      await sql`INSERT INTO segment_headers (no, no_of_lines) VALUES ('A', 1)`.execute(old.kysely)
      await sql`INSERT INTO segment_lines (segment_no, line_no, language_code) VALUES ('A', 10000, 'DEU')`.execute(
        old.kysely,
      )
      await sql`INSERT INTO segment_history (segment_no, action_no, line_no, action_taken) VALUES ('A', 1, 10000, 'Insertion')`.execute(
        old.kysely,
      )
      expect(await migrateTo(old, '011-segment-line-language-by-hand')).toEqual(['011-segment-line-language-by-hand'])
      const lines = await old.kysely.selectFrom('segment_lines').select(['language_code', 'language_by_hand']).execute()
      const history = await old.kysely.selectFrom('segment_history').select('language_by_hand').execute()
      expect([lines, history]).toEqual([[{ language_code: 'DEU', language_by_hand: 0 }], [{ language_by_hand: 0 }]])
    } finally {
      await old.drop()
    }
  })

  it('rounds existing amounts to 2 decimals and the other decimals to 5, half away from zero, and sums the headers again exactly (012)', async () => {
    const old = await createTestDb(dialect, { migrate: false })
    try {
      await migrateTo(old, justBefore('012-exact-amounts'))
      await sql`INSERT INTO segment_headers (no, no_of_lines, cost_lcy, unit_cost_lcy) VALUES ('A', 3, 0.6, 1.234567)`.execute(
        old.kysely,
      )
      await sql`INSERT INTO segment_lines (segment_no, line_no, cost_lcy, duration_min)
          VALUES ('A', 10000, 0.1, 1.5), ('A', 20000, 0.2, 0.123456), ('A', 30000, 1.005, 0)`.execute(old.kysely)
      await sql`INSERT INTO value_entries (amount, quantity) VALUES (449.654321, 2.000004)`.execute(old.kysely)
      expect(await migrateTo(old, '012-exact-amounts')).toEqual(['012-exact-amounts'])
      const lines = await old.kysely
        .selectFrom('segment_lines')
        .select(['cost_lcy', 'duration_min'])
        .orderBy('line_no')
        .execute()
      expect(lines.map((r) => [Number(r.cost_lcy), Number(r.duration_min)])).toEqual([
        [0.1, 1.5],
        [0.2, 0.12346],
        [1.01, 0],
      ])
      const h = await old.kysely
        .selectFrom('segment_headers')
        .select(['cost_lcy', 'duration_min', 'unit_cost_lcy'])
        .executeTakeFirstOrThrow()
      expect([Number(h.cost_lcy), Number(h.duration_min), Number(h.unit_cost_lcy)]).toEqual([1.31, 1.62346, 1.23457])
      const v = await old.kysely.selectFrom('value_entries').select(['amount', 'quantity']).executeTakeFirstOrThrow()
      expect([Number(v.amount), Number(v.quantity)]).toEqual([449.65, 2])
    } finally {
      await old.drop()
    }
  })
})

describe.runIf(dialects.includes('postgres'))('the migrator on a PostgreSQL database of several schemas', () => {
  it('Given another schema with its own tables, when the migrator looks for its bookkeeping, then it reads only its own schema', async () => {
    const own = await createTestDb('postgres')
    const other = await createTestDb('postgres', { migrate: false })
    try {
      await sql`CREATE TABLE only_in_other (id integer)`.execute(other.kysely)
      const schema = await currentSchema(own.kysely)
      const expected = (
        await sql<{ t: string }>`SELECT tablename AS t FROM pg_tables WHERE schemaname = ${schema}`.execute(own.kysely)
      ).rows
        .map((r) => r.t)
        .sort()
      const tables = await withSchemaIntrospection(own.kysely, schema).introspection.getTables()
      expect(tables.map((t) => t.name).sort()).toEqual(expected)
      expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['kysely_migration', 'segment_headers']))
      expect(tables.map((t) => t.name)).not.toContain('only_in_other')
      // The migrator found its table through it: nothing left to apply.
      expect(await migrateToLatest(own)).toEqual([])
    } finally {
      await other.drop()
      await own.drop()
    }
  })

  it('Given other sessions creating and dropping schemas all along, when ten databases are migrated, then each migration succeeds', async () => {
    // Kysely's own introspection failed 29 of 40 such migrations with "schema … does not exist".
    let stop = false
    const churn = async (tag: string) => {
      const c = new pg.Client(process.env.DATABASE_URL)
      await c.connect()
      try {
        for (let i = 0; !stop; i++) {
          const s = `churn_${process.pid}_${tag}_${i}`
          await c.query(`CREATE SCHEMA ${s}; CREATE TABLE ${s}.a (id serial, x text)`)
          await c.query(`DROP SCHEMA ${s} CASCADE`)
        }
      } finally {
        await c.end()
      }
    }
    const churners = [churn('a'), churn('b')]
    const migrated: string[][] = []
    try {
      for (let n = 0; n < 10; n++) {
        const db = await createTestDb('postgres', { migrate: false })
        try {
          migrated.push(await migrateToLatest(db))
        } finally {
          await db.drop()
        }
      }
    } finally {
      stop = true
      await Promise.all(churners)
    }
    expect(migrated).toEqual(Array.from({ length: 10 }, () => MIGRATION_NAMES))
  })
})
