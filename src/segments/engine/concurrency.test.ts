import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inTransaction } from '../../db/transaction.js'
import { createTestDb, dialects, type TestDb } from '../../test-support/databases.js'
import { addContacts } from './add-contacts.js'
import { listHistory } from './history.js'
import { removeContacts } from './remove-contacts.js'
import { createSegment, createWorld, linesOf } from './test-fixtures.js'
import type { AddOptions, CriteriaFilters } from './types.js'

const actor = { username: 'tester' }

describe.each(dialects)('Concurrent steps on one segment on %s', (dialect) => {
  let db: TestDb
  beforeAll(async () => {
    db = await createTestDb(dialect)
    await createWorld(db.kysely)
  })
  afterAll(() => db.drop())

  const add = (seg: string, filters: CriteriaFilters, opts: AddOptions = {}) =>
    inTransaction(db.kysely, (trx) => addContacts(trx, dialect, seg, filters, opts, actor))

  it('Given two Add Contacts at once, then the lines are those of running them one after the other', async () => {
    const a: CriteriaFilters = { industryGroup: { industryGroupCode: 'RETAIL' } }
    const b: CriteriaFilters = { contact: { type: 'Company' } }
    await createSegment(db.kysely, 'CC1')
    const results = await Promise.all([add('CC1', a), add('CC1', b)])
    const together = await linesOf(db.kysely, 'CC1')

    const sequential: [number, string][][] = []
    for (const [seg, order] of [
      ['CS1', [a, b]],
      ['CS2', [b, a]],
    ] as const) {
      await createSegment(db.kysely, seg)
      for (const f of order) await add(seg, f)
      sequential.push(await linesOf(db.kysely, seg))
    }
    expect(sequential).toContainEqual(together)
    expect(results.map((r) => r.actionNo).sort()).toEqual([1, 2])
    expect(results.reduce((n, r) => n + r.linesInserted, 0)).toBe(together.length)
    const history = await listHistory(db.kysely, 'CC1')
    expect(history.map((h) => [h.lineNo, h.contactNo]).sort((x, y) => Number(x[0]) - Number(y[0]))).toEqual(together)
  })

  it('Given four Add Contacts with Allow Existing Contacts at once, then no line no. repeats and no history is lost', async () => {
    await createSegment(db.kysely, 'CC2')
    const results = await Promise.all([1, 2, 3, 4].map(() => add('CC2', {}, { allowExistingContacts: true })))
    const lines = await linesOf(db.kysely, 'CC2')
    expect(lines.map(([n]) => n)).toEqual(Array.from({ length: 24 }, (_, i) => (i + 1) * 10000))
    expect(results.map((r) => r.noOfLines).sort((x, y) => x - y)).toEqual([6, 12, 18, 24])
    const history = await listHistory(db.kysely, 'CC2')
    expect(history).toHaveLength(24)
    for (const actionNo of [1, 2, 3, 4]) expect(history.filter((h) => h.actionNo === actionNo)).toHaveLength(6)
  })

  it('Given an Add and a Reduce at once, then each sees the other’s committed lines', async () => {
    await createSegment(db.kysely, 'CC3')
    await add('CC3', { contact: { type: 'Company' } })
    await Promise.all([
      add('CC3', { contact: { type: 'Person' } }),
      inTransaction(db.kysely, (trx) =>
        removeContacts(trx, dialect, 'CC3', 'reduce', { contact: { no: 'K1' } }, {}, actor),
      ),
    ])
    const contacts = (await linesOf(db.kysely, 'CC3')).map(([, c]) => c).sort()
    expect(contacts).toEqual(['K2', 'P1', 'P2', 'P3', 'P4'])
  })
})
