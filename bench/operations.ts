/**
 * The measured operations: each runs once through the product's service code, as its API route runs it
 * (one transaction, then what the route does after the commit before it answers), and once as the hand-written SQL of
 * `raw-sql.ts`. Writing operations work on a pair of segments with the same lines — the product on
 * `<name>-P`, the raw SQL on `<name>-R` — so both start from the same state, and `check` compares what they
 * left behind, row by row, in SQL (nothing is pulled into Node but counts).
 */
import { type RawBuilder, sql } from 'kysely'
import { listContacts } from '../src/contacts/index.js'
import type { Db } from '../src/db/connection.js'
import { inTransaction, type Tx } from '../src/db/transaction.js'
import { LINE_COLUMNS } from '../src/segments/engine/history.js'
import {
  addContacts,
  type CriteriaFilters,
  goBack,
  lineStatistics,
  previewStep,
  removeContacts,
} from '../src/segments/engine/index.js'
import { findLineTotalMismatches } from '../src/segments/engine/line-totals-check.js'
import { workDate } from '../src/segments/header/create-segment.js'
import { listLines } from '../src/segments/lines/line-service.js'
import { logSegment } from '../src/segments/log/log-segment.js'
import { inSegmentAction } from '../src/segments/segment-action.js'
import { AS_OF } from './generate.js'
import { HEADER, rawSql, USER } from './raw-sql.js'

export interface Operation {
  name: string
  /** The product's run; returns the rows it inserted, removed, restored, logged or read. */
  product(): Promise<number>
  raw(): Promise<number>
  /** Throws when the two runs (just made) did not produce the same rows. */
  check(productRows: number, rawRows: number): Promise<void>
  /** Brings both segments to the state every run starts from, and back afterwards (not timed). */
  setup?(): Promise<void>
  teardown?(): Promise<void>
  /**
   * Waits for what the product's route starts after answering (the statistics refresh of a bulk step on
   * PostgreSQL), so it neither runs into the next timed run nor goes unseen (timed apart, not in `ms`).
   * True when the last product run had started something.
   */
  afterAnswer?(): Promise<boolean>
  /** Puts the product's / the raw SQL's state back (not timed). */
  resetProduct?(): Promise<void>
  resetRaw?(): Promise<void>
}

const actor = { username: USER }

function daysBefore(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() - days)
  return d.toISOString().slice(0, 10)
}

export const SINCE = daysBefore(AS_OF, 90)

/** The criteria of the operations, as the API takes them (blocks in BC's order, as the product stores them). */
export const FILTERS = {
  typical: {
    mailingGroup: { mailingGroupCode: 'NEWS' },
    interactionLogEntry: { date: `${SINCE}..${AS_OF}` },
    industryGroup: { industryGroupCode: 'RETAIL|WHOLESALE' },
  },
  large: { mailingGroup: { mailingGroupCode: 'NEWS' } },
  reduce: { jobResponsibility: { jobResponsibilityCode: 'PURCH' } },
  refine: { profileAnswer: { profileQuestionnaireCode: 'PROFILE', lineNo: '20000|30000' } },
} satisfies Record<string, CriteriaFilters>

class Mismatch extends Error {}

/** Fails unless the two selections hold the same rows (as sets, and as many). */
async function sameRows(db: Db, what: string, a: RawBuilder<unknown>, b: RawBuilder<unknown>): Promise<void> {
  const r = await sql<{ a: number; b: number; na: number; nb: number }>`SELECT
      (SELECT count(*) FROM (${a} EXCEPT ${b}) x) AS a, (SELECT count(*) FROM (${b} EXCEPT ${a}) y) AS b,
      (SELECT count(*) FROM (${a}) p) AS na, (SELECT count(*) FROM (${b}) q) AS nb`.execute(db.kysely)
  const { a: onlyA, b: onlyB, na, nb } = r.rows[0]
  if (Number(onlyA) || Number(onlyB) || Number(na) !== Number(nb))
    throw new Mismatch(
      `${what}: ${na} product rows, ${nb} raw rows, ${onlyA} only in the product's, ${onlyB} only in the raw's`,
    )
}

