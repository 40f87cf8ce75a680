import { describe, expect, it } from 'vitest'
import { AppError } from '../../errors.js'
import { criteriaText } from './criteria-log.js'
import { exactFilter, validateFilters } from './validate-filters.js'

describe('validateFilters', () => {
  it('normalises: blocks and fields in BC order, empty expressions and blocks dropped, expressions as typed', () => {
    expect(
      validateFilters(
        {
          industryGroup: { industryGroupCode: 'retail|WHOLESALE' },
          mailingGroup: { mailingGroupCode: '  ' },
          contact: { type: 'company', no: ' K* ' },
          valueEntry: {},
          profileAnswer: null,
        },
        'sqlite',
      ),
    ).toEqual({ contact: { no: ' K* ', type: 'company' }, industryGroup: { industryGroupCode: 'retail|WHOLESALE' } })
    expect(validateFilters(undefined, 'postgres')).toEqual({})
  })

  it('collects every problem, each naming block.field', () => {
    const e = (() => {
      try {
        validateFilters(
          { contact: { no: 'a|', age: '1' }, jobs: {}, valueEntry: { quantity: 'x..' }, mailingGroup: 'GIFT' },
          'sqlite',
        )
      } catch (err) {
        return err as AppError
      }
    })()
    expect(e).toBeInstanceOf(AppError)
    expect(e?.extra.errors?.map((x) => x.path)).toEqual([
      'filters.jobs',
      'filters.contact.age',
      'filters.contact.no',
      'filters.mailingGroup',
      'filters.valueEntry.quantity',
    ])
  })

  it('refuses a boolean filter on blank and an unknown option', () => {
    expect(() => validateFilters({ contact: { privacyBlocked: "''" } }, 'sqlite')).toThrow(
      /filters.contact.privacyBlocked/,
    )
    expect(() => validateFilters({ contact: { type: 'Both' } }, 'sqlite')).toThrow(
      /expected one of 'Company', 'Person'/,
    )
  })
})

describe('exactFilter', () => {
  it('keeps plain contact nos. and quotes the ones the grammar would read', () => {
    expect(exactFilter('CT000123')).toBe('CT000123')
    expect(exactFilter('A-1/2')).toBe('A-1/2')
    expect(exactFilter('A|B')).toBe("'A|B'")
    expect(exactFilter("O'NEIL")).toBe("'O''NEIL'")
    expect(exactFilter('K1..K2')).toBe("'K1..K2'")
    expect(exactFilter('')).toBe("''")
    for (const v of ['A|B', "O'NEIL", 'K1..K2', 'A*', '@X', '(1)'])
      expect(validateFilters({ contact: { no: exactFilter(v) } }, 'sqlite')).toEqual({
        contact: { no: exactFilter(v) },
      })
  })
})

describe('criteriaText', () => {
  it('shows each block as BC’s filter rows: table caption, then field captions with their expressions', () => {
    expect(
      criteriaText({
        contact: { salespersonCode: 'JR', postCode: '1000..1999' },
        interactionLogEntry: { date: '2026-01-01..2026-03-31', interactionTemplateCode: 'MEETING' },
        valueEntry: { itemNo: '1000' },
      }),
    ).toBe(
      'Contact: Salesperson Code: JR, Post Code: 1000..1999; Interaction Log Entry: Date: 2026-01-01..2026-03-31, Interaction Template Code: MEETING; Value Entry: Item No.: 1000',
    )
    expect(criteriaText({})).toBe('')
  })
})
