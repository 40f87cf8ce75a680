import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../test-support/app.js'
import { dialects } from '../test-support/databases.js'
import { interactionOwners, logInteractions, newContact, prepareContactSetup, putOnSegment } from './test-fixtures.js'

describe.each(dialects)('contact rules on %s', (dialect) => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp(dialect)
    await prepareContactSetup(t)
    for (const [path, code] of [
      ['mailing-groups', 'NEWS'],
      ['industry-groups', 'RETAIL'],
      ['business-relations', 'PROS'],
      ['job-responsibilities', 'CEO'],
    ])
      expect((await t.admin.post(`/api/${path}`, { code })).status).toBe(201)
  })
  afterAll(() => t.close())

  const get = async (no: string) => (await t.viewer.get(`/api/contacts/${no}`)).body

  describe('companies and persons', () => {
    it('gives a company its own no. as company no. and its own name as company name', async () => {
      const k = await newContact(t.marketer, {
        no: 'K1',
        type: 'Company',
        name: 'Kappa Ltd',
        firstName: 'Ignored',
        jobTitle: 'Ignored',
      })
      expect([k.companyNo, k.companyName, k.firstName, k.jobTitle]).toEqual(['K1', 'Kappa Ltd', '', ''])
    })

    it('links a person to its company and shows the company name', async () => {
      const p = await newContact(t.marketer, {
        no: 'K1P1',
        type: 'Person',
        firstName: 'Mary',
        surname: 'Smith',
        companyNo: 'k1',
      })
      expect([p.companyNo, p.companyName]).toEqual(['K1', 'Kappa Ltd'])
    })

    it('allows a person without a company', async () => {
      const p = await newContact(t.marketer, { no: 'LONE', type: 'Person', name: 'Lone Wolf' })
      expect([p.companyNo, p.companyName]).toEqual(['', ''])
    })

    it("refuses a person's company no. that is not a company", async () => {
      for (const companyNo of ['K1P1', 'NOBODY']) {
        const r = await t.marketer.post('/api/contacts', { type: 'Person', name: 'X', companyNo })
        expect([r.status, r.body.detail]).toEqual([
          422,
          `The field Company No. of table Contact contains a value (${companyNo}) that cannot be found in the related table (Contact).`,
        ])
      }
    })

    it('sets company no. only on persons (BC TestField(Type, Person))', async () => {
      const create = await t.marketer.post('/api/contacts', { no: 'K9', type: 'Company', name: 'X', companyNo: 'K1' })
      expect([create.status, create.body.detail]).toEqual([
        422,
        "Type must be equal to 'Person'  in Contact: No.=K9. Current value is 'Company'.",
      ])
      const patch = await t.marketer.patch('/api/contacts/K1', { companyNo: 'K2' })
      expect([patch.status, patch.body.detail]).toEqual([
        422,
        "Type must be equal to 'Person'  in Contact: No.=K1. Current value is 'Company'.",
      ])
      expect((await t.marketer.patch('/api/contacts/K1', { companyNo: 'K1' })).status).toBe(200)
    })
  })

  describe('names', () => {
    it('computes a person name from first, middle and surname, and the search name from it', async () => {
      const p = await newContact(t.marketer, {
        no: 'N1',
        type: 'Person',
        firstName: 'Mary',
        middleName: 'Jane',
        surname: 'Smith',
      })
      expect([p.name, p.searchName]).toEqual(['Mary Jane Smith', 'MARY JANE SMITH'])
      const changed = (await t.marketer.patch('/api/contacts/N1', { middleName: '', surname: 'Jones' })).body
      expect([changed.name, changed.searchName]).toEqual(['Mary Jones', 'MARY JONES'])
    })

    it('breaks a person name typed as a whole into its parts', async () => {
      const p = await newContact(t.marketer, { no: 'N2', type: 'Person', name: 'Anna Maria de Vries' })
      expect([p.firstName, p.middleName, p.surname]).toEqual(['Anna Maria', 'de', 'Vries'])
    })

    it('keeps a search name the user chose when the name changes', async () => {
      await newContact(t.marketer, { no: 'N3', type: 'Company', name: 'Long Company Name', searchName: 'lcn' })
      const c = (await t.marketer.patch('/api/contacts/N3', { name: 'Longer Company Name' })).body
      expect([c.name, c.searchName]).toEqual(['Longer Company Name', 'LCN'])
    })

    it("carries a company's new name to the company name of all its persons", async () => {
      await newContact(t.marketer, { no: 'R1', type: 'Company', name: 'Rho' })
      await newContact(t.marketer, { no: 'R1P1', type: 'Person', name: 'Ann Lee', companyNo: 'R1' })
      await newContact(t.marketer, { no: 'R1P2', type: 'Person', name: 'Bo Ek', companyNo: 'R1' })
      await t.marketer.patch('/api/contacts/R1', { name: 'Rho Holding' })
      expect([(await get('R1P1')).companyName, (await get('R1P2')).companyName, (await get('R1')).companyName]).toEqual(
        ['Rho Holding', 'Rho Holding', 'Rho Holding'],
      )
    })
  })

  describe('type change (BC TypeChange)', () => {
    it('refuses while interaction log entries are linked to the contact', async () => {
      await newContact(t.marketer, { no: 'T1', type: 'Company', name: 'T1' })
      await logInteractions(t, [{ contactNo: 'T1', companyNo: 'T1' }])
      const r = await t.marketer.patch('/api/contacts/T1', { type: 'Person' })
      expect([r.status, r.body.detail]).toEqual([
        422,
        'Type cannot be changed because one or more interaction log entries are linked to the contact.',
      ])
    })

    it('refuses a company with persons becoming a person', async () => {
      const r = await t.marketer.patch('/api/contacts/R1', { type: 'Person' })
      expect([r.status, r.body.detail]).toEqual([
        422,
        'Type cannot be changed because there are one or more related people linked to the contact.',
      ])
    })

    it('refuses a company with business relations or industry groups becoming a person', async () => {
      await newContact(t.marketer, { no: 'T2', type: 'Company', name: 'T2' })
      await t.marketer.post('/api/contacts/T2/business-relations', { businessRelationCode: 'PROS' })
      const r = await t.marketer.patch('/api/contacts/T2', { type: 'Person' })
      expect([r.status, r.body.detail]).toEqual([
        422,
        "No. of Business Relations must be equal to '0'  in Contact: No.=T2. Current value is '1'.",
      ])
      await t.marketer.del('/api/contacts/T2/business-relations/PROS')
      await t.marketer.post('/api/contacts/T2/industry-groups', { industryGroupCode: 'RETAIL' })
      const r2 = await t.marketer.patch('/api/contacts/T2', { type: 'Person' })
      expect(r2.body.detail).toBe(
        "No. of Industry Groups must be equal to '0'  in Contact: No.=T2. Current value is '1'.",
      )
    })

    it('refuses a person with job responsibilities becoming a company', async () => {
      await newContact(t.marketer, { no: 'T3', type: 'Person', name: 'Ted Boss' })
      await t.marketer.post('/api/contacts/T3/job-responsibilities', { jobResponsibilityCode: 'CEO' })
      const r = await t.marketer.patch('/api/contacts/T3', { type: 'Company' })
      expect([r.status, r.body.detail]).toEqual([
        422,
        "No. of Job Responsibilities must be equal to '0'  in Contact: No.=T3. Current value is '1'.",
      ])
    })

    it('makes a person a company of its own: company no. and name are its own, person parts cleared', async () => {
      await newContact(t.marketer, {
        no: 'T4',
        type: 'Person',
        firstName: 'Tina',
        surname: 'Turner',
        jobTitle: 'Singer',
        companyNo: 'K1',
      })
      const c = (await t.marketer.patch('/api/contacts/T4', { type: 'Company', name: 'Turner Music' })).body
      expect([c.type, c.companyNo, c.companyName, c.firstName, c.surname, c.jobTitle]).toEqual([
        'Company',
        'T4',
        'Turner Music',
        '',
        '',
        '',
      ])
    })

    it('makes a company a person without company, breaking its name into parts', async () => {
      await newContact(t.marketer, { no: 'T5', type: 'Company', name: 'Pia Lund' })
      const p = (await t.marketer.patch('/api/contacts/T5', { type: 'Person' })).body
      expect([p.type, p.companyNo, p.companyName, p.firstName, p.surname]).toEqual(['Person', '', '', 'Pia', 'Lund'])
    })
  })

  describe('company no. of a person', () => {
    it('cannot change while the person is on an unlogged segment', async () => {
      await newContact(t.marketer, { no: 'S1', type: 'Person', name: 'Sam Seg', companyNo: 'K1' })
      await putOnSegment(t, 'SEG-S1', ['S1'])
      const r = await t.marketer.patch('/api/contacts/S1', { companyNo: 'R1' })
      expect([r.status, r.body.detail]).toEqual([
        422,
        'You cannot change Company No. because one or more unlogged segments are assigned to the contact.',
      ])
      expect((await get('S1')).companyNo).toBe('K1')
      expect((await t.marketer.patch('/api/contacts/S1', { jobTitle: 'Still allowed' })).status).toBe(200)
    })

    it("leaves a former company's interactions with that company (BC UpdateCompanyNo)", async () => {
      // Given a person of K1 with an interaction, and a company-less person with one
      await newContact(t.marketer, { no: 'M1', type: 'Person', name: 'Mo Ved', companyNo: 'K1' })
      await newContact(t.marketer, { no: 'M2', type: 'Person', name: 'Free Lancer' })
      await t.db.kysely.deleteFrom('interaction_log_entries').execute()
      await logInteractions(t, [
        { contactNo: 'M1', companyNo: 'K1' },
        { contactNo: 'M2', companyNo: '' },
      ])
      // When both move to company R1
      await t.marketer.patch('/api/contacts/M1', { companyNo: 'R1' })
      await t.marketer.patch('/api/contacts/M2', { companyNo: 'R1' })
      // Then M1's entry stays with K1 (as the company's own), M2 takes its entry to R1
      expect(await interactionOwners(t)).toEqual([
        ['K1', 'K1'],
        ['M2', 'R1'],
      ])
      expect([(await get('M1')).companyName, (await get('M2')).companyName]).toEqual(['Rho Holding', 'Rho Holding'])
    })

    it('clears the company name when a person leaves its company', async () => {
      const p = (await t.marketer.patch('/api/contacts/M2', { companyNo: '' })).body
      expect([p.companyNo, p.companyName]).toEqual(['', ''])
    })
  })

  describe('delete (BC Contact.OnDelete)', () => {
    it('refuses a contact on an unlogged segment with 422 REFERENCED', async () => {
      const r = await t.marketer.del('/api/contacts/S1')
      expect([r.status, r.body.code, r.body.detail]).toEqual([
        422,
        'REFERENCED',
        'You cannot delete the S1 record of the Contact because the contact is assigned one or more unlogged segments.',
      ])
    })

    it('refuses a company one of whose persons is on an unlogged segment, naming the person', async () => {
      const r = await t.marketer.del('/api/contacts/K1')
      expect([r.status, r.body.detail]).toEqual([
        422,
        'You cannot delete the S1 record of the Contact because the contact is assigned one or more unlogged segments.',
      ])
      expect((await get('K1P1')).no).toBe('K1P1')
    })

    it('re-points a deleted person’s interactions to its company', async () => {
      await newContact(t.marketer, { no: 'D1', type: 'Company', name: 'Delta' })
      await newContact(t.marketer, { no: 'D1P1', type: 'Person', name: 'Dan Del', companyNo: 'D1' })
      await t.db.kysely.deleteFrom('interaction_log_entries').execute()
      await logInteractions(t, [{ contactNo: 'D1P1', companyNo: 'D1' }])
      expect((await t.marketer.del('/api/contacts/D1P1')).status).toBe(204)
      expect(await interactionOwners(t)).toEqual([['D1', 'D1']])
    })

    it('deletes a company with its persons and their relations, and clears their interactions', async () => {
      // Given company E1 with two persons, relations and interactions, and an unrelated company's entry
      await newContact(t.marketer, { no: 'E1', type: 'Company', name: 'Epsilon' })
      await newContact(t.marketer, { no: 'E1P1', type: 'Person', name: 'Ed One', companyNo: 'E1' })
      await newContact(t.marketer, { no: 'E1P2', type: 'Person', name: 'Ed Two', companyNo: 'E1' })
      await t.marketer.post('/api/contacts/E1P1/mailing-groups', { mailingGroupCode: 'NEWS' })
      await t.marketer.post('/api/contacts/E1/industry-groups', { industryGroupCode: 'RETAIL' })
      await t.marketer.post('/api/contacts/E1P2/job-responsibilities', { jobResponsibilityCode: 'CEO' })
      await t.db.kysely.deleteFrom('interaction_log_entries').execute()
      await logInteractions(t, [
        { contactNo: 'E1', companyNo: 'E1' },
        { contactNo: 'E1P1', companyNo: 'E1' },
        { contactNo: 'K1', companyNo: 'K1' },
      ])
      // When the company is deleted
      expect((await t.marketer.del('/api/contacts/E1')).status).toBe(204)
      // Then it and its persons are gone with their relation rows, and their entries have no contact
      for (const no of ['E1', 'E1P1', 'E1P2']) expect((await t.viewer.get(`/api/contacts/${no}`)).status).toBe(404)
      const db = t.db.kysely
      for (const table of [
        'contact_mailing_groups',
        'contact_industry_groups',
        'contact_job_responsibilities',
      ] as const) {
        const left = await db.selectFrom(table).select('contact_no').where('contact_no', 'like', 'E1%').execute()
        expect([table, left]).toEqual([table, []])
      }
      expect(await interactionOwners(t)).toEqual([
        ['', ''],
        ['', ''],
        ['K1', 'K1'],
      ])
    })
  })
})