const lineCols = sql.raw(LINE_COLUMNS.join(', '))
const historyCols = sql.raw(`action_no, action_taken, username, ${LINE_COLUMNS.join(', ')}`)
const actionCols = sql.raw(
  'action_no, action, filters, allow_existing_contacts, expand_companies, allow_related_companies, ignore_exclusion, entire_companies, username',
)

/** Lines, history and criteria actions of two segments are the same, and each header counts its lines. */
async function sameSegments(db: Db, p: string, r: string): Promise<void> {
  const [wrong] = await findLineTotalMismatches(db.kysely, db.dialect, [p, r])
  if (wrong)
    throw new Mismatch(
      `${wrong.segmentNo}: the header's totals are ${JSON.stringify(wrong.stored)}, its lines' ${JSON.stringify(wrong.counted)}`,
    )
  await sameRows(
    db,
    'segment lines',
    sql`SELECT ${lineCols} FROM segment_lines WHERE segment_no = ${p}`,
    sql`SELECT ${lineCols} FROM segment_lines WHERE segment_no = ${r}`,
  )
  await sameRows(
    db,
    'segment history',
    sql`SELECT ${historyCols} FROM segment_history WHERE segment_no = ${p}`,
    sql`SELECT ${historyCols} FROM segment_history WHERE segment_no = ${r}`,
  )
  await sameRows(
    db,
    'criteria actions',
    sql`SELECT ${actionCols} FROM segment_criteria_actions WHERE segment_no = ${p}`,
    sql`SELECT ${actionCols} FROM segment_criteria_actions WHERE segment_no = ${r}`,
  )
}

function sameCount(what: string, p: number, r: number): void {
  if (p !== r) throw new Mismatch(`${what}: product ${p}, raw ${r}`)
}

/** A segment header as the bench uses it (template MARKETING, dated AS_OF). */
export async function createHeader(db: Tx, no: string): Promise<void> {
  await db
    .insertInto('segment_headers')
    .values({ no, date: AS_OF, ...HEADER })
    .execute()
}

/** Empties a segment: lines, history and criteria (not timed); PostgreSQL then vacuums the dead rows away. */
async function emptySegment(db: Db, no: string): Promise<void> {
  await inTransaction(db.kysely, async (trx) => {
    for (const t of ['segment_lines', 'segment_history', 'segment_criteria_actions'] as const)
      await trx.deleteFrom(t).where('segment_no', '=', no).execute()
    await trx
      .updateTable('segment_headers')
      .set({ no_of_lines: 0, cost_lcy: 0, duration_min: 0 })
      .where('no', '=', no)
      .execute()
  })
  await settle(db)
}

/**
 * After a reset, so every run starts from the same state: PostgreSQL vacuums and analyses the segment tables;
 * SQLite copies the write-ahead log into the database file (what the server's checkpoint worker does within a
 * second), so a run neither reads through a large log nor shares the machine with the worker copying it.
 */
export async function settle(db: Db): Promise<void> {
  if (db.dialect === 'postgres')
    await sql`VACUUM ANALYZE segment_lines, segment_history, segment_criteria_actions, interaction_log_entries`.execute(
      db.kysely,
    )
  else await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db.kysely)
}

/**
 * The steps as their routes run them: the step in one transaction; then, after large steps on PostgreSQL, the
 * statistics refresh is started and the route answers without waiting for it. `afterAnswer` waits for that
 * refresh and says whether the last step started one.
 */
