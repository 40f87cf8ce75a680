import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inTransaction, type Tx } from '../../db/transaction.js'
import { createTestDb, dialects, type TestDb } from '../../test-support/databases.js'
import { listSegments, readSegment } from '../header/read-segments.js'
import { updateSegment } from '../header/update-segment.js'
import { addLine, deleteLine, updateLine } from '../lines/line-service.js'
import { addContacts } from './add-contacts.js'
import { goBack } from './go-back.js'
import { removeContacts } from './remove-contacts.js'
import { createSegment, createWorld } from './test-fixtures.js'

const actor = { username: 'tester' }

/**
 * No. of Lines, Cost (LCY) and Duration (Min.) are stored on the header (migrations 007, 008) and kept by
 * every statement that changes lines. Each step below is followed by the totals the segment card shows and
 * the sums of its lines, which must agree. (Every test database is also checked on drop: `findLineTotalMismatches`.)
 */
describe.each(dialects)('the segment line totals on %s', (dialect) => {
  let db: TestDb
  beforeAll(async () => {
    db = await createTestDb(dialect)
    await createWorld(db.kysely)
  })
  afterAll(() => db.drop())

  const tx = <T>(fn: (trx: Tx) => Promise<T>) => inTransaction(db.kysely, fn)
  /** What the segment card shows: [No. of Lines, Cost (LCY), Duration (Min.)]. */
  const card = async (seg: string) => {
    const s = await readSegment(db.kysely, seg)
    return [s.noOfLines, s.costLcy, s.durationMin]
  }
  /** The same, summed from the lines. */
  const summed = async (seg: string) => {
    const lines = await db.kysely
      .selectFrom('segment_lines')
      .select(['cost_lcy', 'duration_min'])
      .where('segment_no', '=', seg)
      .execute()
    return [
      lines.length,
      lines.reduce((s, l) => s + Number(l.cost_lcy), 0),
      lines.reduce((s, l) => s + Number(l.duration_min), 0),
    ]
  }
  const lineNoOf = async (seg: string, contact: string) =>
    Number(
      (
        await db.kysely
          .selectFrom('segment_lines')
          .select('line_no')
          .where('segment_no', '=', seg)
          .where('contact_no', '=', contact)
          .executeTakeFirstOrThrow()
      ).line_no,
    )

  it('Given a unit cost of 2.5 and a unit duration of 10, when lines are added, edited, reduced, restored and removed, then the card shows their sums after every step', async () => {
    const seg = 'TOT1'
    await createSegment(db.kysely, seg, { unit_cost_lcy: 2.5, unit_duration_min: 10 })
    expect(await card(seg)).toEqual([0, 0, 0])

    // Add: the six contacts, each at the header's cost and duration.
    await tx((trx) => addContacts(trx, dialect, seg, {}, {}, actor))
    expect(await card(seg)).toEqual([6, 15, 60])

    // A line's own cost and duration.
    await tx((trx) => updateLine(trx, dialect, seg, 20000, { costLcy: 4, durationMin: 0.5 }, actor))
    expect(await card(seg)).toEqual([6, 16.5, 50.5])
    expect(await summed(seg)).toEqual([6, 16.5, 50.5])

    // Reduce removes that line (K1 is the second in BC's order); Go Back brings it back with its own values.
    expect(await lineNoOf(seg, 'K1')).toBe(20000)
    await tx((trx) => removeContacts(trx, dialect, seg, 'reduce', { contact: { no: 'K1' } }, {}, actor))
    expect(await card(seg)).toEqual([5, 12.5, 50])
    await tx((trx) => goBack(trx, dialect, seg, actor))
    expect(await card(seg)).toEqual([6, 16.5, 50.5])

    // A line by hand, with its own cost; then deleted.
    await tx((trx) => addLine(trx, dialect, seg, { contactNo: 'P3', costLcy: 1.25 }, actor))
    expect(await card(seg)).toEqual([7, 17.75, 60.5])
    await tx((trx) => deleteLine(trx, dialect, seg, 70000, undefined, actor))
    expect(await card(seg)).toEqual([6, 16.5, 50.5])

    // Refine keeping P1 and P2 only, then Go Back.
    await tx((trx) => removeContacts(trx, dialect, seg, 'refine', { contact: { no: 'P1|P2' } }, {}, actor))
    expect(await card(seg)).toEqual([2, 5, 20])
    await tx((trx) => goBack(trx, dialect, seg, actor))
    expect(await card(seg)).toEqual([6, 16.5, 50.5])

    // Going back over the manual line's delete and add, then the first Add: the segment is empty, at 0.
    for (let i = 0; i < 3; i++) await tx((trx) => goBack(trx, dialect, seg, actor))
    expect(await card(seg)).toEqual([0, 0, 0])
    expect(await summed(seg)).toEqual([0, 0, 0])
  })

  it('Given lines of 0.1 each, when all are removed, then the sums are exactly 0 (no floating-point residue)', async () => {
    const seg = 'TOT2'
    await createSegment(db.kysely, seg, { unit_cost_lcy: 0.1, unit_duration_min: 0.3 })
    await tx((trx) => addContacts(trx, dialect, seg, {}, {}, actor))
    await tx((trx) => updateLine(trx, dialect, seg, 10000, { costLcy: 0.7 }, actor))
    await tx((trx) => removeContacts(trx, dialect, seg, 'refine', { contact: { no: 'NOBODY' } }, {}, actor))
    expect(await card(seg)).toEqual([0, 0, 0])
  })

  it('Given a header whose unit cost changes with "update the lines" answered Yes, then the lines of its template and the card follow; answered No, neither does', async () => {
    const seg = 'TOT3'
    await createSegment(db.kysely, seg, { unit_cost_lcy: 1, unit_duration_min: 2 })
    await tx((trx) => addContacts(trx, dialect, seg, { contact: { no: 'P1|P2|P3' } }, {}, actor))
    expect(await card(seg)).toEqual([3, 3, 6])
    await tx((trx) =>
      updateSegment(
        trx,
        dialect,
        seg,
        [
          ['unitCostLcy', 3],
          ['unitDurationMin', 5],
        ],
        { updateLines: true },
      ),
    )
    expect(await card(seg)).toEqual([3, 9, 15])
    await tx((trx) => updateSegment(trx, dialect, seg, [['unitCostLcy', 10]], { updateLines: false }))
    expect(await card(seg)).toEqual([3, 9, 15])
    // A step after the change adds lines at the new unit cost.
    await tx((trx) => addContacts(trx, dialect, seg, { contact: { no: 'P4' } }, {}, actor))
    expect(await card(seg)).toEqual([4, 19, 20])
    expect(await summed(seg)).toEqual([4, 19, 20])
  })

  it('Given segments of different costs and criteria, when the list is filtered and sorted on Cost (LCY) and on No. of Criteria Actions, then it shows the stored sums and the counted actions', async () => {
    await createSegment(db.kysely, 'TOT4', { unit_cost_lcy: 100 })
    await tx((trx) => addContacts(trx, dialect, 'TOT4', { contact: { no: 'P1' } }, {}, actor))
    const page = await listSegments(db.kysely, dialect, { 'filter[costLcy]': '>5', sort: '-costLcy' })
    expect(page.items.map((s) => [s.no, s.costLcy])).toEqual([
      ['TOT4', 100],
      ['TOT3', 19],
    ])
    const all = await listSegments(db.kysely, dialect, { 'filter[no]': 'TOT*' })
    expect(all.items.map((s) => [s.no, s.noOfLines, s.costLcy, s.durationMin, s.noOfCriteriaActions])).toEqual([
      ['TOT1', 0, 0, 0, 0],
      ['TOT2', 0, 0, 0, 2],
      ['TOT3', 4, 19, 20, 2],
      ['TOT4', 1, 100, 0, 1],
    ])
    // No. of Criteria Actions is counted, not stored: the list filters and sorts on it all the same.
    const busy = await listSegments(db.kysely, dialect, {
      'filter[noOfCriteriaActions]': '>1',
      sort: '-noOfCriteriaActions,-no',
    })
    expect([busy.total, busy.items.map((s) => [s.no, s.noOfCriteriaActions])]).toEqual([
      2,
      [
        ['TOT3', 2],
        ['TOT2', 2],
      ],
    ])
  })
})
