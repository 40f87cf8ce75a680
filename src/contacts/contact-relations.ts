import { type Kysely, sql } from 'kysely'
import { code, date, type Field, int, option, text, toApi } from '../api/fields.js'
import { type ListPage, parseListQuery, runList } from '../api/list-query.js'
import { syncActivatedCampaigns } from '../campaigns/target-group.js'
import type { Dialect } from '../db/connection.js'
import type { DB } from '../db/schema.js'
import type { Tx } from '../db/transaction.js'
import { alreadyExists, mustBeEqual, mustHaveValue, notFound, ruleViolation } from '../errors.js'
import { getMarketingSetup } from '../setup/marketing-setup.js'
import { loadContact, typeMustBe } from './contact-checks.js'
import type { ContactRow } from './contact-fields.js'

/**
 * The relations of one contact to a code table (BC tables 5056, 5058, 5067): which code table, at which
 * contact level, and BC's captions for messages.
 */
export interface CodeRelation {
  /** Path segment under /api/contacts/{no}/. */
  path: string
  table: 'contact_mailing_groups' | 'contact_industry_groups' | 'contact_job_responsibilities'
  column: 'mailing_group_code' | 'industry_group_code' | 'job_responsibility_code'
  codeTable: 'mailing_groups' | 'industry_groups' | 'job_responsibilities'
  /** API field of the code. */
  field: string
  title: string
  codeTitle: string
  codeCaption: string
  /** The contact type the relation is for; none: any contact. */
  level?: 'Company' | 'Person'
}

export const MAILING_GROUPS: CodeRelation = {
  path: 'mailing-groups',
  table: 'contact_mailing_groups',
  column: 'mailing_group_code',
  codeTable: 'mailing_groups',
  field: 'mailingGroupCode',
  title: 'Contact Mailing Group',
  codeTitle: 'Mailing Group',
  codeCaption: 'Mailing Group Code',
}
export const INDUSTRY_GROUPS: CodeRelation = {
  path: 'industry-groups',
  table: 'contact_industry_groups',
  column: 'industry_group_code',
  codeTable: 'industry_groups',
  field: 'industryGroupCode',
  title: 'Contact Industry Group',
  codeTitle: 'Industry Group',
  codeCaption: 'Industry Group Code',
  level: 'Company',
}
export const JOB_RESPONSIBILITIES: CodeRelation = {
  path: 'job-responsibilities',
  table: 'contact_job_responsibilities',
  column: 'job_responsibility_code',
  codeTable: 'job_responsibilities',
  field: 'jobResponsibilityCode',
  title: 'Contact Job Responsibility',
  codeTitle: 'Job Responsibility',
  codeCaption: 'Job Responsibility Code',
  level: 'Person',
}
export const CODE_RELATIONS: readonly CodeRelation[] = [MAILING_GROUPS, INDUSTRY_GROUPS, JOB_RESPONSIBILITIES]

export const LINK_TO_TABLES = ['', 'Customer', 'Vendor'] as const

const today = () => new Date().toISOString().slice(0, 10)

/** The relation's code must exist: `The Mailing Group does not exist. Identification fields and values: Code='X'`. */
async function mustExistCode(trx: Tx, table: keyof DB, title: string, value: string): Promise<void> {
  const r = await trx
    .selectFrom(table as never)
    .select('code' as never)
    .where('code' as never, '=', value as never)
    .executeTakeFirst()
  if (!r) throw ruleViolation(`The ${title} does not exist. Identification fields and values: Code='${value}'`)
}

/** The contact of a relation, at the relation's level (BC's table relation `Contact where (Type = …)`). */
async function contactAtLevel(trx: Tx, no: string, level: 'Company' | 'Person' | undefined): Promise<ContactRow> {
  const c = await loadContact(trx, no)
  if (level && c.type !== level) throw typeMustBe(c, level)
  return c
}

// --- code relations: mailing groups, industry groups, job responsibilities ---

