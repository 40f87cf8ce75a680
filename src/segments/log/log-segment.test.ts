import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../test-support/app.js'
import { dialects } from '../../test-support/databases.js'
import { line, makeSegment, seedLogWorld, snapshot, today } from './log-fixtures.js'

describe.each(dialects)('Log a segment on %s', (dialect) => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp(dialect)
    await seedLogWorld(t.db.kysely)
  })
  afterAll(() => t.close())

  const db = () => t.db.kysely
  const entries = (ls: number) =>
    db()
      .selectFrom('interaction_log_entries')
      .selectAll()
      .where('logged_segment_entry_no', '=', ls)
      .orderBy('entry_no')
      .execute()

  it('logs one interaction per line with a contact, copying the line, and deletes the segment', async () => {
    // Given a segment with a criteria action and history, a line without contact and three contact lines
    await makeSegment(db(), 'LOG1', [
      line(10000, 'K1'),
      { ...line(20000, ''), contact_company_no: '' },
      line(30000, 'P1', {
        evaluation: 'Positive',
        time_of_interaction: '10:30:00',
        cost_lcy: 2.5,
        duration_min: 15,
        subject: 'Hello',
        language_code: 'ENU',
        attempt_failed: 1,
        description: 'Own description',
        salesperson_code: 'KL',
        information_flow: 'Inbound',
        initiated_by: 'Them',
      }),
      line(40000, 'P3'),
    ])
    await db()
      .insertInto('segment_criteria_actions')
      .values({ segment_no: 'LOG1', action_no: 1, action: 'Add Contacts' })
      .execute()
    await db()
      .insertInto('segment_history')
      .values({ segment_no: 'LOG1', action_no: 1, line_no: 10000, action_taken: 'Insertion', contact_no: 'K1' })
      .execute()

    // When it is logged
    const r = await t.marketer.post('/api/segments/log1/log', {})

    // Then
    expect(r.status).toBe(200)
    expect(r.body).toEqual({ loggedSegmentEntryNo: r.body.loggedSegmentEntryNo, interactionsLogged: 3 })
    const ls = r.body.loggedSegmentEntryNo
    const rows = await entries(ls)
    const common = {
      segment_no: 'LOG1',
      logged_segment_entry_no: ls,
      username: 'marketer',
      interaction_template_code: 'MAIL',
      interaction_group_code: 'MAILING',
      date: '2026-03-02',
      campaign_no: '',
      campaign_entry_no: 0,
      campaign_target: 0,
      campaign_response: 0,
      delivery_status: '',
      delivery_error: '',
      delivery_interrupted: 0,
      canceled: 0,
      postponed: 0,
      comment: '',
    }
    expect(rows.map((e) => ({ ...e, entry_no: undefined }))).toEqual([
      {
        ...common,
        entry_no: undefined,
        contact_no: 'K1',
        contact_company_no: 'K1',
        salesperson_code: 'JR',
        correspondence_type: 'Email',
        description: 'Spring mailing',
        subject: '',
        language_code: '',
        time_of_interaction: '',
        cost_lcy: 0,
        duration_min: 0,
        information_flow: 'Outbound',
        initiated_by: 'Us',
        evaluation: '',
        attempt_failed: 0,
      },
      {
        ...common,
        entry_no: undefined,
        contact_no: 'P1',
        contact_company_no: 'K1',
        salesperson_code: 'KL',
        correspondence_type: 'Email',
        description: 'Own description',
        subject: 'Hello',
        language_code: 'ENU',
        time_of_interaction: '10:30:00',
        cost_lcy: 2.5,
        duration_min: 15,
        information_flow: 'Inbound',
        initiated_by: 'Them',
        evaluation: 'Positive',
        attempt_failed: 1,
      },
      {
        ...common,
        entry_no: undefined,
        contact_no: 'P3',
        contact_company_no: 'K2',
        salesperson_code: 'JR',
        // BC: an Email line of a contact without e-mail is logged without a correspondence type (no delivery).
        correspondence_type: '',
        description: 'Spring mailing',
        subject: '',
        language_code: '',
        time_of_interaction: '',
        cost_lcy: 0,
        duration_min: 0,
        information_flow: 'Outbound',
        initiated_by: 'Us',
        evaluation: '',
        attempt_failed: 0,
      },
    ])
    // Entries are numbered in line order.
    expect(rows.map((e) => e.entry_no)).toEqual([...rows.map((e) => e.entry_no)].sort((a, b) => a - b))

    expect((await t.viewer.get('/api/segments/LOG1')).status).toBe(404)
    const after = await snapshot(db())
    expect(after.lines.filter((l) => l.segment_no === 'LOG1')).toEqual([])
    expect(after.criteria.filter((l) => l.segment_no === 'LOG1')).toEqual([])
    expect(after.history.filter((l) => l.segment_no === 'LOG1')).toEqual([])

    const logged = await t.viewer.get(`/api/logged-segments/${ls}`)
    expect(logged.body).toEqual({
      entryNo: ls,
      segmentNo: 'LOG1',
      description: 'Spring mailing',
      creationDate: today(),
      username: 'marketer',
      canceled: false,
      sendAttachments: false,
      noOfInteractions: 3,
      noOfCampaignEntries: 0,
    })
  })

  it('writes one campaign entry per campaign from its first line by date and line no., and links the entries', async () => {
    await makeSegment(
      db(),
      'CAMP',
      [
        line(10000, 'K1', { campaign_no: 'CP2', date: '2026-03-05' }),
        line(20000, 'P1', { campaign_no: 'CP1', date: '2026-03-04', salesperson_code: 'KL' }),
        line(30000, 'P2', { campaign_no: 'CP1', date: '2026-03-03' }),
        line(40000, 'P4'),
      ],
      { description: 'Fair invitations', campaign_no: 'CP1' },
    )
    const r = await t.marketer.post('/api/segments/CAMP/log', {})
    expect(r.status).toBe(200)
    const ls = r.body.loggedSegmentEntryNo
    const ces = await db()
      .selectFrom('campaign_entries')
      .selectAll()
      .where('register_no', '=', ls)
      .orderBy('entry_no')
      .execute()
    const [cp1, cp2] = ces.map((c) => c.entry_no)
    expect(cp2).toBeGreaterThan(cp1)
    expect(r.body).toEqual({
      loggedSegmentEntryNo: ls,
      interactionsLogged: 4,
      campaignEntryNo: cp1,
      campaignEntryNos: [cp1, cp2],
    })
    expect(ces.map((c) => ({ ...c, entry_no: undefined }))).toEqual([
      {
        entry_no: undefined,
        campaign_no: 'CP1',
        description: 'Fair invitations',
        date: '2026-03-03',
        username: 'marketer',
        segment_no: 'CAMP',
        canceled: 0,
        salesperson_code: 'JR',
        register_no: ls,
      },
      {
        entry_no: undefined,
        campaign_no: 'CP2',
        description: 'Fair invitations',
        date: '2026-03-05',
        username: 'marketer',
        segment_no: 'CAMP',
        canceled: 0,
        salesperson_code: 'JR',
        register_no: ls,
      },
    ])
    expect((await entries(ls)).map((e) => [e.contact_no, e.campaign_no, e.campaign_entry_no])).toEqual([
      ['K1', 'CP2', cp2],
      ['P1', 'CP1', cp1],
      ['P2', 'CP1', cp1],
      ['P4', '', 0],
    ])
    expect((await t.viewer.get(`/api/logged-segments/${ls}`)).body.noOfCampaignEntries).toBe(2)
  })

  describe('refuses with BC texts and changes nothing', () => {
    beforeEach(async () => {
      await db().deleteFrom('segment_headers').where('no', 'in', ['BAD', 'DUP', 'NODESC', 'EMPTY', 'NOLINES']).execute()
    })

    const expectRefused = async (no: string, body: object, detail: string) => {
      const before = await snapshot(db())
      const r = await t.marketer.post(`/api/segments/${no}/log`, body)
      expect(r.status).toBe(422)
      expect(r.body).toMatchObject({ code: 'RULE_VIOLATION', detail })
      expect(await snapshot(db())).toEqual(before)
    }

    it('a segment number that was logged before', async () => {
      await db().insertInto('logged_segments').values({ segment_no: 'DUP', description: 'Old' }).execute()
      await makeSegment(db(), 'DUP', [line(10000, 'P1')])
      await expectRefused('DUP', {}, 'Logged Segment for Segment No. DUP already exists.')
    })

    it('a segment without description', async () => {
      await makeSegment(db(), 'NODESC', [line(10000, 'P1')], { description: '' })
      await expectRefused(
        'NODESC',
        {},
        'Description must have a value in Segment Header: No.=NODESC. It cannot be zero or empty.',
      )
    })

    it('a segment without lines, or with lines without contact', async () => {
      await makeSegment(db(), 'NOLINES', [])
      await expectRefused('NOLINES', {}, 'Segment NOLINES is empty.')
      await makeSegment(db(), 'EMPTY', [{ ...line(10000, ''), contact_company_no: '' }])
      await expectRefused('EMPTY', {}, 'Segment EMPTY is empty.')
    })

    it('a missing segment with 404', async () => {
      const r = await t.marketer.post('/api/segments/NOSUCH/log', {})
      expect(r.status).toBe(404)
      expect(r.body.detail).toBe("The Segment Header does not exist. Identification fields and values: No.='NOSUCH'")
    })

    const lineRules: [string, Record<string, unknown>, string][] = [
      [
        'no date',
        { date: null },
        'Date must have a value in Segment Line: Segment No.=BAD, Line No.=20000. It cannot be zero or empty.',
      ],
      [
        'an unknown contact',
        { contact_no: 'ZZ' },
        "The Contact does not exist. Identification fields and values: No.='ZZ'",
      ],
      [
        'no salesperson',
        { salesperson_code: '' },
        'Salesperson Code must have a value in Segment Line: Segment No.=BAD, Line No.=20000. It cannot be zero or empty.',
      ],
      [
        'an unknown salesperson',
        { salesperson_code: 'NOPE' },
        "The Salesperson/Purchaser does not exist. Identification fields and values: Code='NOPE'",
      ],
      [
        'no template',
        { interaction_template_code: '' },
        'Interaction Template Code must have a value in Segment Line: Segment No.=BAD, Line No.=20000. It cannot be zero or empty.',
      ],
      [
        'an unknown template',
        { interaction_template_code: 'NOPE' },
        "The Interaction Template does not exist. Identification fields and values: Code='NOPE'",
      ],
      [
        'an unknown campaign',
        { campaign_no: 'NOPE' },
        "The Campaign does not exist. Identification fields and values: No.='NOPE'",
      ],
    ]
    it.each(lineRules)('the first line (in line order) with %s', async (_name, bad, detail) => {
      // Line 30000 breaks a rule too, and is inserted first: the error names line 20000 all the same.
      await makeSegment(db(), 'BAD', [
        line(30000, 'P2', { date: null, interaction_template_code: 'NOPE' }),
        line(10000, 'P1'),
        line(20000, 'K1', bad),
        line(40000, 'P4'),
      ])
      await expectRefused('BAD', {}, detail)
    })

    it('a line whose contact is gone when no other line breaks a rule (found by the insert, rolled back)', async () => {
      // Given lines that pass every rule but one whose contact does not exist, on a campaign (campaign entries
      // are written before the interaction entries)
      await makeSegment(db(), 'BAD', [
        line(10000, 'P1', { campaign_no: 'CP1' }),
        line(20000, 'K1'),
        line(30000, 'ZZ', { campaign_no: 'CP1' }),
        line(40000, 'P4'),
      ])
      // When it is logged, Then BC's error names that contact and nothing is written
      await expectRefused('BAD', {}, "The Contact does not exist. Identification fields and values: No.='ZZ'")
    })

    it("a line's first broken rule in BC's order (Date before Template)", async () => {
      await makeSegment(db(), 'BAD', [
        line(10000, 'P1'),
        line(20000, 'K1', { date: null, interaction_template_code: 'NOPE' }),
      ])
      await expectRefused(
        'BAD',
        {},
        'Date must have a value in Segment Line: Segment No.=BAD, Line No.=20000. It cannot be zero or empty.',
      )
    })

    it('an Email line of a contact without e-mail when sending', async () => {
      await db().updateTable('marketing_setup').set({ smtp_host: '127.0.0.1', smtp_port: 2525 }).execute()
      try {
        await makeSegment(db(), 'BAD', [line(10000, 'P1'), line(20000, 'P3'), line(30000, 'K2')])
        await expectRefused(
          'BAD',
          { sendAttachments: true },
          'Make sure that the Email field is specified for either contact no. P3 or the contact alternative address.',
        )
      } finally {
        await db().updateTable('marketing_setup').set({ smtp_host: '', smtp_port: 0 }).execute()
      }
    })

    it('a delivered line whose template has no text in any language', async () => {
      await makeSegment(db(), 'BAD', [
        line(10000, 'P1', { correspondence_type: 'Hard Copy', interaction_template_code: 'BARE' }),
      ])
      await expectRefused(
        'BAD',
        { sendAttachments: true },
        'The interaction template has no attachment for the selected language code.',
      )
    })

    it('e-mails to send without an SMTP server', async () => {
      await makeSegment(db(), 'BAD', [line(10000, 'P1')])
      await expectRefused(
        'BAD',
        { sendAttachments: true },
        'No SMTP server is set up for sending e-mails. Fill in the SMTP fields of the marketing setup, or set SEGMENTA_SMTP_URL.',
      )
    })

    it('a follow-up without a Segment Nos. series, after writing everything else', async () => {
      await db().updateTable('marketing_setup').set({ segment_nos: '' }).execute()
      try {
        await makeSegment(db(), 'BAD', [line(10000, 'P1', { campaign_no: 'CP1' })])
        await expectRefused(
          'BAD',
          { createFollowUpSegment: true },
          'Segment Nos. must have a value in Marketing Setup: Primary Key=. It cannot be zero or empty.',
        )
      } finally {
        await db().updateTable('marketing_setup').set({ segment_nos: 'SEG' }).execute()
      }
    })
  })

  it('creates a follow-up segment with the same contacts, their campaigns and a Go Back-able action', async () => {
    await makeSegment(
      db(),
      'FU',
      [
        line(10000, 'P2', { campaign_no: 'CP1' }),
        line(20000, 'K1', { campaign_no: 'CP2' }),
        line(30000, 'P2'),
        line(40000, 'P4', { campaign_no: 'CP1' }),
      ],
      { campaign_no: 'CP1', description: 'First contact' },
    )
    const r = await t.marketer.post('/api/segments/FU/log', { createFollowUpSegment: true })
    expect(r.status).toBe(200)
    const fu = r.body.followUpSegmentNo
    expect(fu).toMatch(/^SM\d{5}$/)
    const h = await db().selectFrom('segment_headers').selectAll().where('no', '=', fu).executeTakeFirstOrThrow()
    expect({ description: h.description, campaign: h.campaign_no, date: h.date, series: h.no_series }).toEqual({
      description: 'Follow-up on segment FU',
      campaign: 'CP1',
      date: today(),
      series: 'SEG',
    })
    const lines = await db()
      .selectFrom('segment_lines')
      .selectAll()
      .where('segment_no', '=', fu)
      .orderBy('line_no')
      .execute()
    expect(lines.map((l) => [l.line_no, l.contact_no, l.campaign_no])).toEqual([
      [10000, 'P2', 'CP1'],
      [20000, 'K1', 'CP2'],
      [30000, 'P2', ''],
      [40000, 'P4', 'CP1'],
    ])
    const criteria = await t.viewer.get(`/api/segments/${fu}/criteria`)
    expect(criteria.body.items).toMatchObject([
      {
        actionNo: 1,
        action: 'Add Contacts',
        allowExistingContacts: true,
        expandCompanies: false,
        allowRelatedCompanies: false,
        ignoreExclusion: false,
        entireCompanies: false,
        filters: { interactionLogEntry: { loggedSegmentEntryNo: String(r.body.loggedSegmentEntryNo) } },
      },
    ])
    const history = await t.viewer.get(`/api/segments/${fu}/history`)
    expect(
      history.body.items.map((x: { lineNo: number; contactNo: string; actionTaken: string }) => [
        x.lineNo,
        x.contactNo,
        x.actionTaken,
      ]),
    ).toEqual([
      [10000, 'P2', 'Insertion'],
      [20000, 'K1', 'Insertion'],
      [30000, 'P2', 'Insertion'],
      [40000, 'P4', 'Insertion'],
    ])
    const back = await t.marketer.post(`/api/segments/${fu}/go-back`, {})
    expect(back.status).toBe(200)
    expect(back.body).toMatchObject({ actionNo: 1, linesRemoved: 4, noOfCriteriaActions: 0 })
    expect(await db().selectFrom('segment_lines').select('line_no').where('segment_no', '=', fu).execute()).toEqual([])
  })
})
