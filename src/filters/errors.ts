/**
 * Errors raised while reading or compiling a BC filter expression. Both carry the 0-based `position`
 * of the fault in the expression, and a message that ends with `at position N`, e.g.
 * `Unexpected '..' at position 4`. The API turns them into 400 `VALIDATION_FAILED` naming the block
 * and field; `reason` is the message without the position suffix, for callers that add their own.
 */
export class FilterError extends Error {
  constructor(
    readonly reason: string,
    readonly position: number,
  ) {
    super(`${reason} at position ${position}`)
    this.name = new.target.name
  }
}

/** The expression does not follow the grammar: `a..b..c`, `(a`, `a|`, `<>`, `'abc`, … */
export class FilterSyntaxError extends FilterError {}

/** The expression is well formed but a value does not fit the field: `abc` for a number, `2026-13-01`, … */
export class FilterValueError extends FilterError {}
