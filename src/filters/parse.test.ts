import { describe, expect, it } from 'vitest'
import type { Literal } from './ast.js'
import { FilterSyntaxError } from './errors.js'
import { isEmptyFilter, MAX_VALUES, parseFilter } from './parse.js'

const lit = (value: string, position: number, caseInsensitive = false): Literal => ({
  value,
  caseInsensitive,
  position,
})
const eq = (value: string, position: number, caseInsensitive = false) => ({
  kind: 'equals',
  value: lit(value, position, caseInsensitive),
  position,
})

describe('parseFilter', () => {
  it('reads a plain value as equality', () => {
    expect(parseFilter('RETAIL')).toEqual(eq('RETAIL', 0))
  })

  it('reads | as or and & as and', () => {
    expect(parseFilter('A|B|C')).toEqual({ kind: 'or', operands: [eq('A', 0), eq('B', 2), eq('C', 4)] })
    expect(parseFilter('A&B')).toEqual({ kind: 'and', operands: [eq('A', 0), eq('B', 2)] })
  })

  it('binds & tighter than |', () => {
    expect(parseFilter('A&B|C')).toEqual({
      kind: 'or',
      operands: [{ kind: 'and', operands: [eq('A', 0), eq('B', 2)] }, eq('C', 4)],
    })
    expect(parseFilter('A|B&C')).toEqual({
      kind: 'or',
      operands: [eq('A', 0), { kind: 'and', operands: [eq('B', 2), eq('C', 4)] }],
    })
  })

  it('groups with parentheses', () => {
    expect(parseFilter('(A|B)&C')).toEqual({
      kind: 'and',
      operands: [{ kind: 'or', operands: [eq('A', 1), eq('B', 3)] }, eq('C', 6)],
    })
    expect(parseFilter('((A))')).toEqual(eq('A', 2))
  })

  it('merges nested groups of the same kind', () => {
    expect(parseFilter('(A|B)|C')).toEqual({ kind: 'or', operands: [eq('A', 1), eq('B', 3), eq('C', 6)] })
  })

  it(`reads up to ${MAX_VALUES} values in one expression, and refuses one more where it starts`, () => {
    const values = (n: number) => Array.from({ length: n }, (_, i) => `V${i}`)
    const most = parseFilter(`(${values(MAX_VALUES).join('|')})`)
    expect(most.kind === 'or' && most.operands.length).toBe(MAX_VALUES)
    const over = values(MAX_VALUES + 1)
    const at = over.slice(0, MAX_VALUES).join('|').length + 1
    expect(() => parseFilter(over.join('&'))).toThrow(
      new FilterSyntaxError(`More than ${MAX_VALUES} values in one filter`, at),
    )
    expect(() => parseFilter(over.join('&'))).toThrow(`at position ${at}`)
  })

  it('reads closed and open ranges', () => {
    expect(parseFilter('1000..1999')).toEqual({ kind: 'range', from: lit('1000', 0), to: lit('1999', 6), position: 0 })
    expect(parseFilter('A..')).toEqual({ kind: 'range', from: lit('A', 0), position: 0 })
    expect(parseFilter('..B')).toEqual({ kind: 'range', to: lit('B', 2), position: 0 })
    expect(parseFilter('2026-01-01..2026-03-31')).toEqual({
      kind: 'range',
      from: lit('2026-01-01', 0),
      to: lit('2026-03-31', 12),
      position: 0,
    })
  })

  it('keeps single dots inside values', () => {
    expect(parseFilter('1.5..2.5')).toEqual({ kind: 'range', from: lit('1.5', 0), to: lit('2.5', 5), position: 0 })
  })

  it('reads every comparison operator', () => {
    for (const op of ['<>', '<', '<=', '>', '>='] as const) {
      expect(parseFilter(`${op}X`)).toEqual({ kind: 'compare', op, value: lit('X', op.length), position: 0 })
    }
  })

  it('reads * and ? as wildcards', () => {
    expect(parseFilter('?ohn*')).toEqual({
      kind: 'pattern',
      parts: [{ kind: 'one' }, { kind: 'text', text: 'ohn' }, { kind: 'any' }],
      caseInsensitive: false,
      negated: false,
      position: 0,
    })
  })

  it('negates a pattern after <>', () => {
    expect(parseFilter('<>*son')).toEqual({
      kind: 'pattern',
      parts: [{ kind: 'any' }, { kind: 'text', text: 'son' }],
      caseInsensitive: false,
      negated: true,
      position: 0,
    })
  })

  it('marks @ values case-insensitive', () => {
    expect(parseFilter('@*son*')).toMatchObject({ kind: 'pattern', caseInsensitive: true })
    expect(parseFilter('@MÜLLER')).toEqual({ kind: 'equals', value: lit('MÜLLER', 1, true), position: 0 })
    expect(parseFilter('<>@abc')).toEqual({ kind: 'compare', op: '<>', value: lit('abc', 3, true), position: 0 })
    expect(parseFilter('@<>abc')).toEqual({ kind: 'compare', op: '<>', value: lit('abc', 3, true), position: 0 })
  })

  it('applies a leading @ to both bounds of a range, A..@B to the upper only', () => {
    expect(parseFilter('@a..c')).toEqual({ kind: 'range', from: lit('a', 1, true), to: lit('c', 4, true), position: 0 })
    expect(parseFilter('a..@c')).toEqual({ kind: 'range', from: lit('a', 0), to: lit('c', 4, true), position: 0 })
  })

  it('keeps @ inside a value as text', () => {
    expect(parseFilter('*@contoso.com')).toMatchObject({
      kind: 'pattern',
      parts: [{ kind: 'any' }, { kind: 'text', text: '@contoso.com' }],
      caseInsensitive: false,
    })
  })

  it("reads '' as blank and <>'' as not blank", () => {
    expect(parseFilter("''")).toEqual({ kind: 'blank', negated: false, position: 0 })
    expect(parseFilter("<>''")).toEqual({ kind: 'blank', negated: true, position: 0 })
    expect(parseFilter("@''")).toEqual({ kind: 'blank', negated: false, position: 0 })
    expect(parseFilter("''|A")).toEqual({
      kind: 'or',
      operands: [{ kind: 'blank', negated: false, position: 0 }, eq('A', 3)],
    })
  })

  it('takes special characters inside quotes as text', () => {
    expect(parseFilter("'a|b'")).toEqual(eq('a|b', 0))
    expect(parseFilter("'1..2'")).toEqual(eq('1..2', 0))
    expect(parseFilter("'(x) & <y>'")).toEqual(eq('(x) & <y>', 0))
    expect(parseFilter("'it''s'")).toEqual(eq("it's", 0))
    expect(parseFilter("''''")).toEqual(eq("'", 0))
  })

  it('takes quoted wildcards as text and mixes quoted and unquoted parts', () => {
    expect(parseFilter("'a*'")).toEqual(eq('a*', 0))
    expect(parseFilter("'a*'*")).toMatchObject({
      kind: 'pattern',
      parts: [{ kind: 'text', text: 'a*' }, { kind: 'any' }],
    })
    expect(parseFilter("'a|b'|c")).toEqual({ kind: 'or', operands: [eq('a|b', 0), eq('c', 6)] })
  })

  it('trims whitespace around values but keeps it inside and within quotes', () => {
    expect(parseFilter(' A | B ')).toEqual({ kind: 'or', operands: [eq('A', 1), eq('B', 5)] })
    expect(parseFilter('New York')).toEqual(eq('New York', 0))
    expect(parseFilter("' a '")).toEqual(eq(' a ', 0))
    expect(parseFilter(' 1 .. 5 ')).toEqual({ kind: 'range', from: lit('1', 1), to: lit('5', 6), position: 1 })
    expect(parseFilter('>= 10')).toEqual({ kind: 'compare', op: '>=', value: lit('10', 3), position: 0 })
  })
})

