/**
 * The hand-written SQL each operation is measured against: what a developer who knows the schema and the
 * bench's header would write to produce the same rows, with no product code in between. Values are bound
 * (`${…}`); `cast` types a bound value where PostgreSQL cannot infer it in a select list. The bench runs
 * these in one transaction per operation and checks, before timing, that they give the rows the product does.
 *
 * Each operation works on its own segment (the product on `…-P`, the raw SQL on `…-R`), so both start from
 * the same state and their results can be compared row by row.
 */
import { type RawBuilder, sql } from 'kysely'
import type { Dialect } from '../src/db/connection.js'
import type { Tx } from '../src/db/transaction.js'

/** The segment header every bench segment has (Spring newsletter, template MARKETING). */
export const HEADER = {
  description: 'Spring newsletter',
  salesperson_code: '',
  campaign_no: '',
  campaign_target: 0,
  campaign_response: 0,
  interaction_template_code: 'MARKETING',
  interaction_group_code: 'MARKETING',
  information_flow: 'Outbound',
  initiated_by: 'Us',
  unit_cost_lcy: 2,
  unit_duration_min: 5,
  correspondence_type_default: '',
  ignore_contact_corres_type: 0,
  language_code_default: '',
  subject_default: 'Spring offers',
  no_series: '',
} as const

/** Languages the MARKETING template has texts in. */
export const TEMPLATE_LANGUAGES = ['DEU', 'ENU'] as const

export const USER = 'bench'

type Sql = RawBuilder<unknown>

/** Runs a statement; the rows it changed. */
async function run(db: Tx, q: Sql): Promise<number> {
  return Number((await q.execute(db)).numAffectedRows ?? 0n)
}
/** The single number a statement selects as `n`. */
async function one(db: Tx, q: Sql): Promise<number> {
  return Number(((await q.execute(db)).rows[0] as { n: number }).n)
}
/** `a, b` → `l.a, l.b` */
const prefixed = (alias: string, cols: string) =>
  sql.raw(
    cols
      .split(',')
      .map((c) => `${alias}.${c.trim()}`)
      .join(', '),
  )

