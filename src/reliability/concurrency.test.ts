import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createToken } from '../auth/credentials.js'
import type { Response, TestApp } from '../test-support/app.js'
import { dialects } from '../test-support/databases.js'
import { createSeededApp, rawClient } from './reliability-fixtures.js'

const CLIENTS = 20
const OPS_PER_CLIENT = 12

/** Criteria the clients pick from: contact fields, related tables, company expansion. */
const FILTERS: Record<string, unknown>[] = [
  { contact: { type: 'Person' } },
  { contact: { type: 'Company' } },
  { contact: { name: '@*a*' } },
  { contact: { city: '<M' } },
  { contact: { no: 'CT00000*|CT00001*' } },
  { mailingGroup: { mailingGroupCode: 'NEWSLETTER|EVENTS' } },
  { industryGroup: { industryGroupCode: 'RETAIL|EDUCATION|MEDIA' } },
  { jobResponsibility: { jobResponsibilityCode: 'SALES' } },
  { interactionLogEntry: { date: '2025-06-01..' } },
  {},
]

/** A small seeded generator, so a failing run can be repeated with its seed. */
function random(seed: number) {
  let s = seed >>> 0
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0
    let x = Math.imul(s ^ (s >>> 15), 1 | s)
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
  return { next, pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)], chance: (p: number) => next() < p }
}

interface Done {
  client: number
  op: string
  segment: string
  status: number
  body: any
}

/** Answers an action may give under concurrency and still be right: the segment is gone (logged), or empty. */
const ACCEPTABLE_REFUSALS: Record<string, RegExp> = {
  '404': /^The Segment Header does not exist/,
  '422':
    /^(No\. of Criteria Actions must have a value|Segment .* is empty\.|Logged Segment for Segment No\. .* already exists\.)/,
}