describe('parseFilter errors', () => {
  const cases: [string, number, string][] = [
    ['a..b..c', 4, "Unexpected '..' at position 4"],
    ['a....b', 3, "Unexpected '..' at position 3"],
    ['..a..b', 3, "Unexpected '..' at position 3"],
    ['(a|b', 0, "Unclosed '(' at position 0"],
    ['a|(b&(c)', 2, "Unclosed '(' at position 2"],
    ['a|b)', 3, "Unexpected ')' at position 3"],
    ['()', 1, "Unexpected ')' at position 1"],
    ['a(b)', 1, "Unexpected '(' at position 1"],
    ['(a)b', 3, "Unexpected 'b' at position 3"],
    ['a|', 2, "Expected a value after '|' at position 2"],
    ['a| ', 3, "Expected a value after '|' at position 3"],
    ['|a', 0, "Unexpected '|' at position 0"],
    ['a||b', 2, "Unexpected '|' at position 2"],
    ['a&', 2, "Expected a value after '&' at position 2"],
    ['a&|b', 2, "Unexpected '|' at position 2"],
    ['<>', 2, "Expected a value after '<>' at position 2"],
    ['>=|a', 2, "Expected a value after '>=' at position 2"],
    ['<<a', 1, "Unexpected '<' at position 1"],
    ['a..<b', 3, "Unexpected '<' at position 3"],
    ['..', 2, "Expected a value after '..' at position 2"],
    ['@', 1, "Expected a value after '@' at position 1"],
    ['x&(', 3, "Expected a value after '(' at position 3"],
    ["'abc", 0, 'Unterminated quote at position 0'],
    ["a'b", 1, 'Unterminated quote at position 1'],
    ["'it''s", 0, 'Unterminated quote at position 0'],
    ['<a*', 2, "Wildcards cannot be used with '<' at position 2"],
    ['a*..b', 1, 'Wildcards cannot be used in a range at position 1'],
    ['a..?b', 3, 'Wildcards cannot be used in a range at position 3'],
    ['', 0, 'The filter is empty at position 0'],
    ['   ', 0, 'The filter is empty at position 0'],
  ]

  it.each(cases)('%j fails at %i', (expr, position, message) => {
    let error: unknown
    try {
      parseFilter(expr)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(FilterSyntaxError)
    expect((error as FilterSyntaxError).position).toBe(position)
    expect((error as FilterSyntaxError).message).toBe(message)
  })
})

describe('isEmptyFilter', () => {
  it('is true only for nothing but whitespace', () => {
    expect([undefined, null, '', '  ', 'a', "''"].map(isEmptyFilter)).toEqual([true, true, true, true, false, false])
  })
})
