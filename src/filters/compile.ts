import { type RawBuilder, type SqlBool, sql } from 'kysely'
import type { BlankNode, CompareOp, FilterNode, Literal, PatternNode, PatternPart, RangeNode } from './ast.js'
import { FilterValueError } from './errors.js'
import type { FieldSpec, FieldType } from './field-spec.js'
import { isEmptyFilter, parseFilter } from './parse.js'

export type FilterDialect = 'sqlite' | 'postgres'

export interface CompileOptions {
  /** The date `TODAY` stands for, `YYYY-MM-DD`; default: today in the server's local time zone. */
  today?: string
  /** Counts the parameters the condition binds, for callers that cap a whole query's (see `MAX_QUERY_PARAMETERS`). */
  parameters?: { count: number }
}

/**
 * The most parameters the filters of one query may bind together: well below SQLite's limit (32,766) and
 * PostgreSQL's (65,535), with room for the rest of the query. Beyond it the caller answers a 400 naming the field.
 */
export const MAX_QUERY_PARAMETERS = 20_000

/**
 * Compiles a BC filter expression (or a parsed one) against one column into a condition for a
 * Kysely `where`. Every value is a bound parameter; only the column reference and operators are SQL.
 * An empty expression compiles to `1 = 1` (use `isEmptyFilter` to skip it instead).
 *
 * ```
 * text  c.name   'Sm?th*|@*son'  sqlite  → ("c"."name" GLOB ? OR <c.name, lowered unless ASCII> LIKE lower(?))
 *                                           params ['Sm?th*', '%son']
 *                                postgres → ("c"."name" LIKE $1 OR lower("c"."name") LIKE lower($2))
 *                                           params ['Sm_th%', '%son']
 * text  c.name   '100%*'         postgres → "c"."name" LIKE $1 ESCAPE '\'    params ['100\%%']
 * code   c.code  'retail|wholesale'      → "c"."code" IN (?, ?)                  params ['RETAIL', 'WHOLESALE']
 * number amount  '>=10&<100'             → ("amount" >= ? AND "amount" < ?)     params [10, 100]
 * number amount  '1000..1999'            → ("amount" >= ? AND "amount" <= ?)    params [1000, 1999]
 * date   d       '2026-01-01..'  postgres → "d" >= CAST($1 AS date)
 * date   d       '..2026-03-31'          → ("d" IS NULL OR "d" <= ?)   -- blank (0D) is before every date
 * date   d       "''"                    → "d" IS NULL
 * boolean flag   'Yes'                   → "flag" = ?                            params [1]
 * option kind    'person'                → "kind" = ?                            params ['Person']
 * option kind    '<Both' (Company, Person, Both) → "kind" IN (?, ?)            params ['Company', 'Person']
 * ```
 *
 * Semantics per type (see `FieldSpec`):
 * - `@` lowers both sides (`lower(col) = lower(?)`) on text; on code it changes nothing, since code
 *   values and columns are both upper case.
 * - Patterns: case-sensitive → `GLOB` on SQLite (`[`, `]`, quoted `*`/`?` escaped as `[[]`…),
 *   `LIKE` on PostgreSQL; case-insensitive → `lower(col) LIKE lower(?)` on both (SQLite lowers only values
 *   that are not ASCII: its LIKE folds ASCII itself). A `%`, `_` or `\` of the user's text is escaped with
 *   `\`, and only such a pattern gets `ESCAPE '\'`. `<>` before a pattern gives `NOT GLOB` / `NOT LIKE`.
 * - Dates: a NULL date is BC's blank date 0D, which comes before every date: `<`, `<=`, `..B` and
 *   `<>` include NULLs, `>`, `>=`, `A..`, `A..B` and `=` do not. On PostgreSQL each date parameter is
 *   `CAST(? AS date)`.
 * - `''` (blank): `col = ?` bound to '' on text/code/option, `col IS NULL` on dates, `col = ?` bound
 *   to 0 on numbers (`<>''` negates each); an error on booleans, and on options without a '' caption.
 * - Options compare by caption; `<`, `<=`, `>`, `>=`, ranges and patterns are resolved against the
 *   caption list (ordinal order, patterns case-insensitive) into `col IN (…)`, `1 = 0` when none match.
 *
 * Text ranges compare in the database's collation (byte order on SQLite; create PostgreSQL databases
 * with a C collation for the same order). SQLite needs `registerSqliteFunctions` for `@` on
 * non-ASCII text.
 *
 * @throws FilterSyntaxError for a malformed expression, FilterValueError for a value that does not
 *   fit the field (`'abc' is not a valid number at position 0`).
 */
