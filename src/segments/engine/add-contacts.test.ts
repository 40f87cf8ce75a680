import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inTransaction } from '../../db/transaction.js'
import { createTestDb, dialects, type TestDb } from '../../test-support/databases.js'
import { insertLineRows } from '../../test-support/segment-lines.js'
import { addContacts } from './add-contacts.js'
import { ALL, createSegment, createWorld, linesOf, numbered } from './test-fixtures.js'
import type { AddOptions, CriteriaFilters } from './types.js'

const actor = { username: 'tester' }
const COMPANY: Record<string, string> = { K1: 'K1', P1: 'K1', P2: 'K1', K2: 'K2', P3: 'K2', P4: '' }

/** The worked examples' filters with the contacts they match by themselves (spec §7.3). */
const EXAMPLES: { name: string; filters: CriteriaFilters; matched: string[] }[] = [
  {
    name: 'Industry Group = RETAIL',
    filters: { industryGroup: { industryGroupCode: 'RETAIL' } },
    matched: ['K1', 'P1', 'P2'],
  },
  {
    name: 'Job Responsibility = PURCH',
    filters: { jobResponsibility: { jobResponsibilityCode: 'PURCH' } },
    matched: ['P1'],
  },
  { name: 'Contact Type = Company', filters: { contact: { type: 'Company' } }, matched: ['K1', 'K2'] },
  { name: 'Mailing Group = GIFT', filters: { mailingGroup: { mailingGroupCode: 'GIFT' } }, matched: ['K1'] },
  {
    name: 'Business Relation = CUST',
    filters: { businessRelation: { businessRelationCode: 'CUST' } },
    matched: ['K2', 'P3'],
  },
  { name: 'no filters', filters: {}, matched: [...ALL] },
]

/** Spec §6.3's pseudo-code over the six contacts, as the reference the SQL must agree with. */
function expectedAdd(matched: string[], o: AddOptions, existing: string[], excluded: string[]): string[] {
  let s = new Set(matched)
  if (o.expandCompanies)
    s = new Set([...s].flatMap((c) => (COMPANY[c] ? ALL.filter((x) => COMPANY[x] === COMPANY[c]) : [c])))
  if (o.allowRelatedCompanies) for (const c of [...s]) if (COMPANY[c]) s.add(COMPANY[c])
  return ALL.filter(
    (c) =>
      s.has(c) && (o.ignoreExclusion || !excluded.includes(c)) && (o.allowExistingContacts || !existing.includes(c)),
  )
}

const COMBINATIONS: AddOptions[] = []
for (let bits = 0; bits < 16; bits++)
  COMBINATIONS.push({
    allowExistingContacts: !!(bits & 1),
    expandCompanies: !!(bits & 2),
    allowRelatedCompanies: !!(bits & 4),
    ignoreExclusion: !!(bits & 8),
  })
const label = (o: AddOptions) =>
  Object.entries(o)
    .filter(([, v]) => v)
    .map(([k]) => k)
    .join('+') || 'none'

describe.each(dialects)('Add Contacts, worked examples of spec §7.3 on %s', (dialect) => {
  let db: TestDb
  let seq = 0
  beforeAll(async () => {
    db = await createTestDb(dialect)
    await createWorld(db.kysely)
  })
  afterAll(() => db.drop())

  const add = async (filters: CriteriaFilters, opts: AddOptions = {}) => {
    const seg = `A${++seq}`
    await createSegment(db.kysely, seg)
    const r = await inTransaction(db.kysely, (trx) => addContacts(trx, dialect, seg, filters, opts, actor))
    return { r, lines: await linesOf(db.kysely, seg) }
  }

  it.each([
    ['Industry Group = RETAIL', { industryGroup: { industryGroupCode: 'RETAIL' } }, {}, ['K1', 'P1', 'P2']],
    ['Job Responsibility = PURCH', { jobResponsibility: { jobResponsibilityCode: 'PURCH' } }, {}, ['P1']],
    [
      'Job Responsibility = PURCH, Expand Companies',
      { jobResponsibility: { jobResponsibilityCode: 'PURCH' } },
      { expandCompanies: true },
      ['K1', 'P1', 'P2'],
    ],
    [
      'Job Responsibility = PURCH, Allow Related Companies',
      { jobResponsibility: { jobResponsibilityCode: 'PURCH' } },
      { allowRelatedCompanies: true },
      ['K1', 'P1'],
    ],
    ['Contact Type = Company', { contact: { type: 'Company' } }, {}, ['K1', 'K2']],
    [
      'Contact Type = Company, Expand Companies',
      { contact: { type: 'Company' } },
      { expandCompanies: true },
      ['K1', 'P1', 'P2', 'K2', 'P3'],
    ],
    ['Mailing Group = GIFT', { mailingGroup: { mailingGroupCode: 'GIFT' } }, {}, ['K1']],
    ['Business Relation = CUST', { businessRelation: { businessRelationCode: 'CUST' } }, {}, ['K2', 'P3']],
    ['no filters', {}, {}, ['P4', 'K1', 'P1', 'P2', 'K2', 'P3']],
  ] as [string, CriteriaFilters, AddOptions, string[]][])(
    'Given an empty segment, when adding with %s, then the lines are the spec table row in BC order',
    async (_name, filters, opts, expected) => {
      const { r, lines } = await add(filters, opts)
      expect(lines).toEqual(numbered(expected))
      expect(r).toEqual({ actionNo: 1, linesInserted: expected.length, noOfLines: expected.length })
    },
  )
})

