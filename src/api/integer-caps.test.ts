import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type Response, type TestApp } from '../test-support/app.js'
import { dialects } from '../test-support/databases.js'
import { INT32_MAX } from './fields.js'

const TOO_BIG = INT32_MAX + 1

/**
 * 32-bit INTEGER columns (questionnaire and answer line numbers, the SMTP port) are capped where the value comes
 * in: PostgreSQL would refuse a larger one and SQLite would store it, so both dialects must answer the same 400.
 */
describe.each(dialects)('Integers beyond their column on %s', (dialect) => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp(dialect)
    expect((await t.admin.post('/api/profile-questionnaires', { code: 'SIZE', description: 'Size' })).status).toBe(201)
    const line = (lineNo: number, type: string, description: string) =>
      t.admin.post('/api/profile-questionnaires/SIZE/lines', { lineNo, type, description })
    expect((await line(10000, 'Question', 'Employees')).status).toBe(201)
    expect((await line(20000, 'Answer', '1-10')).status).toBe(201)
    expect((await t.marketer.post('/api/contacts', { no: 'K1', type: 'Company', name: 'Kappa' })).status).toBe(201)
    expect((await t.admin.patch('/api/setup/marketing', { smtpHost: 'mail.example.com', smtpPort: 587 })).status).toBe(
      200,
    )
  })
  afterAll(() => t.close())

  /** The rows the refused requests could have touched. */
  const snapshot = async () => ({
    lines: await t.db.kysely.selectFrom('profile_questionnaire_lines').selectAll().orderBy('line_no').execute(),
    answers: await t.db.kysely.selectFrom('contact_profile_answers').selectAll().orderBy('line_no').execute(),
    setup: await t.db.kysely.selectFrom('marketing_setup').selectAll().execute(),
  })
  const refused = (res: Response, path: string, message: string) =>
    expect([res.status, res.body.code, res.body.errors]).toEqual([400, 'VALIDATION_FAILED', [{ path, message }]])

  it('refuses a questionnaire line number past 2,147,483,647 on create, and changes nothing', async () => {
    const before = await snapshot()
    const res = await t.admin.post('/api/profile-questionnaires/SIZE/lines', {
      lineNo: TOO_BIG,
      type: 'Answer',
      description: '11-50',
    })
    refused(res, 'body.lineNo', `must be at most ${INT32_MAX}`)
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(await snapshot()).toEqual(before)
  })

  it('refuses such a line number in the path of a questionnaire line (get, change, delete)', async () => {
    const before = await snapshot()
    refused(
      await t.viewer.get(`/api/profile-questionnaires/SIZE/lines/${TOO_BIG}`),
      'params.lineNo',
      `must be at most ${INT32_MAX}`,
    )
    refused(
      await t.admin.patch(`/api/profile-questionnaires/SIZE/lines/${TOO_BIG}`, { description: 'x' }),
      'params.lineNo',
      `must be at most ${INT32_MAX}`,
    )
    refused(
      await t.admin.del(`/api/profile-questionnaires/SIZE/lines/${TOO_BIG}`),
      'params.lineNo',
      `must be at most ${INT32_MAX}`,
    )
    expect(await snapshot()).toEqual(before)
  })

  it("refuses a contact's profile answer with such a line number, to record or to remove", async () => {
    const before = await snapshot()
    refused(
      await t.marketer.post('/api/contacts/K1/profile-answers', { profileQuestionnaireCode: 'SIZE', lineNo: TOO_BIG }),
      'body.lineNo',
      `must be at most ${INT32_MAX}`,
    )
    refused(
      await t.marketer.post('/api/contacts/K1/profile-answers', { profileQuestionnaireCode: 'SIZE', lineNo: 0 }),
      'body.lineNo',
      'must be at least 1',
    )
    refused(
      await t.marketer.del(`/api/contacts/K1/profile-answers/SIZE/${TOO_BIG}`),
      'params.lineNo',
      `must be at most ${INT32_MAX}`,
    )
    expect(await snapshot()).toEqual(before)
  })

  it('refuses an SMTP port outside 0..65535 (0: the standard port), and keeps the setup as it was', async () => {
    const before = await snapshot()
    for (const [smtpPort, message] of [
      [65536, 'must be at most 65535'],
      [TOO_BIG, 'must be at most 65535'],
      [-1, 'must be at least 0'],
    ] as const)
      refused(await t.admin.patch('/api/setup/marketing', { smtpPort }), 'body.smtpPort', message)
    expect(await snapshot()).toEqual(before)
    expect(before.setup[0]).toMatchObject({ smtp_port: 587 })
  })

  it('takes the largest values that fit, and numbers the next line only while it fits', async () => {
    expect((await t.admin.patch('/api/setup/marketing', { smtpPort: 65535 })).body).toMatchObject({ smtpPort: 65535 })
    const top = await t.admin.post('/api/profile-questionnaires/SIZE/lines', {
      lineNo: INT32_MAX,
      type: 'Answer',
      description: 'More',
    })
    expect([top.status, top.body.lineNo]).toEqual([201, INT32_MAX])
    const answer = await t.marketer.post('/api/contacts/K1/profile-answers', {
      profileQuestionnaireCode: 'SIZE',
      lineNo: INT32_MAX,
    })
    expect([answer.status, answer.body.lineNo]).toEqual([201, INT32_MAX])
    // The next automatic number (last + 10000) would not fit: the caller is asked to give one.
    const before = await snapshot()
    refused(
      await t.admin.post('/api/profile-questionnaires/SIZE/lines', { type: 'Answer', description: 'Even more' }),
      'body.lineNo',
      `give one: the next after ${INT32_MAX} would pass ${INT32_MAX}`,
    )
    expect(await snapshot()).toEqual(before)
  })

  it('leaves 64-bit line numbers alone: a segment line may be numbered past 2^31', async () => {
    expect((await t.marketer.post('/api/segments', { no: 'S1', description: 'Big numbers' })).status).toBe(201)
    const res = await t.marketer.post('/api/segments/S1/lines', { lineNo: TOO_BIG, contactNo: 'K1' })
    expect([res.status, res.body.lineNo]).toEqual([201, TOO_BIG])
  })
})
