import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { codeSchema, createSchema, fieldSchema, integerSchema, patchSchema } from '../api/fields.js'
import { inTransaction } from '../db/transaction.js'
import { CONTACT_FIELDS } from './contact-fields.js'
import {
  addBusinessRelation,
  addCodeRelation,
  addProfileAnswer,
  BUSINESS_RELATION_FIELDS,
  CODE_RELATIONS,
  listBusinessRelations,
  listCodeRelation,
  listProfileAnswers,
  removeBusinessRelation,
  removeCodeRelation,
  removeProfileAnswer,
} from './contact-relations.js'
import {
  type ContactContext,
  type ContactInput,
  createContact,
  deleteContact,
  getContact,
  listContacts,
  updateContact,
} from './contacts.js'

const TAG = 'contacts'

/** BC Phone No. / Mobile Phone No. OnValidate: `must not contain letters`. */
const phone = z
  .string()
  .max(30, 'must be at most 30 characters')
  .refine((s) => !/\p{L}/u.test(s), 'must not contain letters')

/** BC Mail Management.CheckValidEmailAddresses: one or more addresses separated by ';'. */
const email = z
  .string()
  .max(80, 'must be at most 80 characters')
  .refine(
    (s) =>
      s
        .split(/[;,]/)
        .map((a) => a.trim())
        .filter(Boolean)
        .every((a) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(a)),
    'is not a valid email address',
  )

const contactChecks = { phoneNo: phone.optional(), mobilePhoneNo: phone.optional(), email: email.optional() }
const createBody = createSchema(CONTACT_FIELDS).extend(contactChecks)
const patchBody = patchSchema(CONTACT_FIELDS, ['no']).extend(contactChecks)

/** A contact no. in a path: trimmed and upper-cased like every code (API.md §1). */
const codeParam = codeSchema(100, { required: true })
const noParams = z.object({ no: codeParam })

function context(app: FastifyInstance, req: FastifyRequest): ContactContext {
  return { dialect: app.db.dialect, userSalespersonCode: req.principal?.salespersonCode }
}

