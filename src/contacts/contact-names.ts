import type { ContactRow } from './contact-fields.js'

const PART_MAX = 30

/**
 * BC `Contact.CalculatedName`: "First Middle Surname", the parts that are blank left out, single
 * spaces between them.
 */
export function calculatedName(c: Pick<ContactRow, 'first_name' | 'middle_name' | 'surname'>): string {
  return [c.first_name, c.middle_name, c.surname]
    .map((p) => p.trim())
    .filter(Boolean)
    .join(' ')
}

/**
 * BC `Contact.NameBreakdown` (persons only): a name typed as a whole is split on spaces; the last word is
 * the surname, the one before it the middle name (with three words or more), the rest the first name.
 * Parts are cut at BC's 30 characters, as BC's CopyStr does (they are derived, not typed).
 */
export function nameBreakdown(name: string): Pick<ContactRow, 'first_name' | 'middle_name' | 'surname'> {
  const parts = name.split(' ').filter(Boolean)
  const n = parts.length
  let first = ''
  let middle = ''
  let surname = ''
  parts.forEach((part, i) => {
    if (i === n - 1 && n > 1) surname = part
    else if (i === n - 2 && n > 2) middle = part
    else first = `${first} ${part}`.trimStart()
  })
  return {
    first_name: first.slice(0, PART_MAX),
    middle_name: middle.slice(0, PART_MAX),
    surname: surname.slice(0, PART_MAX),
  }
}

/**
 * BC `Contact.UpdateSearchName`: the search name follows the name while it still is the upper-cased old
 * name or blank; a search name the user chose is kept.
 */
export function followSearchName(searchName: string, oldName: string, newName: string): string {
  if (searchName === oldName.toUpperCase() || searchName === '') return newName.toUpperCase().slice(0, 100)
  return searchName
}

const PERSON_NAME_COLUMNS = ['first_name', 'middle_name', 'surname'] as const

/**
 * Sets name, name parts and search name of a contact being written, from what the request gave:
 * - a person with any of first/middle/surname given gets its name computed from them;
 * - a person whose name alone is given (or who just became a person) gets the name broken into parts;
 * - a company has no person name parts or job title (BC `TypeChange` clears them).
 */
export function applyNames(next: ContactRow, given: Partial<ContactRow>, before: ContactRow | undefined): void {
  const becamePerson = next.type === 'Person' && before !== undefined && before.type !== 'Person'
  if (next.type === 'Person') {
    if (PERSON_NAME_COLUMNS.some((c) => c in given)) next.name = calculatedName(next)
    else if ('name' in given || becamePerson) Object.assign(next, nameBreakdown(next.name))
  } else {
    next.first_name = ''
    next.middle_name = ''
    next.surname = ''
    next.job_title = ''
  }
  if (!('search_name' in given)) next.search_name = followSearchName(next.search_name, before?.name ?? '', next.name)
}