export function compileFilter(
  expr: string | FilterNode,
  spec: FieldSpec,
  dialect: FilterDialect,
  options: CompileOptions = {},
): RawBuilder<SqlBool> {
  if (typeof expr === 'string') {
    if (isEmptyFilter(expr)) return sql<SqlBool>`1 = 1`
    return new Compiler(spec, dialect, options).node(parseFilter(expr))
  }
  return new Compiler(spec, dialect, options).node(expr)
}

/**
 * `(a OP b)` nested as a balanced tree: SQLite refuses an expression deeper than 1,000 nodes, and its parser
 * nests `a OR b OR c …` one level per operand, so a long flat list would be "Expression tree is too large".
 */
function balanced(parts: readonly RawBuilder<SqlBool>[], op: 'AND' | 'OR'): RawBuilder<SqlBool> {
  if (parts.length === 1) return parts[0]
  const mid = parts.length >> 1
  return sql<SqlBool>`(${balanced(parts.slice(0, mid), op)} ${sql.raw(op)} ${balanced(parts.slice(mid), op)})`
}

type Value = string | number
type SqlOp = CompareOp | '='

class Compiler {
  private readonly col: RawBuilder<unknown>
  private readonly type: FieldType
  private readonly options: readonly string[]

  constructor(
    spec: FieldSpec,
    private readonly dialect: FilterDialect,
    private readonly opts: CompileOptions,
  ) {
    this.col = spec.expression ?? sql.ref(spec.column)
    this.type = spec.type
    if (spec.type === 'option' && !spec.options) throw new TypeError(`Option field ${spec.column} has no options`)
    this.options = spec.options ?? []
  }

  node(n: FilterNode): RawBuilder<SqlBool> {
    switch (n.kind) {
      case 'or':
        return this.or(n.operands)
      case 'and':
        return balanced(
          n.operands.map((o) => this.node(o)),
          'AND',
        )
      case 'equals':
        return this.compare('=', n.value)
      case 'compare':
        return this.compare(n.op, n.value)
      case 'range':
        return this.range(n)
      case 'pattern':
        return this.pattern(n)
      case 'blank':
        return this.blank(n)
    }
  }

  /**
   * `(a OR b)`: the plain values become one `col IN (?, ?)` (one per case sensitivity), the other operands a
   * balanced tree of ORs, so no number of alternatives nests deeper than SQLite allows.
   */
  private or(operands: FilterNode[]): RawBuilder<SqlBool> {
    const parts: RawBuilder<SqlBool>[] = []
    for (const ci of [false, true]) {
      const equals = operands.flatMap((o) => (o.kind === 'equals' && o.value.caseInsensitive === ci ? [o.value] : []))
      if (equals.length === 1) parts.push(this.compare('=', equals[0]))
      else if (equals.length > 1) {
        const values = equals.map((l) => this.param(this.value(l), ci))
        parts.push(sql<SqlBool>`${this.column(ci)} IN (${sql.join(values)})`)
      }
    }
    for (const o of operands) if (o.kind !== 'equals') parts.push(this.node(o))
    return balanced(parts, 'OR')
  }

  /** `col op ?`, with the date and option rules. */
  private compare(op: SqlOp, lit: Literal): RawBuilder<SqlBool> {
    const value = this.value(lit)
    if (this.type === 'option' && op !== '=' && op !== '<>') {
      const at = this.options.indexOf(value as string)
      return this.inList(this.options.filter((_, i) => OPTION_TEST[op](i, at)))
    }
    const cond = sql<SqlBool>`${this.column(lit.caseInsensitive)} ${sql.raw(op)} ${this.param(value, lit.caseInsensitive)}`
    if (this.type === 'date' && (op === '<' || op === '<=' || op === '<>')) return this.orNull(cond)
    return cond
  }

  /** `(col >= ? AND col <= ?)`, or one side of it for `A..` / `..B`. */
  private range(n: RangeNode): RawBuilder<SqlBool> {
    if (this.type === 'option') {
      const from = n.from ? this.options.indexOf(this.value(n.from) as string) : 0
      const to = n.to ? this.options.indexOf(this.value(n.to) as string) : this.options.length - 1
      return this.inList(this.options.filter((_, i) => i >= from && i <= to))
    }
    const sides: RawBuilder<SqlBool>[] = []
    if (n.from) sides.push(this.compare('>=', n.from))
    if (n.to) sides.push(this.compare('<=', n.to))
    return sides.length === 1 ? sides[0] : sql<SqlBool>`(${sides[0]} AND ${sides[1]})`
  }

