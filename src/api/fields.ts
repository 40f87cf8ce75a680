import { z } from 'zod'
import { AMOUNT_DECIMALS, roundDecimal, UNIT_AMOUNT_DECIMALS } from '../db/money.js'
import type { FieldSpec } from '../filters/index.js'

export type FieldType = 'text' | 'code' | 'number' | 'integer' | 'date' | 'boolean' | 'option' | 'timestamp'

/**
 * One API field of a resource and the column behind it. A resource's field list is the single source
 * of its zod schemas (and so its OpenAPI document), its filterable and sortable columns, and the
 * mapping between database rows (snake_case, booleans 0/1) and API objects (camelCase, booleans).
 */
export interface Field {
  name: string
  column: string
  type: FieldType
  /** Option captions; '' is BC's blank option. */
  options?: readonly string[]
  /**
   * Maximum length of text and code values (BC's Text[n] / Code[n]); for integers, the largest value (default: a
   * 32-bit column's INT32_MAX, or Number.MAX_SAFE_INTEGER for a `bigint` one).
   */
  max?: number
  /** Computed or managed by the product: shown, filterable, never written through the API. */
  readOnly?: boolean
  /** Written, never shown (passwords). */
  writeOnly?: boolean
  /** Must be given on create. */
  required?: boolean
  /** Numbers: must be ≥ 0 (BC MinValue 0). */
  nonNegative?: boolean
  /**
   * Integers: the column is 64-bit (`bigint` on PostgreSQL: line and entry numbers that grow past 2^31). Every
   * other integer column is a 32-bit INTEGER, so its values are capped at INT32_MAX at the edge: PostgreSQL would
   * refuse more, SQLite would store it.
   */
  bigint?: boolean
  /** Column is not on the base table (joined or computed): filter/sort use this SQL ref. */
  sqlRef?: string
  /** Not filterable/sortable (e.g. computed in JS). */
  noFilter?: boolean
  /**
   * Numbers: the decimals kept (src/db/money.ts): 2 for amounts (`amount()`), 5 for unit amounts, quantities and
   * durations (`num()`). More decimals on input are rounded, half away from zero, as BC rounds.
   */
  decimals?: number
}

export const text = (name: string, column: string, max = 100, extra: Partial<Field> = {}): Field => ({
  name,
  column,
  type: 'text',
  max,
  ...extra,
})
export const code = (name: string, column: string, max = 20, extra: Partial<Field> = {}): Field => ({
  name,
  column,
  type: 'code',
  max,
  ...extra,
})
export const bool = (name: string, column: string, extra: Partial<Field> = {}): Field => ({
  name,
  column,
  type: 'boolean',
  ...extra,
})
export const num = (name: string, column: string, extra: Partial<Field> = {}): Field => ({
  name,
  column,
  type: 'number',
  decimals: UNIT_AMOUNT_DECIMALS,
  ...extra,
})
/** An amount in LCY (Cost (LCY), Amount): a number of 2 decimals. */
export const amount = (name: string, column: string, extra: Partial<Field> = {}): Field =>
  num(name, column, { decimals: AMOUNT_DECIMALS, ...extra })
export const int = (name: string, column: string, extra: Partial<Field> = {}): Field => ({
  name,
  column,
  type: 'integer',
  ...extra,
})
export const date = (name: string, column: string, extra: Partial<Field> = {}): Field => ({
  name,
  column,
  type: 'date',
  ...extra,
})
export const option = (
  name: string,
  column: string,
  options: readonly string[],
  extra: Partial<Field> = {},
): Field => ({
  name,
  column,
  type: 'option',
  options,
  ...extra,
})
export const timestamp = (name: string, column: string, extra: Partial<Field> = {}): Field => ({
  name,
  column,
  type: 'timestamp',
  readOnly: true,
  ...extra,
})

