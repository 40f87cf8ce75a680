import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../test-support/app.js'
import { dialects } from '../test-support/databases.js'
import { newContact, prepareContactSetup, today } from './test-fixtures.js'

describe.each(dialects)('relations of a contact on %s', (dialect) => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp(dialect)
    const codes: [string, string, string][] = [
      ['mailing-groups', 'NEWS', 'Newsletter'],
      ['mailing-groups', 'XMAS', 'Christmas cards'],
      ['industry-groups', 'RETAIL', 'Retail'],
      ['job-responsibilities', 'CEO', 'Chief executive'],
      ['business-relations', 'CUST', 'Customer'],
      ['business-relations', 'VEND', 'Vendor'],
      ['business-relations', 'PROS', 'Prospect'],
      ['business-relations', 'PARTNER', 'Partner'],
    ]
    for (const [path, code, description] of codes)
      expect((await t.admin.post(`/api/${path}`, { code, description })).status).toBe(201)
    await prepareContactSetup(t, { busRelCodeForCustomers: 'CUST', busRelCodeForVendors: 'VEND' })
    const questionnaires: [string, string, string, [number, string, string, boolean?][]][] = [
      [
        'SIZE',
        'Company size',
        'Company',
        [
          [10000, 'Question', 'Number of employees'],
          [20000, 'Answer', '1-10'],
          [30000, 'Answer', '11-50'],
          [40000, 'Question', 'Interests', true],
          [50000, 'Answer', 'Golf'],
          [60000, 'Answer', 'Tennis'],
        ],
      ],
      [
        'HOBBY',
        'Hobbies',
        'Person',
        [
          [10000, 'Question', 'Hobby'],
          [20000, 'Answer', 'Chess'],
        ],
      ],
      [
        'ANY',
        'For everyone',
        '',
        [
          [10000, 'Question', 'Newsletter wanted'],
          [20000, 'Answer', 'Yes'],
        ],
      ],
    ]
    for (const [code, description, contactType, lines] of questionnaires) {
      expect((await t.admin.post('/api/profile-questionnaires', { code, description, contactType })).status).toBe(201)
      for (const [lineNo, type, desc, multipleAnswers] of lines)
        expect(
          (
            await t.admin.post(`/api/profile-questionnaires/${code}/lines`, {
              lineNo,
              type,
              description: desc,
              multipleAnswers: !!multipleAnswers,
            })
          ).status,
        ).toBe(201)
    }
    await newContact(t.marketer, { no: 'K1', type: 'Company', name: 'Kappa' })
    await newContact(t.marketer, { no: 'K2', type: 'Company', name: 'Lambda' })
    await newContact(t.marketer, { no: 'P1', type: 'Person', name: 'Ann Lee', companyNo: 'K1' })
  })
  afterAll(() => t.close())

  describe('mailing groups (any contact)', () => {
    it('assigns a mailing group to a company and to a person, and lists it with its description', async () => {
      const r = await t.marketer.post('/api/contacts/k1/mailing-groups', { mailingGroupCode: 'news' })
      expect([r.status, r.body]).toEqual([201, { mailingGroupCode: 'NEWS', description: 'Newsletter' }])
      expect((await t.marketer.post('/api/contacts/P1/mailing-groups', { mailingGroupCode: 'XMAS' })).status).toBe(201)
      expect((await t.marketer.post('/api/contacts/K1/mailing-groups', { mailingGroupCode: 'XMAS' })).status).toBe(201)
      expect((await t.viewer.get('/api/contacts/K1/mailing-groups')).body).toEqual({
        items: [
          { mailingGroupCode: 'NEWS', description: 'Newsletter' },
          { mailingGroupCode: 'XMAS', description: 'Christmas cards' },
        ],
        total: 2,
        limit: 50,
        offset: 0,
      })
      expect((await t.viewer.get('/api/contacts/K1')).body.noOfMailingGroups).toBe(2)
      expect((await t.viewer.get('/api/contacts/P1')).body.noOfMailingGroups).toBe(1)
    })

    it('filters and sorts the list like every list', async () => {
      const r = await t.viewer.get(
        '/api/contacts/K1/mailing-groups?filter[description]=@christ*&sort=-mailingGroupCode',
      )
      expect(r.body.items).toEqual([{ mailingGroupCode: 'XMAS', description: 'Christmas cards' }])
    })

    it("refuses a duplicate with 409 and BC's text", async () => {
      const r = await t.marketer.post('/api/contacts/K1/mailing-groups', { mailingGroupCode: 'NEWS' })
      expect([r.status, r.body.code, r.body.detail]).toEqual([
        409,
        'ALREADY_EXISTS',
        "The Contact Mailing Group already exists. Identification fields and values: Contact No.='K1',Mailing Group Code='NEWS'",
      ])
    })

    it('refuses an unknown code with 422', async () => {
      const r = await t.marketer.post('/api/contacts/K1/mailing-groups', { mailingGroupCode: 'NOPE' })
      expect([r.status, r.body.detail]).toEqual([
        422,
        "The Mailing Group does not exist. Identification fields and values: Code='NOPE'",
      ])
    })

    it('answers 400 for a missing or over-long code and 404 for an unknown contact', async () => {
      expect((await t.marketer.post('/api/contacts/K1/mailing-groups', {})).status).toBe(400)
      expect(
        (await t.marketer.post('/api/contacts/K1/mailing-groups', { mailingGroupCode: 'X'.repeat(11) })).status,
      ).toBe(400)
      expect(
        (await t.marketer.post('/api/contacts/K1/mailing-groups', { mailingGroupCode: 'NEWS', extra: 1 })).status,
      ).toBe(400)
      const r = await t.marketer.post('/api/contacts/NOBODY/mailing-groups', { mailingGroupCode: 'NEWS' })
      expect([r.status, r.body.code]).toEqual([404, 'NOT_FOUND'])
    })

    it('removes an assignment, and answers 404 for one that does not exist', async () => {
      expect((await t.marketer.del('/api/contacts/K1/mailing-groups/xmas')).status).toBe(204)
      const again = await t.marketer.del('/api/contacts/K1/mailing-groups/XMAS')
      expect([again.status, again.body.detail]).toEqual([
        404,
        "The Contact Mailing Group does not exist. Identification fields and values: Contact No.='K1',Mailing Group Code='XMAS'",
      ])
    })
  })

  describe('industry groups (companies) and job responsibilities (persons)', () => {
    it('refuses an industry group on a person (BC TestField Type)', async () => {
      const r = await t.marketer.post('/api/contacts/P1/industry-groups', { industryGroupCode: 'RETAIL' })
      expect([r.status, r.body.code, r.body.detail]).toEqual([
        422,
        'RULE_VIOLATION',
        "Type must be equal to 'Company'  in Contact: No.=P1. Current value is 'Person'.",
      ])
    })

    it("assigns an industry group to a company; its persons count it as their company's", async () => {
      const r = await t.marketer.post('/api/contacts/K1/industry-groups', { industryGroupCode: 'RETAIL' })
      expect([r.status, r.body]).toEqual([201, { industryGroupCode: 'RETAIL', description: 'Retail' }])
      expect((await t.viewer.get('/api/contacts/P1')).body.noOfIndustryGroups).toBe(1)
      const dup = await t.marketer.post('/api/contacts/K1/industry-groups', { industryGroupCode: 'RETAIL' })
      expect([dup.status, dup.body.detail]).toEqual([
        409,
        "The Contact Industry Group already exists. Identification fields and values: Contact No.='K1',Industry Group Code='RETAIL'",
      ])
    })

    it('refuses a job responsibility on a company and assigns one to a person', async () => {
      const r = await t.marketer.post('/api/contacts/K1/job-responsibilities', { jobResponsibilityCode: 'CEO' })
      expect([r.status, r.body.detail]).toEqual([
        422,
        "Type must be equal to 'Person'  in Contact: No.=K1. Current value is 'Company'.",
      ])
      const ok = await t.marketer.post('/api/contacts/P1/job-responsibilities', { jobResponsibilityCode: 'CEO' })
      expect([ok.status, ok.body]).toEqual([201, { jobResponsibilityCode: 'CEO', description: 'Chief executive' }])
      expect((await t.viewer.get('/api/contacts/P1/job-responsibilities')).body.items).toEqual([
        { jobResponsibilityCode: 'CEO', description: 'Chief executive' },
      ])
      expect((await t.marketer.del('/api/contacts/P1/job-responsibilities/CEO')).status).toBe(204)
    })

    it('refuses to delete a code still assigned to a contact', async () => {
      const r = await t.admin.del('/api/industry-groups/RETAIL')
      expect(r.status).toBe(422)
    })
  })

  describe('business relations (companies)', () => {
    const post = (no: string, body: Record<string, unknown>) =>
      t.marketer.post(`/api/contacts/${no}/business-relations`, body)

    it('assigns an unlinked business relation', async () => {
      const r = await post('K1', { businessRelationCode: 'pros' })
      expect([r.status, r.body]).toEqual([
        201,
        { businessRelationCode: 'PROS', description: 'Prospect', linkToTable: '', linkNo: '' },
      ])
      expect((await t.viewer.get('/api/contacts/P1')).body.noOfBusinessRelations).toBe(1)
    })

    it('refuses a business relation on a person', async () => {
      const r = await post('P1', { businessRelationCode: 'PROS' })
      expect(r.body.detail).toBe("Type must be equal to 'Company'  in Contact: No.=P1. Current value is 'Person'.")
    })

    it("keeps the setup's customer and vendor codes for linked relations", async () => {
      const cust = await post('K1', { businessRelationCode: 'CUST' })
      expect([cust.status, cust.body.detail]).toEqual([
        422,
        'Business Relation Code CUST is used when a Contact is linked with a Customer.',
      ])
      const vend = await post('K1', { businessRelationCode: 'VEND' })
      expect(vend.body.detail).toBe('Business Relation Code VEND is used when a Contact is linked with a Vendor.')
    })

    it('links a company to a customer', async () => {
      const r = await post('K1', { businessRelationCode: 'CUST', linkToTable: 'customer', linkNo: 'c0001' })
      expect([r.status, r.body]).toEqual([
        201,
        { businessRelationCode: 'CUST', description: 'Customer', linkToTable: 'Customer', linkNo: 'C0001' },
      ])
    })

    it('allows one link per table per contact', async () => {
      const r = await post('K1', { businessRelationCode: 'PARTNER', linkToTable: 'Customer', linkNo: 'C0002' })
      expect([r.status, r.body.detail]).toEqual([
        422,
        'Contact K1 already has a Contact Business Relation with Customer C0001.',
      ])
    })

    it('allows one contact per linked record', async () => {
      const r = await post('K2', { businessRelationCode: 'CUST', linkToTable: 'Customer', linkNo: 'C0001' })
      expect([r.status, r.body.detail]).toEqual([
        422,
        'Customer C0001 already has a Contact Business Relation with Contact K1.',
      ])
    })

    it('needs both the table and the No. of a link', async () => {
      const noTable = await post('K2', { businessRelationCode: 'PARTNER', linkNo: 'V01' })
      expect([noTable.status, noTable.body.detail]).toEqual([
        422,
        'Link to Table must have a value in Contact Business Relation: Contact No.=K2, Business Relation Code=PARTNER. It cannot be zero or empty.',
      ])
      const noNo = await post('K2', { businessRelationCode: 'PARTNER', linkToTable: 'Vendor' })
      expect(noNo.body.detail).toBe(
        'No. must have a value in Contact Business Relation: Contact No.=K2, Business Relation Code=PARTNER. It cannot be zero or empty.',
      )
      const badTable = await post('K2', { businessRelationCode: 'PARTNER', linkToTable: 'Bank Account', linkNo: 'B1' })
      expect(badTable.status).toBe(400)
    })

    it('lets a linked relation replace an unlinked one of the same code (BC OnInsert)', async () => {
      expect((await post('K2', { businessRelationCode: 'PARTNER' })).status).toBe(201)
      expect((await post('K2', { businessRelationCode: 'PARTNER' })).status).toBe(409)
      expect((await post('K2', { businessRelationCode: 'PARTNER', linkToTable: 'Vendor', linkNo: 'V01' })).status).toBe(
        201,
      )
      expect((await t.viewer.get('/api/contacts/K2/business-relations')).body.items).toEqual([
        { businessRelationCode: 'PARTNER', description: 'Partner', linkToTable: 'Vendor', linkNo: 'V01' },
      ])
      const dup = await post('K2', { businessRelationCode: 'PARTNER' })
      expect([dup.status, dup.body.detail]).toEqual([
        409,
        "The Contact Business Relation already exists. Identification fields and values: Contact No.='K2',Business Relation Code='PARTNER'",
      ])
    })

    it('refuses an unknown business relation and removes an assignment', async () => {
      const r = await post('K2', { businessRelationCode: 'NOPE' })
      expect(r.body.detail).toBe("The Business Relation does not exist. Identification fields and values: Code='NOPE'")
      expect((await t.marketer.del('/api/contacts/K2/business-relations/PARTNER')).status).toBe(204)
      expect((await t.marketer.del('/api/contacts/K2/business-relations/PARTNER')).status).toBe(404)
    })
  })

  describe('profile answers', () => {
    const post = (no: string, profileQuestionnaireCode: string, lineNo: number) =>
      t.marketer.post(`/api/contacts/${no}/profile-answers`, { profileQuestionnaireCode, lineNo })

    it('records an answer with its question, and the contact company no.', async () => {
      const r = await post('K1', 'size', 20000)
      expect([r.status, r.body]).toEqual([
        201,
        {
          profileQuestionnaireCode: 'SIZE',
          lineNo: 20000,
          questionnaireDescription: 'Company size',
          question: 'Number of employees',
          answer: '1-10',
          contactCompanyNo: 'K1',
          lastDateUpdated: today(),
        },
      ])
    })

    it('refuses a second answer to a question without Multiple Answers', async () => {
      const r = await post('K1', 'SIZE', 30000)
      expect([r.status, r.body.detail]).toEqual([422, 'This Question does not allow Multiple Answers.'])
    })

    it('takes several answers to a question with Multiple Answers', async () => {
      expect((await post('K1', 'SIZE', 50000)).status).toBe(201)
      expect((await post('K1', 'SIZE', 60000)).status).toBe(201)
    })

    it('takes answers only, not questions', async () => {
      const r = await post('K1', 'SIZE', 10000)
      expect([r.status, r.body.detail]).toEqual([
        422,
        "Type must be equal to 'Answer'  in Profile Questionnaire Line: Profile Questionnaire Code=SIZE, Line No.=10000. Current value is 'Question'.",
      ])
    })

    it("matches the questionnaire's contact type when it has one", async () => {
      const person = await post('P1', 'SIZE', 20000)
      expect(person.body.detail).toBe("Type must be equal to 'Company'  in Contact: No.=P1. Current value is 'Person'.")
      const company = await post('K1', 'HOBBY', 20000)
      expect(company.body.detail).toBe(
        "Type must be equal to 'Person'  in Contact: No.=K1. Current value is 'Company'.",
      )
      const ok = await post('P1', 'HOBBY', 20000)
      expect([ok.status, ok.body.contactCompanyNo, ok.body.question]).toEqual([201, 'K1', 'Hobby'])
      expect((await post('P1', 'ANY', 20000)).status).toBe(201)
      expect((await post('K1', 'ANY', 20000)).status).toBe(201)
    })

    it('refuses a duplicate with 409 and unknown questionnaires or lines with 422', async () => {
      const dup = await post('K1', 'SIZE', 20000)
      expect([dup.status, dup.body.detail]).toEqual([
        409,
        "The Contact Profile Answer already exists. Identification fields and values: Contact No.='K1',Profile Questionnaire Code='SIZE',Line No.='20000'",
      ])
      const q = await post('K1', 'NOPE', 20000)
      expect([q.status, q.body.detail]).toEqual([
        422,
        "The Profile Questionnaire Header does not exist. Identification fields and values: Code='NOPE'",
      ])
      const line = await post('K1', 'SIZE', 99999)
      expect(line.body.detail).toBe(
        "The Profile Questionnaire Line does not exist. Identification fields and values: Profile Questionnaire Code='SIZE',Line No.='99999'",
      )
      expect(
        (await t.marketer.post('/api/contacts/K1/profile-answers', { profileQuestionnaireCode: 'SIZE' })).status,
      ).toBe(400)
    })

    it('lists the answers by questionnaire and line', async () => {
      const r = await t.viewer.get('/api/contacts/K1/profile-answers')
      expect(
        r.body.items.map((a: Record<string, unknown>) => [a.profileQuestionnaireCode, a.lineNo, a.question, a.answer]),
      ).toEqual([
        ['ANY', 20000, 'Newsletter wanted', 'Yes'],
        ['SIZE', 20000, 'Number of employees', '1-10'],
        ['SIZE', 50000, 'Interests', 'Golf'],
        ['SIZE', 60000, 'Interests', 'Tennis'],
      ])
      const filtered = await t.viewer.get('/api/contacts/K1/profile-answers?filter[answer]=@t*')
      expect(filtered.body.items.map((a: Record<string, unknown>) => a.answer)).toEqual(['Tennis'])
    })

    it('removes an answer, after which another answer to the question is allowed', async () => {
      expect((await t.marketer.del('/api/contacts/K1/profile-answers/SIZE/20000')).status).toBe(204)
      expect((await post('K1', 'SIZE', 30000)).status).toBe(201)
      const gone = await t.marketer.del('/api/contacts/K1/profile-answers/SIZE/20000')
      expect([gone.status, gone.body.detail]).toEqual([
        404,
        "The Contact Profile Answer does not exist. Identification fields and values: Contact No.='K1',Profile Questionnaire Code='SIZE',Line No.='20000'",
      ])
    })

    it("moves a person's answers to its new company no.", async () => {
      await t.marketer.patch('/api/contacts/P1', { companyNo: 'K2' })
      const r = await t.viewer.get('/api/contacts/P1/profile-answers')
      expect(r.body.items.map((a: Record<string, unknown>) => a.contactCompanyNo)).toEqual(['K2', 'K2'])
    })
  })
})
