import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { registerCrud } from '../api/crud.js'
import {
  bool,
  CORRESPONDENCE_TYPES,
  code,
  INFORMATION_FLOWS,
  INITIATED_BY,
  int,
  num,
  option,
  text,
} from '../api/fields.js'
import type { DB } from '../db/schema.js'
import type { Tx } from '../db/transaction.js'
import { mustBeEqual, ruleViolation } from '../errors.js'

/** The code tables with a contact relation, and the BC caption used in their messages. */
const CODE_TABLES: { path: string; table: keyof DB; title: string; relation?: { table: keyof DB; column: string } }[] =
  [
    {
      path: 'industry-groups',
      table: 'industry_groups',
      title: 'Industry Group',
      relation: { table: 'contact_industry_groups', column: 'industry_group_code' },
    },
    {
      path: 'mailing-groups',
      table: 'mailing_groups',
      title: 'Mailing Group',
      relation: { table: 'contact_mailing_groups', column: 'mailing_group_code' },
    },
    {
      path: 'job-responsibilities',
      table: 'job_responsibilities',
      title: 'Job Responsibility',
      relation: { table: 'contact_job_responsibilities', column: 'job_responsibility_code' },
    },
    {
      path: 'business-relations',
      table: 'business_relations',
      title: 'Business Relation',
      relation: { table: 'contact_business_relations', column: 'business_relation_code' },
    },
    { path: 'interaction-groups', table: 'interaction_groups', title: 'Interaction Group' },
    { path: 'campaign-statuses', table: 'campaign_statuses', title: 'Campaign Status' },
  ]

export function registerSetupResources(app: FastifyInstance): void {
  registerCrud(app, {
    path: '/api/number-series',
    table: 'number_series',
    title: 'No. Series',
    keyCaptions: { code: 'Code' },
    tag: 'setup',
    fields: [
      code('code', 'code', 20),
      text('description', 'description', 100),
      code('startingNo', 'starting_no', 20),
      code('endingNo', 'ending_no', 20),
      code('lastNoUsed', 'last_no_used', 20),
      bool('allowManualNos', 'allow_manual_nos'),
    ],
    key: ['code'],
    beforeCreate: async (_trx, row) => {
      if (row.allow_manual_nos === undefined) row.allow_manual_nos = 1
    },
    beforeDelete: async (trx, existing) => {
      const setup = await trx.selectFrom('marketing_setup').selectAll().executeTakeFirstOrThrow()
      for (const [col, caption] of [
        ['contact_nos', 'Contact Nos.'],
        ['segment_nos', 'Segment Nos.'],
        ['campaign_nos', 'Campaign Nos.'],
      ] as const)
        if (setup[col] === existing.code)
          throw ruleViolation(
            `You cannot delete No. Series ${existing.code} because it is the ${caption} of the Marketing Setup.`,
          )
    },
  })

  registerCrud(app, {
    path: '/api/salespeople',
    table: 'salespeople',
    title: 'Salesperson/Purchaser',
    keyCaptions: { code: 'Code' },
    tag: 'setup',
    fields: [
      code('code', 'code', 20),
      text('name', 'name', 50),
      text('email', 'email', 80),
      text('phoneNo', 'phone_no', 30),
      bool('blocked', 'blocked'),
    ],
    key: ['code'],
  })

  registerCrud(app, {
    path: '/api/languages',
    table: 'languages',
    title: 'Language',
    keyCaptions: { code: 'Code' },
    tag: 'setup',
    fields: [code('code', 'code', 10), text('name', 'name', 50)],
    key: ['code'],
  })

  for (const ct of CODE_TABLES) {
    const rel = ct.relation
    registerCrud(app, {
      path: `/api/${ct.path}`,
      table: ct.table,
      title: ct.title,
      keyCaptions: { code: 'Code' },
      tag: 'code tables',
      fields: [
        code('code', 'code', 10),
        text('description', 'description', 100),
        ...(rel ? [int('noOfContacts', 'no_of_contacts', { readOnly: true, noFilter: true })] : []),
      ],
      key: ['code'],
      select: rel
        ? (db) =>
            db
              .selectFrom(`${ct.table} as t` as never)
              .selectAll('t' as never)
              .select(
                sql<number>`(select count(*) from ${sql.table(rel.table)} r where r.${sql.ref(rel.column)} = t.code)`.as(
                  'no_of_contacts',
                ),
              ) as never
        : undefined,
      // BC: OnDelete TestField("No. of Contacts", 0).
      beforeDelete: rel
        ? async (_trx: Tx, existing) => {
            const n = Number(existing.no_of_contacts ?? 0)
            if (n > 0) throw mustBeEqual('No. of Contacts', '0', ct.title, { Code: String(existing.code) }, String(n))
          }
        : undefined,
    })
  }

  registerCrud(app, {
    path: '/api/interaction-templates',
    table: 'interaction_templates',
    title: 'Interaction Template',
    keyCaptions: { code: 'Code' },
    tag: 'interactions',
    fields: [
      code('code', 'code', 10),
      code('interactionGroupCode', 'interaction_group_code', 10, { required: true }),
      text('description', 'description', 100),
      num('unitCostLcy', 'unit_cost_lcy', { nonNegative: true }),
      num('unitDurationMin', 'unit_duration_min', { nonNegative: true }),
      option('informationFlow', 'information_flow', INFORMATION_FLOWS),
      option('initiatedBy', 'initiated_by', INITIATED_BY),
      code('campaignNo', 'campaign_no', 20),
      bool('campaignTarget', 'campaign_target'),
      bool('campaignResponse', 'campaign_response'),
      option('correspondenceTypeDefault', 'correspondence_type_default', CORRESPONDENCE_TYPES),
      bool('ignoreContactCorresType', 'ignore_contact_corres_type'),
      code('languageCodeDefault', 'language_code_default', 10),
    ],
    key: ['code'],
    beforeCreate: (trx, row) => checkTemplate(trx, row),
    afterCreate: (trx, row) => ensureDefaultLanguage(trx, row),
    beforeUpdate: async (trx, row, existing) => {
      await checkTemplate(trx, { ...existing, ...row })
      await ensureDefaultLanguage(trx, { ...existing, ...row })
    },
  })

  registerCrud(app, {
    path: '/api/interaction-templates/:code/languages',
    table: 'interaction_template_languages',
    title: 'Interaction Tmpl. Language',
    keyCaptions: { languageCode: 'Language Code' },
    tag: 'interactions',
    parent: {
      param: 'code',
      column: 'template_code',
      table: 'interaction_templates',
      parentColumn: 'code',
      title: 'Interaction Template',
      caption: 'Code',
    },
    fields: [
      code('languageCode', 'language_code', 10),
      text('description', 'description', 100),
      text('subject', 'subject', 100),
      text('body', 'body', 100_000),
    ],
    key: ['languageCode'],
    beforeCreate: async (trx, row) => {
      if (row.language_code) await mustExist(trx, 'languages', 'Language', String(row.language_code))
    },
  })
}

