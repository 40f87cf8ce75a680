import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inTransaction } from '../../db/transaction.js'
import { createTestDb, dialects, type TestDb } from '../../test-support/databases.js'
import { insertLineRows } from '../../test-support/segment-lines.js'
import { recordAction } from './criteria-log.js'
import { listHistory } from './history.js'
import { insertLinesForContacts } from './insert-lines.js'
import { lockSegment } from './segment-state.js'
import { createSegment, createWorld, linesOf } from './test-fixtures.js'

const actor = { username: 'reuser' }

describe.each(dialects)('insertLinesForContacts on %s', (dialect) => {
  let db: TestDb
  beforeAll(async () => {
    db = await createTestDb(dialect)
    await createWorld(db.kysely, { excludeP2: true })
  })
  afterAll(() => db.drop())

  it('inserts one line per row of a select builder, in BC order, after the last line, with history under the action', async () => {
    await createSegment(db.kysely, 'IL1')
    await insertLineRows(db.kysely, [{ segment_no: 'IL1', line_no: 70000, contact_no: 'P4' }])
    const n = await inTransaction(db.kysely, async (trx) => {
      const header = await lockSegment(trx, dialect, 'IL1')
      const actionNo = await recordAction(trx, 'IL1', 'Add Contacts', {}, { allowExistingContacts: true }, actor)
      const q = trx.selectFrom('contacts').select('no as contact_no').where('company_no', '=', 'K1')
      return insertLinesForContacts(trx, dialect, header, q, actionNo, actor)
    })
    // No exclusion check here (P2 is excluded): that is Add Contacts' business (quirk Q9).
    expect(n).toBe(3)
    expect(await linesOf(db.kysely, 'IL1')).toEqual([
      [70000, 'P4'],
      [80000, 'K1'],
      [90000, 'P1'],
      [100000, 'P2'],
    ])
    expect(
      (await listHistory(db.kysely, 'IL1')).map((h) => [h.actionNo, h.lineNo, h.contactNo, h.actionTaken, h.username]),
    ).toEqual([
      [1, 80000, 'K1', 'Insertion', 'reuser'],
      [1, 90000, 'P1', 'Insertion', 'reuser'],
      [1, 100000, 'P2', 'Insertion', 'reuser'],
    ])
  })

  it('follows a selected `seq` column first and repeats a contact selected twice (raw SQL too)', async () => {
    await createSegment(db.kysely, 'IL2')
    await inTransaction(db.kysely, async (trx) => {
      const header = await lockSegment(trx, dialect, 'IL2')
      const actionNo = await recordAction(trx, 'IL2', 'Add Contacts', {}, {}, actor)
      const q = trx
        .selectFrom('interaction_log_entries')
        .select(['contact_no', sql<number>`0 - entry_no`.as('seq')])
        .where('contact_no', 'in', ['P3', 'P1', 'K1'])
      await insertLinesForContacts(trx, dialect, header, q, actionNo, actor)
      await insertLinesForContacts(
        trx,
        dialect,
        header,
        sql`SELECT 'K2' AS contact_no UNION ALL SELECT 'K2'`,
        actionNo,
        actor,
      )
    })
    // Entries 1 (P3), 2 (P1), 3 (K1) numbered by descending entry no.
    expect(await linesOf(db.kysely, 'IL2')).toEqual([
      [10000, 'K1'],
      [20000, 'P1'],
      [30000, 'P3'],
      [40000, 'K2'],
      [50000, 'K2'],
    ])
  })
})
