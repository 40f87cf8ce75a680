import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import {
  amount,
  code,
  createSchema,
  date,
  type Field,
  fieldSchema,
  int,
  num,
  option,
  toApi,
  toRow,
} from '../api/fields.js'
import { type ListPage, parseListQuery, runList } from '../api/list-query.js'
import type { Dialect } from '../db/connection.js'
import type { DB } from '../db/schema.js'
import { inTransaction, type Tx } from '../db/transaction.js'
import { notFound, ruleViolation, validationFailed } from '../errors.js'

export const VALUE_ENTRY_SOURCE_TYPES = ['Customer', 'Vendor'] as const

/** BC enum "Item Ledger Document Type", the Document Type of a value entry, in BC's order. */
export const VALUE_ENTRY_DOCUMENT_TYPES = [
  '',
  'Sales Shipment',
  'Sales Invoice',
  'Sales Return Receipt',
  'Sales Credit Memo',
  'Purchase Receipt',
  'Purchase Invoice',
  'Purchase Return Shipment',
  'Purchase Credit Memo',
  'Transfer Shipment',
  'Transfer Receipt',
  'Service Shipment',
  'Service Invoice',
  'Service Credit Memo',
  'Posted Assembly',
  'Inventory Receipt',
  'Inventory Shipment',
  'Direct Transfer',
] as const

/**
 * Sales and purchase history (BC Value Entry, the subset the Value Entry criteria read; docs/api.md#sales-history).
 * `contactNo` is the sell-to / buy-from contact of the posted document. The segment engine's `valueEntry`
 * block reads these fields.
 */
export const VALUE_ENTRY_FIELDS: Field[] = [
  int('entryNo', 'entry_no', { readOnly: true }),
  option('sourceType', 'source_type', VALUE_ENTRY_SOURCE_TYPES, { required: true }),
  code('sourceNo', 'source_no', 20, { required: true }),
  code('itemNo', 'item_no', 20),
  code('variantCode', 'variant_code', 10),
  date('postingDate', 'posting_date', { required: true }),
  option('documentType', 'document_type', VALUE_ENTRY_DOCUMENT_TYPES),
  code('documentNo', 'document_no', 20),
  num('quantity', 'quantity'),
  amount('amount', 'amount'),
  code('contactNo', 'contact_no', 20),
]

export interface ValueEntry {
  entryNo: number
  sourceType: string
  sourceNo: string
  itemNo: string
  variantCode: string
  postingDate: string
  documentType: string
  documentNo: string
  quantity: number
  amount: number
  contactNo: string
}
export type ValueEntryInput = Omit<Partial<ValueEntry>, 'entryNo'> &
  Pick<ValueEntry, 'sourceType' | 'sourceNo' | 'postingDate'>

/** At most this many entries per request: one INSERT stays under both drivers' bound-parameter limits. */
export const MAX_VALUE_ENTRIES_PER_REQUEST = 1000

const postingDate = VALUE_ENTRY_FIELDS.find((f) => f.name === 'postingDate')!
export const valueEntrySchema = createSchema(VALUE_ENTRY_FIELDS).extend({
  postingDate: fieldSchema(postingDate).refine((v) => v !== null, 'must have a value'),
})
const manySchema = z.array(valueEntrySchema).min(1, 'must hold at least one entry').max(MAX_VALUE_ENTRIES_PER_REQUEST)
/** The documented body: one entry or an array of them. */
const bodySchema = z.union([valueEntrySchema, manySchema])

/**
 * Validates a POST body: one entry or an array. Done here rather than by the route's schema so that errors
 * name the field (`body.0.amount`), which a union schema cannot do.
 */
export function parseValueEntries(body: unknown): { many: boolean; entries: ValueEntryInput[] } {
  const many = Array.isArray(body)
  const res = (many ? manySchema : valueEntrySchema).safeParse(body)
  if (!res.success)
    throw validationFailed(
      res.error.issues.map((i) => ({ path: ['body', ...i.path.map(String)].join('.'), message: i.message })),
    )
  return { many, entries: (many ? res.data : [res.data]) as ValueEntryInput[] }
}

