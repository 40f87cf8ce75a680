import type { Field } from '../../api/fields.js'
import { type FieldError, validationFailed } from '../../errors.js'
import { CONTACT_FIELDS } from '../contact-fields.js'

/** The columns an import writes: every writable contact field (API names, as in the API and the export). */
export const IMPORT_FIELDS: readonly Field[] = CONTACT_FIELDS.filter((f) => !f.readOnly)
/** Read-only columns an export writes (companyName, lastDateModified): accepted and ignored, so an export re-imports. */
const IGNORED_FIELDS: readonly Field[] = CONTACT_FIELDS.filter((f) => f.readOnly)

export interface ImportColumns {
  /** The field of each header column; undefined for an ignored read-only column. */
  byIndex: (Field | undefined)[]
  /** Database columns present in the file. */
  present: Set<string>
}

/**
 * Maps a header row to contact fields. Names are matched without regard to case; an unknown or repeated
 * column is a 400 naming it, before anything is written.
 */
export function readHeader(cells: string[]): ImportColumns {
  const byName = new Map<string, Field | null>()
  for (const f of IMPORT_FIELDS) byName.set(f.name.toLowerCase(), f)
  for (const f of IGNORED_FIELDS) byName.set(f.name.toLowerCase(), null)
  const errors: FieldError[] = []
  const seen = new Set<string>()
  const byIndex: (Field | undefined)[] = []
  const present = new Set<string>()
  for (const cell of cells) {
    const name = cell.trim()
    const f = byName.get(name.toLowerCase())
    if (f === undefined) errors.push({ path: 'header', message: `unknown column '${name}'` })
    else if (seen.has(name.toLowerCase()))
      errors.push({ path: 'header', message: `column '${name}' appears more than once` })
    seen.add(name.toLowerCase())
    byIndex.push(f ?? undefined)
    if (f) present.add(f.column)
  }
  if (errors.length)
    throw validationFailed(
      errors,
      `${errors.map((e) => e.message[0].toUpperCase() + e.message.slice(1)).join('; ')} in the header row. The columns are the API field names of a contact: ${CONTACT_FIELDS.map((f) => f.name).join(', ')}.`,
    )
  return { byIndex, present }
}

export type CellResult = { value: string | number; error?: undefined } | { error: string; value?: undefined }

const TRUE_WORDS = new Set(['true', 'yes', '1'])
const FALSE_WORDS = new Set(['false', 'no', '0', ''])
const PHONE_COLUMNS = new Set(['phone_no', 'mobile_phone_no'])
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
const CONTROL = /[\u0000-\u001f]/
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it removes
const printable = (s: string) => s.replace(/[\u0000-\u001f]/g, '')

const optionLookup = new Map<Field, Map<string, string>>()
function options(f: Field): Map<string, string> {
  let m = optionLookup.get(f)
  if (!m) {
    m = new Map((f.options ?? []).map((o) => [o.toLowerCase(), o]))
    optionLookup.set(f, m)
  }
  return m
}

/**
 * Reads one cell as the API would read the field (`api/fields.ts`, and the contact card's phone and e-mail
 * checks): codes trimmed and upper-cased, options by caption in any case, booleans true/false/yes/no/1/0
 * (blank is false), lengths checked, never truncated.
 */
export function parseCell(f: Field, raw: string): CellResult {
  switch (f.type) {
    case 'code': {
      const v = raw.trim().toUpperCase()
      if (v.length > (f.max ?? 20)) return { error: `must be at most ${f.max ?? 20} characters` }
      // Codes are quoted in the database's messages, whose separators are control characters.
      if (CONTROL.test(v)) return { error: 'must not contain control characters' }
      return { value: v }
    }
    case 'option': {
      const v = options(f).get(raw.trim().toLowerCase())
      if (v !== undefined) return { value: v }
      if (raw.trim() === '') return { value: '' }
      const list = (f.options ?? []).map((o) => o || '(blank)').join(', ')
      return { error: `'${printable(raw)}' is not a valid option; use one of: ${list}` }
    }
    case 'boolean': {
      const w = raw.trim().toLowerCase()
      if (TRUE_WORDS.has(w)) return { value: 1 }
      if (FALSE_WORDS.has(w)) return { value: 0 }
      return { error: `'${printable(raw)}' is not a valid boolean; use true, false, yes, no, 1 or 0` }
    }
    default: {
      if (raw.length > (f.max ?? 250)) return { error: `must be at most ${f.max ?? 250} characters` }
      // PostgreSQL text cannot hold U+0000 (SQLite would store it): refused alike on both.
      if (raw.includes('\u0000')) return { error: 'must not contain a NUL character' }
      if (PHONE_COLUMNS.has(f.column) && /\p{L}/u.test(raw)) return { error: 'must not contain letters' }
      if (f.column === 'email' && !raw.split(/[;,]/).every((a) => a.trim() === '' || EMAIL.test(a.trim())))
        return { error: 'is not a valid email address' }
      return { value: raw }
    }
  }
}