function productSteps(db: Db) {
  const failures: unknown[] = []
  const statistics = lineStatistics(db.kysely, db.dialect, (err) => failures.push(err))
  let started = false
  const step = async <R>(fn: (trx: Tx) => Promise<R>, changed: (r: R) => number) => {
    const n = changed(await inSegmentAction(db.kysely, fn))
    started = statistics.afterStep(n)
    return n
  }
  return {
    add: (no: string, filters: CriteriaFilters, opts: { expandCompanies?: boolean } = {}) =>
      step(
        (trx) => addContacts(trx, db.dialect, no, filters, opts, actor),
        (r) => r.linesInserted,
      ),
    remove: (no: string, kind: 'reduce' | 'refine', filters: CriteriaFilters) =>
      step(
        (trx) => removeContacts(trx, db.dialect, no, kind, filters, {}, actor),
        (r) => r.linesRemoved,
      ),
    goBack: (no: string) =>
      step(
        (trx) => goBack(trx, db.dialect, no, actor),
        (r) => r.linesInserted + r.linesRemoved,
      ),
    /** Log: the segment's lines go with it (its route refreshes the statistics after 100,000 of them too). */
    log: async (no: string) => {
      const r = await inTransaction(db.kysely, (trx) =>
        logSegment(trx, db.dialect, no, {}, { username: USER, salespersonCode: '' }),
      )
      started = statistics.afterStep(r.linesChanged)
      return r.interactionsLogged
    },
    afterAnswer: async () => {
      await statistics.idle()
      if (failures.length) throw failures[0]
      return started
    },
  }
}

/** The contact no. range (from the first) holding `lines` contacts that are not excluded, or all of them. */
async function contactRange(db: Db, lines: number): Promise<string> {
  const r = await sql<{ no: string }>`SELECT no FROM contacts WHERE exclude_from_segment = 0
      ORDER BY no LIMIT 1 OFFSET ${lines - 1}`.execute(db.kysely)
  const last =
    r.rows[0]?.no ?? (await sql<{ no: string }>`SELECT max(no) AS no FROM contacts`.execute(db.kysely)).rows[0].no
  return `CT00000001..${last}`
}

/**
 * Builds the operations and the segments they start from: ADD-P/R empty (the adds and preview), BIG-P/R with
 * the add-large lines (reduce, refine, go back, lines page), LOG-P/R with 100,000 lines (log).
 */
