/**
 * What the audit log keeps of a request body or an answer: enough to say what was done, never a secret and
 * never a whole upload. Values under a secret-looking key are replaced, long strings and arrays are cut, deep
 * structures are flattened to a marker, and the whole is bounded in size.
 */

/** Keys whose values are never written to the log (API.md: passwords are write-only, tokens shown once). */
const SECRET_KEY = /pass(word)?|secret|token|authorization|cookie/i

const MAX_STRING = 200
const MAX_ITEMS = 20
const MAX_DEPTH = 4
export const MAX_DETAIL_CHARS = 4000

export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value
  if (value === null || typeof value !== 'object') return value
  if (depth >= MAX_DEPTH) return '[…]'
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map((v) => redact(v, depth + 1))
    if (value.length > MAX_ITEMS) items.push(`… ${value.length - MAX_ITEMS} more`)
    return items
  }
  const out: Record<string, unknown> = {}
  let n = 0
  for (const [k, v] of Object.entries(value)) {
    if (n++ >= MAX_ITEMS * 2) {
      out['…'] = 'more fields'
      break
    }
    out[k] = SECRET_KEY.test(k) ? '[redacted]' : redact(v, depth + 1)
  }
  return out
}

/** The detail column: JSON text of the redacted parts, cut to a bounded size (still valid JSON). */
export function detailJson(parts: Record<string, unknown>): string {
  const clean: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(parts)) if (v !== undefined) clean[k] = redact(v)
  const text = JSON.stringify(clean)
  if (text.length <= MAX_DETAIL_CHARS) return text
  // Kept as a string of the start; escaping its quotes makes it longer, so cut until it fits.
  let cut = MAX_DETAIL_CHARS - 20
  for (;;) {
    const out = JSON.stringify({ truncated: text.slice(0, cut) })
    if (out.length <= MAX_DETAIL_CHARS) return out
    cut -= out.length - MAX_DETAIL_CHARS
  }
}

/**
 * The record a request acted on, from its path parameters (`SEG00001`, `SEG00001/10000`) or, when it created
 * one, from the key of the answer.
 */
export function targetOf(params: unknown, answer: unknown): string {
  const fromParams =
    params && typeof params === 'object'
      ? Object.values(params as Record<string, unknown>)
          .filter((v) => v !== undefined && v !== '')
          .map(String)
      : []
  if (fromParams.length) return fromParams.join('/').slice(0, 200)
  if (answer && typeof answer === 'object' && !Array.isArray(answer)) {
    const a = answer as Record<string, unknown>
    for (const k of ['no', 'code', 'entryNo', 'loggedSegmentEntryNo', 'username', 'id', 'segmentNo'])
      if (typeof a[k] === 'string' || typeof a[k] === 'number') return String(a[k]).slice(0, 200)
  }
  return ''
}

/**
 * A readable action name from the route: `segments.add-contacts`, `contacts.create`, `segments.lines.update`,
 * `auth.login`, `segments.export`. A POST to a collection (a path that also has an item route below it) is
 * `create`, PATCH `update`, DELETE `delete`; a POST to anything else is that action.
 */
export function actionName(method: string, routeUrl: string, isCollection: (url: string) => boolean): string {
  const parts = routeUrl.replace(/^\/api\//, '').split('/')
  const base = parts
    .filter((p) => p && !p.startsWith(':'))
    .join('.')
    .replace(/\.pdf$/, '')
  switch (method) {
    case 'PATCH':
    case 'PUT':
      return `${base}.update`
    case 'DELETE':
      return `${base}.delete`
    case 'POST':
      return isCollection(routeUrl) ? `${base}.create` : base
    default:
      return base
  }
}
