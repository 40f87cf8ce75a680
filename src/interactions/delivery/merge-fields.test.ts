import { describe, expect, it } from 'vitest'
import { htmlToText, isHtml, type MergeValues, merge, renderLetterText, renderMessage } from './merge-fields.js'
import { chooseLanguage } from './send-job.js'

const values: MergeValues = {
  'contact.name': 'Smith & <Sons>',
  'contact.companyName': 'Smith Holding',
  'contact.firstName': 'Jo',
  'salesperson.name': 'John Roberts',
  'salesperson.email': 'jr@cronus.test',
  date: '2026-03-02',
  'segment.description': 'Spring "Fair"',
}

describe('merge fields', () => {
  it('replaces every known field, with spaces inside the braces, and leaves unknown ones as written', () => {
    expect(merge('{{contact.name}}|{{ contact.companyName }}|{{contact.firstName}}|{{salesperson.name}}', values)).toBe(
      'Smith & <Sons>|Smith Holding|Jo|John Roberts',
    )
    expect(merge('{{salesperson.email}} {{date}} {{segment.description}} {{contact.nmae}}', values)).toBe(
      'jr@cronus.test 2026-03-02 Spring "Fair" {{contact.nmae}}',
    )
  })

  it('escapes merged values in the HTML part of a plain-text body, and keeps them as they are in the text part', () => {
    const m = renderMessage('Hello {{contact.name}}', 'Dear {{contact.name}},\n\nline one\nline two', values)
    expect(m.subject).toBe('Hello Smith & <Sons>')
    expect(m.text).toBe('Dear Smith & <Sons>,\n\nline one\nline two')
    expect(m.html).toContain('<p>Dear Smith &amp; &lt;Sons&gt;,</p>\n<p>line one<br>line two</p>')
    expect(m.html).toMatch(/^<!DOCTYPE html>/)
  })

  it('merges an HTML body as HTML (values escaped, markup kept) and derives its text part', () => {
    expect(isHtml('<p>Hi</p>')).toBe(true)
    expect(isHtml('a < b and c > d')).toBe(false)
    const m = renderMessage('S', '<p>Dear <b>{{contact.name}}</b>,</p><p>see {{segment.description}}</p>', values)
    expect(m.html).toContain('<p>Dear <b>Smith &amp; &lt;Sons&gt;</b>,</p><p>see Spring &quot;Fair&quot;</p>')
    expect(m.text).toBe('Dear Smith & <Sons>,\nsee Spring "Fair"')
    expect(htmlToText('a<br>b&nbsp;&amp;c')).toBe('a\nb &c')
  })

  it('keeps a subject on one line', () => {
    expect(renderMessage('A {{contact.firstName}}\r\nB', '', values).subject).toBe('A Jo B')
  })

  it('writes letters as plain text', () => {
    expect(renderLetterText('<p>Dear {{contact.name}}</p>', values)).toBe('Dear Smith & <Sons>')
    expect(renderLetterText('Dear {{contact.name}}', values)).toBe('Dear Smith & <Sons>')
  })
})

describe('the language of a message', () => {
  const row = (language_code: string, body = 'text') => ({
    template_code: 'T',
    language_code,
    description: '',
    subject: '',
    body,
  })
  const rows = [row('DEU'), row('ENU'), row('FRA', ''), row('ESP')]

  it("is the line's language when the template has a text in it", () => {
    expect(chooseLanguage(rows, 'DEU', 'ENU')?.language_code).toBe('DEU')
  })
  it("else the template's default language, else the first language with a text", () => {
    expect(chooseLanguage(rows, 'FRA', 'ENU')?.language_code).toBe('ENU')
    expect(chooseLanguage(rows, 'ITA', 'NLD')?.language_code).toBe('DEU')
    expect(chooseLanguage([row('ENU', '')], 'ENU', 'ENU')).toBeUndefined()
  })
})
