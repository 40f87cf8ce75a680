import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDb, dialects, type TestDb } from '../test-support/databases.js'
import { MIGRATION_NAMES, migrateToLatest } from './migrate.js'

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
    await db.kysely.insertInto('segment_lines').values({ segment_no: 'S1', line_no: 3_000_000_000 }).execute()
    const row = await db.kysely.selectFrom('segment_lines').select('line_no').executeTakeFirstOrThrow()
    expect(row.line_no).toBe(3_000_000_000)
  })
})
