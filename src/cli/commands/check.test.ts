import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { activateCampaign, findTargetGroupMismatches, rebuildTargetGroups } from '../../campaigns/target-group.js'
import { inTransaction } from '../../db/transaction.js'
import { runCli, urlOf } from '../../reliability/server-fixtures.js'
import { addContacts } from '../../segments/engine/add-contacts.js'
import { findLineTotalMismatches, recountSegments } from '../../segments/engine/line-totals-check.js'
import { createSegment, createWorld } from '../../segments/engine/test-fixtures.js'
import { line, makeSegment, seedLogWorld } from '../../segments/log/log-fixtures.js'
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
      'Checked 3 segments: No. of Lines, Cost (LCY) and Duration (Min.) match the lines.\n' +
        'Checked 0 activated campaigns: their target groups match their target lines and entries.\n',
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
      'Checked 3 segments: No. of Lines, Cost (LCY) and Duration (Min.) match the lines.\n' +
        'Checked 0 activated campaigns: their target groups match their target lines and entries.\n',
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
      ? 'SQLite: totals compare in whole cents, so a floating-point residue (1 part in 10^12) is in step; a cent off is not'
      : 'PostgreSQL: a cost a cent off is out of step',
    async () => {
      if (dialect === 'sqlite') {
        await db.kysely
          .updateTable('segment_headers')
          .set({ cost_lcy: 15 * (1 + 1e-12) })
          .where('no', '=', 'CHK1')
          .execute()
        expect(await findLineTotalMismatches(db.kysely, dialect)).toEqual([])
      }
      await db.kysely.updateTable('segment_headers').set({ cost_lcy: 15.01 }).where('no', '=', 'CHK1').execute()
      expect((await findLineTotalMismatches(db.kysely, dialect)).map((m) => [m.segmentNo, m.stored.cost])).toEqual([
        ['CHK1', 15.01],
      ])
      expect(await recountSegments(db.kysely, dialect, ['CHK1'])).toEqual(['CHK1'])
      expect(await findLineTotalMismatches(db.kysely, dialect)).toEqual([])
    },
  )
})

/**
 * `segmenta check` on campaign target groups. CP1 is activated from the target lines of P1 (company K1) and
 * P3 (company K2, linked to customer C20): its group is Contact K1 and Customer C20. CP2 has a target line but
 * is not activated, so it has no group to check. Then rows of CP1's group are changed by hand.
 */
