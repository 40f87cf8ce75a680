import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inTransaction } from '../../db/transaction.js'
import { createTestDb, dialects, type TestDb } from '../../test-support/databases.js'
import { addContacts } from './add-contacts.js'
import { removeContacts } from './remove-contacts.js'
import { createSegment, createWorld, linesOf } from './test-fixtures.js'
import type { CriteriaFilters } from './types.js'

const actor = { username: 'tester' }

describe.each(dialects)('Criteria blocks on %s', (dialect) => {
  let db: TestDb
  let seq = 0
  beforeAll(async () => {
    db = await createTestDb(dialect)
    await createWorld(db.kysely)
  })
  afterAll(() => db.drop())

  /** Adds with the filters into a new segment; the contacts of its lines in line order. */
  const added = async (filters: CriteriaFilters): Promise<string[]> => {
    const seg = `F${++seq}`
    await createSegment(db.kysely, seg)
    await inTransaction(db.kysely, (trx) => addContacts(trx, dialect, seg, filters, {}, actor))
    return (await linesOf(db.kysely, seg)).map(([, c]) => c)
  }

  it('contact block: the contact fields themselves, ANDed', async () => {
    expect(await added({ contact: { salespersonCode: 'jr' } })).toEqual(['K1'])
    expect(await added({ contact: { postCode: '1000..2999' } })).toEqual(['K2'])
    expect(await added({ contact: { name: '@*free' } })).toEqual(['P4'])
    expect(await added({ contact: { type: 'Person', companyNo: 'K1' } })).toEqual(['P1', 'P2'])
    expect(await added({ contact: { correspondenceType: "''", type: 'person' } })).toEqual(['P4', 'P2'])
    expect(await added({ contact: { email: "<>''" } })).toEqual(['P4'])
  })

  it('profileAnswer block: per contact, questionnaire code and answer line on the same answer', async () => {
    expect(await added({ profileAnswer: { profileQuestionnaireCode: 'SIZE', lineNo: '20000' } })).toEqual(['K1'])
    expect(await added({ profileAnswer: { profileQuestionnaireCode: 'SIZE', lineNo: '20000|30000' } })).toEqual([
      'K1',
      'K2',
    ])
    expect(await added({ profileAnswer: { lineNo: '>20000' } })).toEqual(['K2'])
  })

  it('mailingGroup block: per contact, persons do not inherit their company’s groups', async () => {
    expect(await added({ mailingGroup: { mailingGroupCode: 'GIFT' } })).toEqual(['K1'])
    expect(await added({ mailingGroup: { mailingGroupCode: 'GIFT|NEWS' } })).toEqual(['P4', 'K1'])
  })

  it('interactionLogEntry block: date and template must hold on one entry of the contact itself', async () => {
    expect(
      await added({ interactionLogEntry: { date: '2026-01-01..2026-03-31', interactionTemplateCode: 'MEETING' } }),
    ).toEqual(['P3'])
    expect(await added({ interactionLogEntry: { interactionTemplateCode: 'MEETING' } })).toEqual(['P1', 'P3'])
    expect(await added({ interactionLogEntry: { date: '2026-02-01..2026-02-28' } })).toEqual(['K1', 'P3'])
    expect(await added({ interactionLogEntry: { interactionGroupCode: 'PHONE' } })).toEqual(['P4', 'K1'])
    // Canceled entries count unless the filter says otherwise (quirk Q13, as BC).
    expect(await added({ interactionLogEntry: { interactionGroupCode: 'PHONE', canceled: 'No' } })).toEqual(['K1'])
  })

  it('jobResponsibility block: per person', async () => {
    expect(await added({ jobResponsibility: { jobResponsibilityCode: 'PURCH' } })).toEqual(['P1'])
    expect(await added({ jobResponsibility: { jobResponsibilityCode: 'SALES' } })).toEqual([])
  })

  it('industryGroup block: on the contact’s company, so a company-less person never matches', async () => {
    expect(await added({ industryGroup: { industryGroupCode: 'RETAIL|WHOLESALE' } })).toEqual(['K1', 'P1', 'P2'])
  })

  it('businessRelation block: on the contact’s company, code and link on the same relation', async () => {
    expect(await added({ businessRelation: { businessRelationCode: 'CUST', linkToTable: 'Customer' } })).toEqual([
      'K2',
      'P3',
    ])
    expect(await added({ businessRelation: { businessRelationCode: 'CUST', linkToTable: 'Vendor' } })).toEqual([])
  })

  it('valueEntry block: the customer linked to the company; a person only when it is the entry’s contact', async () => {
    // Item 1000 was sold to contact P3: company K2 and P3 match, P3's colleagues would not.
    expect(await added({ valueEntry: { itemNo: '1000' } })).toEqual(['K2', 'P3'])
    // Item 2000 has no contact: only the company.
    expect(await added({ valueEntry: { itemNo: '2000' } })).toEqual(['K2'])
    // Item 3000 is on vendor C2, but K2 links to customer C2.
    expect(await added({ valueEntry: { itemNo: '3000' } })).toEqual([])
    expect(
      await added({
        businessRelation: { businessRelationCode: 'CUST' },
        valueEntry: { amount: '>100', postingDate: '2026-01-01..2026-01-31' },
      }),
    ).toEqual(['K2', 'P3'])
    expect(await added({ businessRelation: { businessRelationCode: 'VEND' }, valueEntry: { itemNo: '1000' } })).toEqual(
      [],
    )
  })

  it('valueEntry block on Reduce: any entry of the linked customer matches, without the posted-document check', async () => {
    const seg = 'R1'
    await createSegment(db.kysely, seg)
    await inTransaction(db.kysely, (trx) => addContacts(trx, dialect, seg, { contact: { companyNo: 'K2' } }, {}, actor))
    const r = await inTransaction(db.kysely, (trx) =>
      removeContacts(trx, dialect, seg, 'reduce', { valueEntry: { itemNo: '2000' } }, {}, actor),
    )
    expect(r.linesRemoved).toBe(2)
    expect(await linesOf(db.kysely, seg)).toEqual([])
  })

  it('blocks combine with AND', async () => {
    expect(
      await added({
        industryGroup: { industryGroupCode: 'RETAIL' },
        jobResponsibility: { jobResponsibilityCode: 'PURCH' },
      }),
    ).toEqual(['P1'])
    expect(
      await added({
        contact: { type: 'Company' },
        mailingGroup: { mailingGroupCode: 'GIFT' },
        industryGroup: { industryGroupCode: 'RETAIL' },
      }),
    ).toEqual(['K1'])
  })
})
