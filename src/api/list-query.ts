import { type Expression, type SelectQueryBuilder, type SqlBool, sql } from 'kysely'
import type { Dialect } from '../db/connection.js'
import { reusableStatement } from '../db/reusable-statements.js'
import type { Tx } from '../db/transaction.js'
import { type FieldError, validationFailed } from '../errors.js'
import { compileFilter, FilterError, isEmptyFilter, MAX_QUERY_PARAMETERS } from '../filters/index.js'
import { type Field, filterSpecs } from './fields.js'

export interface ListParams {
  limit: number
  offset: number
  sort: { ref: string; desc: boolean }[]
  where: Expression<SqlBool>[]
  total: boolean
}

export interface ListPage<T> {
  items: T[]
  /** null when the caller asked for `total=false` (saves a count on huge tables). */
  total: number | null
  limit: number
  offset: number
}

export const MAX_LIMIT = 1000

function intParam(v: unknown, name: string, def: number, min: number, max: number, errors: FieldError[]): number {
  if (v === undefined || v === '') return def
  const n = Number(v)
  if (!Number.isInteger(n) || n < min || n > max) {
    errors.push({ path: name, message: `must be an integer from ${min} to ${max}` })
    return def
  }
  return n
}

/**
 * Reads `limit`, `offset`, `sort=a,-b`, `total=false` and every `filter[field]=<BC expression>` of a
 * list request. Unknown fields and malformed expressions are collected and answered as one 400.
 */