describe.each(dialects)('segmenta check of campaign target groups on %s', (dialect) => {
  let db: TestDb
  let url: string
  beforeAll(async () => {
    db = await createTestDb(dialect)
    await seedLogWorld(db.kysely)
    await makeSegment(db.kysely, 'T', [
      line(10000, 'P1', { campaign_no: 'CP1', campaign_target: 1 }),
      line(20000, 'P3', { campaign_no: 'CP1', campaign_target: 1 }),
      line(30000, 'P2', { campaign_no: 'CP2', campaign_target: 1 }),
    ])
    await inTransaction(db.kysely, (trx) => activateCampaign(trx, 'CP1'))
    url = await urlOf(db)
  }, 60_000)
  afterAll(() => db.drop())

  const group = async (campaignNo: string) =>
    (
      await db.kysely
        .selectFrom('campaign_target_groups')
        .select(['type', 'no'])
        .where('campaign_no', '=', campaignNo)
        .orderBy('type')
        .orderBy('no')
        .execute()
    ).map((g) => [g.type, g.no])

  it('Given an activated campaign as the product keeps it, when checked, then its group matches and it exits 0', async () => {
    expect(await group('CP1')).toEqual([
      ['Contact', 'K1'],
      ['Customer', 'C20'],
    ])
    expect(await findTargetGroupMismatches(db.kysely)).toEqual([])
    const r = await runCli(['--db', url, 'check'])
    expect([r.status, r.stdout, r.stderr]).toEqual([
      0,
      'Checked 1 segment: No. of Lines, Cost (LCY) and Duration (Min.) match the lines.\n' +
        'Checked 1 activated campaign: its target group matches its target lines and entries.\n',
      '',
    ])
  }, 60_000)

  it('Given a target row deleted and a stray row added by hand, when checked, then it names both, exits 1 and changes nothing', async () => {
    await db.kysely
      .deleteFrom('campaign_target_groups')
      .where('campaign_no', '=', 'CP1')
      .where('no', '=', 'C20')
      .execute()
    await db.kysely
      .insertInto('campaign_target_groups')
      .values({ type: 'Contact', no: 'P4', campaign_no: 'CP1' })
      .execute()
    const expected = [
      { campaignNo: 'CP1', missing: [{ type: 'Customer', no: 'C20' }], extra: [{ type: 'Contact', no: 'P4' }] },
    ]
    expect(await findTargetGroupMismatches(db.kysely)).toEqual(expected)
    expect(await findTargetGroupMismatches(db.kysely, ['CP1'])).toEqual(expected)
    expect(await findTargetGroupMismatches(db.kysely, [])).toEqual([])
    const r = await runCli(['--db', url, 'check'])
    expect([r.status, r.stdout, r.stderr]).toEqual([
      1,
      'CP1: target group lacks Customer C20; has Contact P4, which no target line or entry gives\n',
      'segmenta: the target groups of 1 of 1 activated campaign differ from their targets; run segmenta check --repair to rebuild them\n',
    ])
    expect(await group('CP1')).toEqual([
      ['Contact', 'K1'],
      ['Contact', 'P4'],
    ])
  }, 60_000)

  it('Given line totals and a target group both out of step, when checked with --repair, then both are put right and the next check is clean', async () => {
    await db.kysely.updateTable('segment_headers').set({ no_of_lines: 7 }).where('no', '=', 'T').execute()
    const r = await runCli(['--db', url, 'check'])
    expect([r.status, r.stderr]).toEqual([
      1,
      'segmenta: the stored line totals differ from the lines on 1 of 1 segment; the target groups of 1 of 1 activated campaign differ from their targets; run segmenta check --repair to recount and rebuild them\n',
    ])
    const repaired = await runCli(['--db', url, 'check', '--repair'])
    expect([repaired.status, repaired.stderr]).toEqual([0, ''])
    expect(repaired.stdout).toBe(
      'T: stored 7 lines, cost 0, duration 0; its lines: 3 lines, cost 0, duration 0\n' +
        'CP1: target group lacks Customer C20; has Contact P4, which no target line or entry gives\n' +
        'Recounted 1 segment: T.\n' +
        'Rebuilt the target groups of 1 campaign: CP1.\n',
    )
    expect(await group('CP1')).toEqual([
      ['Contact', 'K1'],
      ['Customer', 'C20'],
    ])
    expect(await group('CP2')).toEqual([])
    const again = await runCli(['--db', url, 'check'])
    expect([again.status, again.stdout]).toEqual([
      0,
      'Checked 1 segment: No. of Lines, Cost (LCY) and Duration (Min.) match the lines.\n' +
        'Checked 1 activated campaign: its target group matches its target lines and entries.\n',
    ])
  }, 60_000)

  it('Given an activated campaign whose targets are all gone, when rebuilt, then its group is empty: it is deactivated', async () => {
    await db.kysely.updateTable('segment_lines').set({ campaign_target: 0 }).where('campaign_no', '=', 'CP1').execute()
    expect(await findTargetGroupMismatches(db.kysely)).toEqual([
      {
        campaignNo: 'CP1',
        missing: [],
        extra: [
          { type: 'Contact', no: 'K1' },
          { type: 'Customer', no: 'C20' },
        ],
      },
    ])
    expect(await rebuildTargetGroups(db.kysely, ['CP1'])).toEqual(['CP1'])
    expect(await group('CP1')).toEqual([])
    expect(await findTargetGroupMismatches(db.kysely)).toEqual([])
  })
})
