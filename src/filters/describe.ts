/**
 * The expression as shown in criteria text, e.g. `Industry Group Code: RETAIL|WHOLESALE`
 * (the caller adds the caption). BC shows what the user typed, so this only trims it.
 */
export function describeFilter(expr: string): string {
  return expr.trim()
}