export function rawSql(dialect: Dialect, date: string) {
  const pg = dialect === 'postgres'
  const cast = (v: unknown, type: string): Sql => (pg ? sql`CAST(${v} AS ${sql.raw(type)})` : sql`${v}`)

  /**
   * A new line's values for contact `c` under the bench header: the contact's salesperson (the header has
   * none), the template's correspondence type when the contact has none, the contact's language when the
   * template has it.
   */
  const lineValues = sql`c.company_no, c.salesperson_code,
      CASE WHEN c.correspondence_type = '' THEN 'Email' ELSE c.correspondence_type END,
      'MARKETING', 'MARKETING', ${HEADER.description}, ${HEADER.subject_default},
      CASE WHEN c.language_code IN ('DEU', 'ENU') THEN c.language_code ELSE '' END,
      ${cast(date, 'date')}, 2, 5, 'Outbound', 'Us', '', 0, 0`
  const lineColumns = sql.raw(`contact_company_no, salesperson_code, correspondence_type, interaction_template_code,
      interaction_group_code, description, subject, language_code, date, cost_lcy, duration_min, information_flow,
      initiated_by, campaign_no, campaign_target, campaign_response`)
  const allLineColumnList = `line_no, contact_no, contact_company_no, salesperson_code, correspondence_type,
      interaction_template_code, interaction_group_code, description, subject, language_code, date,
      time_of_interaction, cost_lcy, duration_min, information_flow, initiated_by, evaluation, campaign_no,
      campaign_target, campaign_response, attempt_failed`
  const allLineColumns = sql.raw(allLineColumnList)
  /** BC's line order: company name, company no., company before person, name, no. (byte order). */
  const lineOrder = sql`c.company_name, c.company_no, c.type, c.name, c.no`

  const action = (seg: string, kind: string, filters: object, flags: { expand?: boolean; entire?: boolean }) =>
    sql`INSERT INTO segment_criteria_actions (segment_no, action_no, action, filters, allow_existing_contacts,
          expand_companies, allow_related_companies, ignore_exclusion, entire_companies, username)
        SELECT ${seg}, coalesce(max(action_no), 0) + 1, ${kind}, ${JSON.stringify(filters)}, 0,
               ${flags.expand ? 1 : 0}, 0, 0, ${flags.entire ? 1 : 0}, ${USER}
        FROM segment_criteria_actions WHERE segment_no = ${seg}`
  const lastAction = (seg: string) =>
    sql`(SELECT max(action_no) FROM segment_criteria_actions WHERE segment_no = ${seg})`
  /**
   * The header's stored line totals (No. of Lines, Cost (LCY), Duration (Min.)) follow the lines a statement
   * inserted: each new line costs the header's unit cost and lasts its unit duration.
   */
  const addNewLines = (seg: string, n: number) =>
    sql`UPDATE segment_headers SET no_of_lines = no_of_lines + ${n}, cost_lcy = cost_lcy + ${n * HEADER.unit_cost_lcy},
          duration_min = duration_min + ${n * HEADER.unit_duration_min}
        WHERE no = ${seg}`
  /** The totals of the rows `from` selects, as `t (n, c, d)`, moved onto (`+`) or off (`-`) the header. */
  const moveTotals = (seg: string, op: '+' | '-', from: Sql) =>
    sql`UPDATE segment_headers SET no_of_lines = no_of_lines ${sql.raw(op)} t.n, cost_lcy = cost_lcy ${sql.raw(op)} t.c,
          duration_min = duration_min ${sql.raw(op)} t.d
        FROM (SELECT count(*) AS n, coalesce(sum(cost_lcy), 0) AS c, coalesce(sum(duration_min), 0) AS d FROM ${from}) AS t
        WHERE segment_headers.no = ${seg}`
  /**
   * Inserts or deletes lines and moves the header's totals by them: PostgreSQL from the changed rows in the same
   * statement; SQLite by summing `rows` (the lines before they are deleted, the source after an insert).
   */
  const changeCounted = async (db: Tx, seg: string, op: '+' | '-', change: Sql, rows: Sql): Promise<number> => {
    if (pg)
      return one(
        db,
        sql`WITH changed AS (${change} RETURNING cost_lcy, duration_min)
            ${moveTotals(seg, op, sql`changed`)} RETURNING t.n AS n`,
      )
    if (op === '-') await run(db, moveTotals(seg, op, rows))
    const n = await run(db, change)
    if (op === '+' && n > 0) await run(db, moveTotals(seg, op, rows))
    return n
  }
  /** `copies`: the same lines' values to sum on SQLite instead of the lines (history rows just written). */
  const deleteCounted = (db: Tx, seg: string, which: Sql, copies?: Sql) => {
    const lines = sql`segment_lines WHERE segment_no = ${seg} AND ${which}`
    return changeCounted(db, seg, '-', sql`DELETE FROM ${lines}`, copies ?? lines)
  }

  /**
   * Not on the segment yet: SQLite reads the segment's contacts once into a list; PostgreSQL anti-joins (its
   * NOT IN cannot use an anti-join).
   */
  const notOnSegment = (seg: string) =>
    pg
      ? sql`NOT EXISTS (SELECT 1 FROM segment_lines s WHERE s.contact_no = c.no AND s.segment_no = ${seg})`
      : sql`c.no NOT IN (SELECT contact_no FROM segment_lines WHERE segment_no = ${seg})`

  /**
   * Add Contacts: the lines in BC's order after the segment's last line, then one Insertion per new line.
   * `where` selects the contacts `c`.
   */
  const add = async (db: Tx, seg: string, filters: object, where: Sql, flags: { expand?: boolean } = {}) => {
    await run(db, action(seg, 'Add Contacts', filters, flags))
    const after = await one(db, sql`SELECT coalesce(max(line_no), 0) AS n FROM segment_lines WHERE segment_no = ${seg}`)
    const insert = sql`INSERT INTO segment_lines (segment_no, line_no, contact_no, ${lineColumns})
        SELECT ${seg}, ${cast(after, 'bigint')} + 10000 * ROW_NUMBER() OVER (ORDER BY ${lineOrder}), c.no, ${lineValues}
        FROM contacts c
        WHERE ${where}
          AND c.exclude_from_segment = 0
          AND ${notOnSegment(seg)}`
    // PostgreSQL: one statement, the history from the inserted rows.
    if (pg) {
      const inserted = await run(
        db,
        sql`WITH inserted AS (${insert} RETURNING line_no, contact_no, contact_company_no)
            INSERT INTO segment_history (segment_no, action_no, line_no, action_taken, username, contact_no, contact_company_no)
            SELECT ${seg}, ${lastAction(seg)}, line_no, 'Insertion', ${USER}, contact_no, contact_company_no FROM inserted`,
      )
      await run(db, addNewLines(seg, inserted))
      return inserted
    }
    const inserted = await run(db, insert)
    await run(
      db,
      sql`INSERT INTO segment_history (segment_no, action_no, line_no, action_taken, username, contact_no, contact_company_no)
          SELECT l.segment_no, ${lastAction(seg)}, l.line_no, 'Insertion', ${USER}, l.contact_no, l.contact_company_no
          FROM segment_lines l WHERE l.segment_no = ${seg} AND l.line_no > ${after}`,
    )
    await run(db, addNewLines(seg, inserted))
    return inserted
  }

  /** Industry group + mailing group + an interaction in the period. */
  const typicalWhere = (since: string, until: string) =>
    sql`c.company_no IN (SELECT contact_no FROM contact_industry_groups WHERE industry_group_code IN ('RETAIL', 'WHOLESALE'))
        AND c.no IN (SELECT contact_no FROM contact_mailing_groups WHERE mailing_group_code = 'NEWS')
        AND EXISTS (SELECT 1 FROM interaction_log_entries i
                    WHERE i.contact_no = c.no AND i.contact_company_no = c.company_no
                      AND i.date >= ${cast(since, 'date')} AND i.date <= ${cast(until, 'date')})`

  /** Reduce (`keep` false) or Refine (`keep` true): history Deletions with every value, then the DELETE. */
  const remove = async (db: Tx, seg: string, kind: string, filters: object, matches: Sql, keep: boolean) => {
    await run(db, action(seg, kind, filters, {}))
    await run(
      db,
      sql`INSERT INTO segment_history (segment_no, action_no, action_taken, username, ${allLineColumns})
          SELECT l.segment_no, ${lastAction(seg)}, 'Deletion', ${USER}, ${prefixed('l', allLineColumnList)}
          FROM segment_lines l WHERE l.segment_no = ${seg} AND ${keep ? sql`NOT ` : sql``}${matches}`,
    )
    const recorded = sql`segment_history
        WHERE segment_no = ${seg} AND action_no = ${lastAction(seg)} AND action_taken = 'Deletion'`
    return deleteCounted(db, seg, sql`line_no IN (SELECT line_no FROM ${recorded})`, recorded)
  }

  return {
    /** add-typical: industry group RETAIL|WHOLESALE, mailing group NEWS, an interaction in the period. */
    addTypical: (db: Tx, seg: string, filters: object, since: string, until: string) =>
      add(db, seg, filters, typicalWhere(since, until)),

    /**
     * add-expand: the same, widened to every contact of a matched contact's company (Expand Companies). The
     * industry group is a company's, so every matched contact has a company. SQLite: the rowids of the
     * companies' contacts from the company no. index alone, then their rows in the table's order.
     */
    addExpand: (db: Tx, seg: string, filters: object, since: string, until: string) => {
      const companies = sql`SELECT c.company_no FROM contacts c WHERE ${typicalWhere(since, until)}`
      return add(
        db,
        seg,
        filters,
        pg
          ? sql`c.company_no IN (${companies})`
          : sql`c.rowid IN (SELECT e.rowid FROM contacts e WHERE e.company_no IN (${companies}))`,
        { expand: true },
      )
    },

    /** add-large: mailing group NEWS (about 40 % of the contacts). */
    addLarge: (db: Tx, seg: string, filters: object) =>
      add(
        db,
        seg,
        filters,
        sql`c.no IN (SELECT contact_no FROM contact_mailing_groups WHERE mailing_group_code = 'NEWS')`,
      ),

    /** preview-add: how many contacts add-typical would insert. */
    previewAdd: (db: Tx, seg: string, since: string, until: string) =>
      one(
        db,
        sql`SELECT count(*) AS n FROM contacts c
            WHERE ${typicalWhere(since, until)} AND c.exclude_from_segment = 0
              AND ${notOnSegment(seg)}`,
      ),

    /** reduce: remove the lines of contacts with job responsibility PURCH. */
    reduce: (db: Tx, seg: string, filters: object) =>
      remove(
        db,
        seg,
        'Remove Contacts (Reduce)',
        filters,
        sql`l.contact_no IN (SELECT contact_no FROM contact_job_responsibilities WHERE job_responsibility_code = 'PURCH')`,
        false,
      ),

    /**
     * refine: keep only the lines of contacts who gave answer 20000 or 30000 of questionnaire PROFILE. SQLite
     * reads the answers once into a list (NOT IN); PostgreSQL needs NOT EXISTS for an anti-join.
     */
    refine: (db: Tx, seg: string, filters: object) =>
      remove(
        db,
        seg,
        'Remove Contacts (Refine)',
        filters,
        pg
          ? sql`EXISTS (SELECT 1 FROM contact_profile_answers a WHERE a.contact_no = l.contact_no
                         AND a.questionnaire_code = 'PROFILE' AND a.line_no IN (20000, 30000))`
          : sql`l.contact_no IN (SELECT contact_no FROM contact_profile_answers
                                 WHERE questionnaire_code = 'PROFILE' AND line_no IN (20000, 30000))`,
        true,
      ),

    /** go-back: undo the last action (delete what it inserted, restore what it deleted, drop its rows). */
    goBack: async (db: Tx, seg: string) => {
      const last = await one(
        db,
        sql`SELECT max(action_no) AS n FROM segment_criteria_actions WHERE segment_no = ${seg}`,
      )
      await deleteCounted(
        db,
        seg,
        sql`line_no IN (SELECT line_no FROM segment_history
              WHERE segment_no = ${seg} AND action_no = ${last} AND action_taken = 'Insertion')`,
      )
      const deleted = sql`segment_history WHERE segment_no = ${seg} AND action_no = ${last} AND action_taken = 'Deletion'`
      const restored = await changeCounted(
        db,
        seg,
        '+',
        sql`INSERT INTO segment_lines (segment_no, ${allLineColumns}) SELECT segment_no, ${allLineColumns} FROM ${deleted}`,
        deleted,
      )
      await run(db, sql`DELETE FROM segment_history WHERE segment_no = ${seg} AND action_no = ${last}`)
      await run(db, sql`DELETE FROM segment_criteria_actions WHERE segment_no = ${seg} AND action_no = ${last}`)
      return restored
    },

    /**
     * log: the logged segment, one campaign entry per campaign of the lines, one interaction log entry per
     * line (an Email line of a contact without an address is logged with a blank type), then the segment
     * is deleted.
     */
    log: async (db: Tx, seg: string, today: string) => {
      const { rows } = await sql<{ entry_no: number }>`
          INSERT INTO logged_segments (segment_no, description, creation_date, username, canceled, send_attachments)
          VALUES (${seg}, ${HEADER.description}, ${cast(today, 'date')}, ${USER}, 0, 0) RETURNING entry_no`.execute(db)
      const entry = cast(rows[0].entry_no, 'bigint')
      await run(
        db,
        sql`INSERT INTO campaign_entries (campaign_no, description, date, username, segment_no, canceled, salesperson_code, register_no)
            SELECT f.campaign_no, ${HEADER.description}, f.date, ${USER}, ${seg}, 0, f.salesperson_code, ${entry}
            FROM (SELECT l.campaign_no, l.date, l.salesperson_code,
                         ROW_NUMBER() OVER (PARTITION BY l.campaign_no ORDER BY l.date, l.line_no) AS rn
                  FROM segment_lines l WHERE l.segment_no = ${seg} AND l.contact_no <> '' AND l.campaign_no <> '') f
            WHERE f.rn = 1 ORDER BY f.campaign_no`,
      )
      const logged = await run(
        db,
        sql`INSERT INTO interaction_log_entries (contact_no, contact_company_no, salesperson_code, interaction_template_code,
              interaction_group_code, description, subject, language_code, date, time_of_interaction, cost_lcy,
              duration_min, information_flow, initiated_by, evaluation, campaign_no, campaign_target, campaign_response,
              attempt_failed, segment_no, correspondence_type, username, campaign_entry_no, logged_segment_entry_no,
              delivery_status, delivery_error, canceled, postponed, comment)
            SELECT l.contact_no, l.contact_company_no, l.salesperson_code, l.interaction_template_code,
              l.interaction_group_code, l.description, l.subject, l.language_code, l.date, l.time_of_interaction,
              l.cost_lcy, l.duration_min, l.information_flow, l.initiated_by, l.evaluation, l.campaign_no,
              l.campaign_target, l.campaign_response, l.attempt_failed, l.segment_no,
              CASE WHEN l.correspondence_type = 'Email' AND c.email = '' THEN '' ELSE l.correspondence_type END,
              ${USER}, COALESCE(ce.entry_no, 0), ${entry}, '', '', 0, 0, ''
            FROM segment_lines l
            JOIN contacts c ON c.no = l.contact_no
            LEFT JOIN campaign_entries ce ON ce.register_no = ${entry} AND ce.campaign_no = l.campaign_no AND l.campaign_no <> ''
            WHERE l.segment_no = ${seg} AND l.contact_no <> ''
            ORDER BY l.line_no`,
      )
      await run(db, sql`DELETE FROM segment_history WHERE segment_no = ${seg}`)
      await run(db, sql`DELETE FROM segment_criteria_actions WHERE segment_no = ${seg}`)
      await run(db, sql`DELETE FROM segment_lines WHERE segment_no = ${seg}`)
      await run(db, sql`DELETE FROM segment_headers WHERE no = ${seg}`)
      return logged
    },

    /**
     * lines-page: 50 lines from an offset with the contact's name, e-mail and company name, and the total
     * (the header's stored No. of Lines).
     */
    linesPage: async (db: Tx, seg: string, offset: number) => {
      const { rows } = await sql<Record<string, unknown>>`
          SELECT l.*, COALESCE(c.name, '') AS contact_name, COALESCE(c.email, '') AS contact_email,
                 COALESCE(k.name, '') AS contact_company_name
          FROM (SELECT * FROM segment_lines WHERE segment_no = ${seg} ORDER BY line_no LIMIT 50 OFFSET ${offset}) l
          LEFT JOIN contacts c ON c.no = l.contact_no
          LEFT JOIN contacts k ON k.no = l.contact_company_no
          ORDER BY l.line_no`.execute(db)
      const total = await one(db, sql`SELECT no_of_lines AS n FROM segment_headers WHERE no = ${seg}`)
      return { rows, total }
    },

    /** contacts-filter: the first 50 contacts by no. whose name contains "son" in any case, and the total. */
    contactsFilter: async (db: Tx) => {
      const match = pg ? sql`name ILIKE '%son%'` : sql`name LIKE '%son%'`
      const { rows } = await sql<
        Record<string, unknown>
      >`SELECT * FROM contacts WHERE ${match} ORDER BY no LIMIT 50`.execute(db)
      const total = await one(db, sql`SELECT count(*) AS n FROM contacts WHERE ${match}`)
      return { rows, total }
    },
  }
}