export const CORRESPONDENCE_TYPES = ['', 'Hard Copy', 'Email'] as const
export const INFORMATION_FLOWS = ['', 'Outbound', 'Inbound'] as const
export const INITIATED_BY = ['', 'Us', 'Them'] as const
export const EVALUATIONS = ['', 'Very Positive', 'Positive', 'Neutral', 'Negative', 'Very Negative'] as const
export const CONTACT_TYPES = ['Company', 'Person'] as const

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`)
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s)
  }, 'is not a valid date')

/** Options are accepted in any letter case and stored by their caption. */
function optionSchema(options: readonly string[]) {
  const byLower = new Map(options.map((o) => [o.toLowerCase(), o]))
  return z.preprocess(
    (v) => (typeof v === 'string' ? (byLower.get(v.trim().toLowerCase()) ?? v) : v),
    z.enum(options as [string, ...string[]]),
  )
}

/** The largest amount or quantity: BC Decimal goes to 999,999,999,999,999.99, which a double cannot hold exactly. */
export const MAX_DECIMAL = 999_999_999_999_999

/** The range of a 32-bit INTEGER column (BC's Integer); PostgreSQL refuses anything beyond it. */
export const INT32_MAX = 2_147_483_647
export const INT32_MIN = -2_147_483_648

/**
 * An integer value of a field, bounded by its column: 32-bit unless `bigint`, at least 0 when `nonNegative`, at
 * most `max`. `coerce` for path parameters, which arrive as text.
 */
export function integerSchema(f: Pick<Field, 'nonNegative' | 'bigint' | 'max'>, opts: { coerce?: boolean } = {}) {
  const max = f.max ?? (f.bigint ? Number.MAX_SAFE_INTEGER : INT32_MAX)
  const min = f.nonNegative ? 0 : f.bigint ? Number.MIN_SAFE_INTEGER : INT32_MIN
  return (opts.coerce ? z.coerce.number() : z.number())
    .int()
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`)
}

/** C0 and C1 control characters (DEL among them) and the line and paragraph separators. */
const CONTROL_CHARACTER = /[\p{Cc}\u2028\u2029]/u

/**
 * A code or number (BC Code[n]: `no`, `code`, `…Code`), in a body or a path: trimmed and upper-cased first, then
 * its length checked, so `ﬃ` (three letters upper-cased) counts as three; control characters are refused, as
 * they have no place in a key and would break the messages and files that quote it.
 */
export function codeSchema(max: number, opts: { required?: boolean } = {}) {
  return z
    .string()
    .trim()
    .toUpperCase()
    .min(opts.required ? 1 : 0, 'must have a value')
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !CONTROL_CHARACTER.test(s), 'must not contain control characters')
}

export function fieldSchema(f: Field): z.ZodType {
  switch (f.type) {
    case 'text':
      return f.required
        ? z
            .string()
            .trim()
            .min(1, 'must have a value')
            .max(f.max ?? 250, `must be at most ${f.max ?? 250} characters`)
        : z.string().max(f.max ?? 250, `must be at most ${f.max ?? 250} characters`)
    case 'code':
      return codeSchema(f.max ?? 20, { required: f.required })
    case 'number': {
      // BC's Decimal range, which is also what numeric(20, 5) holds on PostgreSQL (SQLite would take more).
      const n = z.number().finite().max(MAX_DECIMAL, `must be at most ${MAX_DECIMAL}`)
      const places = f.decimals ?? UNIT_AMOUNT_DECIMALS
      // Rounded here, so that both dialects store the same value (PostgreSQL's numeric would round, SQLite not).
      return (f.nonNegative ? n.min(0) : n.min(-MAX_DECIMAL, `must be at least -${MAX_DECIMAL}`)).transform((v) =>
        roundDecimal(v, places),
      )
    }
    case 'integer':
      return integerSchema(f)
    case 'date':
      return z.preprocess((v) => (v === '' ? null : v), isoDate.nullable())
    case 'boolean':
      return z.boolean()
    case 'option':
      return optionSchema(f.options ?? [''])
    case 'timestamp':
      return z.string()
  }
}