  private pattern(n: PatternNode): RawBuilder<SqlBool> {
    if (this.type === 'option') {
      const re = patternRegExp(n.parts)
      const matching = this.options.filter((o) => re.test(o))
      return n.negated ? this.notInList(matching) : this.inList(matching)
    }
    if (this.type !== 'text' && this.type !== 'code') {
      throw new FilterValueError(`Wildcards cannot be used in a ${this.type} filter`, n.position)
    }
    const parts: PatternPart[] =
      this.type === 'code'
        ? n.parts.map((p) => (p.kind === 'text' ? { kind: 'text', text: p.text.toUpperCase() } : p))
        : n.parts
    const ci = n.caseInsensitive && this.type === 'text'
    const not = sql.raw(n.negated ? 'NOT ' : '')
    if (this.dialect === 'sqlite' && !ci) return sql<SqlBool>`${this.col} ${not}GLOB ${this.bind(globPattern(parts))}`
    // On SQLite lower() is a JavaScript function, called per row (1M contacts: 0.43 s instead of 0.08 s), while
    // SQLite's own LIKE already ignores the case of ASCII letters. So lower() is applied only where it can
    // change the outcome (see `asciiFoldSuffices`), else only to values that are not ASCII (as many
    // characters as bytes).
    let value = this.column(ci)
    if (this.dialect === 'sqlite' && ci)
      value = asciiFoldSuffices(parts)
        ? this.col
        : sql`CASE WHEN length(${this.col}) = length(CAST(${this.col} AS BLOB)) THEN ${this.col} ELSE lower(${this.col}) END`
    // ESCAPE only when the pattern escapes something: SQLite's LIKE with an ESCAPE clause is 10–15 % slower
    // (1M contact names: 92–98 ms against 83–85 ms), and without one a backslash is an ordinary character
    // there (PostgreSQL's default escape is the backslash anyway).
    const like = likePattern(parts)
    const escapeClause = like.includes('\\') ? sql` ESCAPE '\\'` : sql``
    return sql<SqlBool>`${value} ${not}LIKE ${this.param(like, ci)}${escapeClause}`
  }

  private blank(n: BlankNode): RawBuilder<SqlBool> {
    const op = sql.raw(n.negated ? '<>' : '=')
    switch (this.type) {
      case 'date':
        return n.negated ? sql<SqlBool>`${this.col} IS NOT NULL` : sql<SqlBool>`${this.col} IS NULL`
      case 'number':
      case 'integer':
        return sql<SqlBool>`${this.col} ${op} ${this.bind(0)}`
      case 'boolean':
        throw new FilterValueError(`'' is not a valid boolean (use true or false)`, n.position)
      case 'option':
        if (!this.options.includes(''))
          throw new FilterValueError(`'' is not a valid option (${this.expectedOptions()})`, n.position)
        return sql<SqlBool>`${this.col} ${op} ${this.bind('')}`
      case 'text':
      case 'code':
        return sql<SqlBool>`${this.col} ${op} ${this.bind('')}`
    }
  }

  /** `col IN (?, …)`; `1 = 0` for no captions. */
  private inList(values: readonly string[]): RawBuilder<SqlBool> {
    if (values.length === 0) return sql<SqlBool>`1 = 0`
    if (values.length === 1) return sql<SqlBool>`${this.col} = ${this.bind(values[0])}`
    return sql<SqlBool>`${this.col} IN (${sql.join(values.map((v) => this.bind(v)))})`
  }

  private notInList(values: readonly string[]): RawBuilder<SqlBool> {
    if (values.length === 0) return sql<SqlBool>`1 = 1`
    if (values.length === 1) return sql<SqlBool>`${this.col} <> ${this.bind(values[0])}`
    return sql<SqlBool>`${this.col} NOT IN (${sql.join(values.map((v) => this.bind(v)))})`
  }

  private orNull(cond: RawBuilder<SqlBool>): RawBuilder<SqlBool> {
    return sql<SqlBool>`(${this.col} IS NULL OR ${cond})`
  }

  /** The column, lowered for a case-insensitive comparison on text. */
  private column(caseInsensitive: boolean): RawBuilder<unknown> {
    return caseInsensitive && this.type === 'text' ? sql`lower(${this.col})` : this.col
  }