export function codeRelationFields(rel: CodeRelation): Field[] {
  return [
    code(rel.field, rel.column, 10),
    text('description', 'description', 100, { readOnly: true, sqlRef: 'g.description' }),
  ]
}

function selectCodeRelation(db: Kysely<DB> | Tx, rel: CodeRelation, contactNo: string) {
  return db
    .selectFrom(`${rel.table} as r` as 'contact_mailing_groups as r')
    .innerJoin(`${rel.codeTable} as g` as 'mailing_groups as g', 'g.code', `r.${rel.column}` as 'r.mailing_group_code')
    .select([`r.${rel.column}` as 'r.mailing_group_code', 'g.description'])
    .where('r.contact_no', '=', contactNo)
}

/** The contact's rows of the relation, with the code's description, as a list page. */
export async function listCodeRelation(
  db: Kysely<DB> | Tx,
  rel: CodeRelation,
  contactNo: string,
  query: Record<string, unknown>,
  dialect: Dialect,
): Promise<ListPage<Record<string, unknown>>> {
  await loadContact(db, contactNo)
  const fields = codeRelationFields(rel)
  const p = parseListQuery(query, fields, { dialect, alias: 'r', defaultSort: [rel.field] })
  return runList(selectCodeRelation(db, rel, contactNo), p, (row) => toApi(fields, row))
}

/**
 * Assigns a code to a contact. Level first (an industry group on a person is a `Type must be equal to
 * 'Company'` error), then the code must exist, then the pair must be new (409, BC's "already exists").
 */
export async function addCodeRelation(
  trx: Tx,
  rel: CodeRelation,
  contactNo: string,
  value: string,
): Promise<Record<string, unknown>> {
  await contactAtLevel(trx, contactNo, rel.level)
  await mustExistCode(trx, rel.codeTable, rel.codeTitle, value)
  const existing = await trx
    .selectFrom(rel.table as 'contact_mailing_groups')
    .select('contact_no')
    .where('contact_no', '=', contactNo)
    .where(rel.column as 'mailing_group_code', '=', value)
    .executeTakeFirst()
  if (existing) throw alreadyExists(rel.title, { 'Contact No.': contactNo, [rel.codeCaption]: value })
  await trx
    .insertInto(rel.table as 'contact_mailing_groups')
    .values({ contact_no: contactNo, [rel.column]: value } as never)
    .execute()
  const row = await selectCodeRelation(trx, rel, contactNo)
    .where(`r.${rel.column}` as 'r.mailing_group_code', '=', value)
    .executeTakeFirstOrThrow()
  return toApi(codeRelationFields(rel), row)
}

export async function removeCodeRelation(trx: Tx, rel: CodeRelation, contactNo: string, value: string): Promise<void> {
  await loadContact(trx, contactNo)
  const res = await trx
    .deleteFrom(rel.table as 'contact_mailing_groups')
    .where('contact_no', '=', contactNo)
    .where(rel.column as 'mailing_group_code', '=', value)
    .executeTakeFirst()
  if (!Number(res.numDeletedRows)) throw notFound(rel.title, { 'Contact No.': contactNo, [rel.codeCaption]: value })
}

// --- business relations (company level, optionally linked to a customer or vendor) ---

export const BUSINESS_RELATION_FIELDS: Field[] = [
  code('businessRelationCode', 'business_relation_code', 10),
  text('description', 'description', 100, { readOnly: true, sqlRef: 'g.description' }),
  option('linkToTable', 'link_to_table', LINK_TO_TABLES),
  code('linkNo', 'link_no', 20),
]

export interface BusinessRelationInput {
  businessRelationCode: string
  linkToTable?: string
  linkNo?: string
}

function selectBusinessRelations(db: Kysely<DB> | Tx, contactNo: string) {
  return db
    .selectFrom('contact_business_relations as r')
    .innerJoin('business_relations as g', 'g.code', 'r.business_relation_code')
    .select(['r.business_relation_code', 'g.description', 'r.link_to_table', 'r.link_no'])
    .where('r.contact_no', '=', contactNo)
}

