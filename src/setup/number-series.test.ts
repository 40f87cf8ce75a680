import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inTransaction } from '../db/transaction.js'
import { createTestDb, dialects, type TestDb } from '../test-support/databases.js'
import { assignNo, incrementNo, takeNumbers } from './number-series.js'

describe('incrementNo (BC IncStr)', () => {
  it('keeps the width of the digits', () => expect(incrementNo('CT0009')).toBe('CT0010'))
  it('grows the number when it overflows', () => expect(incrementNo('A99')).toBe('A100'))
  it('increments the last run of digits only', () => expect(incrementNo('2026-SM-009X')).toBe('2026-SM-010X'))
  it('cannot increment a code without digits', () => expect(incrementNo('ABC')).toBeUndefined())
})

describe.each(dialects)('number series on %s', (dialect) => {
  let db: TestDb
  beforeAll(async () => {
    db = await createTestDb(dialect)
    await db.kysely
      .insertInto('number_series')
      .values([
        // Multi-row inserts on SQLite write NULL for a missing column, so every row names every column.
        { code: 'CONT', starting_no: 'CT0001', ending_no: '', allow_manual_nos: 1 },
        { code: 'SHORT', starting_no: 'X1', ending_no: 'X3', allow_manual_nos: 0 },
        { code: 'PAR', starting_no: 'P00001', ending_no: '', allow_manual_nos: 1 },
      ])
      .execute()
    await db.kysely.updateTable('marketing_setup').set({ contact_nos: 'CONT', segment_nos: 'SHORT' }).execute()
  })
  afterAll(() => db.drop())

  it('starts at the starting no. and continues after the last no. used', async () => {
    const nos = await inTransaction(db.kysely, (trx) => takeNumbers(trx, dialect, 'CONT', 3))
    expect(nos).toEqual(['CT0001', 'CT0002', 'CT0003'])
    const row = await db.kysely
      .selectFrom('number_series')
      .select('last_no_used')
      .where('code', '=', 'CONT')
      .executeTakeFirstOrThrow()
    expect(row.last_no_used).toBe('CT0003')
  })

  it('skips numbers a caller says are used', async () => {
    const nos = await inTransaction(db.kysely, (trx) =>
      takeNumbers(trx, dialect, 'CONT', 1, async (n) => n === 'CT0004'),
    )
    expect(nos).toEqual(['CT0005'])
  })

  it('refuses to go past the ending no., and takes nothing then', async () => {
    await expect(inTransaction(db.kysely, (trx) => takeNumbers(trx, dialect, 'SHORT', 4))).rejects.toThrow(
      'You cannot assign new numbers from the number series SHORT.',
    )
    const row = await db.kysely
      .selectFrom('number_series')
      .select('last_no_used')
      .where('code', '=', 'SHORT')
      .executeTakeFirstOrThrow()
    expect(row.last_no_used).toBe('')
  })

  it('refuses a manual number when the series does not allow it', async () => {
    await expect(inTransaction(db.kysely, (trx) => assignNo(trx, dialect, 'segment_nos', 'MINE'))).rejects.toThrow(
      'You may not enter numbers manually. If you want to enter numbers manually, please activate Manual Nos. in No. Series SHORT.',
    )
    expect(await inTransaction(db.kysely, (trx) => assignNo(trx, dialect, 'contact_nos', 'MINE'))).toEqual({
      no: 'MINE',
      series: '',
    })
  })

  it('asks for the setup series when none is set', async () => {
    await expect(inTransaction(db.kysely, (trx) => assignNo(trx, dialect, 'campaign_nos', undefined))).rejects.toThrow(
      'Campaign Nos. must have a value in Marketing Setup: Primary Key=. It cannot be zero or empty.',
    )
  })

  it('never hands out the same number twice under concurrent creates', async () => {
    const runs = await Promise.all(
      Array.from({ length: 20 }, () => inTransaction(db.kysely, (trx) => takeNumbers(trx, dialect, 'PAR', 2))),
    )
    const all = runs.flat()
    expect(new Set(all).size).toBe(40)
    expect([...all].sort()[39]).toBe('P00040')
  })
})