describe.each(dialects)('20 clients working at once on shared and own segments on %s', (dialect) => {
  let t: TestApp
  const seed = Number(process.env.SEGMENTA_SEED ?? Date.now() % 100_000)
  const done: Done[] = []
  const created: string[] = []
  let sharedNos: string[] = []
  let entriesBefore = 0

  beforeAll(async () => {
    t = await createSeededApp(dialect)
    const campaigns = await t.admin.get('/api/campaigns?filter[activated]=true')
    const activated = campaigns.body.items[0]?.no ?? ''
    const newSegment = async (send: (o: object) => Promise<Response>, description: string, campaign = '') => {
      const res = await send({
        method: 'POST',
        url: '/api/segments',
        payload: {
          description,
          salespersonCode: 'AH',
          interactionTemplateCode: 'NEWSLETTER',
          ...(campaign ? { campaignNo: campaign, campaignTarget: true } : {}),
        },
      })
      if (res.status !== 201) throw new Error(`new segment: ${res.status} ${JSON.stringify(res.body)}`)
      created.push(res.body.no)
      return res.body.no as string
    }
    const admin = rawClient(t.app, { token: (await createToken(t.db.kysely, 'marketer')).token })
    // Two segments every client works on (one a target of an activated campaign, kept in step on each change).
    sharedNos = [await newSegment(admin, 'Shared, campaign target', activated), await newSegment(admin, 'Shared')]
    const count = await t.db.kysely
      .selectFrom('interaction_log_entries')
      .select(sql<number>`count(*)`.as('n'))
      .executeTakeFirstOrThrow()
    entriesBefore = Number(count.n)

    // When 20 clients, each with its own token, run a random mix of steps at once
    const clients = await Promise.all(
      Array.from({ length: CLIENTS }, async (_, i) => ({
        i,
        send: rawClient(t.app, { token: (await createToken(t.db.kysely, 'marketer', `client ${i}`)).token }),
      })),
    )
    await Promise.all(
      clients.map(async ({ i, send }) => {
        const rnd = random(seed * 100 + i)
        let own = await newSegment(send, `Own segment of client ${i}`)
        for (let n = 0; n < OPS_PER_CLIENT; n++) {
          const r = rnd.next()
          // Logging ends a segment: clients log only their own during the run (the shared one races at the end).
          const segment = r >= 0.88 || rnd.chance(0.4) ? own : rnd.pick(sharedNos)
          let op: string
          let payload: object = {}
          if (r < 0.35) {
            op = 'add-contacts'
            payload = {
              filters: rnd.pick(FILTERS),
              allowExistingContacts: rnd.chance(0.3),
              expandCompanies: rnd.chance(0.3),
            }
          } else if (r < 0.55) {
            op = 'reduce-contacts'
            payload = { filters: rnd.pick(FILTERS), entireCompanies: rnd.chance(0.3) }
          } else if (r < 0.7) {
            op = 'refine-contacts'
            payload = { filters: rnd.pick(FILTERS.slice(0, -1)) }
          } else if (r < 0.88) {
            op = 'go-back'
          } else {
            op = 'log'
            payload = { createFollowUpSegment: rnd.chance(0.5) }
          }
          const res = await send({ method: 'POST', url: `/api/segments/${segment}/${op}`, payload })
          done.push({ client: i, op, segment, status: res.status, body: res.body })
          if (op === 'log' && res.status === 200) {
            if (res.body.followUpSegmentNo) created.push(res.body.followUpSegmentNo)
            own = await newSegment(send, `Own segment of client ${i}, again`)
          }
        }
      }),
    )

    // Then all clients at once on one shared segment: half log it, half add to it. One log wins; an add
    // either comes before it (and is logged) or finds the segment gone.
    const race = sharedNos[1]
    await Promise.all(
      clients.map(async ({ i, send }) => {
        const op = i % 2 ? 'log' : 'add-contacts'
        const payload = op === 'log' ? {} : { filters: FILTERS[i % FILTERS.length], allowExistingContacts: true }
        const res = await send({ method: 'POST', url: `/api/segments/${race}/${op}`, payload })
        done.push({ client: i, op, segment: race, status: res.status, body: res.body })
      }),
    )
  }, 240_000)
  afterAll(() => t.close())

  /** Lines the successful steps on a segment inserted minus those they removed. */
  const netLines = (segment: string) =>
    done
      .filter((d) => d.segment === segment && d.status === 200 && d.op !== 'log')
      .reduce((n, d) => n + (d.body.linesInserted ?? 0) - (d.body.linesRemoved ?? 0), 0)

  it(`answers every step with success or a refusal the race explains, never 500 (seed ${seed})`, () => {
    const wrong = done.filter(
      (d) => d.status !== 200 && !(ACCEPTABLE_REFUSALS[String(d.status)]?.test(String(d.body?.detail)) ?? false),
    )
    expect(wrong.map((d) => `${d.op} ${d.segment} → ${d.status} ${JSON.stringify(d.body)}`)).toEqual([])
    expect(done).toHaveLength(CLIENTS * (OPS_PER_CLIENT + 1))
    const raceLogs = done.filter((d) => d.segment === sharedNos[1] && d.op === 'log')
    expect(raceLogs.filter((d) => d.status === 200)).toHaveLength(1)
    // The mix really ran: every kind of step succeeded somewhere.
    for (const op of ['add-contacts', 'reduce-contacts', 'refine-contacts', 'go-back', 'log'])
      expect(
        done.some((d) => d.op === op && d.status === 200),
        op,
      ).toBe(true)
  })

  it('leaves no duplicate line no. in any segment', async () => {
    const dup = await sql<{ segment_no: string }>`SELECT segment_no, line_no FROM segment_lines
        GROUP BY segment_no, line_no HAVING count(*) > 1`.execute(t.db.kysely)
    expect(dup.rows).toEqual([])
  })

  it("replays every segment's history to exactly its current lines, and its steps' counts to its number of lines", async () => {
    const segments = await t.db.kysely.selectFrom('segment_headers').select('no').where('no', 'in', created).execute()
    expect(segments.length).toBeGreaterThan(0)
    for (const { no } of segments) {
      const history = await t.db.kysely
        .selectFrom('segment_history')
        .select(['action_no', 'action_taken', 'line_no', 'contact_no'])
        .where('segment_no', '=', no)
        .orderBy('action_no')
        .orderBy('line_no')
        .execute()
      const replay = new Map<number, string>()
      let lastAction = -1
      const deletions: number[] = []
      const flush = () => {
        for (const l of deletions.splice(0)) replay.delete(l)
      }
      for (const h of history) {
        if (Number(h.action_no) !== lastAction) {
          flush()
          lastAction = Number(h.action_no)
        }
        // Within one action, deletions are of lines that existed before it; insertions are new line nos.
        if (h.action_taken === 'Deletion') deletions.push(Number(h.line_no))
        else {
          expect(replay.has(Number(h.line_no)), `${no} line ${h.line_no} inserted twice`).toBe(false)
          replay.set(Number(h.line_no), h.contact_no)
        }
      }
      flush()
      const lines = await t.db.kysely
        .selectFrom('segment_lines')
        .select(['line_no', 'contact_no'])
        .where('segment_no', '=', no)
        .orderBy('line_no')
        .execute()
      expect(
        lines.map((l) => [Number(l.line_no), l.contact_no]),
        `segment ${no}`,
      ).toEqual([...replay.entries()].sort((a, b) => a[0] - b[0]))

      // The answers of its successful steps add up to its lines (a follow-up starts with one line per entry):
      // nothing lost, nothing counted twice.
      const followUp = done.find((d) => d.op === 'log' && d.body?.followUpSegmentNo === no)
      expect(netLines(no) + (followUp?.body.interactionsLogged ?? 0), `segment ${no}`).toBe(lines.length)
      const actions = await t.db.kysely
        .selectFrom('segment_criteria_actions')
        .select('action_no')
        .where('segment_no', '=', no)
        .execute()
      const actionNos = new Set(actions.map((a) => Number(a.action_no)))
      for (const h of history)
        expect(actionNos.has(Number(h.action_no)), `${no} history of a dropped action`).toBe(true)
    }
  })

  it('gives every logged segment exactly the entries its log reported, one per line its steps left, and loses none', async () => {
    const logs = done.filter((d) => d.op === 'log' && d.status === 200)
    expect(logs.length).toBeGreaterThan(1)
    // A segment is logged once: a second log of it found it gone, or already logged.
    const loggedNos = logs.map((d) => d.segment)
    expect(new Set(loggedNos).size).toBe(loggedNos.length)
    for (const d of logs) {
      const entries = await t.db.kysely
        .selectFrom('interaction_log_entries')
        .select(['segment_no', 'logged_segment_entry_no'])
        .where('logged_segment_entry_no', '=', d.body.loggedSegmentEntryNo)
        .execute()
      expect(entries).toHaveLength(d.body.interactionsLogged)
      // Every step that succeeded on the segment came before its log (later ones found it gone), so the lines
      // they left are exactly what was logged.
      expect(d.body.interactionsLogged, `segment ${d.segment}`).toBe(netLines(d.segment))
      expect(new Set(entries.map((e) => e.segment_no))).toEqual(new Set([d.segment]))
      const ls = await t.db.kysely
        .selectFrom('logged_segments')
        .select('segment_no')
        .where('entry_no', '=', d.body.loggedSegmentEntryNo)
        .executeTakeFirstOrThrow()
      expect(ls.segment_no).toBe(d.segment)
      // The logged segment is gone from the open segments, with its lines.
      expect(
        await t.db.kysely.selectFrom('segment_lines').select('line_no').where('segment_no', '=', d.segment).execute(),
      ).toEqual([])
      if (d.body.followUpSegmentNo) {
        const follow = await t.db.kysely
          .selectFrom('segment_lines')
          .select(sql<number>`count(*)`.as('n'))
          .where('segment_no', '=', d.body.followUpSegmentNo)
          .executeTakeFirstOrThrow()
        // Its follow-up started with one line per entry (clients may have changed it since only if they picked it,
        // and they work only on their own and the shared segments).
        expect(Number(follow.n)).toBe(d.body.interactionsLogged)
      }
    }
    const after = await t.db.kysely
      .selectFrom('interaction_log_entries')
      .select(sql<number>`count(*)`.as('n'))
      .executeTakeFirstOrThrow()
    expect(Number(after.n)).toBe(entriesBefore + logs.reduce((n, d) => n + d.body.interactionsLogged, 0))
  })

  it('never hands out a number from a series twice', async () => {
    expect(new Set(created).size).toBe(created.length)
    const entryNos = done.filter((d) => d.op === 'log' && d.status === 200).map((d) => d.body.loggedSegmentEntryNo)
    expect(new Set(entryNos).size).toBe(entryNos.length)
    const series = await t.db.kysely
      .selectFrom('number_series')
      .select('last_no_used')
      .where('code', '=', 'SEG')
      .executeTakeFirstOrThrow()
    expect(series.last_no_used).toBe([...created].sort().at(-1))
    // Logged segments keep their number: no new segment took the number of a logged one.
    const logged = await t.db.kysely.selectFrom('logged_segments').select('segment_no').execute()
    const open = await t.db.kysely.selectFrom('segment_headers').select('no').execute()
    const openNos = new Set(open.map((o) => o.no))
    for (const l of logged) expect(openNos.has(l.segment_no), l.segment_no).toBe(false)
  })
})
