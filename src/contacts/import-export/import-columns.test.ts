import { describe, expect, it } from 'vitest'
import { CONTACT_FIELDS } from '../contact-fields.js'
import { parseCell, readHeader } from './import-columns.js'

const field = (name: string) => CONTACT_FIELDS.find((f) => f.name === name)!

describe('import cells', () => {
  it('reads codes trimmed and upper-cased, refusing over-long ones and control characters', () => {
    expect(parseCell(field('salespersonCode'), ' jr ')).toEqual({ value: 'JR' })
    expect(parseCell(field('languageCode'), 'ABCDEFGHIJK')).toEqual({ error: 'must be at most 10 characters' })
    expect(parseCell(field('companyNo'), 'K\u001f1')).toEqual({ error: 'must not contain control characters' })
  })

  it('reads options by caption in any case, blank as the blank option', () => {
    expect(parseCell(field('correspondenceType'), 'HARD copy')).toEqual({ value: 'Hard Copy' })
    expect(parseCell(field('correspondenceType'), '')).toEqual({ value: '' })
    expect(parseCell(field('correspondenceType'), 'Fax')).toEqual({
      error: "'Fax' is not a valid option; use one of: (blank), Hard Copy, Email",
    })
  })

  it('reads booleans as true/false, yes/no, 1/0 in any case, blank as false', () => {
    for (const w of ['true', 'YES', '1']) expect(parseCell(field('privacyBlocked'), w)).toEqual({ value: 1 })
    for (const w of ['False', 'no', '0', '']) expect(parseCell(field('privacyBlocked'), w)).toEqual({ value: 0 })
    expect(parseCell(field('privacyBlocked'), 'maybe')).toEqual({
      error: "'maybe' is not a valid boolean; use true, false, yes, no, 1 or 0",
    })
  })

  it('keeps text as written, checking length, phone numbers and e-mail addresses as the contact card does', () => {
    expect(parseCell(field('name'), '  Acme  ')).toEqual({ value: '  Acme  ' })
    expect(parseCell(field('city'), 'x'.repeat(31))).toEqual({ error: 'must be at most 30 characters' })
    expect(parseCell(field('phoneNo'), '+45 12 34')).toEqual({ value: '+45 12 34' })
    expect(parseCell(field('mobilePhoneNo'), '12 AB')).toEqual({ error: 'must not contain letters' })
    expect(parseCell(field('email'), 'a@b.dk; c@d.com')).toEqual({ value: 'a@b.dk; c@d.com' })
    expect(parseCell(field('email'), 'a@b')).toEqual({ error: 'is not a valid email address' })
  })
})

describe('import header', () => {
  it('matches API field names in any case and ignores the read-only columns of an export', () => {
    const h = readHeader(['No', 'NAME', 'companyName', 'lastDateModified', 'email'])
    expect(h.byIndex.map((f) => f?.name)).toEqual(['no', 'name', undefined, undefined, 'email'])
    expect([...h.present]).toEqual(['no', 'name', 'email'])
  })

  it('refuses unknown and repeated columns, naming them', () => {
    expect(() => readHeader(['no', 'nmae', 'no'])).toThrowError(
      expect.objectContaining({
        code: 'VALIDATION_FAILED',
        extra: {
          errors: [
            { path: 'header', message: "unknown column 'nmae'" },
            { path: 'header', message: "column 'no' appears more than once" },
          ],
        },
      }),
    )
  })
})
