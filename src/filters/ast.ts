/**
 * The AST of one BC filter expression, as produced by `parseFilter` and consumed by `compileFilter`.
 *
 * ```
 * RETAIL|@who*          → or[equals(RETAIL), pattern(@ who*)]
 * 1000..1999&<>1500     → and[range(1000, 1999), compare(<>, 1500)]
 * <>''                  → blank(negated)
 * ```
 *
 * Every leaf records the 0-based `position` where it starts in the expression, so a value that does
 * not fit the field can be reported where it was written.
 */
export type FilterNode = OrNode | AndNode | RangeNode | CompareNode | EqualsNode | PatternNode | BlankNode

/** A value as written, quotes removed. `caseInsensitive` is set by a leading `@`. */
export interface Literal {
  value: string
  caseInsensitive: boolean
  position: number
}

/** `A|B|C`: any operand holds. Always two or more operands. */
export interface OrNode {
  kind: 'or'
  operands: FilterNode[]
}

/** `A&B&C`: every operand holds. Binds tighter than `|`. Always two or more operands. */
export interface AndNode {
  kind: 'and'
  operands: FilterNode[]
}

/** `A..B`, `A..` or `..B`: inclusive bounds; at least one is present. */
export interface RangeNode {
  kind: 'range'
  from?: Literal
  to?: Literal
  position: number
}

export type CompareOp = '<>' | '<' | '<=' | '>' | '>='

/** `<>A`, `<A`, `<=A`, `>A`, `>=A`. */
export interface CompareNode {
  kind: 'compare'
  op: CompareOp
  value: Literal
  position: number
}

/** `A`: a plain value without wildcards. */
export interface EqualsNode {
  kind: 'equals'
  value: Literal
  position: number
}

/** One piece of a pattern: literal text, `*` (any characters) or `?` (exactly one character). */
export type PatternPart = { kind: 'text'; text: string } | { kind: 'any' } | { kind: 'one' }

/**
 * `A*`, `?ohn*`, `@*son*`; `<>A*` is the negated form. Contains at least one `any` or `one` part
 * (a value without wildcards is an `equals`). Wildcards written inside quotes are plain text.
 */
export interface PatternNode {
  kind: 'pattern'
  parts: PatternPart[]
  caseInsensitive: boolean
  negated: boolean
  position: number
}

/** `''` (blank) or `<>''` (not blank). */
export interface BlankNode {
  kind: 'blank'
  negated: boolean
  position: number
}
