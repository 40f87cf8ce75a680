import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../test-support/app.js'
import { dialects } from '../../test-support/databases.js'
import { line, makeSegment, seedLogWorld, snapshot } from './log-fixtures.js'

describe.each(dialects)('Reuse Segment and Apply Mailing Group on %s', (dialect) => {
  let t: TestApp
  let ls: number
  beforeAll(async () => {
    t = await createTestApp(dialect)
    await seedLogWorld(t.db.kysely)
    // A logged segment of P2, K1, P2 again (duplicates are logged twice) and P4, with campaigns per line.
    await makeSegment(t.db.kysely, 'SRC', [
      line(10000, 'P2', { campaign_no: 'CP2' }),
      line(20000, 'K1'),
      line(30000, 'P2', { campaign_no: 'CP1' }),
      line(40000, 'P4'),
    ])
    ls = (await t.marketer.post('/api/segments/SRC/log', {})).body.loggedSegmentEntryNo
  })
  afterAll(() => t.close())

  const db = () => t.db.kysely
  const lines = (no: string) =>
    db().selectFrom('segment_lines').selectAll().where('segment_no', '=', no).orderBy('line_no').execute()

  describe('Reuse Segment', () => {
    it('adds one line per logged interaction, in entry order, with header defaults and the entry campaign', async () => {
      // Given a segment with a line of P4 already, a header campaign and salesperson KL
      await makeSegment(db(), 'R1', [line(10000, 'P4', { salesperson_code: 'KL', campaign_no: 'CP1' })], {
        salesperson_code: 'KL',
        campaign_no: 'CP1',
        description: 'Second wave',
      })
      const r = await t.marketer.post('/api/segments/R1/reuse-logged-segment', { loggedSegmentEntryNo: ls })
      expect(r.status).toBe(200)
      expect(r.body).toEqual({ actionNo: 1, linesInserted: 4, noOfLines: 5 })
      expect(
        (await lines('R1')).map((l) => [l.line_no, l.contact_no, l.campaign_no, l.salesperson_code, l.description]),
      ).toEqual([
        [10000, 'P4', 'CP1', 'KL', 'Spring mailing'],
        [20000, 'P2', 'CP2', 'KL', 'Second wave'],
        [30000, 'K1', '', 'KL', 'Second wave'],
        [40000, 'P2', 'CP1', 'KL', 'Second wave'],
        [50000, 'P4', '', 'KL', 'Second wave'],
      ])
      const criteria = await t.viewer.get('/api/segments/R1/criteria')
      expect(criteria.body.items).toMatchObject([
        {
          actionNo: 1,
          action: 'Add Contacts',
          allowExistingContacts: true,
          filters: { interactionLogEntry: { loggedSegmentEntryNo: String(ls) } },
        },
      ])
    })

    it("asks BC's question when the segment has criteria actions, then reuses with confirm", async () => {
      await makeSegment(db(), 'R2', [])
      await t.marketer.post('/api/segments/R2/reuse-logged-segment', { loggedSegmentEntryNo: ls })
      const before = await snapshot(db())
      const q = await t.marketer.post('/api/segments/R2/reuse-logged-segment', { loggedSegmentEntryNo: ls })
      expect(q.status).toBe(409)
      expect(q.body).toMatchObject({
        code: 'CONFIRMATION_REQUIRED',
        question:
          'Segment R2 already contains 1 No. of Criteria Actions.\\Are you sure you want to reuse a Logged Segment?',
        detail:
          'Segment R2 already contains 1 No. of Criteria Actions. Are you sure you want to reuse a Logged Segment?',
      })
      expect(await snapshot(db())).toEqual(before)
      const r = await t.marketer.post('/api/segments/R2/reuse-logged-segment', {
        loggedSegmentEntryNo: ls,
        confirm: true,
      })
      expect(r.body).toEqual({ actionNo: 2, linesInserted: 4, noOfLines: 8 })

      // Go Back removes exactly the lines of the second reuse.
      const back = await t.marketer.post('/api/segments/R2/go-back', {})
      expect(back.body).toMatchObject({ actionNo: 2, linesRemoved: 4, noOfCriteriaActions: 1 })
      expect((await lines('R2')).map((l) => [l.line_no, l.contact_no])).toEqual([
        [10000, 'P2'],
        [20000, 'K1'],
        [30000, 'P2'],
        [40000, 'P4'],
      ])
    })

    it('reuses a canceled logged segment too, and refuses an unknown one', async () => {
      await t.marketer.post(`/api/logged-segments/${ls}/cancel`, {})
      await makeSegment(db(), 'R3', [])
      const r = await t.marketer.post('/api/segments/R3/reuse-logged-segment', { loggedSegmentEntryNo: ls })
      expect(r.body).toEqual({ actionNo: 1, linesInserted: 4, noOfLines: 4 })
      await t.marketer.post(`/api/logged-segments/${ls}/restore`, {})

      const unknown = await t.marketer.post('/api/segments/R3/reuse-logged-segment', {
        loggedSegmentEntryNo: 999,
        confirm: true,
      })
      expect(unknown.status).toBe(422)
      expect(unknown.body.detail).toBe(
        "The Logged Segment does not exist. Identification fields and values: Entry No.='999'",
      )
      const noSegment = await t.marketer.post('/api/segments/NOSUCH/reuse-logged-segment', { loggedSegmentEntryNo: ls })
      expect(noSegment.status).toBe(404)
    })

    it('gives the follow-up of a log the same contacts as a reuse of its logged segment', async () => {
      await makeSegment(db(), 'F1', [line(10000, 'K1'), line(20000, 'P3'), line(30000, 'P1'), line(40000, 'K1')])
      const log = await t.marketer.post('/api/segments/F1/log', { createFollowUpSegment: true })
      await makeSegment(db(), 'F2', [])
      await t.marketer.post('/api/segments/F2/reuse-logged-segment', {
        loggedSegmentEntryNo: log.body.loggedSegmentEntryNo,
      })
      const contacts = async (no: string) => (await lines(no)).map((l) => l.contact_no)
      expect(await contacts(log.body.followUpSegmentNo)).toEqual(['K1', 'P3', 'P1', 'K1'])
      expect(await contacts('F2')).toEqual(['K1', 'P3', 'P1', 'K1'])
    })
  })

  describe('Apply Mailing Group', () => {
    const members = async (code: string) =>
      (
        await db()
          .selectFrom('contact_mailing_groups')
          .select('contact_no')
          .where('mailing_group_code', '=', code)
          .orderBy('contact_no')
          .execute()
      ).map((m) => m.contact_no)

    it("assigns the group once to each of the segment's contacts that lacks it", async () => {
      // K1 is in GIFT already; P2 is twice on the segment.
      await makeSegment(db(), 'MG1', [line(10000, 'K1'), line(20000, 'P2'), line(30000, 'P2'), line(40000, 'P3')])
      const r = await t.marketer.post('/api/segments/mg1/apply-mailing-group', {
        mailingGroupCode: 'gift',
        deleteOldAssignments: false,
      })
      expect(r.status).toBe(200)
      expect(r.body).toEqual({ contactsAssigned: 2, message: 'Mailing Group GIFT is now applied to Segment MG1.' })
      expect(await members('GIFT')).toEqual(['K1', 'P2', 'P3'])
    })

    it('with Delete Old Assignments, removes the group from every contact first (quirk Q14, as BC)', async () => {
      await db().insertInto('contact_mailing_groups').values({ contact_no: 'P4', mailing_group_code: 'NEWS' }).execute()
      await db().insertInto('contact_mailing_groups').values({ contact_no: 'P1', mailing_group_code: 'NEWS' }).execute()
      await makeSegment(db(), 'MG2', [line(10000, 'P1'), line(20000, 'K2')])
      const r = await t.marketer.post('/api/segments/MG2/apply-mailing-group', {
        mailingGroupCode: 'NEWS',
        deleteOldAssignments: true,
      })
      expect(r.body).toEqual({ contactsAssigned: 2, message: 'Mailing Group NEWS is now applied to Segment MG2.' })
      // P4 is not on the segment and lost NEWS all the same.
      expect(await members('NEWS')).toEqual(['K2', 'P1'])
    })

    it('refuses a blank or unknown mailing group code and changes nothing', async () => {
      await makeSegment(db(), 'MG3', [line(10000, 'P1')])
      const before = await snapshot(db())
      for (const body of [{}, { mailingGroupCode: '' }, { mailingGroupCode: 'NOPE', deleteOldAssignments: true }]) {
        const r = await t.marketer.post('/api/segments/MG3/apply-mailing-group', body)
        expect(r.status).toBe(422)
        expect(r.body.detail).toBe('Specify a Mailing Group Code.')
      }
      expect(await snapshot(db())).toEqual(before)
    })
  })
})
