import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../test-support/app.js'
import { dialects } from '../test-support/databases.js'

describe.each(dialects)('setup API on %s', (dialect) => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp(dialect)
    await t.admin.post('/api/number-series', { code: 'CAMP', description: 'Campaigns', startingNo: 'CP0001' })
    await t.admin.post('/api/salespeople', { code: 'JR', name: 'John Roberts', email: 'jr@example.com' })
    await t.admin.post('/api/campaign-statuses', { code: 'PLANNED', description: 'Planned' })
  })
  afterAll(() => t.close())

  it('changes the marketing setup (admin only) and checks its references', async () => {
    expect((await t.marketer.patch('/api/setup/marketing', { campaignNos: 'CAMP' })).status).toBe(403)
    const ok = await t.admin.patch('/api/setup/marketing', { campaignNos: 'camp', defaultCorrespondenceType: 'email' })
    expect(ok.status).toBe(200)
    expect(ok.body).toMatchObject({
      campaignNos: 'CAMP',
      defaultCorrespondenceType: 'Email',
      inheritSalespersonCode: true,
    })
    const bad = await t.admin.patch('/api/setup/marketing', { defaultSalespersonCode: 'NOBODY' })
    expect([bad.status, bad.body.detail]).toEqual([
      422,
      "The Salesperson/Purchaser does not exist. Identification fields and values: Code='NOBODY'",
    ])
  })

  it('keeps the SMTP password write-only', async () => {
    const r = await t.admin.patch('/api/setup/marketing', {
      smtpHost: 'mail.example.com',
      smtpPort: 587,
      smtpPassword: 's3cret',
    })
    expect(r.body).toMatchObject({ smtpHost: 'mail.example.com', smtpPort: 587, smtpSecure: false })
    expect(r.body).not.toHaveProperty('smtpPassword')
    const row = await t.db.kysely.selectFrom('marketing_setup').select('smtp_password').executeTakeFirstOrThrow()
    expect(row.smtp_password).toBe('s3cret')
  })

  it('numbers a new campaign from the series and takes the salesperson of the user', async () => {
    await t.admin.patch('/api/users/marketer', { salespersonCode: 'JR' })
    const c = await t.marketer.post('/api/campaigns', { description: 'Spring launch', statusCode: 'PLANNED' })
    expect(c.status).toBe(201)
    expect(c.body).toMatchObject({
      no: 'CP0001',
      description: 'Spring launch',
      activated: false,
      statusCode: 'PLANNED',
    })
  })

  it('filters campaigns on the computed activated flag', async () => {
    const r = await t.viewer.get('/api/campaigns?filter[activated]=No&sort=-activated,no')
    expect(r.status).toBe(200)
    expect(r.body.items.map((c: { no: string }) => c.no)).toEqual(['CP0001'])
    expect((await t.viewer.get('/api/campaigns?filter[activated]=Yes')).body.total).toBe(0)
  })

  it("refuses campaign dates in the wrong order with BC's texts", async () => {
    const a = await t.marketer.post('/api/campaigns', { startingDate: '2026-05-01', endingDate: '2026-04-01' })
    // Fields validate in order: the ending date is checked against the starting date given before it.
    expect([a.status, a.body.detail]).toEqual([422, 'Ending Date must be after Starting Date.'])
    const b = await t.marketer.patch('/api/campaigns/CP0001', { startingDate: '2026-05-01' })
    expect(b.status).toBe(200)
    const c = await t.marketer.patch('/api/campaigns/CP0001', { endingDate: '2026-04-30' })
    expect([c.status, c.body.detail]).toEqual([422, 'Ending Date must be after Starting Date.'])
    await t.marketer.patch('/api/campaigns/CP0001', { endingDate: '2026-06-30' })
    const e = await t.marketer.patch('/api/campaigns/CP0001', { startingDate: '2026-07-01' })
    expect([e.status, e.body.detail]).toEqual([422, 'Starting Date must be before Ending Date.'])
    const d = await t.marketer.patch('/api/campaigns/CP0001', { endingDate: '2026-02-30' })
    expect(d.status).toBe(400)
  })

  it('numbers questionnaire lines and refuses to delete a question with answers', async () => {
    await t.marketer.post('/api/profile-questionnaires', {
      code: 'size',
      description: 'Company size',
      contactType: 'company',
    })
    const q = await t.marketer.post('/api/profile-questionnaires/SIZE/lines', {
      type: 'Question',
      description: 'How many employees?',
    })
    const a = await t.marketer.post('/api/profile-questionnaires/SIZE/lines', { type: 'Answer', description: '1-50' })
    expect([q.body.lineNo, a.body.lineNo]).toEqual([10000, 20000])
    const del = await t.marketer.del('/api/profile-questionnaires/SIZE/lines/10000')
    expect([del.status, del.body.detail]).toEqual([422, 'You cannot delete this question while answers exists.'])
    const multi = await t.marketer.patch('/api/profile-questionnaires/SIZE/lines/20000', { multipleAnswers: true })
    expect(multi.body.detail).toBe('Multiple Answers can only be set on a question line.')
    const lines = await t.viewer.get('/api/profile-questionnaires/SIZE/lines')
    expect(lines.body.items.map((l: { type: string }) => l.type)).toEqual(['Question', 'Answer'])
    expect((await t.viewer.get('/api/profile-questionnaires/NOPE/lines')).status).toBe(404)
  })

  it('creates the default language row of an interaction template, as BC does when confirmed', async () => {
    await t.marketer.post('/api/languages', { code: 'ENU', name: 'English' })
    await t.marketer.post('/api/interaction-groups', { code: 'LETTER', description: 'Letters' })
    const tpl = await t.marketer.post('/api/interaction-templates', {
      code: 'ABSTRACT',
      interactionGroupCode: 'LETTER',
      description: 'Abstract letter',
      languageCodeDefault: 'ENU',
      unitCostLcy: 1.5,
    })
    expect(tpl.status).toBe(201)
    expect(tpl.body).toMatchObject({ correspondenceTypeDefault: 'Email', unitCostLcy: 1.5, languageCodeDefault: 'ENU' })
    const langs = await t.viewer.get('/api/interaction-templates/ABSTRACT/languages')
    expect(langs.body.items).toEqual([{ languageCode: 'ENU', description: '', subject: '', body: '' }])
    const neg = await t.marketer.patch('/api/interaction-templates/ABSTRACT', { unitCostLcy: -1 })
    expect(neg.status).toBe(400)
    const noGroup = await t.marketer.post('/api/interaction-templates', { code: 'X', interactionGroupCode: 'NOPE' })
    expect(noGroup.body.detail).toBe(
      "The Interaction Group does not exist. Identification fields and values: Code='NOPE'",
    )
  })

  it('refuses to delete a number series the setup uses', async () => {
    const r = await t.admin.del('/api/number-series/CAMP')
    expect([r.status, r.body.detail]).toEqual([
      422,
      'You cannot delete No. Series CAMP because it is the Campaign Nos. of the Marketing Setup.',
    ])
  })
})
