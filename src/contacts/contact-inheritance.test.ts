import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../test-support/app.js'
import { dialects } from '../test-support/databases.js'
import { newContact, prepareContactSetup, today } from './test-fixtures.js'

const INHERITED = [
  'salespersonCode',
  'languageCode',
  'address',
  'address2',
  'city',
  'postCode',
  'county',
  'countryRegionCode',
  'phoneNo',
  'mobilePhoneNo',
  'email',
  'correspondenceType',
] as const

const pick = (c: object, keys: readonly string[] = INHERITED) =>
  Object.fromEntries(keys.map((k) => [k, (c as Record<string, unknown>)[k]]))

const KAPPA = {
  salespersonCode: 'SP2',
  languageCode: 'DAN',
  address: 'Main Street 1',
  address2: 'Floor 2',
  city: 'Aarhus',
  postCode: '8000',
  county: 'Midt',
  countryRegionCode: 'DK',
  phoneNo: '+45 1111',
  mobilePhoneNo: '+45 2222',
  email: 'info@kappa.dk',
  correspondenceType: 'Email',
}
const LAMBDA = {
  salespersonCode: 'SP3',
  languageCode: 'ENU',
  address: 'High Road 9',
  address2: '',
  city: 'Leeds',
  postCode: 'LS1',
  county: 'Yorkshire',
  countryRegionCode: 'GB',
  phoneNo: '+44 3333',
  mobilePhoneNo: '+44 4444',
  email: 'hello@lambda.co.uk',
  correspondenceType: 'Hard Copy',
}