describe.each(dialects)('Add Contacts, every option combination on %s', (dialect) => {
  let db: TestDb
  let seq = 0
  beforeAll(async () => {
    db = await createTestDb(dialect)
    await createWorld(db.kysely, { excludeP2: true })
  })
  afterAll(() => db.drop())

  const cases = EXAMPLES.flatMap((ex) =>
    COMBINATIONS.map((o) => [`${ex.name} [${label(o)}]`, ex.filters, ex.matched, o] as const),
  )
  it.each(cases)(
    'Given P2 excluded and K1 already on line 10000, when adding with %s, then the lines follow the spec algorithm',
    async (_title, filters, matched, opts) => {
      const seg = `B${++seq}`
      await createSegment(db.kysely, seg)
      await insertLineRows(db.kysely, [{ segment_no: seg, line_no: 10000, contact_no: 'K1', contact_company_no: 'K1' }])
      const r = await inTransaction(db.kysely, (trx) => addContacts(trx, dialect, seg, filters, opts, actor))
      const expected = expectedAdd([...matched], opts, ['K1'], ['P2'])
      expect(await linesOf(db.kysely, seg)).toEqual([[10000, 'K1'], ...numbered(expected, 10000)])
      expect(r.linesInserted).toBe(expected.length)
      expect(r.noOfLines).toBe(expected.length + 1)
    },
  )

  it('Given P2 excluded, when adding Industry Group = RETAIL without options, then P2 is left out and K1 (existing) too', async () => {
    const seg = 'C1'
    await createSegment(db.kysely, seg)
    await insertLineRows(db.kysely, [{ segment_no: seg, line_no: 10000, contact_no: 'K1', contact_company_no: 'K1' }])
    await inTransaction(db.kysely, (trx) =>
      addContacts(trx, dialect, seg, { industryGroup: { industryGroupCode: 'RETAIL' } }, {}, actor),
    )
    expect(await linesOf(db.kysely, seg)).toEqual([
      [10000, 'K1'],
      [20000, 'P1'],
    ])
  })

  it('Given P2 excluded, when adding with Ignore Exclusion and Allow Existing Contacts, then K1 is added twice and P2 is in', async () => {
    const seg = 'C2'
    await createSegment(db.kysely, seg)
    await insertLineRows(db.kysely, [{ segment_no: seg, line_no: 10000, contact_no: 'K1', contact_company_no: 'K1' }])
    await inTransaction(db.kysely, (trx) =>
      addContacts(
        trx,
        dialect,
        seg,
        { industryGroup: { industryGroupCode: 'RETAIL' } },
        { ignoreExclusion: true, allowExistingContacts: true },
        actor,
      ),
    )
    expect(await linesOf(db.kysely, seg)).toEqual([
      [10000, 'K1'],
      [20000, 'K1'],
      [30000, 'P1'],
      [40000, 'P2'],
    ])
  })

  it('Given two Add runs, then they act as a union and the second continues the line numbers', async () => {
    const seg = 'C3'
    await createSegment(db.kysely, seg)
    await inTransaction(db.kysely, (trx) => addContacts(trx, dialect, seg, { contact: { type: 'Company' } }, {}, actor))
    const r = await inTransaction(db.kysely, (trx) =>
      addContacts(trx, dialect, seg, { industryGroup: { industryGroupCode: 'RETAIL' } }, {}, actor),
    )
    expect(r).toEqual({ actionNo: 2, linesInserted: 1, noOfLines: 3 })
    expect(await linesOf(db.kysely, seg)).toEqual([
      [10000, 'K1'],
      [20000, 'K2'],
      [30000, 'P1'],
    ])
  })
})
