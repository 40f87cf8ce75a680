import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fingerprint } from '../reliability/reliability-fixtures.js'
import { createTestApp, type TestApp } from '../test-support/app.js'
import { dialects } from '../test-support/databases.js'
import { codeSchema } from './fields.js'

const FFI = 'ﬃ' // one character, three when upper-cased (FFI)

describe('a code or number as the API reads it', () => {
  it('is trimmed and upper-cased before its length is checked', () => {
    expect(codeSchema(20).safeParse(` ${FFI.repeat(6)} `).data).toBe('FFI'.repeat(6))
    expect(
      codeSchema(20)
        .safeParse(FFI.repeat(7))
        .error?.issues.map((i) => i.message),
    ).toEqual(['must be at most 20 characters'])
    expect(
      codeSchema(10)
        .safeParse('straße-123')
        .error?.issues.map((i) => i.message),
    ).toEqual(['must be at most 10 characters'])
  })

  it('refuses C0 and C1 control characters, DEL and the line and paragraph separators', () => {
    for (const bad of ['A\r\nX', 'A\tX', 'A\u0000X', 'A\u007fX', 'A\u0085X', 'A\u009bX', 'A\u2028X', 'A\u2029X'])
      expect(
        codeSchema(20)
          .safeParse(bad)
          .error?.issues.map((i) => i.message),
      ).toEqual(['must not contain control characters'])
    expect(codeSchema(20).safeParse('A-X_1.2/ä').data).toBe('A-X_1.2/Ä')
  })
})

describe.each(dialects)('Codes and numbers with hostile characters on %s', (dialect) => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp(dialect)
  })
  afterAll(() => t.close())

  const refused = async (
    send: () => Promise<{ status: number; body: { code: string; errors: unknown } }>,
    path: string,
    message: string,
  ) => {
    const before = await fingerprint(t.db)
    const res = await send()
    expect([res.status, res.body.code, res.body.errors]).toEqual([400, 'VALIDATION_FAILED', [{ path, message }]])
    expect(await fingerprint(t.db)).toEqual(before)
  }
  const TOO_LONG = 'must be at most 20 characters'
  const CONTROL = 'must not contain control characters'

  it(`Given a segment no. of ${FFI}×10 or with a line break, refuses it with 400 naming the field and changes nothing`, async () => {
    const create = (no: string) => () => t.marketer.post('/api/segments', { no, description: 'Hostile' })
    await refused(create(FFI.repeat(10)), 'body.no', TOO_LONG)
    await refused(create('A\r\nX'), 'body.no', CONTROL)
    await refused(create('A\u2028X'), 'body.no', CONTROL)
    await refused(() => t.viewer.get('/api/segments/A%0D%0AX'), 'params.no', CONTROL)
    await refused(() => t.viewer.get(`/api/segments/${encodeURIComponent(FFI.repeat(7))}`), 'params.no', TOO_LONG)
  })

  it('Given a segment no. that fits once upper-cased, stores it upper-cased', async () => {
    const r = await t.marketer.post('/api/segments', { no: FFI.repeat(6), description: 'Ligatures' })
    expect([r.status, r.body.no]).toEqual([201, 'FFI'.repeat(6)])
    expect((await t.viewer.get(`/api/segments/${encodeURIComponent(FFI.repeat(6))}`)).body.no).toBe('FFI'.repeat(6))
  })

  it(`Given a contact no. of ${FFI}×10 or with a control character, refuses it with 400 naming the field and changes nothing`, async () => {
    const create = (no: string) => () => t.marketer.post('/api/contacts', { no, type: 'Company', name: 'Hostile' })
    await refused(create(FFI.repeat(10)), 'body.no', TOO_LONG)
    await refused(create('CT\r\n01'), 'body.no', CONTROL)
    await refused(create('CT\u007f01'), 'body.no', CONTROL)
    await refused(() => t.viewer.get('/api/contacts/CT%0A01'), 'params.no', CONTROL)
  })

  it(`Given a code table code of ${FFI}×4 (12 letters upper-cased) or with a C1 control, refuses it with 400 naming the field and changes nothing`, async () => {
    const create = (code: string) => () => t.marketer.post('/api/industry-groups', { code, description: 'Hostile' })
    await refused(create(FFI.repeat(4)), 'body.code', 'must be at most 10 characters')
    await refused(create('RE\u0085TAIL'), 'body.code', CONTROL)
    await refused(() => t.viewer.get('/api/industry-groups/RE%C2%85TAIL'), 'params.code', CONTROL)
    const ok = await t.marketer.post('/api/industry-groups', { code: ` ${FFI.repeat(3)} `, description: 'Fits' })
    expect([ok.status, ok.body.code]).toEqual([201, 'FFIFFIFFI'])
  })
})