export async function listBusinessRelations(
  db: Kysely<DB> | Tx,
  contactNo: string,
  query: Record<string, unknown>,
  dialect: Dialect,
): Promise<ListPage<Record<string, unknown>>> {
  await loadContact(db, contactNo)
  const p = parseListQuery(query, BUSINESS_RELATION_FIELDS, {
    dialect,
    alias: 'r',
    defaultSort: ['businessRelationCode'],
  })
  return runList(selectBusinessRelations(db, contactNo), p, (row) => toApi(BUSINESS_RELATION_FIELDS, row))
}

/**
 * Assigns a business relation to a company (BC table 5054):
 * - a link needs both its table and its No.;
 * - the setup's codes for customers and vendors are only for linked relations:
 *   `Business Relation Code CUST is used when a Contact is linked with a Customer.`;
 * - one link per table per contact: `Contact CT0001 already has a Contact Business Relation with Customer C0001.`;
 * - one contact per linked record: `Customer C0001 already has a Contact Business Relation with Contact CT0002.`;
 * - a linked relation replaces an unlinked row of the same code (BC OnInsert), otherwise the pair must be new;
 * - a customer link moves the company from Contact to Customer in activated campaigns' target groups.
 */
export async function addBusinessRelation(
  trx: Tx,
  contactNo: string,
  input: BusinessRelationInput,
): Promise<Record<string, unknown>> {
  await contactAtLevel(trx, contactNo, 'Company')
  const codeValue = input.businessRelationCode
  const linkToTable = input.linkToTable ?? ''
  const linkNo = input.linkNo ?? ''
  await mustExistCode(trx, 'business_relations', 'Business Relation', codeValue)
  const keys = { 'Contact No.': contactNo, 'Business Relation Code': codeValue }
  if (linkNo && !linkToTable) throw mustHaveValue('Link to Table', 'Contact Business Relation', keys)
  if (linkToTable && !linkNo) throw mustHaveValue('No.', 'Contact Business Relation', keys)

  if (!linkNo) {
    const setup = await getMarketingSetup(trx)
    for (const [setupCode, table] of [
      [setup.busRelCodeForCustomers, 'Customer'],
      [setup.busRelCodeForVendors, 'Vendor'],
    ])
      if (setupCode && codeValue === setupCode)
        throw ruleViolation(`Business Relation Code ${codeValue} is used when a Contact is linked with a ${table}.`)
  }

  const existing = await trx
    .selectFrom('contact_business_relations')
    .select(['link_no'])
    .where('contact_no', '=', contactNo)
    .where('business_relation_code', '=', codeValue)
    .executeTakeFirst()
  if (existing && !(linkNo && existing.link_no === '')) throw alreadyExists('Contact Business Relation', keys)

  if (linkNo) {
    const sameTable = await trx
      .selectFrom('contact_business_relations')
      .select('link_no')
      .where('contact_no', '=', contactNo)
      .where('link_to_table', '=', linkToTable)
      .executeTakeFirst()
    if (sameTable)
      throw ruleViolation(
        `Contact ${contactNo} already has a Contact Business Relation with ${linkToTable} ${sameTable.link_no}.`,
      )
    const sameRecord = await trx
      .selectFrom('contact_business_relations')
      .select('contact_no')
      .where('link_to_table', '=', linkToTable)
      .where('link_no', '=', linkNo)
      .executeTakeFirst()
    if (sameRecord)
      throw ruleViolation(
        `${linkToTable} ${linkNo} already has a Contact Business Relation with Contact ${sameRecord.contact_no}.`,
      )
    if (existing)
      await trx
        .deleteFrom('contact_business_relations')
        .where('contact_no', '=', contactNo)
        .where('business_relation_code', '=', codeValue)
        .execute()
  }

  await trx
    .insertInto('contact_business_relations')
    .values({ contact_no: contactNo, business_relation_code: codeValue, link_to_table: linkToTable, link_no: linkNo })
    .execute()
  // BC ConverttoCustomer: a company now linked to a customer is that customer in activated target groups.
  if (linkToTable === 'Customer') await syncActivatedCampaigns(trx)
  const row = await selectBusinessRelations(trx, contactNo)
    .where('r.business_relation_code', '=', codeValue)
    .executeTakeFirstOrThrow()
  return toApi(BUSINESS_RELATION_FIELDS, row)
}

