import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inTransaction } from '../../db/transaction.js'
import { createTestDb, dialects, type TestDb } from '../../test-support/databases.js'
import { addContacts } from './add-contacts.js'
import { createSegment, createWorld } from './test-fixtures.js'

const actor = { username: 'tester' }

describe.each(dialects)('Line values from header and contact on %s', (dialect) => {
  let db: TestDb
  let seq = 0
  beforeAll(async () => {
    db = await createTestDb(dialect)
    await createWorld(db.kysely)
    await db.kysely.insertInto('campaigns').values({ no: 'CP1', description: 'Spring' }).execute()
    // MEETING speaks ENU and DEU; MAIL ignores the contact's correspondence type.
    for (const language_code of ['ENU', 'DEU'])
      await db.kysely
        .insertInto('interaction_template_languages')
        .values({ template_code: 'MEETING', language_code })
        .execute()
    await db.kysely
      .insertInto('interaction_templates')
      .values({
        code: 'MAIL',
        interaction_group_code: 'MEET',
        correspondence_type_default: 'Hard Copy',
        ignore_contact_corres_type: 1,
      })
      .execute()
  })
  afterAll(() => db.drop())

  const linesFor = async (header: Record<string, unknown>) => {
    const seg = `LV${++seq}`
    await createSegment(db.kysely, seg, header)
    await inTransaction(db.kysely, (trx) =>
      addContacts(trx, dialect, seg, { contact: { no: 'K1|P1|P3|P4' } }, {}, actor),
    )
    return db.kysely.selectFrom('segment_lines').selectAll().where('segment_no', '=', seg).orderBy('line_no').execute()
  }

  it('Given a header with defaults, then every line copies them and takes the contact company no. (InitLine)', async () => {
    const lines = await linesFor({
      description: 'Spring meeting',
      subject_default: 'Hello',
      interaction_template_code: 'MEETING',
      interaction_group_code: 'MEET',
      unit_cost_lcy: 12.5,
      unit_duration_min: 30,
      information_flow: 'Outbound',
      initiated_by: 'Us',
      campaign_no: 'CP1',
      campaign_target: 1,
      campaign_response: 0,
      date: '2026-04-02',
      language_code_default: 'ENU',
    })
    expect(lines.map((l) => [l.contact_no, l.contact_company_no])).toEqual([
      ['P4', ''],
      ['K1', 'K1'],
      ['P1', 'K1'],
      ['P3', 'K2'],
    ])
    for (const l of lines)
      expect({
        description: l.description,
        subject: l.subject,
        template: l.interaction_template_code,
        group: l.interaction_group_code,
        cost: Number(l.cost_lcy),
        duration: Number(l.duration_min),
        flow: l.information_flow,
        by: l.initiated_by,
        campaign: [l.campaign_no, l.campaign_target, l.campaign_response],
        date: l.date,
        evaluation: l.evaluation,
        time: l.time_of_interaction,
        failed: l.attempt_failed,
      }).toEqual({
        description: 'Spring meeting',
        subject: 'Hello',
        template: 'MEETING',
        group: 'MEET',
        cost: 12.5,
        duration: 30,
        flow: 'Outbound',
        by: 'Us',
        campaign: ['CP1', 1, 0],
        date: '2026-04-02',
        evaluation: '',
        time: '',
        failed: 0,
      })
    // Language: P1 speaks DEU, which MEETING has; the others fall back to the header default ENU.
    expect(lines.map((l) => l.language_code)).toEqual(['ENU', 'ENU', 'DEU', 'ENU'])
  })

  it('Given a header salesperson, then every line has it; without one, each line has its contact’s', async () => {
    expect((await linesFor({ salesperson_code: 'SP2' })).map((l) => l.salesperson_code)).toEqual([
      'SP2',
      'SP2',
      'SP2',
      'SP2',
    ])
    expect((await linesFor({})).map((l) => l.salesperson_code)).toEqual(['', 'JR', '', ''])
  })

  it('Given the correspondence type rules, then header (ignoring the contact) beats template beats contact', async () => {
    // Contacts: P4 '', K1 '', P1 Email, P3 Hard Copy.
    const corr = async (h: Record<string, unknown>) => (await linesFor(h)).map((l) => l.correspondence_type)
    expect(
      await corr({
        ignore_contact_corres_type: 1,
        correspondence_type_default: 'Hard Copy',
        interaction_template_code: 'MEETING',
      }),
    ).toEqual(['Hard Copy', 'Hard Copy', 'Hard Copy', 'Hard Copy'])
    // Header ignores the contact but has no default: the template rule applies (MEETING default Email).
    expect(await corr({ ignore_contact_corres_type: 1, interaction_template_code: 'MEETING' })).toEqual([
      'Email',
      'Email',
      'Email',
      'Hard Copy',
    ])
    expect(await corr({ interaction_template_code: 'MAIL' })).toEqual([
      'Hard Copy',
      'Hard Copy',
      'Hard Copy',
      'Hard Copy',
    ])
    expect(await corr({})).toEqual(['', '', 'Email', 'Hard Copy'])
  })
})
