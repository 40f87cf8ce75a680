import type { Selectable } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SegmentLineTable } from '../../db/schema.js'
import { createTestApp, type TestApp } from '../../test-support/app.js'
import { dialects } from '../../test-support/databases.js'
import { seedLogWorld } from '../log/log-fixtures.js'

/**
 * Issue: after a header change that the lines follow ("update the segment lines?" answered Yes), each line
 * must hold exactly what a line added after the change would hold. The tests add every contact again after
 * the change (a segment may hold a contact twice) and compare the old line with the new one, field by field.
 *
 * Contacts (log fixtures, with correspondence types set here): K1 company (e-mail), P1 person (ENU, e-mail),
 * P2 person (DEU, no type of its own), K2 company (letters), P3 person (no type of its own), P4 person (FRA,
 * added after the change).
 */
const CONTACTS = ['K1', 'P1', 'P2', 'K2', 'P3']

type Line = Selectable<SegmentLineTable>

/** The values of a line that a new line must share: all but its key and the bookkeeping of a hand-set language. */
function values(l: Line) {
  const { segment_no: _s, line_no: _n, language_by_hand: _b, ...rest } = l
  return { ...rest, cost_lcy: Number(rest.cost_lcy), duration_min: Number(rest.duration_min) }
}

describe.each(dialects)('header changes give the lines what a new line gets, on %s', (dialect) => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp(dialect)
    const db = t.db.kysely
    await seedLogWorld(db)
    for (const [no, type] of [
      ['K1', 'Email'],
      ['P1', 'Email'],
      ['K2', 'Hard Copy'],
    ])
      await db.updateTable('contacts').set({ correspondence_type: type }).where('no', '=', no).execute()
    // K1 has a salesperson of its own: a line without the header's takes it.
    await db.updateTable('contacts').set({ salesperson_code: 'KL' }).where('no', '=', 'K1').execute()
    // VISIT: every interaction default differs from MAIL's; letters by default, the contact's type wins.
    await db
      .insertInto('interaction_templates')
      .values({
        code: 'VISIT',
        interaction_group_code: 'LETTERS',
        description: 'Visit template',
        unit_cost_lcy: 12.5,
        unit_duration_min: 30,
        information_flow: 'Inbound',
        initiated_by: 'Them',
        campaign_no: 'CP2',
        campaign_target: 1,
        campaign_response: 0,
        correspondence_type_default: 'Hard Copy',
        ignore_contact_corres_type: 0,
        language_code_default: 'DEU',
      })
      .execute()
    for (const [language_code, subject, body] of [
      ['DEU', 'Besuch', 'Guten Tag {{contact.name}}'],
      ['ENU', 'Visit', 'Hello {{contact.name}}'],
    ])
      await db
        .insertInto('interaction_template_languages')
        .values({ template_code: 'VISIT', language_code, subject, body })
        .execute()
  })
  afterAll(() => t.close())

  const linesOf = (no: string) =>
    t.db.kysely.selectFrom('segment_lines').selectAll().where('segment_no', '=', no).orderBy('line_no').execute()

  /** A segment made through the API with a template and a line per contact; returns its No. */
  async function segmentWithLines(template: string): Promise<string> {
    const r = await t.marketer.post('/api/segments', {
      description: 'Spring visits',
      interactionTemplateCode: template,
    })
    expect(r.status).toBe(201)
    for (const contactNo of CONTACTS)
      expect((await t.marketer.post(`/api/segments/${r.body.no}/lines`, { contactNo })).status).toBe(201)
    return r.body.no
  }

  /** Adds each contact again and returns [old line, new line] pairs per contact, in CONTACTS order. */
  async function oldAndNew(no: string): Promise<[Line, Line][]> {
    const old = await linesOf(no)
    for (const contactNo of CONTACTS)
      expect((await t.marketer.post(`/api/segments/${no}/lines`, { contactNo })).status).toBe(201)
    const added = (await linesOf(no)).slice(old.length)
    return old.map((l, i) => [l, added[i]])
  }

  it('Given lines of every kind and one with its own language, when the template changes and the lines follow, then each old line equals a line added after it, and logging writes those values', async () => {
    // Given a MAIL segment with a line per contact, P2's language set to FRA by hand
    const no = await segmentWithLines('MAIL')
    const p2 = (await linesOf(no))[2]
    expect(p2.contact_no).toBe('P2')
    expect((await t.marketer.patch(`/api/segments/${no}/lines/${p2.line_no}`, { languageCode: 'FRA' })).status).toBe(
      200,
    )

    // When the header's template becomes VISIT and the user answers Yes (the default)
    const r = await t.marketer.patch(`/api/segments/${no}`, { interactionTemplateCode: 'VISIT' })
    expect(r.status).toBe(200)

    // Then every line holds what a line added now holds, P2's own language apart
    const pairs = await oldAndNew(no)
    for (const [old, added] of pairs)
      expect(values(old)).toEqual({
        ...values(added),
        language_code: old.contact_no === 'P2' ? 'FRA' : added.language_code,
      })
    // And those values are VISIT's: group, flow, initiated by, cost, duration, campaign and its flags; the
    // correspondence type by the contact's own (K1, P1 e-mail; K2 letters) else VISIT's (P2, P3 letters);
    // the language the contact's where VISIT has it (P1 ENU), else the header's default DEU, P2 keeping FRA
    expect(
      pairs.map(([l]) => [
        l.contact_no,
        l.interaction_template_code,
        l.interaction_group_code,
        l.information_flow,
        l.initiated_by,
        Number(l.cost_lcy),
        Number(l.duration_min),
        l.campaign_no,
        l.campaign_target,
        l.campaign_response,
        l.correspondence_type,
        l.language_code,
        l.subject,
        l.salesperson_code,
      ]),
    ).toEqual([
      ['K1', 'VISIT', 'LETTERS', 'Inbound', 'Them', 12.5, 30, 'CP2', 1, 0, 'Email', 'DEU', '', 'KL'],
      ['P1', 'VISIT', 'LETTERS', 'Inbound', 'Them', 12.5, 30, 'CP2', 1, 0, 'Email', 'ENU', '', ''],
      ['P2', 'VISIT', 'LETTERS', 'Inbound', 'Them', 12.5, 30, 'CP2', 1, 0, 'Hard Copy', 'FRA', '', ''],
      ['K2', 'VISIT', 'LETTERS', 'Inbound', 'Them', 12.5, 30, 'CP2', 1, 0, 'Hard Copy', 'DEU', '', ''],
      ['P3', 'VISIT', 'LETTERS', 'Inbound', 'Them', 12.5, 30, 'CP2', 1, 0, 'Hard Copy', 'DEU', '', ''],
    ])
    // And the header's totals follow the lines (10 lines of 12.5 and 30 after the additions)
    const h = (await t.viewer.get(`/api/segments/${no}`)).body
    expect([h.noOfLines, h.costLcy, h.durationMin]).toEqual([10, 125, 300])

    // When the segment gets a salesperson (logging needs one on every line), a further contact, and is logged
    expect((await t.marketer.patch(`/api/segments/${no}`, { salespersonCode: 'JR' })).status).toBe(200)
    expect((await t.marketer.post(`/api/segments/${no}/lines`, { contactNo: 'P4' })).status).toBe(201)
    const log = await t.marketer.post(`/api/segments/${no}/log`, {})
    expect([log.status, log.body.detail]).toEqual([200, undefined])
    expect(log.body.interactionsLogged).toBe(11)
    // Then the interaction log entries carry the re-validated values
    const entries = await t.db.kysely
      .selectFrom('interaction_log_entries')
      .selectAll()
      .where('logged_segment_entry_no', '=', log.body.loggedSegmentEntryNo)
      .orderBy('entry_no')
      .execute()
    expect(
      entries
        .slice(0, 5)
        .map((e) => [
          e.contact_no,
          e.interaction_template_code,
          e.interaction_group_code,
          e.information_flow,
          e.initiated_by,
          Number(e.cost_lcy),
          Number(e.duration_min),
          e.campaign_no,
          e.campaign_target,
          e.correspondence_type,
          e.language_code,
        ]),
    ).toEqual([
      ['K1', 'VISIT', 'LETTERS', 'Inbound', 'Them', 12.5, 30, 'CP2', 1, 'Email', 'DEU'],
      ['P1', 'VISIT', 'LETTERS', 'Inbound', 'Them', 12.5, 30, 'CP2', 1, 'Email', 'ENU'],
      ['P2', 'VISIT', 'LETTERS', 'Inbound', 'Them', 12.5, 30, 'CP2', 1, 'Hard Copy', 'FRA'],
      ['K2', 'VISIT', 'LETTERS', 'Inbound', 'Them', 12.5, 30, 'CP2', 1, 'Hard Copy', 'DEU'],
      ['P3', 'VISIT', 'LETTERS', 'Inbound', 'Them', 12.5, 30, 'CP2', 1, 'Hard Copy', 'DEU'],
    ])
    expect(entries.map((e) => Number(e.cost_lcy)).reduce((a, b) => a + b, 0)).toBe(137.5)
  })

  it('Given a line whose language was set by hand and then cleared, when the template changes, then it follows the header like the others', async () => {
    const no = await segmentWithLines('MAIL')
    const p2 = (await linesOf(no))[2]
    await t.marketer.patch(`/api/segments/${no}/lines/${p2.line_no}`, { languageCode: 'FRA' })
    await t.marketer.patch(`/api/segments/${no}/lines/${p2.line_no}`, { languageCode: '' })
    await t.marketer.patch(`/api/segments/${no}`, { interactionTemplateCode: 'VISIT' })
    // P2 speaks DEU, which VISIT has.
    expect((await linesOf(no)).map((l) => [l.contact_no, l.language_code])).toEqual([
      ['K1', 'DEU'],
      ['P1', 'ENU'],
      ['P2', 'DEU'],
      ['K2', 'DEU'],
      ['P3', 'DEU'],
    ])
  })

  it('Given the user answers No, when the template changes, then the lines keep every value', async () => {
    const no = await segmentWithLines('MAIL')
    const before = await linesOf(no)
    const r = await t.marketer.patch(`/api/segments/${no}?updateLines=false`, { interactionTemplateCode: 'VISIT' })
    expect([r.body.interactionTemplateCode, r.body.costLcy]).toEqual(['VISIT', 0])
    expect(await linesOf(no)).toEqual(before)
  })

  // Each header field the lines follow, with a value that changes what a new line gets.
  const fields: [string, unknown][] = [
    ['description', 'Autumn visits'],
    ['campaignNo', 'CP1'],
    ['salespersonCode', 'JR'],
    ['salespersonCode', ''],
    ['unitCostLcy', 7.25],
    ['unitDurationMin', 45],
    ['date', '2026-06-01'],
    ['campaignTarget', false],
    ['informationFlow', 'Outbound'],
    ['initiatedBy', 'Us'],
    ['campaignResponse', true],
    // VISIT has a German body, the header's language: the type propagates (Q3)
    ['correspondenceTypeDefault', 'Email'],
    ['subjectDefault', 'Unser Besuch'],
  ]

  it.each(fields)(
    'Given a VISIT segment, when %s changes to %o and the lines follow, then each line equals a line added after it',
    async (field, value) => {
      const no = await segmentWithLines('VISIT')
      const r = await t.marketer.patch(`/api/segments/${no}`, { [field]: value })
      expect(r.status).toBe(200)
      for (const [old, added] of await oldAndNew(no)) expect(values(old)).toEqual(values(added))
      const h = (await t.viewer.get(`/api/segments/${no}`)).body
      const lines = await linesOf(no)
      expect([h.noOfLines, h.costLcy, h.durationMin]).toEqual([
        lines.length,
        lines.reduce((a, l) => a + Number(l.cost_lcy), 0),
        lines.reduce((a, l) => a + Number(l.duration_min), 0),
      ])
    },
  )

  it('Given a VISIT segment, when the header ignores the contacts’ types with a default, then every line takes the default like a new line', async () => {
    const no = await segmentWithLines('VISIT')
    await t.marketer.patch(`/api/segments/${no}`, { ignoreContactCorresType: true, correspondenceTypeDefault: 'Email' })
    const pairs = await oldAndNew(no)
    for (const [old, added] of pairs) expect(values(old)).toEqual(values(added))
    expect(pairs.map(([l]) => l.correspondence_type)).toEqual(['Email', 'Email', 'Email', 'Email', 'Email'])
  })
})