export async function removeBusinessRelation(trx: Tx, contactNo: string, codeValue: string): Promise<void> {
  await loadContact(trx, contactNo)
  const removed = await trx
    .deleteFrom('contact_business_relations')
    .where('contact_no', '=', contactNo)
    .where('business_relation_code', '=', codeValue)
    .returning('link_to_table')
    .executeTakeFirst()
  if (!removed)
    throw notFound('Contact Business Relation', { 'Contact No.': contactNo, 'Business Relation Code': codeValue })
  // Without its customer link the company is a contact again in activated target groups.
  if (removed.link_to_table === 'Customer') await syncActivatedCampaigns(trx)
}

// --- profile answers (per contact, per questionnaire contact type) ---

export const PROFILE_ANSWER_FIELDS: Field[] = [
  code('profileQuestionnaireCode', 'questionnaire_code', 20),
  int('lineNo', 'line_no'),
  text('questionnaireDescription', 'questionnaire_description', 250, { readOnly: true, sqlRef: 'q.description' }),
  text('question', 'question', 250, { readOnly: true, noFilter: true }),
  text('answer', 'answer', 250, { readOnly: true, sqlRef: 'a.description' }),
  code('contactCompanyNo', 'contact_company_no', 20, { readOnly: true }),
  date('lastDateUpdated', 'last_date_updated', { readOnly: true }),
]

export interface ProfileAnswerInput {
  profileQuestionnaireCode: string
  lineNo: number
}

/** BC's `Question()`: the answer's question is the nearest Question line before it. */
function selectProfileAnswers(db: Kysely<DB> | Tx, contactNo: string) {
  return db
    .selectFrom('contact_profile_answers as r')
    .innerJoin('profile_questionnaires as q', 'q.code', 'r.questionnaire_code')
    .innerJoin('profile_questionnaire_lines as a', (j) =>
      j.onRef('a.questionnaire_code', '=', 'r.questionnaire_code').onRef('a.line_no', '=', 'r.line_no'),
    )
    .select([
      'r.questionnaire_code',
      'r.line_no',
      'q.description as questionnaire_description',
      'a.description as answer',
      'r.contact_company_no',
      'r.last_date_updated',
      sql<string>`coalesce((select ql.description from profile_questionnaire_lines ql
        where ql.questionnaire_code = r.questionnaire_code and ql.type = 'Question' and ql.line_no < r.line_no
        order by ql.line_no desc limit 1), '')`.as('question'),
    ])
    .where('r.contact_no', '=', contactNo)
}

export async function listProfileAnswers(
  db: Kysely<DB> | Tx,
  contactNo: string,
  query: Record<string, unknown>,
  dialect: Dialect,
): Promise<ListPage<Record<string, unknown>>> {
  await loadContact(db, contactNo)
  const p = parseListQuery(query, PROFILE_ANSWER_FIELDS, {
    dialect,
    alias: 'r',
    defaultSort: ['profileQuestionnaireCode', 'lineNo'],
  })
  return runList(selectProfileAnswers(db, contactNo), p, (row) => toApi(PROFILE_ANSWER_FIELDS, row))
}

/**
 * Records a contact's answer (BC table 5089 OnInsert): the line must be an Answer, the questionnaire's contact
 * type (when set) must be the contact's, and a question that does not allow multiple answers takes one answer
 * per contact: `This Question does not allow Multiple Answers.`
 */