  /** A bound parameter: lowered for `@` on text, cast to date on PostgreSQL. */
  private param(value: Value, caseInsensitive: boolean): RawBuilder<unknown> {
    if (caseInsensitive && this.type === 'text') return sql`lower(${this.bind(value)})`
    if (this.type === 'date' && this.dialect === 'postgres') return sql`CAST(${this.bind(value)} AS date)`
    return this.bind(value)
  }

  /** Every value goes through here, so the caller's parameter count is exact. */
  private bind(value: Value): RawBuilder<unknown> {
    if (this.opts.parameters) this.opts.parameters.count++
    return sql`${value}`
  }

  /** Reads and checks a literal for this field's type. */
  private value(lit: Literal): Value {
    const raw = lit.value
    const fail = (what: string): never => {
      throw new FilterValueError(`'${raw}' is not a valid ${what}`, lit.position)
    }
    switch (this.type) {
      case 'text':
        return raw
      case 'code':
        return raw.toUpperCase()
      case 'number':
        return /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(raw) ? Number(raw) : fail('number')
      case 'integer': {
        const n = Number(raw)
        return /^[+-]?\d+$/.test(raw) && Number.isSafeInteger(n) ? n : fail('integer')
      }
      case 'boolean': {
        const key = raw.toLowerCase()
        // Own keys only: '__proto__' or 'constructor' must not find Object's.
        return Object.hasOwn(BOOLEANS, key) ? BOOLEANS[key]! : fail('boolean (use true or false)')
      }
      case 'date':
        if (raw.toUpperCase() === 'TODAY') return this.opts.today ?? localToday()
        return isIsoDate(raw) ? raw : fail('date (use YYYY-MM-DD)')
      case 'option': {
        const lower = raw.toLowerCase()
        return this.options.find((o) => o.toLowerCase() === lower) ?? fail(`option (${this.expectedOptions()})`)
      }
    }
  }

  private expectedOptions(): string {
    return `expected one of ${this.options.map((o) => `'${o}'`).join(', ')}`
  }
}

const BOOLEANS: Record<string, number | undefined> = { true: 1, yes: 1, '1': 1, false: 0, no: 0, '0': 0 }

const OPTION_TEST: Record<CompareOp, (i: number, at: number) => boolean> = {
  '<': (i, at) => i < at,
  '<=': (i, at) => i <= at,
  '>': (i, at) => i > at,
  '>=': (i, at) => i >= at,
  '<>': (i, at) => i !== at,
}

/** `YYYY-MM-DD` naming a real calendar day. */
function isIsoDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s)
  if (!m) return false
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const date = new Date(Date.UTC(y, mo - 1, d))
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d
}

function localToday(): string {
  const now = new Date()
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`
}

/**
 * Whether SQLite's LIKE, which folds ASCII letters only, finds exactly what `lower(col) LIKE lower(pattern)`
 * finds with Unicode lowering. It does when the lowered pattern is ASCII without `i`, `k` and `?`: the
 * pattern's letters can then only match ASCII letters, as only two characters lower to ASCII — U+212A
 * (Kelvin sign → `k`) and U+0130 (İ → `i` + U+0307, the one character whose lower case is longer, which
 * would shift a `?`).
 */
function asciiFoldSuffices(parts: readonly PatternPart[]): boolean {
  return parts.every((p) => {
    if (p.kind !== 'text') return p.kind === 'any'
    const lowered = p.text.toLowerCase()
    return /^\p{ASCII}*$/u.test(lowered) && !/[ik]/.test(lowered)
  })
}

/** GLOB pattern: `*`, `?` as wildcards; `[`, `]` and quoted `*`, `?` as one-character classes. */
function globPattern(parts: readonly PatternPart[]): string {
  return parts
    .map((p) => (p.kind === 'any' ? '*' : p.kind === 'one' ? '?' : p.text.replace(/[[\]*?]/g, (c) => `[${c}]`)))
    .join('')
}

/** LIKE pattern with `\` as escape: `*` → `%`, `?` → `_`, literal `%`, `_`, `\` escaped. */
function likePattern(parts: readonly PatternPart[]): string {
  return parts
    .map((p) => (p.kind === 'any' ? '%' : p.kind === 'one' ? '_' : p.text.replace(/[\\%_]/g, (c) => `\\${c}`)))
    .join('')
}

/** A whole-string, case-insensitive RegExp for matching option captions in JavaScript. */
function patternRegExp(parts: readonly PatternPart[]): RegExp {
  const body = parts
    .map((p) => (p.kind === 'any' ? '.*' : p.kind === 'one' ? '.' : p.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('')
  return new RegExp(`^${body}$`, 'isu')
}
