import type { CompareOp, FilterNode, Literal, PatternPart } from './ast.js'
import { FilterSyntaxError } from './errors.js'

/**
 * Reads one BC filter expression into an AST.
 *
 * ```
 * expr   := term ('|' term)*                      -- or
 * term   := factor ('&' factor)*                  -- and (binds tighter than |)
 * factor := '(' expr ')'
 *         | '@'? op '@'? value                    -- op: <> < <= > >=
 *         | '@'? value '..' ('@'? value)?         -- A..B, A..
 *         | '..' '@'? value                       -- ..B
 *         | '@'? value                            -- A, A*, ?b, ''
 * ```
 *
 * - A value is everything up to the next `|`, `&`, `(`, `)` or `..`, with the whitespace around it
 *   trimmed (`A | B` is `A|B`; `New York` keeps its inner space).
 * - `'…'` quotes a part of a value: everything inside is plain text, including `| & ( ) .. * ? @`
 *   and surrounding spaces; `''` inside quotes is one quote (`'it''s'` is `it's`). Quoted and
 *   unquoted parts may be mixed (`'a|b'*`).
 * - `*` (any characters) and `?` (one character) outside quotes make a pattern; `<>` before a
 *   pattern negates it. Wildcards are not allowed with `<`, `<=`, `>`, `>=` or in a range.
 * - A leading `@` makes the comparison case-insensitive; before a range it covers both bounds, and
 *   `A..@B` marks only the upper bound. `@` elsewhere in a value is plain text (`*@contoso.com`).
 * - `''` alone is blank, `<>''` not blank.
 *
 * An empty expression is not a filter: test with `isEmptyFilter` first (this function throws).
 *
 * @throws FilterSyntaxError with the 0-based position of the fault, e.g. `Unexpected '..' at position 4`
 *   for `a..b..c`.
 */
export function parseFilter(expr: string): FilterNode {
  return new Parser(expr).parse()
}

/** True when the expression sets no condition (empty or only whitespace). */
export function isEmptyFilter(expr: string | null | undefined): boolean {
  return expr == null || expr.trim() === ''
}

const COMPARE_OPS: readonly CompareOp[] = ['<>', '<=', '>=', '<', '>']

/** A value as read: its pieces, where it starts, and where its first wildcard is (-1: none). */
interface RawValue {
  parts: PatternPart[]
  position: number
  wildcardAt: number
}

/** Deepest nesting of parentheses; deeper would overflow the stack of this recursive parser (at about 2,000). */
export const MAX_NESTING = 100
/**
 * Most values (operands of `|` and `&`: `A`, `<>A`, `A..B`, `A*`, `''`) in one expression. Far more than anyone
 * types, and it bounds the work and the SQL one filter can ask for.
 */
export const MAX_VALUES = 1000

class Parser {
  private pos = 0
  private depth = 0
  private values = 0

  constructor(private readonly src: string) {}

  parse(): FilterNode {
    this.skipWs()
    if (this.atEnd()) throw new FilterSyntaxError('The filter is empty', 0)
    const node = this.parseOr(null)
    // parseOr stops only at the end or at a ')' that closes nothing.
    if (!this.atEnd()) throw this.unexpected()
    return node
  }

  private parseOr(after: string | null): FilterNode {
    const operands = [this.parseAnd(after)]
    while (this.peek() === '|') {
      this.pos++
      operands.push(this.parseAnd('|'))
    }
    return flatten('or', operands)
  }

  private parseAnd(after: string | null): FilterNode {
    const operands = [this.parseFactor(after)]
    while (this.peek() === '&') {
      this.pos++
      operands.push(this.parseFactor('&'))
    }
    return flatten('and', operands)
  }

  /** One operand; `after` names the token before it, for "Expected a value after '|'". */
  private parseFactor(after: string | null): FilterNode {
    const node = this.parseFactorBody(after)
    this.skipWs()
    if (!this.atEnd() && !'|&)'.includes(this.src[this.pos])) throw this.unexpected()
    return node
  }

  private parseFactorBody(after: string | null): FilterNode {
    this.skipWs()
    const position = this.pos
    if (this.atEnd()) throw this.expectedValue(after)
    if (this.peek() === '(') {
      if (++this.depth > MAX_NESTING)
        throw new FilterSyntaxError(`More than ${MAX_NESTING} nested parentheses`, position)
      this.pos++
      const inner = this.parseOr('(')
      if (this.atEnd()) throw new FilterSyntaxError("Unclosed '('", position)
      this.pos++ // ')'
      this.depth--
      return inner
    }
    if (++this.values > MAX_VALUES)
      throw new FilterSyntaxError(`More than ${MAX_VALUES} values in one filter`, position)
    let caseInsensitive = this.eatAt()
    const op = COMPARE_OPS.find((o) => this.src.startsWith(o, this.pos))
    if (op) {
      this.pos += op.length
      caseInsensitive = this.eatAt() || caseInsensitive
      const value = this.readValue()
      if (!value) throw this.expectedValue(op)
      if (this.src.startsWith('..', this.pos)) throw this.unexpected()
      if (value.wildcardAt >= 0) {
        if (op !== '<>') throw new FilterSyntaxError(`Wildcards cannot be used with '${op}'`, value.wildcardAt)
        return { kind: 'pattern', parts: value.parts, caseInsensitive, negated: true, position }
      }
      const text = textOf(value)
      if (op === '<>' && text === '') return { kind: 'blank', negated: true, position }
      return { kind: 'compare', op, value: { value: text, caseInsensitive, position: value.position }, position }
    }
    if (this.src.startsWith('..', this.pos)) {
      this.pos += 2
      const to = this.readBound('..', caseInsensitive, true)!
      this.rejectSecondRange()
      return { kind: 'range', to, position }
    }
    const value = this.readValue()
    if (!value) throw this.atEnd() ? this.expectedValue('@') : this.unexpected()
    if (this.src.startsWith('..', this.pos)) {
      this.pos += 2
      const from = toBound(value, caseInsensitive)
      const to = this.readBound('..', caseInsensitive, false)
      this.rejectSecondRange()
      return to ? { kind: 'range', from, to, position } : { kind: 'range', from, position }
    }
    if (value.wildcardAt >= 0) return { kind: 'pattern', parts: value.parts, caseInsensitive, negated: false, position }
    const text = textOf(value)
    if (text === '') return { kind: 'blank', negated: false, position }
    return { kind: 'equals', value: { value: text, caseInsensitive, position: value.position }, position }
  }