export async function addProfileAnswer(
  trx: Tx,
  contactNo: string,
  input: ProfileAnswerInput,
): Promise<Record<string, unknown>> {
  const contact = await loadContact(trx, contactNo)
  const q = input.profileQuestionnaireCode
  const lineNo = input.lineNo
  const header = await trx.selectFrom('profile_questionnaires').selectAll().where('code', '=', q).executeTakeFirst()
  if (!header)
    throw ruleViolation(
      `The Profile Questionnaire Header does not exist. Identification fields and values: Code='${q}'`,
    )
  const lineKeys = { 'Profile Questionnaire Code': q, 'Line No.': lineNo }
  const line = await trx
    .selectFrom('profile_questionnaire_lines')
    .selectAll()
    .where('questionnaire_code', '=', q)
    .where('line_no', '=', lineNo)
    .executeTakeFirst()
  if (!line)
    throw ruleViolation(
      `The Profile Questionnaire Line does not exist. Identification fields and values: Profile Questionnaire Code='${q}',Line No.='${lineNo}'`,
    )
  if (line.type !== 'Answer') throw mustBeEqual('Type', 'Answer', 'Profile Questionnaire Line', lineKeys, line.type)
  if (header.contact_type && header.contact_type !== contact.type)
    throw typeMustBe(contact, header.contact_type as 'Company' | 'Person')

  const answers = trx
    .selectFrom('contact_profile_answers')
    .select('line_no')
    .where('contact_no', '=', contactNo)
    .where('questionnaire_code', '=', q)
  if (await answers.where('line_no', '=', lineNo).executeTakeFirst())
    throw alreadyExists('Contact Profile Answer', {
      'Contact No.': contactNo,
      'Profile Questionnaire Code': q,
      'Line No.': lineNo,
    })

  const questionLines = trx
    .selectFrom('profile_questionnaire_lines')
    .select(['line_no', 'multiple_answers'])
    .where('questionnaire_code', '=', q)
    .where('type', '=', 'Question')
  const question = await questionLines.where('line_no', '<', lineNo).orderBy('line_no', 'desc').executeTakeFirst()
  if (question && !question.multiple_answers) {
    const nextQuestion = await questionLines
      .where('line_no', '>', question.line_no)
      .orderBy('line_no')
      .executeTakeFirst()
    let sibling = answers.where('line_no', '>', question.line_no)
    if (nextQuestion) sibling = sibling.where('line_no', '<', nextQuestion.line_no)
    if (await sibling.executeTakeFirst()) throw ruleViolation('This Question does not allow Multiple Answers.')
  }

  await trx
    .insertInto('contact_profile_answers')
    .values({
      contact_no: contactNo,
      questionnaire_code: q,
      line_no: lineNo,
      contact_company_no: contact.company_no,
      last_date_updated: today(),
    })
    .execute()
  await touchContact(trx, contactNo)
  const row = await selectProfileAnswers(trx, contactNo)
    .where('r.questionnaire_code', '=', q)
    .where('r.line_no', '=', lineNo)
    .executeTakeFirstOrThrow()
  return toApi(PROFILE_ANSWER_FIELDS, row)
}

export async function removeProfileAnswer(trx: Tx, contactNo: string, q: string, lineNo: number): Promise<void> {
  await loadContact(trx, contactNo)
  const res = await trx
    .deleteFrom('contact_profile_answers')
    .where('contact_no', '=', contactNo)
    .where('questionnaire_code', '=', q)
    .where('line_no', '=', lineNo)
    .executeTakeFirst()
  if (!Number(res.numDeletedRows))
    throw notFound('Contact Profile Answer', {
      'Contact No.': contactNo,
      'Profile Questionnaire Code': q,
      'Line No.': lineNo,
    })
  await touchContact(trx, contactNo)
}

/** BC `Contact.TouchContact`: a profile answer change counts as a change of the contact. */
async function touchContact(trx: Tx, no: string): Promise<void> {
  await trx.updateTable('contacts').set({ last_date_modified: today() }).where('no', '=', no).execute()
}
