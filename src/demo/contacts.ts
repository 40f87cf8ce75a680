import type { Insertable } from 'kysely'
import { blankContact } from '../contacts/contact-fields.js'
import type { DB } from '../db/schema.js'
import { addDays } from './dates.js'
import type { Random } from './random.js'
import { INDUSTRY_GROUPS, MAILING_GROUPS, QUESTIONNAIRES, questionnaireLines } from './reference-data.js'
import {
  asciiWord,
  COUNTRIES,
  type Country,
  type CountryCode,
  GENERATED_COMPANIES,
  INDEPENDENT_TITLES,
  INDUSTRY_HINTS,
  JOB_TITLES,
  KNOWN_COMPANIES,
} from './words.js'

export interface DemoPerson {
  no: string
  companyNo: string
  language: string
  salesperson: string
  correspondenceType: string
  excluded: boolean
  jobs: string[]
  mailingGroups: string[]
  /** Answers to the PERSONAL questionnaire, by description (the golf invitations pick golfers). */
  hobbies: string[]
}

export interface DemoCompany {
  no: string
  name: string
  country: CountryCode
  language: string
  salesperson: string
  correspondenceType: string
  excluded: boolean
  industries: string[]
  relations: string[]
  customerNo: string
  vendorNo: string
  persons: DemoPerson[]
}

export interface DemoContacts {
  companies: DemoCompany[]
  /** Persons without a company. */
  independents: DemoPerson[]
  contacts: Insertable<DB['contacts']>[]
  industryGroups: Insertable<DB['contact_industry_groups']>[]
  businessRelations: Insertable<DB['contact_business_relations']>[]
  mailingGroups: Insertable<DB['contact_mailing_groups']>[]
  jobResponsibilities: Insertable<DB['contact_job_responsibilities']>[]
  profileAnswers: Insertable<DB['contact_profile_answers']>[]
  lastContactNo: string
}

/** Every column, so multi-row inserts have the same columns on every row (SQLite has no DEFAULT in VALUES). */
const { no: _no, type: _type, ...BLANK_CONTACT } = blankContact()

const LEGAL_SUFFIX = /\s+(Inc\.|Ltd\.|LLC|Corp\.|Corporation|PLC|GmbH & Co\. KG|GmbH|AG|SARL|SAS|SA|A\/S|ApS)$/

/** Mostly e-mail, some letters, a few contacts with no preferred channel (BC's blank type). */
const correspondenceType = (rng: Random) =>
  rng.weighted([
    ['Email', 80],
    ['Hard Copy', 15],
    ['', 5],
  ] as const)

/** A company has 1–2 business relations; CUST and VEND carry a link to a customer or vendor. */
function relationsFor(rng: Random, industries: string[]): string[] {
  const supplier = industries.some((i) => i === 'MANUFACT' || i === 'WHOLESALE') ? 3 : 1
  const media = industries.includes('MEDIA') ? 8 : 1
  return rng.weighted<string[]>([
    [['CUST'], 40],
    [['CUST', 'PARTNER'], 6],
    [['CUST', 'VEND'], 5 * supplier],
    [['VEND'], 6 * supplier],
    [['PROSPECT'], 18],
    [['PROSPECT', 'PRESS'], 2 * media],
    [['PARTNER'], 5],
    [['PRESS'], 2 * media],
  ])
}

function industriesFor(rng: Random, name: string): string[] {
  const hinted = INDUSTRY_HINTS.find(([re]) => re.test(name))?.[1]
  const codes = INDUSTRY_GROUPS.map((g) => g.code)
  const out = [hinted ?? rng.pick(codes)]
  const extra = rng.weighted([
    [0, 50],
    [1, 35],
    [2, 15],
  ] as const)
  for (const c of rng.sample(codes, extra + 1)) if (out.length < 1 + extra && !out.includes(c)) out.push(c)
  return out
}

function mailingGroupsFor(rng: Random): string[] {
  const n = rng.weighted([
    [0, 5],
    [1, 25],
    [2, 45],
    [3, 25],
  ] as const)
  return rng.sample(
    MAILING_GROUPS.map((g) => g.code),
    n,
  )
}

const JOB_WEIGHTS = [
  ['PURCHASE', 25],
  ['SALES', 20],
  ['MANAGEMENT', 6],
  ['IT', 10],
  ['MARKETING', 14],
  ['FINANCE', 14],
  ['HR', 8],
] as const

/**
 * Companies with their persons, and company-less persons, numbered CT000001… in that order (each company
 * before its persons). Persons take company name, address, phone, language and salesperson from their
 * company, as BC's contact rules do with the setup's Inherit fields on.
 */