export async function prepareOperations(db: Db): Promise<Operation[]> {
  const k = db.kysely
  const raw = rawSql(db.dialect, AS_OF)
  const tx = <T>(fn: (trx: Tx) => Promise<T>) => inTransaction(k, fn)
  const steps = productSteps(db)
  const { afterAnswer } = steps
  /** Between runs: the product's refresh has finished before the database is settled. */
  const settled = async () => {
    await afterAnswer()
    await settle(db)
  }
  for (const no of ['ADD-P', 'ADD-R', 'BIG-P', 'BIG-R', 'LOG-P', 'LOG-R']) await createHeader(k, no)
  for (const no of ['BIG-P', 'BIG-R']) await steps.add(no, FILTERS.large)
  const logFilters = { contact: { no: await contactRange(db, 100_000) } }
  const fillLog = async (no: string) => {
    if (!(await k.selectFrom('segment_headers').select('no').where('no', '=', no).executeTakeFirst()))
      await createHeader(k, no)
    await steps.add(no, logFilters)
    await afterAnswer()
  }
  for (const no of ['LOG-P', 'LOG-R']) await fillLog(no)
  await settled()

  const adds = (
    name: string,
    filters: CriteriaFilters,
    opts: { expandCompanies?: boolean },
    rawRun: (trx: Tx, seg: string) => Promise<number>,
  ): Operation => ({
    name,
    product: () => steps.add('ADD-P', filters, opts),
    afterAnswer,
    raw: () => tx((trx) => rawRun(trx, 'ADD-R')),
    check: async (p, r) => {
      sameCount(name, p, r)
      await sameSegments(db, 'ADD-P', 'ADD-R')
    },
    resetProduct: async () => {
      await afterAnswer()
      await emptySegment(db, 'ADD-P')
    },
    resetRaw: () => emptySegment(db, 'ADD-R'),
  })

  /** Reduce/refine on BIG: undone by Go Back after each run. */
  const removes = (kind: 'reduce' | 'refine'): Operation => ({
    name: kind,
    product: () => steps.remove('BIG-P', kind, FILTERS[kind]),
    afterAnswer,
    raw: () => tx((trx) => raw[kind](trx, 'BIG-R', FILTERS[kind])),
    check: async (p, r) => {
      sameCount(kind, p, r)
      await sameSegments(db, 'BIG-P', 'BIG-R')
    },
    resetProduct: async () => {
      await steps.goBack('BIG-P')
      await settled()
    },
    resetRaw: async () => {
      await steps.goBack('BIG-R')
      await settled()
    },
  })

  const page = async (offsetOf: (total: number) => number, name: string): Promise<Operation> => {
    const total = Number(
      (await sql<{ n: number }>`SELECT count(*) AS n FROM segment_lines WHERE segment_no = 'BIG-P'`.execute(k)).rows[0]
        .n,
    )
    const offset = offsetOf(total)
    let productPage: { lineNo: unknown; contactName: unknown; contactCompanyName: unknown }[] = []
    let rawPage: { line_no: unknown; contact_name: unknown; contact_company_name: unknown }[] = []
    let totals: [number | null, number] = [null, 0]
    return {
      name,
      product: async () => {
        const r = await listLines(k, db.dialect, 'BIG-P', { limit: '50', offset: String(offset) })
        productPage = r.items as typeof productPage
        totals[0] = r.total
        return r.items.length
      },
      raw: async () => {
        const r = await raw.linesPage(k, 'BIG-P', offset)
        rawPage = r.rows as typeof rawPage
        totals[1] = r.total
        return r.rows.length
      },
      check: async (p, r) => {
        sameCount(name, p, r)
        sameCount(`${name} total`, Number(totals[0]), totals[1])
        const a = JSON.stringify(productPage.map((l) => [Number(l.lineNo), l.contactName, l.contactCompanyName]))
        const b = JSON.stringify(rawPage.map((l) => [Number(l.line_no), l.contact_name, l.contact_company_name]))
        if (a !== b) throw new Mismatch(`${name}: the pages differ`)
        totals = [null, 0]
      },
    }
  }

  let contactsPages: [string, string] = ['', '']
  const ops: Operation[] = [
    adds('add-typical', FILTERS.typical, {}, (trx, seg) => raw.addTypical(trx, seg, FILTERS.typical, SINCE, AS_OF)),
    adds('add-expand', FILTERS.typical, { expandCompanies: true }, (trx, seg) =>
      raw.addExpand(trx, seg, FILTERS.typical, SINCE, AS_OF),
    ),
    adds('add-large', FILTERS.large, {}, (trx, seg) => raw.addLarge(trx, seg, FILTERS.large)),
    {
      name: 'preview-add',
      product: async () =>
        (await previewStep(k, db.dialect, 'ADD-P', { action: 'add', filters: FILTERS.typical })).linesInserted ?? 0,
      raw: () => raw.previewAdd(k, 'ADD-R', SINCE, AS_OF),
      check: async (p, r) => sameCount('preview-add', p, r),
    },
    removes('reduce'),
    removes('refine'),
    {
      // Go Back of a Refine: each run starts from BIG after a refine, and the reset refines again.
      name: 'go-back',
      setup: async () => {
        for (const no of ['BIG-P', 'BIG-R']) await steps.remove(no, 'refine', FILTERS.refine)
        await settled()
      },
      teardown: async () => {
        for (const no of ['BIG-P', 'BIG-R']) await steps.goBack(no)
        await settled()
      },
      product: () => steps.goBack('BIG-P'),
      afterAnswer,
      raw: () => tx((trx) => raw.goBack(trx, 'BIG-R')),
      check: async (p, r) => {
        sameCount('go-back', p, r)
        await sameSegments(db, 'BIG-P', 'BIG-R')
      },
      resetProduct: async () => {
        await steps.remove('BIG-P', 'refine', FILTERS.refine)
        await settled()
      },
      resetRaw: async () => {
        await steps.remove('BIG-R', 'refine', FILTERS.refine)
        await settled()
      },
    },
    {
      name: 'log-100k',
      product: () => steps.log('LOG-P'),
      afterAnswer,
      raw: () => tx((trx) => raw.log(trx, 'LOG-R', workDate())),
      check: async (p, r) => {
        sameCount('log-100k', p, r)
        const entries = (seg: string) =>
          sql`SELECT contact_no, contact_company_no, salesperson_code, correspondence_type, interaction_template_code,
                interaction_group_code, description, subject, language_code, date, time_of_interaction, cost_lcy,
                duration_min, information_flow, initiated_by, evaluation, campaign_no, campaign_target,
                campaign_response, attempt_failed, username, campaign_entry_no, delivery_status, delivery_error,
                canceled, postponed, comment
              FROM interaction_log_entries WHERE segment_no = ${seg}`
        await sameRows(db, 'interaction log entries', entries('LOG-P'), entries('LOG-R'))
        const logged = (seg: string) =>
          sql`SELECT description, creation_date, username, canceled, send_attachments FROM logged_segments WHERE segment_no = ${seg}`
        await sameRows(db, 'logged segments', logged('LOG-P'), logged('LOG-R'))
        for (const seg of ['LOG-P', 'LOG-R']) {
          const left = await sql<{ n: number }>`SELECT
              (SELECT count(*) FROM segment_headers WHERE no = ${seg}) + (SELECT count(*) FROM segment_lines WHERE segment_no = ${seg})
              + (SELECT count(*) FROM segment_history WHERE segment_no = ${seg})
              + (SELECT count(*) FROM segment_criteria_actions WHERE segment_no = ${seg}) AS n`.execute(k)
          if (Number(left.rows[0].n)) throw new Mismatch(`log-100k: segment ${seg} was not deleted`)
        }
      },
      resetProduct: () => unlog(db, 'LOG-P', fillLog),
      resetRaw: () => unlog(db, 'LOG-R', fillLog),
    },
    await page(() => 0, 'lines-page-0'),
    await page((total) => Math.floor(total * 0.9), 'lines-page-90'),
    {
      name: 'contacts-filter',
      product: async () => {
        const r = await listContacts(k, { 'filter[name]': '@*son*' }, db.dialect)
        contactsPages[0] = JSON.stringify([r.total, r.items.map((c) => c.no)])
        return Number(r.total)
      },
      raw: async () => {
        const r = await raw.contactsFilter(k)
        contactsPages[1] = JSON.stringify([r.total, r.rows.map((c) => c.no)])
        return r.total
      },
      check: async (p, r) => {
        sameCount('contacts-filter', p, r)
        if (contactsPages[0] !== contactsPages[1]) throw new Mismatch('contacts-filter: the pages differ')
        contactsPages = ['', '']
      },
    },
  ]
  return ops
}

