import { describe, expect, it } from 'vitest'
import { recipients } from './recipients.js'

describe('the recipients of an e-mail field', () => {
  it('splits on commas and semicolons and trims each address', () => {
    expect(recipients('a@x.com, b@y.org')).toEqual({ addresses: ['a@x.com', 'b@y.org'] })
    expect(recipients(' a@x.com;b@y.org ; c.d+e@mail.sub.example.co.uk,')).toEqual({
      addresses: ['a@x.com', 'b@y.org', 'c.d+e@mail.sub.example.co.uk'],
    })
    expect(recipients('jörg@müller.de')).toEqual({ addresses: ['jörg@müller.de'] })
  })

  it('answers no recipient for an empty field or separators only', () => {
    expect(recipients('')).toEqual({ none: true })
    expect(recipients(' ; , ;')).toEqual({ none: true })
  })

  it('names the first part that is not a plain address: display names, quotes, header breaks, no domain', () => {
    for (const bad of [
      'Eve <eve@evil.test>',
      '"a@x.com"@evil.test',
      'a@x.com\r\nBcc: z@evil.test',
      'a b@x.com',
      'a@x',
      'a@-x.com',
      '@x.com',
      'a@@x.com',
      'a\u2028b@x.com',
      'a\u0000@x.com',
    ])
      expect(recipients(`ok@x.com; ${bad}`)).toEqual({ invalid: bad.trim() })
  })
})
