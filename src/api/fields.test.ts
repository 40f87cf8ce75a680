import { describe, expect, it } from 'vitest'
import { bool, code, date, type Field, int, num, text, timestamp, toApi } from './fields.js'

describe('toApi: a database row as the API shows it', () => {
  const fields: Field[] = [
    code('no', 'no'),
    text('name', 'name'),
    bool('blocked', 'privacy_blocked'),
    num('amount', 'amount'),
    int('lineNo', 'line_no', { bigint: true }),
    date('date', 'date'),
    timestamp('at', 'at'),
    text('password', 'password_hash', 100, { writeOnly: true }),
    // A name and a column that need quoting in the reader compiled for the list.
    text(`it's "odd"`, `odd'col"`),
  ]

  it('converts each type and leaves out write-only fields', () => {
    const row = {
      no: 'K1',
      name: null,
      privacy_blocked: 1,
      amount: '12.50',
      line_no: 30000,
      date: '',
      at: '2026-12-02T10:00:00.000Z',
      password_hash: 'secret',
      'odd\'col"': 'x',
    }
    expect(toApi(fields, row)).toEqual({
      no: 'K1',
      name: '',
      blocked: true,
      amount: 12.5,
      lineNo: 30000,
      date: null,
      at: '2026-12-02T10:00:00.000Z',
      'it\'s "odd"': 'x',
    })
  })

  it('gives the blank of each type for missing columns, and false for every other boolean', () => {
    expect(toApi(fields, { privacy_blocked: 0 })).toEqual({
      no: '',
      name: '',
      blocked: false,
      amount: 0,
      lineNo: 0,
      date: null,
      at: null,
      'it\'s "odd"': '',
    })
    expect(toApi(fields, { privacy_blocked: '1' })).toMatchObject({ blocked: true })
    expect(toApi(fields, { privacy_blocked: true })).toMatchObject({ blocked: true })
    expect(toApi(fields, { privacy_blocked: 'yes' })).toMatchObject({ blocked: false })
  })
})