/** Removes what a previous run left (a kept database timed again with `--reuse`). */
export async function dropBenchSegments(db: Db): Promise<void> {
  const k = db.kysely
  const segs = ['ADD-P', 'ADD-R', 'BIG-P', 'BIG-R', 'LOG-P', 'LOG-R']
  await inTransaction(k, async (trx) => {
    for (const t of ['segment_lines', 'segment_history', 'segment_criteria_actions'] as const)
      await trx.deleteFrom(t).where('segment_no', 'in', segs).execute()
    await trx.deleteFrom('segment_headers').where('no', 'in', segs).execute()
    const logged = trx.selectFrom('logged_segments').select('entry_no').where('segment_no', 'in', segs)
    await trx.deleteFrom('interaction_log_entries').where('logged_segment_entry_no', 'in', logged).execute()
    await trx.deleteFrom('campaign_entries').where('segment_no', 'in', segs).execute()
    await trx.deleteFrom('logged_segments').where('segment_no', 'in', segs).execute()
  })
  await settle(db)
}

/** Undoes a log: its entries, campaign entries and logged segment go; the segment is made again with its lines. */
async function unlog(db: Db, seg: string, fill: (no: string) => Promise<void>): Promise<void> {
  await inTransaction(db.kysely, async (trx) => {
    const logged = trx.selectFrom('logged_segments').select('entry_no').where('segment_no', '=', seg)
    await trx.deleteFrom('interaction_log_entries').where('logged_segment_entry_no', 'in', logged).execute()
    await trx.deleteFrom('campaign_entries').where('segment_no', '=', seg).execute()
    await trx.deleteFrom('logged_segments').where('segment_no', '=', seg).execute()
  })
  await fill(seg)
  await settle(db)
}

export { Mismatch }