export function parseListQuery(
  query: Record<string, unknown>,
  fields: readonly Field[],
  opts: { dialect: Dialect; alias?: string; defaultSort: string[]; extraFilters?: Record<string, Field> },
): ListParams {
  const errors: FieldError[] = []
  const specs = filterSpecs(fields, opts.alias)
  // PostgreSQL keeps timestamps as timestamptz; a text filter on one (`2026-03*`) compares its ISO 8601 text, as
  // SQLite (which stores that text) does and the API shows it.
  if (opts.dialect === 'postgres')
    for (const f of fields)
      if (f.type === 'timestamp' && specs[f.name])
        specs[f.name] = {
          ...specs[f.name],
          expression: sql`to_char(${sql.ref(specs[f.name].column)} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
        }
  const limit = intParam(query.limit, 'limit', 50, 1, MAX_LIMIT, errors)
  const offset = intParam(query.offset, 'offset', 0, 0, Number.MAX_SAFE_INTEGER, errors)
  const total = query.total === undefined ? true : !['false', '0', 'no'].includes(String(query.total).toLowerCase())

  const sort: ListParams['sort'] = []
  const sortText = typeof query.sort === 'string' && query.sort.trim() ? query.sort : opts.defaultSort.join(',')
  for (const part of sortText
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const desc = part.startsWith('-')
    const name = desc ? part.slice(1) : part.replace(/^\+/, '')
    const spec = specs[name]
    if (!spec) errors.push({ path: 'sort', message: `unknown field '${name}'` })
    else sort.push({ ref: spec.column, desc })
  }
  // A stable order for paging: the default sort keys break ties.
  for (const name of opts.defaultSort) {
    const spec = specs[name.replace(/^-/, '')]
    if (spec && !sort.some((s) => s.ref === spec.column)) sort.push({ ref: spec.column, desc: name.startsWith('-') })
  }

  const where: Expression<SqlBool>[] = []
  // All filters together bind at most MAX_QUERY_PARAMETERS values (repeated `filter[x]` add up).
  const parameters = { count: 0 }
  for (const [key, raw] of Object.entries(query)) {
    const m = /^filter\[(.+)\]$/.exec(key)
    if (!m) {
      if (!['limit', 'offset', 'sort', 'total', 'format'].includes(key) && !key.startsWith('_'))
        errors.push({ path: key, message: 'unknown query parameter' })
      continue
    }
    const name = m[1]
    const spec = specs[name]
    if (!spec) {
      errors.push({ path: key, message: `unknown field '${name}'` })
      continue
    }
    for (const expr of Array.isArray(raw) ? raw : [raw]) {
      if (typeof expr !== 'string' || isEmptyFilter(expr) || parameters.count > MAX_QUERY_PARAMETERS) continue
      try {
        where.push(compileFilter(expr, spec, opts.dialect, { parameters }))
        if (parameters.count > MAX_QUERY_PARAMETERS) {
          errors.push({
            path: key,
            message: `the filters of one request may hold at most ${MAX_QUERY_PARAMETERS} values`,
          })
        }
      } catch (e) {
        if (e instanceof FilterError)
          errors.push({ path: key, message: `${e.reason} at position ${e.position + 1} of '${expr}'` })
        else throw e
      }
    }
  }
  if (errors.length) throw validationFailed(errors)
  return { limit, offset, sort, where, total }
}

/** Applies filters only (for counts, exports and bulk actions that reuse a list's filter). */
// biome-ignore lint/suspicious/noExplicitAny: builders of any table
export function applyWhere<QB extends SelectQueryBuilder<any, any, any>>(qb: QB, p: Pick<ListParams, 'where'>): QB {
  let q = qb
  for (const w of p.where) q = q.where(w) as QB
  return q
}

// biome-ignore lint/suspicious/noExplicitAny: builders of any table
export type AnySelect = SelectQueryBuilder<any, any, any>

/**
 * A list's query as a function of the values that vary between requests (`reusableStatement`): an unfiltered
 * page's statement is then compiled once per sort, page size and direction and reused with new values. `key`
 * names everything else that shapes it: the base query and the list's `around`.
 */
export interface ListStatement {
  db: Tx
  key: string
  values: readonly unknown[]
  build: (values: readonly unknown[]) => AnySelect
}

const isStatement = (s: AnySelect | ListStatement): s is ListStatement => 'build' in s && 'key' in s

/**
 * Runs a list: one page of rows in order, and the total unless `total=false`. With the total known, a page in
 * the second half is read from the end — the order reversed (every sort ends on a unique key, so the reverse
 * is exact), the rows turned back — so the database skips at most half of the rows: at a million rows OFFSET
 * costs in proportion to the rows it skips (a page at 90 % of 400,000 segment lines: 21 ms instead of 2 ms).
 */
export async function runList<T>(
  source: AnySelect | ListStatement,
  p: ListParams,
  map: (row: Record<string, unknown>) => T,
  opts: {
    /**
     * Wraps the page (ordered and limited) in an outer query, e.g. to join the names of related records for
     * the page's rows only, in the same statement. The outer query must name the page as the list's alias,
     * so the sort applies to it again.
     */
    around?: (page: AnySelect) => AnySelect
    /** The number of rows when no filter applies, where it is stored rather than counted. */
    unfilteredTotal?: () => Promise<number>
  } = {},
): Promise<ListPage<T>> {
  let built: AnySelect | undefined
  const filtered = () => (built ??= applyWhere(isStatement(source) ? source.build(source.values) : source, p))
  let total: number | null = null
  if (p.total && opts.unfilteredTotal && p.where.length === 0) total = await opts.unfilteredTotal()
  else if (p.total) {
    const c = await filtered().clearSelect().select(sql<number>`count(*)`.as('n')).executeTakeFirst()
    total = Number((c as { n: number } | undefined)?.n ?? 0)
  }
  const ordered = (q: AnySelect, reverse: boolean) => {
    let page = q
    for (const s of p.sort) page = page.orderBy(sql.ref(s.ref), s.desc !== reverse ? 'desc' : 'asc')
    return page
  }
  // The page size is written into the SQL (an integer from `intParam`, or computed from it, never text from
  // the request): SQLite plans `LIMIT 50` better than a bound `LIMIT ?` (the lines page's statement at
  // 100,000 contacts: 0.41 ms instead of 0.45–0.48 ms).
  const pageOf = (q: AnySelect, reverse: boolean, limit: number, offset: unknown) => {
    const page = ordered(q, reverse)
      .limit(sql.lit(Math.trunc(limit)))
      .offset(offset as number)
    return opts.around ? ordered(opts.around(page), reverse) : page
  }
  const fetch = async (reverse: boolean, limit: number, offset: number) => {
    if (isStatement(source) && p.where.length === 0) {
      const sort = p.sort.map((s) => `${s.desc ? '-' : ''}${s.ref}`).join(',')
      const n = source.values.length
      const statement = reusableStatement(
        source.db,
        `list ${source.key} sort=${sort} limit=${Math.trunc(limit)} reverse=${reverse}`,
        [...source.values, offset],
        (v) => pageOf(source.build(v.slice(0, n)), reverse, limit, v[n]),
      )
      return (await source.db.executeQuery(statement)).rows as Record<string, unknown>[]
    }
    return (await pageOf(filtered(), reverse, limit, offset).execute()) as Record<string, unknown>[]
  }
  let rows: Record<string, unknown>[]
  if (total !== null && p.offset >= total) rows = []
  else if (total !== null && p.offset > total / 2) {
    const end = Math.min(p.offset + p.limit, total)
    rows = (await fetch(true, end - p.offset, total - end)).reverse()
  } else rows = await fetch(false, p.limit, p.offset)
  return { items: rows.map(map), total, limit: p.limit, offset: p.offset }
}
