/**
 * Merge fields of an interaction template's subject and body (API.md: "the letter or e-mail text with merge
 * fields"): `{{contact.name}}`, `{{contact.companyName}}`, `{{contact.firstName}}`, `{{salesperson.name}}`,
 * `{{salesperson.email}}`, `{{date}}`, `{{segment.description}}`. Spaces inside the braces are allowed; an
 * unknown field is left as written, so a typo shows in the message instead of vanishing silently.
 */
export interface MergeValues {
  'contact.name': string
  'contact.companyName': string
  'contact.firstName': string
  'salesperson.name': string
  'salesperson.email': string
  date: string
  'segment.description': string
}

export const MERGE_FIELD_NAMES: readonly (keyof MergeValues)[] = [
  'contact.name',
  'contact.companyName',
  'contact.firstName',
  'salesperson.name',
  'salesperson.email',
  'date',
  'segment.description',
]

const FIELD = /\{\{\s*([A-Za-z.]+)\s*\}\}/g

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}

/** Replaces the merge fields of `template`, passing each value through `encode` (identity for text). */
export function merge(template: string, values: MergeValues, encode: (v: string) => string = (v) => v): string {
  return template.replace(FIELD, (whole, name: string) =>
    name in values ? encode(values[name as keyof MergeValues]) : whole,
  )
}

/** Whether a body is written as HTML (has a tag) rather than as plain text. */
export function isHtml(body: string): boolean {
  return /<\/?[a-z][a-z0-9]*(\s[^>]*)?\/?>/i.test(body)
}

/** Plain text of an HTML body: block ends become line breaks, tags go, entities are decoded. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(br)\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|h[1-6]|li|tr)>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}

/** Plain text as HTML: escaped, blank lines make paragraphs, single line breaks `<br>`. */
function textToHtml(text: string): string {
  return text
    .split(/\r?\n\s*\r?\n/)
    .map((p) => `<p>${escapeHtml(p).replace(/\r?\n/g, '<br>')}</p>`)
    .join('\n')
}

export interface RenderedMessage {
  subject: string
  text: string
  html: string
}

/**
 * One contact's message from a template language's subject and body. A body with HTML tags is merged as
 * HTML (values escaped) and its text part derived from it; a plain-text body is merged as text, and its
 * HTML part is the escaped text in paragraphs — so a value like `Smith & <Sons>` never becomes markup.
 */
export function renderMessage(subject: string, body: string, values: MergeValues): RenderedMessage {
  const mergedSubject = merge(subject, values)
    .replace(/[\r\n]+/g, ' ')
    .trim()
  if (isHtml(body)) {
    const html = merge(body, values, escapeHtml)
    return { subject: mergedSubject, html: wrapHtml(html, mergedSubject), text: htmlToText(html) }
  }
  const text = merge(body, values)
  return { subject: mergedSubject, text, html: wrapHtml(textToHtml(text), mergedSubject) }
}

function wrapHtml(inner: string, title: string): string {
  if (/<html[\s>]/i.test(inner)) return inner
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>\n${inner}\n</body></html>`
}

/** The body of a letter (PDF): plain text whatever the template was written in. */
export function renderLetterText(body: string, values: MergeValues): string {
  return isHtml(body) ? htmlToText(merge(body, values, escapeHtml)) : merge(body, values)
}