/** `/api/contacts` and the relations of one contact (API.md §2 "Contacts"). */
export function registerContactRoutes(app: FastifyInstance): void {
  const r = app.withTypeProvider<ZodTypeProvider>()
  const db = () => app.db.kysely
  const dialect = app.db.dialect

  r.get('/api/contacts', { schema: { tags: [TAG], summary: 'List contacts' } }, async (req) =>
    listContacts(db(), req.query as Record<string, unknown>, dialect),
  )
  r.post(
    '/api/contacts',
    {
      schema: {
        tags: [TAG],
        summary: 'Create a contact (numbered from the marketing setup when no is omitted)',
        body: createBody,
      },
    },
    async (req, reply) => {
      const created = await inTransaction(db(), (trx) =>
        createContact(trx, req.body as ContactInput, context(app, req)),
      )
      return reply.status(201).send(created)
    },
  )
  r.get(
    '/api/contacts/:no',
    { schema: { tags: [TAG], summary: 'Get one contact with its counts', params: noParams } },
    async (req) => getContact(db(), req.params.no),
  )
  r.patch(
    '/api/contacts/:no',
    { schema: { tags: [TAG], summary: 'Change a contact', params: noParams, body: patchBody } },
    async (req) =>
      inTransaction(db(), (trx) => updateContact(trx, req.params.no, req.body as ContactInput, context(app, req))),
  )
  r.delete(
    '/api/contacts/:no',
    { schema: { tags: [TAG], summary: 'Delete a contact (a company with its persons)', params: noParams } },
    async (req, reply) => {
      await inTransaction(db(), (trx) => deleteContact(trx, req.params.no))
      return reply.status(204).send()
    },
  )

  for (const rel of CODE_RELATIONS) {
    const base = `/api/contacts/:no/${rel.path}`
    const body = z.strictObject({
      [rel.field]: fieldSchema({ name: rel.field, column: rel.column, type: 'code', max: 10, required: true }),
    })
    const itemParams = z.object({ no: codeParam, code: codeParam })
    r.get(
      base,
      { schema: { tags: [TAG], summary: `List a contact's ${rel.codeTitle} codes`, params: noParams } },
      async (req) => listCodeRelation(db(), rel, req.params.no, req.query as Record<string, unknown>, dialect),
    )
    r.post(
      base,
      { schema: { tags: [TAG], summary: `Assign a ${rel.codeTitle} to a contact`, params: noParams, body } },
      async (req, reply) => {
        const value = (req.body as Record<string, string>)[rel.field]
        const created = await inTransaction(db(), (trx) => addCodeRelation(trx, rel, req.params.no, value))
        return reply.status(201).send(created)
      },
    )
    r.delete(
      `${base}/:code`,
      { schema: { tags: [TAG], summary: `Remove a ${rel.codeTitle} from a contact`, params: itemParams } },
      async (req, reply) => {
        await inTransaction(db(), (trx) => removeCodeRelation(trx, rel, req.params.no, req.params.code))
        return reply.status(204).send()
      },
    )
  }

  const busRelBase = '/api/contacts/:no/business-relations'
  const [busRelCode, , linkToTable, linkNo] = BUSINESS_RELATION_FIELDS
  const busRelBody = z.strictObject({
    businessRelationCode: fieldSchema({ ...busRelCode, required: true }),
    linkToTable: fieldSchema(linkToTable).optional(),
    linkNo: fieldSchema(linkNo).optional(),
  })
  r.get(
    busRelBase,
    { schema: { tags: [TAG], summary: "List a company's business relations", params: noParams } },
    async (req) => listBusinessRelations(db(), req.params.no, req.query as Record<string, unknown>, dialect),
  )
  r.post(
    busRelBase,
    { schema: { tags: [TAG], summary: 'Assign a business relation to a company', params: noParams, body: busRelBody } },
    async (req, reply) => {
      const created = await inTransaction(db(), (trx) =>
        addBusinessRelation(
          trx,
          req.params.no,
          req.body as { businessRelationCode: string; linkToTable?: string; linkNo?: string },
        ),
      )
      return reply.status(201).send(created)
    },
  )
  r.delete(
    `${busRelBase}/:code`,
    {
      schema: {
        tags: [TAG],
        summary: 'Remove a business relation',
        params: z.object({ no: codeParam, code: codeParam }),
      },
    },
    async (req, reply) => {
      await inTransaction(db(), (trx) => removeBusinessRelation(trx, req.params.no, req.params.code))
      return reply.status(204).send()
    },
  )

  const answersBase = '/api/contacts/:no/profile-answers'
  const answerBody = z.strictObject({
    profileQuestionnaireCode: fieldSchema({
      name: 'profileQuestionnaireCode',
      column: '',
      type: 'code',
      max: 20,
      required: true,
    }),
    lineNo: integerSchema({}).min(1, 'must be at least 1'),
  })
  r.get(
    answersBase,
    { schema: { tags: [TAG], summary: "List a contact's profile answers", params: noParams } },
    async (req) => listProfileAnswers(db(), req.params.no, req.query as Record<string, unknown>, dialect),
  )
  r.post(
    answersBase,
    { schema: { tags: [TAG], summary: 'Record a profile answer of a contact', params: noParams, body: answerBody } },
    async (req, reply) => {
      const created = await inTransaction(db(), (trx) =>
        addProfileAnswer(trx, req.params.no, req.body as { profileQuestionnaireCode: string; lineNo: number }),
      )
      return reply.status(201).send(created)
    },
  )
  r.delete(
    `${answersBase}/:questionnaireCode/:lineNo`,
    {
      schema: {
        tags: [TAG],
        summary: 'Remove a profile answer',
        params: z.object({ no: codeParam, questionnaireCode: codeParam, lineNo: integerSchema({}, { coerce: true }) }),
      },
    },
    async (req, reply) => {
      const { no, questionnaireCode, lineNo } = req.params
      await inTransaction(db(), (trx) => removeProfileAnswer(trx, no, questionnaireCode, lineNo))
      return reply.status(204).send()
    },
  )
}