async function mustExist(trx: Tx, table: keyof DB, title: string, codeValue: string): Promise<void> {
  const r = await trx
    .selectFrom(table as never)
    .select('code' as never)
    .where('code' as never, '=', codeValue as never)
    .executeTakeFirst()
  if (!r) throw ruleViolation(`The ${title} does not exist. Identification fields and values: Code='${codeValue}'`)
}

async function checkTemplate(trx: Tx, row: Record<string, unknown>): Promise<void> {
  if (row.interaction_group_code)
    await mustExist(trx, 'interaction_groups', 'Interaction Group', String(row.interaction_group_code))
  if (row.campaign_no) {
    const c = await trx
      .selectFrom('campaigns')
      .select('no')
      .where('no', '=', String(row.campaign_no))
      .executeTakeFirst()
    if (!c)
      throw ruleViolation(`The Campaign does not exist. Identification fields and values: No.='${row.campaign_no}'`)
  }
}

/** BC asks "Do you want to create Interaction Tmpl. Language …?" (default Yes) when the default language has no row: the API answers yes. */
async function ensureDefaultLanguage(trx: Tx, row: Record<string, unknown>): Promise<void> {
  const lang = row.language_code_default ? String(row.language_code_default) : ''
  if (!lang) return
  await mustExist(trx, 'languages', 'Language', lang)
  const has = await trx
    .selectFrom('interaction_template_languages')
    .select('language_code')
    .where('template_code', '=', String(row.code))
    .where('language_code', '=', lang)
    .executeTakeFirst()
  if (!has)
    await trx
      .insertInto('interaction_template_languages')
      .values({ template_code: String(row.code), language_code: lang })
      .execute()
}