/** Body schema for create: writable fields, `required` ones mandatory, unknown fields refused. */
export function createSchema(fields: readonly Field[]) {
  const shape: Record<string, z.ZodType> = {}
  for (const f of fields) {
    if (f.readOnly) continue
    shape[f.name] = f.required ? fieldSchema(f) : fieldSchema(f).optional()
  }
  return z.strictObject(shape)
}

/** Body schema for PATCH: every writable field optional; key fields excluded. */
export function patchSchema(fields: readonly Field[], keys: readonly string[] = []) {
  const shape: Record<string, z.ZodType> = {}
  for (const f of fields) {
    if (f.readOnly || keys.includes(f.name)) continue
    shape[f.name] = fieldSchema(f).optional()
  }
  return z.strictObject(shape)
}

/** The conversion of one field's column value `v` into its API value, as a JavaScript expression. */
function conversion(f: Field, v: string): string {
  if (f.type === 'boolean') return `(${v} === 1 || ${v} === true || ${v} === '1')`
  if (f.type === 'number' || f.type === 'integer') return `(${v} == null ? 0 : Number(${v}))`
  if (f.type === 'date' || f.type === 'timestamp') return `(${v} == null || ${v} === '' ? null : String(${v}))`
  return `(${v} ?? '')`
}

type RowReader = (row: Record<string, unknown>) => Record<string, unknown>

/**
 * One reader per field list, compiled once into a function that builds the API object as a single literal
 * (`{"lineNo": …, "contactNo": …}`), as Fastify's serializers do: a list page maps thousands of values, and
 * deciding each field's conversion per row, by name, was a third of the lines page's own time. Names and
 * columns come from the field definitions in the code (never from a request) and are quoted by JSON.stringify.
 */
const readers = new WeakMap<readonly Field[], RowReader>()

function readerOf(fields: readonly Field[]): RowReader {
  let read = readers.get(fields)
  if (!read) {
    const readable = fields.filter((f) => !f.writeOnly)
    const values = readable.map((f, i) => `const v${i} = row[${JSON.stringify(f.column)}];`).join('\n')
    const props = readable.map((f, i) => `${JSON.stringify(f.name)}: ${conversion(f, `v${i}`)}`).join(',\n')
    read = new Function('row', `${values}\nreturn {\n${props}\n}`) as RowReader
    readers.set(fields, read)
  }
  return read
}

/** Database row → API object. */
export function toApi<T = Record<string, unknown>>(fields: readonly Field[], row: Record<string, unknown>): T {
  return readerOf(fields)(row) as T
}

/** API object (already validated) → database row values, for the fields present. */
export function toRow(fields: readonly Field[], body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const f of fields) {
    if (!(f.name in body) || f.readOnly || f.sqlRef) continue
    const v = body[f.name]
    out[f.column] = f.type === 'boolean' ? (v ? 1 : 0) : v
  }
  return out
}

/** The filter specs of a resource: every readable field, by API name. */
export function filterSpecs(fields: readonly Field[], alias?: string): Record<string, FieldSpec> {
  // No prototype: `sort=valueOf` or `filter[toString]` from a query must find nothing, not Object's methods.
  const out: Record<string, FieldSpec> = Object.create(null)
  for (const f of fields) {
    if (f.writeOnly || f.noFilter) continue
    const column = f.sqlRef ?? (alias ? `${alias}.${f.column}` : f.column)
    const type = f.type === 'timestamp' ? 'text' : f.type
    out[f.name] = { type, column, ...(f.options ? { options: f.options } : {}) }
  }
  return out
}

export function columnsOf(fields: readonly Field[], alias?: string): string[] {
  return fields.filter((f) => !f.sqlRef && !f.noFilter).map((f) => (alias ? `${alias}.${f.column}` : f.column))
}
