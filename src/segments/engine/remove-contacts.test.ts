import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inTransaction } from '../../db/transaction.js'
import { createTestDb, dialects, type TestDb } from '../../test-support/databases.js'
import { insertLineRows } from '../../test-support/segment-lines.js'
import { listHistory } from './history.js'
import { removeContacts } from './remove-contacts.js'
import { createSegment, createWorld, linesOf } from './test-fixtures.js'
import type { CriteriaFilters, RemoveOptions } from './types.js'

const actor = { username: 'tester' }

describe.each(dialects)('Reduce and Refine, worked examples of spec §7.3 on %s', (dialect) => {
  let db: TestDb
  let seq = 0
  beforeAll(async () => {
    db = await createTestDb(dialect)
    await createWorld(db.kysely)
  })
  afterAll(() => db.drop())

  /** A new segment whose lines are the contacts given, at 10000, 20000, … */
  const segmentWith = async (contacts: string[]) => {
    const seg = `R${++seq}`
    await createSegment(db.kysely, seg)
    const company: Record<string, string> = { K1: 'K1', P1: 'K1', P2: 'K1', K2: 'K2', P3: 'K2', P4: '' }
    await insertLineRows(
      db.kysely,
      contacts.map((c, i) => ({
        segment_no: seg,
        line_no: (i + 1) * 10000,
        contact_no: c,
        contact_company_no: company[c],
      })),
    )
    return seg
  }
  const run = async (seg: string, kind: 'reduce' | 'refine', filters: CriteriaFilters, opts: RemoveOptions = {}) =>
    inTransaction(db.kysely, (trx) => removeContacts(trx, dialect, seg, kind, filters, opts, actor))

  const FULL = ['K1', 'P1', 'P2', 'K2', 'P3']
  it.each([
    [
      'Reduce',
      FULL,
      { contact: { no: 'P1' } },
      {},
      [
        [10000, 'K1'],
        [30000, 'P2'],
        [40000, 'K2'],
        [50000, 'P3'],
      ],
    ],
    [
      'Reduce',
      FULL,
      { contact: { no: 'P1' } },
      { entireCompanies: true },
      [
        [40000, 'K2'],
        [50000, 'P3'],
      ],
    ],
    ['Refine', FULL, { jobResponsibility: { jobResponsibilityCode: 'PURCH' } }, {}, [[20000, 'P1']]],
    [
      'Refine',
      FULL,
      { jobResponsibility: { jobResponsibilityCode: 'PURCH' } },
      { entireCompanies: true },
      [
        [10000, 'K1'],
        [20000, 'P1'],
        [30000, 'P2'],
      ],
    ],
    [
      'Reduce',
      ['P2', 'K2'],
      { jobResponsibility: { jobResponsibilityCode: 'PURCH' } },
      { entireCompanies: true },
      [[20000, 'K2']],
    ],
    [
      'Reduce',
      ['P2', 'K2'],
      { jobResponsibility: { jobResponsibilityCode: 'PURCH' } },
      {},
      [
        [10000, 'P2'],
        [20000, 'K2'],
      ],
    ],
    [
      'Refine',
      ['P2', 'K2'],
      { jobResponsibility: { jobResponsibilityCode: 'PURCH' } },
      { entireCompanies: true },
      [[10000, 'P2']],
    ],
    [
      'Reduce',
      ['P4', 'K1', 'P3'],
      { contact: { no: 'P4' } },
      { entireCompanies: true },
      [
        [20000, 'K1'],
        [30000, 'P3'],
      ],
    ],
    ['Refine', ['P4', 'K1', 'P3'], { contact: { no: 'P4' } }, { entireCompanies: true }, [[10000, 'P4']]],
    ['Refine', ['P4', 'K1', 'P3'], { contact: { type: 'Company' } }, {}, [[20000, 'K1']]],
  ] as [string, string[], CriteriaFilters, RemoveOptions, [number, string][]][])(
    'Given lines %s of %j, when running with %j %j, then the lines left keep their line nos.',
    async (kind, contacts, filters, opts, expected) => {
      const seg = await segmentWith(contacts)
      const r = await run(seg, kind === 'Reduce' ? 'reduce' : 'refine', filters, opts)
      expect(await linesOf(db.kysely, seg)).toEqual(expected)
      expect(r).toEqual({ actionNo: 1, linesRemoved: contacts.length - expected.length, noOfLines: expected.length })
    },
  )

  // A Refine with one block is an anti-join on the line's own columns on PostgreSQL (NOT EXISTS), with
  // several it goes through the contacts: each block's link (contact no., company no., both) is covered.
  it.each([
    [{ profileAnswer: { profileQuestionnaireCode: 'SIZE', lineNo: '20000' } }, ['K1']],
    [{ mailingGroup: { mailingGroupCode: 'GIFT|NEWS' } }, ['K1', 'P4']],
    [{ industryGroup: { industryGroupCode: 'RETAIL' } }, ['K1', 'P1', 'P2']],
    [{ businessRelation: { businessRelationCode: 'CUST' } }, ['K2', 'P3']],
    [{ valueEntry: { itemNo: '2000' } }, ['K2', 'P3']],
    [{ interactionLogEntry: { interactionGroupCode: 'MEET' } }, ['P1', 'P3']],
    [{ interactionLogEntry: { canceled: 'true' } }, ['P4']],
    [{ industryGroup: { industryGroupCode: 'RETAIL' }, interactionLogEntry: { interactionGroupCode: 'MEET' } }, ['P1']],
    [{ businessRelation: { businessRelationCode: 'CUST' }, valueEntry: { itemNo: '1000' } }, ['K2', 'P3']],
  ] as [CriteriaFilters, string[]][])(
    'Given all six contacts on lines, when refining by %j, then exactly %j stay',
    async (filters, kept) => {
      const all = ['K1', 'P1', 'P2', 'K2', 'P3', 'P4']
      const seg = await segmentWith(all)
      const r = await run(seg, 'refine', filters)
      expect((await linesOf(db.kysely, seg)).map(([, c]) => c)).toEqual(kept)
      expect(r).toEqual({ actionNo: 1, linesRemoved: 6 - kept.length, noOfLines: kept.length })
    },
  )

  it('Given a segment, when reducing with no filters, then every line goes; refining with none keeps all but records the action', async () => {
    const a = await segmentWith(FULL)
    expect((await run(a, 'reduce', {})).linesRemoved).toBe(5)
    expect(await linesOf(db.kysely, a)).toEqual([])
    const b = await segmentWith(FULL)
    expect(await run(b, 'refine', {})).toEqual({ actionNo: 1, linesRemoved: 0, noOfLines: 5 })
  })

  it('Given a Reduce, then each removed line has a Deletion history row under the action no.', async () => {
    const seg = await segmentWith(FULL)
    await run(seg, 'reduce', { industryGroup: { industryGroupCode: 'RETAIL' } })
    const h = await listHistory(db.kysely, seg)
    expect(h.map((e) => [e.actionNo, e.lineNo, e.contactNo, e.actionTaken, e.username])).toEqual([
      [1, 10000, 'K1', 'Deletion', 'tester'],
      [1, 20000, 'P1', 'Deletion', 'tester'],
      [1, 30000, 'P2', 'Deletion', 'tester'],
    ])
    expect(h[0].at).toMatch(/^\d{4}-\d{2}-\d{2}T/)
  })

  it('Given duplicate lines of a contact, when reducing that contact, then all its lines go', async () => {
    const seg = await segmentWith(['P1', 'K2', 'P1'])
    await run(seg, 'reduce', { contact: { no: 'P1' } })
    expect(await linesOf(db.kysely, seg)).toEqual([[20000, 'K2']])
  })
})