export function buildContacts(rng: Random, today: string): DemoContacts {
  let counter = 0
  const nextNo = () => `CT${String(++counter).padStart(6, '0')}`
  const out: DemoContacts = {
    companies: [],
    independents: [],
    contacts: [],
    industryGroups: [],
    businessRelations: [],
    mailingGroups: [],
    jobResponsibilities: [],
    profileAnswers: [],
    lastContactNo: '',
  }
  const modified = () => addDays(today, -rng.int(0, 364))

  // Company names: the well-known ones, then generated ones per country in a mixed order.
  const specs: { name: string; country: CountryCode; industries?: string[] }[] = [...KNOWN_COMPANIES]
  const generated: { name: string; country: CountryCode }[] = []
  const taken = new Set(specs.map((s) => s.name))
  for (const code of Object.keys(GENERATED_COMPANIES) as CountryCode[]) {
    const c = COUNTRIES[code]
    let made = 0
    while (made < GENERATED_COMPANIES[code]) {
      const name = `${rng.pick(c.nameParts[0])} ${rng.pick(c.nameParts[1])} ${rng.pick(c.legalForms)}`
      const stem = name.replace(LEGAL_SUFFIX, '')
      if ([...taken].some((t) => t.replace(LEGAL_SUFFIX, '') === stem)) continue
      taken.add(name)
      generated.push({ name, country: code })
      made++
    }
  }
  // Shuffled, so countries interleave in the contact numbers.
  specs.push(
    ...generated
      .map((g) => ({ g, k: rng.next() }))
      .sort((a, b) => a.k - b.k)
      .map((m) => m.g),
  )

  let customers = 0
  let vendors = 0
  const usedDomains = new Set<string>()
  for (const spec of specs) {
    const country = COUNTRIES[spec.country]
    const no = nextNo()
    const industries = spec.industries ?? industriesFor(rng, spec.name)
    const relations = relationsFor(rng, industries)
    let domain = asciiWord(spec.name.replace(LEGAL_SUFFIX, '').replace(/'/g, ''))
    while (usedDomains.has(domain)) domain += '-1'
    usedDomains.add(domain)
    const town = rng.pick(country.towns)
    const address = country.address(rng.pick(country.streets), rng.int(1, 250))
    const phone = country.phone(town.area, rng.int(0, 9999))
    const salesperson = rng.chance(0.9) ? country.salesperson : rng.pick(['AH', 'JO', 'OF', 'PS', 'MH'])
    const company: DemoCompany = {
      no,
      name: spec.name,
      country: spec.country,
      language: country.language,
      salesperson,
      correspondenceType: correspondenceType(rng),
      excluded: rng.chance(0.03),
      industries,
      relations,
      customerNo: relations.includes('CUST') ? `C${10000 + 10 * customers++}` : '',
      vendorNo: relations.includes('VEND') ? `V${1000 + 10 * vendors++}` : '',
      persons: [],
    }
    out.companies.push(company)
    out.contacts.push({
      ...BLANK_CONTACT,
      no,
      type: 'Company',
      name: spec.name,
      search_name: spec.name.toUpperCase(),
      company_no: no,
      company_name: spec.name,
      address,
      city: town.city,
      post_code: town.postCode,
      county: town.county,
      country_region_code: spec.country,
      phone_no: phone,
      email: `info@${domain}.example`,
      language_code: company.language,
      salesperson_code: salesperson,
      correspondence_type: company.correspondenceType,
      exclude_from_segment: company.excluded ? 1 : 0,
      privacy_blocked: 0,
      last_date_modified: modified(),
    })
    for (const code of industries) out.industryGroups.push({ contact_no: no, industry_group_code: code })
    for (const code of relations) {
      const link =
        code === 'CUST' ? ['Customer', company.customerNo] : code === 'VEND' ? ['Vendor', company.vendorNo] : ['', '']
      out.businessRelations.push({
        contact_no: no,
        business_relation_code: code,
        link_to_table: link[0],
        link_no: link[1],
      })
    }
    out.mailingGroups.push(...mailingGroupsFor(rng).map((m) => ({ contact_no: no, mailing_group_code: m })))

    // Persons of the company: the first one runs it.
    const count = rng.int(2, 8)
    const emails = new Set<string>()
    for (let i = 0; i < count; i++) {
      const jobs = [i === 0 ? 'MANAGEMENT' : rng.weighted(JOB_WEIGHTS)]
      if (rng.chance(0.3)) {
        const second = rng.weighted(JOB_WEIGHTS)
        if (!jobs.includes(second)) jobs.push(second)
      }
      const person = makePerson(rng, country, nextNo(), company, jobs, rng.pick(JOB_TITLES[jobs[0]]), domain, emails)
      company.persons.push(person.info)
      out.contacts.push({
        ...person.row,
        company_no: no,
        company_name: spec.name,
        address,
        city: town.city,
        post_code: town.postCode,
        county: town.county,
        country_region_code: spec.country,
        phone_no: phone,
        last_date_modified: modified(),
      })
    }
  }

  // A few persons without a company: freelancers, journalists.
  const independentCountries: CountryCode[] = ['US', 'GB', 'DE', 'FR', 'DK', 'US', 'GB', 'DE', 'FR', 'US']
  for (const code of independentCountries) {
    const country = COUNTRIES[code]
    const [title, job] = rng.pick(INDEPENDENT_TITLES)
    const town = rng.pick(country.towns)
    const person = makePerson(
      rng,
      country,
      nextNo(),
      undefined,
      [job],
      title,
      rng.pick(['mail', 'post', 'inbox']),
      new Set(),
    )
    out.independents.push(person.info)
    out.contacts.push({
      ...person.row,
      address: country.address(rng.pick(country.streets), rng.int(1, 250)),
      city: town.city,
      post_code: town.postCode,
      county: town.county,
      country_region_code: code,
      phone_no: country.phone(town.area, rng.int(0, 9999)),
      last_date_modified: modified(),
    })
  }

  for (const p of [...out.companies.flatMap((c) => c.persons), ...out.independents]) {
    out.jobResponsibilities.push(...p.jobs.map((j) => ({ contact_no: p.no, job_responsibility_code: j })))
    out.mailingGroups.push(...p.mailingGroups.map((m) => ({ contact_no: p.no, mailing_group_code: m })))
  }
  answerQuestionnaires(rng, today, out)
  out.lastContactNo = `CT${String(counter).padStart(6, '0')}`
  return out
}

function makePerson(
  rng: Random,
  country: Country,
  no: string,
  company: DemoCompany | undefined,
  jobs: string[],
  title: string,
  domain: string,
  emails: Set<string>,
): { info: DemoPerson; row: Insertable<DB['contacts']> } {
  const first = rng.pick(country.firstNames)
  const surname = rng.pick(country.surnames)
  const middle =
    (country.code === 'US' || country.code === 'GB') && rng.chance(0.08)
      ? `${rng.pick('ABCDEFGHJKLMNPRSTW'.split(''))}.`
      : ''
  const name = [first, middle, surname].filter(Boolean).join(' ')
  let local = `${asciiWord(first)}.${asciiWord(surname)}`
  for (let n = 2; emails.has(local); n++) local = `${asciiWord(first)}.${asciiWord(surname)}${n}`
  emails.add(local)
  const info: DemoPerson = {
    no,
    companyNo: company?.no ?? '',
    language: company?.language ?? country.language,
    salesperson: company?.salesperson ?? country.salesperson,
    correspondenceType: correspondenceType(rng),
    excluded: rng.chance(0.02),
    jobs,
    mailingGroups: mailingGroupsFor(rng),
    hobbies: [],
  }
  const row: Insertable<DB['contacts']> = {
    ...BLANK_CONTACT,
    no,
    type: 'Person',
    name,
    search_name: name.toUpperCase(),
    first_name: first,
    middle_name: middle,
    surname,
    job_title: title,
    mobile_phone_no: rng.chance(0.6) ? country.mobile(rng.int(0, 999999)) : '',
    email: `${local}@${domain}.example`,
    language_code: info.language,
    salesperson_code: info.salesperson,
    correspondence_type: info.correspondenceType,
    exclude_from_segment: info.excluded ? 1 : 0,
    privacy_blocked: rng.chance(0.03) ? 1 : 0,
  }
  return { info, row }
}

/**
 * CUSTOMER answers for most customer companies, PERSONAL answers for about half the persons. A question
 * without Multiple Answers gets at most one answer per contact (BC: 'This Question does not allow Multiple
 * Answers.').
 */
function answerQuestionnaires(rng: Random, today: string, out: DemoContacts): void {
  const answer = (
    contactNo: string,
    companyNo: string,
    code: string,
    pick: (question: string, answers: string[]) => void,
  ) => {
    const q = QUESTIONNAIRES.find((x) => x.code === code)!
    const lines = questionnaireLines(q)
    const date = addDays(today, -rng.int(0, 364))
    q.questions.forEach((question, qi) => {
      if (rng.chance(0.15)) return
      const answers = lines.filter((l) => l.type === 'Answer' && l.question === qi)
      const chosen = question.multiple ? rng.sample(answers, rng.int(1, 3)) : [rng.pick(answers)]
      pick(
        question.text,
        chosen.map((a) => a.description),
      )
      for (const a of chosen)
        out.profileAnswers.push({
          contact_no: contactNo,
          questionnaire_code: code,
          line_no: a.line_no,
          contact_company_no: companyNo,
          last_date_updated: date,
        })
    })
  }
  for (const c of out.companies) {
    if (c.relations.includes('CUST') && rng.chance(0.85)) answer(c.no, c.no, 'CUSTOMER', () => {})
    for (const p of c.persons)
      if (rng.chance(0.5))
        answer(p.no, c.no, 'PERSONAL', (question, chosen) => {
          if (question === 'Hobbies') p.hobbies = chosen
        })
  }
  for (const p of out.independents)
    if (rng.chance(0.5))
      answer(p.no, '', 'PERSONAL', (question, chosen) => {
        if (question === 'Hobbies') p.hobbies = chosen
      })
}
