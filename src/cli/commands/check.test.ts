import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inTransaction } from '../../db/transaction.js'
import { runCli, urlOf } from '../../reliability/server-fixtures.js'
import { addContacts } from '../../segments/engine/add-contacts.js'
import { findLineTotalMismatches, recountSegments } from '../../segments/engine/line-totals-check.js'
import { createSegment, createWorld } from '../../segments/engine/test-fixtures.js'
import { createTestDb, dialects, type TestDb } from '../../test-support/databases.js'

/**
 * `segmenta check [--repair]`. Three segments of six lines at a unit cost of 2.5 and a unit duration of 10
 * (stored totals 6 / 15 / 60); then the lines or the totals of two of them are changed behind the product's
 * back, as a hand-written SQL statement or a partial restore would.
 */
describe.each(dialects)('segmenta check on %s', (dialect) => {
  let db: TestDb
  let url: string
  beforeAll(async () => {
    db = await createTestDb(dialect)
    await createWorld(db.kysely)
    for (const seg of ['CHK1', 'CHK2', 'CHK3']) {
      await createSegment(db.kysely, seg, { unit_cost_lcy: 2.5, unit_duration_min: 10 })
      await inTransaction(db.kysely, (trx) => addContacts(trx, dialect, seg, {}, {}, { username: 'tester' }))
    }
    url = await urlOf(db)
  }, 60_000)
  afterAll(() => db.drop())

  /** CHK1's stored totals edited; one of CHK3's lines deleted. CHK2 is left as the product made it. */
  const breakTwo = async () => {
    await db.kysely
      .updateTable('segment_headers')
      .set({ no_of_lines: 9, cost_lcy: 16 })
      .where('no', '=', 'CHK1')
      .execute()
    await db.kysely.deleteFrom('segment_lines').where('segment_no', '=', 'CHK3').where('line_no', '=', 60000).execute()
  }

  it('Given consistent segments, when checked, then it reports every segment in step and exits 0', async () => {
    expect(await findLineTotalMismatches(db.kysely, dialect)).toEqual([])
    const r = await runCli(['--db', url, 'check'])
    expect([r.status, r.stdout, r.stderr]).toEqual([
      0,
      'Checked 3 segments: No. of Lines, Cost (LCY) and Duration (Min.) match the lines.\n',
      '',
    ])
  }, 60_000)

  it('Given totals and lines changed outside the product, when checked, then it names the two segments with both totals, exits 1 and changes nothing', async () => {
    await breakTwo()
    const expected = [
      {
        segmentNo: 'CHK1',
        stored: { lines: 9, cost: 16, duration: 60 },
        counted: { lines: 6, cost: 15, duration: 60 },
      },
      {
        segmentNo: 'CHK3',
        stored: { lines: 6, cost: 15, duration: 60 },
        counted: { lines: 5, cost: 12.5, duration: 50 },
      },
    ]
    expect(await findLineTotalMismatches(db.kysely, dialect)).toEqual(expected)
    expect(await findLineTotalMismatches(db.kysely, dialect, ['CHK2', 'CHK3'])).toEqual([expected[1]])
    expect(await findLineTotalMismatches(db.kysely, dialect, [])).toEqual([])

    const r = await runCli(['--db', url, 'check'])
    expect([r.status, r.stdout, r.stderr]).toEqual([
      1,
      'CHK1: stored 9 lines, cost 16, duration 60; its lines: 6 lines, cost 15, duration 60\n' +
        'CHK3: stored 6 lines, cost 15, duration 60; its lines: 5 lines, cost 12.5, duration 50\n',
      'segmenta: the stored line totals differ from the lines on 2 of 3 segments; run segmenta check --repair to recount them\n',
    ])
    expect(await findLineTotalMismatches(db.kysely, dialect)).toEqual(expected)
  }, 60_000)

  it('Given the two segments out of step, when checked with --repair, then both are recounted from their lines and the next check is clean', async () => {
    const r = await runCli(['--db', url, 'check', '--repair'])
    expect([r.status, r.stderr]).toEqual([0, ''])
    expect(r.stdout).toBe(
      'CHK1: stored 9 lines, cost 16, duration 60; its lines: 6 lines, cost 15, duration 60\n' +
        'CHK3: stored 6 lines, cost 15, duration 60; its lines: 5 lines, cost 12.5, duration 50\n' +
        'Recounted 2 segments: CHK1, CHK3.\n',
    )
    const headers = await db.kysely
      .selectFrom('segment_headers')
      .select(['no', 'no_of_lines', 'cost_lcy', 'duration_min'])
      .orderBy('no')
      .execute()
    expect(headers.map((h) => [h.no, Number(h.no_of_lines), Number(h.cost_lcy), Number(h.duration_min)])).toEqual([
      ['CHK1', 6, 15, 60],
      ['CHK2', 6, 15, 60],
      ['CHK3', 5, 12.5, 50],
    ])
    const again = await runCli(['--db', url, 'check'])
    expect([again.status, again.stdout]).toEqual([
      0,
      'Checked 3 segments: No. of Lines, Cost (LCY) and Duration (Min.) match the lines.\n',
    ])
  }, 60_000)

  it('A segment that no longer exists is not recounted; one whose lines are all gone is recounted to 0 exactly', async () => {
    await db.kysely.deleteFrom('segment_lines').where('segment_no', '=', 'CHK2').execute()
    expect(await recountSegments(db.kysely, dialect, ['CHK2', 'NOSUCH'])).toEqual(['CHK2'])
    expect(await recountSegments(db.kysely, dialect, [])).toEqual([])
    const h = await db.kysely
      .selectFrom('segment_headers')
      .select(['no_of_lines', 'cost_lcy', 'duration_min'])
      .where('no', '=', 'CHK2')
      .executeTakeFirstOrThrow()
    expect([Number(h.no_of_lines), Number(h.cost_lcy), Number(h.duration_min)]).toEqual([0, 0, 0])
    expect(await findLineTotalMismatches(db.kysely, dialect)).toEqual([])
  })

  it(
    dialect === 'sqlite'
      ? 'SQLite: a cost off by a floating-point residue (1 part in 10^12) is in step; off by 0.00001 it is not'
      : 'PostgreSQL: a cost off by 0.00001 is out of step (numeric sums are exact)',
    async () => {
      if (dialect === 'sqlite') {
        await db.kysely
          .updateTable('segment_headers')
          .set({ cost_lcy: 15 * (1 + 1e-12) })
          .where('no', '=', 'CHK1')
          .execute()
        expect(await findLineTotalMismatches(db.kysely, dialect)).toEqual([])
      }
      await db.kysely.updateTable('segment_headers').set({ cost_lcy: 15.00001 }).where('no', '=', 'CHK1').execute()
      expect((await findLineTotalMismatches(db.kysely, dialect)).map((m) => [m.segmentNo, m.stored.cost])).toEqual([
        ['CHK1', 15.00001],
      ])
      expect(await recountSegments(db.kysely, dialect, ['CHK1'])).toEqual(['CHK1'])
      expect(await findLineTotalMismatches(db.kysely, dialect)).toEqual([])
    },
  )
})
