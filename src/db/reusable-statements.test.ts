import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDb, dialects, type TestDb } from '../test-support/databases.js'
import { reusableStatement } from './reusable-statements.js'

describe.each(dialects)('reusable statements on %s', (dialect) => {
  let db: TestDb
  beforeAll(async () => {
    db = await createTestDb(dialect)
    await db.kysely
      .insertInto('segment_headers')
      .values([
        { no: 'A', description: 'Alpha' },
        { no: 'B', description: 'Beta' },
        { no: 'C', description: 'Gamma' },
      ])
      .execute()
  })
  afterAll(() => db.drop())

  it('Given a statement compiled for one value, when it is asked for with others, then it is built once and answers for each', async () => {
    let builds = 0
    const descriptionOf = async (no: string) => {
      const statement = reusableStatement(db.kysely, 'test description', [no], ([v]) => {
        builds++
        return db.kysely
          .selectFrom('segment_headers')
          .select('description')
          .where('no', '=', v as string)
      })
      return (await db.kysely.executeQuery(statement)).rows
    }
    expect(await descriptionOf('A')).toEqual([{ description: 'Alpha' }])
    expect(await descriptionOf('C')).toEqual([{ description: 'Gamma' }])
    expect(await descriptionOf('Z')).toEqual([])
    expect(builds).toBe(1)
  })

  it('binds each value to every place the statement uses it, in the order of its parameters', async () => {
    const pick = (from: string, to: string) =>
      reusableStatement(db.kysely, 'test range', [from, to], ([a, b]) =>
        db.kysely
          .selectFrom('segment_headers')
          .select('no')
          .where('no', '>=', a as string)
          .where('no', '<=', b as string)
          .where('description', '<>', a as string)
          .orderBy('no'),
      )
    const run = async (from: string, to: string) =>
      (await db.kysely.executeQuery(pick(from, to))).rows.map((r) => (r as { no: string }).no)
    expect(pick('A', 'B').parameters).toEqual(['A', 'B', 'A'])
    expect(await run('A', 'B')).toEqual(['A', 'B'])
    expect(await run('B', 'C')).toEqual(['B', 'C'])
  })

  it('runs inside a transaction, with the statement compiled outside it', async () => {
    const statement = (no: string, on: Parameters<typeof reusableStatement>[0]) =>
      reusableStatement(on, 'test in transaction', [no], ([v]) =>
        on
          .selectFrom('segment_headers')
          .select('description')
          .where('no', '=', v as string),
      )
    expect((await db.kysely.executeQuery(statement('A', db.kysely))).rows).toEqual([{ description: 'Alpha' }])
    const inside = await db.kysely
      .transaction()
      .execute(async (trx) => {
        await trx.updateTable('segment_headers').set({ description: 'Bravo' }).where('no', '=', 'B').execute()
        const rows = (await trx.executeQuery(statement('B', trx))).rows
        throw Object.assign(new Error('roll back'), { rows })
      })
      .catch((e: { rows: unknown }) => e.rows)
    expect(inside).toEqual([{ description: 'Bravo' }])
    expect((await db.kysely.executeQuery(statement('B', db.kysely))).rows).toEqual([{ description: 'Beta' }])
  })

  it('refuses a statement whose parameters are not all among its values', () => {
    expect(() =>
      reusableStatement(db.kysely, 'test constant', ['A'], ([v]) =>
        db.kysely
          .selectFrom('segment_headers')
          .select('no')
          .where('no', '=', v as string)
          .where('description', '<>', 'x'),
      ),
    ).toThrow('statement test constant: a parameter (x) is not one of its values')
    // A constant written into the SQL is part of its shape and allowed.
    const lit = reusableStatement(db.kysely, 'test literal', ['A'], ([v]) =>
      db.kysely
        .selectFrom('segment_headers')
        .select('no')
        .where('no', '=', v as string)
        .where(sql<boolean>`1 = 1`),
    )
    expect(lit.parameters).toEqual(['A'])
  })
})
