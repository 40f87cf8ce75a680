import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { registerCrud } from '../api/crud.js'
import { bool, code, INT32_MAX, int, option, text } from '../api/fields.js'
import type { Tx } from '../db/transaction.js'
import { referenced, ruleViolation, validationFailed } from '../errors.js'

export const QUESTIONNAIRE_CONTACT_TYPES = ['', 'Company', 'Person'] as const
export const PRIORITIES = ['Very Low', 'Low', 'Normal', 'High', 'Very High'] as const

export function registerProfileQuestionnaireRoutes(app: FastifyInstance): void {
  registerCrud(app, {
    path: '/api/profile-questionnaires',
    table: 'profile_questionnaires',
    title: 'Profile Questionnaire Header',
    keyCaptions: { code: 'Code' },
    tag: 'profiling',
    fields: [
      code('code', 'code', 20),
      text('description', 'description', 250),
      option('contactType', 'contact_type', QUESTIONNAIRE_CONTACT_TYPES),
      code('businessRelationCode', 'business_relation_code', 10),
      option('priority', 'priority', PRIORITIES),
    ],
    key: ['code'],
    beforeCreate: (trx, row) => checkBusinessRelation(trx, row.business_relation_code),
    beforeUpdate: (trx, row) => checkBusinessRelation(trx, row.business_relation_code),
    beforeDelete: async (trx, existing) => {
      const used = await trx
        .selectFrom('contact_profile_answers')
        .select('contact_no')
        .where('questionnaire_code', '=', String(existing.code))
        .executeTakeFirst()
      if (used)
        throw referenced(
          `You cannot delete Profile Questionnaire ${existing.code} because contacts have answers to it.`,
        )
    },
  })

  registerCrud(app, {
    path: '/api/profile-questionnaires/:code/lines',
    table: 'profile_questionnaire_lines',
    title: 'Profile Questionnaire Line',
    keyCaptions: { lineNo: 'Line No.' },
    tag: 'profiling',
    parent: {
      param: 'code',
      column: 'questionnaire_code',
      table: 'profile_questionnaires',
      parentColumn: 'code',
      title: 'Profile Questionnaire Header',
      caption: 'Code',
    },
    fields: [
      int('lineNo', 'line_no', { nonNegative: true }),
      option('type', 'type', ['Question', 'Answer'], { required: true }),
      text('description', 'description', 250, { required: true }),
      bool('multipleAnswers', 'multiple_answers'),
      int('noOfContacts', 'no_of_contacts', { readOnly: true, noFilter: true }),
    ],
    key: ['lineNo'],
    keyOptionalOnCreate: true,
    select: (db) =>
      db
        .selectFrom('profile_questionnaire_lines as t')
        .selectAll('t')
        .select(
          sql<number>`(select count(*) from contact_profile_answers a where a.questionnaire_code = t.questionnaire_code and a.line_no = t.line_no)`.as(
            'no_of_contacts',
          ),
        ) as never,
    beforeCreate: async (trx, row) => {
      if (row.line_no === undefined) {
        const last = await trx
          .selectFrom('profile_questionnaire_lines')
          .select(sql<number>`coalesce(max(line_no), 0)`.as('m'))
          .where('questionnaire_code', '=', String(row.questionnaire_code))
          .executeTakeFirstOrThrow()
        const next = Number(last.m) + 10000
        // The column is a 32-bit integer: past the last number that fits, the caller must choose a free one.
        if (next > INT32_MAX)
          throw validationFailed([
            { path: 'body.lineNo', message: `give one: the next after ${last.m} would pass ${INT32_MAX}` },
          ])
        row.line_no = next
      }
      checkLine(row)
    },
    beforeUpdate: async (_trx, row, existing) => checkLine({ ...existing, ...row }),
    beforeDelete: async (trx: Tx, existing) => {
      if (Number(existing.no_of_contacts) > 0)
        throw referenced(
          `You cannot delete Profile Questionnaire Line ${existing.line_no} because contacts have this answer.`,
        )
      if (existing.type === 'Question') {
        const next = await trx
          .selectFrom('profile_questionnaire_lines')
          .select(['type'])
          .where('questionnaire_code', '=', String(existing.questionnaire_code))
          .where('line_no', '>', Number(existing.line_no))
          .orderBy('line_no')
          .executeTakeFirst()
        if (next?.type === 'Answer') throw ruleViolation('You cannot delete this question while answers exists.')
      }
    },
  })
}

function checkLine(row: Record<string, unknown>): void {
  if (row.type === 'Answer' && row.multiple_answers)
    throw ruleViolation('Multiple Answers can only be set on a question line.')
}

async function checkBusinessRelation(trx: Tx, v: unknown): Promise<void> {
  if (typeof v !== 'string' || !v) return
  const f = await trx.selectFrom('business_relations').select('code').where('code', '=', v).executeTakeFirst()
  if (!f) throw ruleViolation(`The Business Relation does not exist. Identification fields and values: Code='${v}'`)
}