describe.each(dialects)('company → person inheritance on %s', (dialect) => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp(dialect)
    for (const code of ['SP1', 'SP2', 'SP3', 'SP4']) await t.admin.post('/api/salespeople', { code })
    for (const code of ['ENU', 'DAN']) await t.admin.post('/api/languages', { code })
    await prepareContactSetup(t, {
      defaultSalespersonCode: 'SP1',
      defaultLanguageCode: 'ENU',
      defaultCorrespondenceType: 'Hard Copy',
    })
    await newContact(t.marketer, { no: 'KAPPA', type: 'Company', name: 'Kappa', ...KAPPA })
    await newContact(t.marketer, { no: 'LAMBDA', type: 'Company', name: 'Lambda', ...LAMBDA })
  })
  afterAll(() => t.close())

  const get = async (no: string) => (await t.viewer.get(`/api/contacts/${no}`)).body

  it('gives a new person of a company the company salesperson, language, address and communication details', async () => {
    const p = await newContact(t.marketer, { no: 'P1', type: 'Person', name: 'Ann Lee', companyNo: 'KAPPA' })
    expect(pick(p)).toEqual(KAPPA)
  })

  it('never overwrites what the request gave; an address of its own keeps the whole company address out', async () => {
    const p = await newContact(t.marketer, {
      no: 'P2',
      type: 'Person',
      name: 'Bo Own',
      companyNo: 'KAPPA',
      salespersonCode: 'SP4',
      email: 'bo@home.dk',
      city: 'Odense',
    })
    expect(pick(p)).toEqual({
      ...KAPPA,
      salespersonCode: 'SP4',
      email: 'bo@home.dk',
      address: '',
      address2: '',
      city: 'Odense',
      postCode: '',
      county: '',
    })
  })

  it('re-inherits on a company change where the person had not deviated from the old company', async () => {
    // Given P3 of KAPPA with an e-mail and a phone of its own
    await newContact(t.marketer, { no: 'P3', type: 'Person', name: 'Cy Move', companyNo: 'KAPPA', email: 'cy@own.dk' })
    await t.marketer.patch('/api/contacts/P3', { mobilePhoneNo: '+45 9999' })
    // When P3 moves to LAMBDA
    const p = (await t.marketer.patch('/api/contacts/P3', { companyNo: 'LAMBDA' })).body
    // Then what was still KAPPA's becomes LAMBDA's; its own e-mail and mobile stay
    expect([p.companyNo, p.companyName]).toEqual(['LAMBDA', 'Lambda'])
    expect(pick(p)).toEqual({ ...LAMBDA, email: 'cy@own.dk', mobilePhoneNo: '+45 9999' })
  })

  it('takes the company values for fields left blank when a company-less person joins', async () => {
    await newContact(t.marketer, {
      no: 'P4',
      type: 'Person',
      name: 'Di Solo',
      phoneNo: '+1 555',
      countryRegionCode: 'US',
    })
    const p = (await t.marketer.patch('/api/contacts/P4', { companyNo: 'KAPPA' })).body
    // Country/region and salesperson are copied unconditionally (BC Inherit Country/Region and Salesperson);
    // its own phone and the correspondence type it got from the setup on creation are not blank: kept.
    expect(pick(p)).toEqual({ ...KAPPA, phoneNo: '+1 555', correspondenceType: 'Hard Copy' })
  })

  it("carries a company's changed values to the persons that still had the old ones, in one update", async () => {
    // Given P1 (all KAPPA's), P2 (own salesperson, e-mail, address) and P4 (own phone)
    // When KAPPA changes salesperson, language, address, phone and e-mail
    const change = {
      salespersonCode: 'SP3',
      languageCode: 'ENU',
      address: 'New Street 5',
      city: 'Aalborg',
      postCode: '9000',
      phoneNo: '+45 5555',
      email: 'new@kappa.dk',
    }
    expect((await t.marketer.patch('/api/contacts/KAPPA', change)).status).toBe(200)
    // Then each person follows where it had not deviated
    expect(pick(await get('P1'))).toEqual({ ...KAPPA, ...change })
    expect(pick(await get('P2'))).toEqual({
      ...KAPPA,
      salespersonCode: 'SP4',
      languageCode: 'ENU',
      email: 'bo@home.dk',
      phoneNo: '+45 5555',
      address: '',
      address2: '',
      city: 'Odense',
      postCode: '',
      county: '',
    })
    expect(pick(await get('P4'))).toEqual({ ...KAPPA, ...change, phoneNo: '+1 555', correspondenceType: 'Hard Copy' })
    expect((await get('P1')).lastDateModified).toBe(today())
    // And persons of other companies are untouched
    expect(pick(await get('P3'))).toEqual({ ...LAMBDA, email: 'cy@own.dk', mobilePhoneNo: '+45 9999' })
  })

  describe('with the inherit flags off', () => {
    beforeAll(async () => {
      await t.admin.patch('/api/setup/marketing', {
        inheritSalespersonCode: false,
        inheritLanguageCode: false,
        inheritAddressDetails: false,
        inheritCommunicationDetails: false,
      })
    })

    it('gives a new person of a company only the company name, and the setup defaults', async () => {
      const p = await newContact(t.marketer, { no: 'P5', type: 'Person', name: 'Ed Plain', companyNo: 'LAMBDA' })
      expect(p.companyName).toBe('Lambda')
      expect(pick(p)).toEqual({
        salespersonCode: 'SP1',
        languageCode: 'ENU',
        address: '',
        address2: '',
        city: '',
        postCode: '',
        county: '',
        countryRegionCode: '',
        phoneNo: '',
        mobilePhoneNo: '',
        email: '',
        correspondenceType: 'Hard Copy',
      })
    })

    it("does not carry a company's changes to its persons, but still its name", async () => {
      await t.marketer.patch('/api/contacts/LAMBDA', {
        name: 'Lambda plc',
        salespersonCode: 'SP1',
        phoneNo: '+44 0000',
      })
      const p3 = await get('P3')
      expect([p3.companyName, p3.salespersonCode, p3.phoneNo]).toEqual(['Lambda plc', 'SP3', '+44 3333'])
    })
  })
})