  /** The bound after `..`: optional `@`, then a value (required for `..B`). */
  private readBound(after: string, caseInsensitive: boolean, required: boolean): Literal | undefined {
    this.skipWs()
    const ownAt = this.eatAt()
    const value = this.readValue()
    if (!value) {
      if (required || ownAt) throw this.atEnd() ? this.expectedValue(ownAt ? '@' : after) : this.unexpected()
      return undefined
    }
    return toBound(value, caseInsensitive || ownAt)
  }

  private rejectSecondRange(): void {
    this.skipWs()
    if (this.src.startsWith('..', this.pos)) throw this.unexpected()
  }

  /** Consumes a `@` (and the spaces after it) if one is next. */
  private eatAt(): boolean {
    this.skipWs()
    if (this.peek() !== '@') return false
    this.pos++
    this.skipWs()
    return true
  }

  /**
   * Reads a value up to the next `| & ( )` or `..`, trimming the whitespace around it; null when
   * there is none. Unquoted `*` and `?` become wildcards.
   */
  private readValue(): RawValue | null {
    this.skipWs()
    const position = this.pos
    const parts: PatternPart[] = []
    let text = ''
    let pendingWs = ''
    let seen = false
    let wildcardAt = -1
    const flush = () => {
      if (text !== '') parts.push({ kind: 'text', text })
      text = ''
    }
    while (!this.atEnd()) {
      const c = this.src[this.pos]
      if ('|&()'.includes(c) || this.src.startsWith('..', this.pos)) break
      if (c === "'") {
        text += pendingWs
        pendingWs = ''
        text += this.readQuoted()
        seen = true
        continue
      }
      if (!seen && (c === '<' || c === '>')) throw this.unexpected()
      if (/\s/.test(c)) {
        pendingWs += c
        this.pos++
        continue
      }
      text += pendingWs
      pendingWs = ''
      if (c === '*' || c === '?') {
        flush()
        parts.push({ kind: c === '*' ? 'any' : 'one' })
        if (wildcardAt < 0) wildcardAt = this.pos
      } else {
        text += c
      }
      seen = true
      this.pos++
    }
    flush()
    return seen ? { parts, position, wildcardAt } : null
  }

  /** Reads `'…'` starting at the opening quote; `''` inside is one quote. */
  private readQuoted(): string {
    const start = this.pos
    this.pos++
    let text = ''
    for (;;) {
      if (this.atEnd()) throw new FilterSyntaxError('Unterminated quote', start)
      const c = this.src[this.pos]
      if (c === "'") {
        if (this.src[this.pos + 1] === "'") {
          text += "'"
          this.pos += 2
          continue
        }
        this.pos++
        return text
      }
      text += c
      this.pos++
    }
  }

  private expectedValue(after: string | null): FilterSyntaxError {
    return new FilterSyntaxError(after ? `Expected a value after '${after}'` : 'Expected a value', this.pos)
  }

  private unexpected(): FilterSyntaxError {
    if (this.atEnd()) return new FilterSyntaxError('Unexpected end of filter', this.pos)
    const token = ['..', ...COMPARE_OPS].find((t) => this.src.startsWith(t, this.pos)) ?? this.src[this.pos]
    return new FilterSyntaxError(`Unexpected '${token}'`, this.pos)
  }

  private skipWs(): void {
    while (this.pos < this.src.length && /\s/.test(this.src[this.pos])) this.pos++
  }

  private peek(): string | undefined {
    this.skipWs()
    return this.src[this.pos]
  }

  private atEnd(): boolean {
    return this.pos >= this.src.length
  }
}

function textOf(value: RawValue): string {
  return value.parts.map((p) => (p.kind === 'text' ? p.text : '')).join('')
}

function toBound(value: RawValue, caseInsensitive: boolean): Literal {
  if (value.wildcardAt >= 0) throw new FilterSyntaxError('Wildcards cannot be used in a range', value.wildcardAt)
  return { value: textOf(value), caseInsensitive, position: value.position }
}

/** Builds an or/and node, lifting a single operand and merging nested nodes of the same kind. */
function flatten(kind: 'or' | 'and', operands: FilterNode[]): FilterNode {
  if (operands.length === 1) return operands[0]
  return { kind, operands: operands.flatMap((o) => (o.kind === kind ? o.operands : [o])) }
}
