import { describe, expect, it } from 'vitest'
import { amount, fieldSchema, num } from '../api/fields.js'
import { lineCost, roundDecimal } from './money.js'

describe('roundDecimal', () => {
  it('rounds on the digits a number prints as, half away from zero, as PostgreSQL numeric does', () => {
    expect(
      [1.005, 2.675, -1.005, 0.125, 449.65000000000003, 0.30000000000000004].map((v) => roundDecimal(v, 2)),
    ).toEqual([1.01, 2.68, -1.01, 0.13, 449.65, 0.3])
    expect([1.234565, 1e-7, 1.5e-5, 123456789.123456].map((v) => roundDecimal(v, 5))).toEqual([
      1.23457, 0, 0.00002, 123456789.12346,
    ])
  })
})

describe('amount and decimal fields', () => {
  it('round input with more decimals than kept: amounts to 2, unit amounts and quantities to 5', () => {
    expect(fieldSchema(amount('costLcy', 'cost_lcy')).parse(10.005)).toBe(10.01)
    expect(fieldSchema(num('unitCostLcy', 'unit_cost_lcy')).parse(1.234567)).toBe(1.23457)
  })

  it('still refuse what is out of range before rounding', () => {
    expect(fieldSchema(amount('costLcy', 'cost_lcy', { nonNegative: true })).safeParse(-0.001).success).toBe(false)
  })
})

describe('lineCost', () => {
  it("gives a line's Cost (LCY) from a Unit Cost (LCY): 2 decimals, halves away from zero, from numbers or numeric text", () => {
    expect([lineCost(1.005), lineCost('0.123456'), lineCost(-2.345), lineCost(0)]).toEqual([1.01, 0.12, -2.35, 0])
  })
})