/**
 * Inserts validated entries in one statement and returns them with their entry numbers. Every contactNo
 * given must be a contact (`The Contact does not exist. Identification fields and values: No.='X'`).
 */
export async function insertValueEntries(trx: Tx, entries: ValueEntryInput[]): Promise<ValueEntry[]> {
  if (!entries.length) return []
  const contactNos = [...new Set(entries.map((e) => e.contactNo ?? '').filter(Boolean))]
  if (contactNos.length) {
    const found = new Set(
      (await trx.selectFrom('contacts').select('no').where('no', 'in', contactNos).execute()).map((r) => r.no),
    )
    const missing = contactNos.find((n) => !found.has(n))
    if (missing) throw ruleViolation(`The Contact does not exist. Identification fields and values: No.='${missing}'`)
  }
  // Every row names every column: SQLite has no DEFAULT in a multi-row VALUES list.
  const blank: Record<string, unknown> = {}
  for (const f of VALUE_ENTRY_FIELDS)
    if (!f.readOnly) blank[f.column] = f.type === 'number' ? 0 : f.type === 'date' ? null : ''
  const rows = entries.map((e) => ({ ...blank, ...toRow(VALUE_ENTRY_FIELDS, e as Record<string, unknown>) }))
  const inserted = await trx
    .insertInto('value_entries')
    .values(rows as never)
    .returningAll()
    .execute()
  return inserted.map((r) => toApi<ValueEntry>(VALUE_ENTRY_FIELDS, r))
}

export async function listValueEntries(
  db: Kysely<DB> | Tx,
  query: Record<string, unknown>,
  dialect: Dialect,
): Promise<ListPage<ValueEntry>> {
  const p = parseListQuery(query, VALUE_ENTRY_FIELDS, { dialect, alias: 'v', defaultSort: ['entryNo'] })
  return runList(db.selectFrom('value_entries as v').selectAll('v'), p, (r) => toApi<ValueEntry>(VALUE_ENTRY_FIELDS, r))
}

/** `/api/value-entries`: GET list, GET one, POST one object or an array (docs/api.md#sales-history). */
export function registerValueEntryRoutes(app: FastifyInstance): void {
  const r = app.withTypeProvider<ZodTypeProvider>()
  const tag = 'sales history'
  r.get('/api/value-entries', { schema: { tags: [tag], summary: 'List value entries' } }, async (req) =>
    listValueEntries(app.db.kysely, req.query as Record<string, unknown>, app.db.dialect),
  )
  r.get(
    '/api/value-entries/:entryNo',
    { schema: { tags: [tag], summary: 'Get one value entry', params: z.object({ entryNo: z.coerce.number().int() }) } },
    async (req) => {
      const row = await app.db.kysely
        .selectFrom('value_entries')
        .selectAll()
        .where('entry_no', '=', req.params.entryNo)
        .executeTakeFirst()
      if (!row) throw notFound('Value Entry', { 'Entry No.': req.params.entryNo })
      return toApi<ValueEntry>(VALUE_ENTRY_FIELDS, row)
    },
  )
  r.post(
    '/api/value-entries',
    {
      schema: {
        tags: [tag],
        summary: `Record value entries: one object or an array of up to ${MAX_VALUE_ENTRIES_PER_REQUEST}`,
        body: bodySchema,
      },
      // The schema documents the body; parseValueEntries validates it with errors per field.
      validatorCompiler: () => (data: unknown) => ({ value: data }),
    },
    async (req, reply) => {
      const { many, entries } = parseValueEntries(req.body)
      const created = await inTransaction(app.db.kysely, (trx) => insertValueEntries(trx, entries))
      return reply.status(201).send(many ? created : created[0])
    },
  )
}
