import { describe, expect, it } from 'vitest'
import { blankContact } from './contact-fields.js'
import { applyNames, calculatedName, followSearchName, nameBreakdown } from './contact-names.js'

describe('calculatedName (BC Contact.CalculatedName)', () => {
  it('joins first, middle and surname with single spaces', () => {
    expect(calculatedName({ first_name: 'Mary', middle_name: 'Jane', surname: 'Smith' })).toBe('Mary Jane Smith')
  })
  it('leaves blank parts out without doubling spaces', () => {
    expect(calculatedName({ first_name: '', middle_name: 'Jane', surname: 'Smith' })).toBe('Jane Smith')
    expect(calculatedName({ first_name: 'Mary ', middle_name: '', surname: ' Smith' })).toBe('Mary Smith')
    expect(calculatedName({ first_name: '', middle_name: '', surname: '' })).toBe('')
  })
})

describe('nameBreakdown (BC Contact.NameBreakdown)', () => {
  it('takes the last word as surname and the one before as middle name', () => {
    expect(nameBreakdown('Mary Jane Smith')).toEqual({ first_name: 'Mary', middle_name: 'Jane', surname: 'Smith' })
  })
  it('gives the remaining words to the first name', () => {
    expect(nameBreakdown('Anna Maria Louisa de Vries')).toEqual({
      first_name: 'Anna Maria Louisa',
      middle_name: 'de',
      surname: 'Vries',
    })
  })
  it('reads two words as first name and surname, one word as first name', () => {
    expect(nameBreakdown('John  Doe')).toEqual({ first_name: 'John', middle_name: '', surname: 'Doe' })
    expect(nameBreakdown('Cher')).toEqual({ first_name: 'Cher', middle_name: '', surname: '' })
  })
})

describe('followSearchName (BC Contact.UpdateSearchName)', () => {
  it('follows the name while it is blank or the old name in upper case', () => {
    expect(followSearchName('', '', 'Ann Lee')).toBe('ANN LEE')
    expect(followSearchName('ANN LEE', 'Ann Lee', 'Ann Smith')).toBe('ANN SMITH')
  })
  it('keeps a search name the user chose', () => {
    expect(followSearchName('ANNIE', 'Ann Lee', 'Ann Smith')).toBe('ANNIE')
  })
})

describe('applyNames', () => {
  it('computes a person name from the parts given, even over a name given with them', () => {
    const next = { ...blankContact('CT1'), type: 'Person', name: 'X', first_name: 'Ann', surname: 'Lee' }
    applyNames(next, { name: 'X', first_name: 'Ann', surname: 'Lee' }, undefined)
    expect([next.name, next.search_name]).toEqual(['Ann Lee', 'ANN LEE'])
  })
  it('breaks a person name given alone into parts', () => {
    const next = { ...blankContact('CT1'), type: 'Person', name: 'Ann Marie Lee' }
    applyNames(next, { name: 'Ann Marie Lee' }, undefined)
    expect([next.first_name, next.middle_name, next.surname]).toEqual(['Ann', 'Marie', 'Lee'])
  })
  it('clears person name parts and job title on a company', () => {
    const next = { ...blankContact('CT1'), name: 'Acme', first_name: 'A', job_title: 'Boss' }
    applyNames(next, { name: 'Acme', first_name: 'A', job_title: 'Boss' }, undefined)
    expect([next.name, next.first_name, next.job_title, next.search_name]).toEqual(['Acme', '', '', 'ACME'])
  })
})
