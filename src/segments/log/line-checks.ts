import { sql } from 'kysely'
import type { Tx } from '../../db/transaction.js'
import { mustHaveValue, ruleViolation } from '../../errors.js'
import { NO_ATTACHMENT, noEmail } from '../../interactions/delivery/send-job.js'

/** BC's "The <Table> does not exist" for a value a line refers to (a rule of Log, not a missing path resource). */
const doesNotExist = (table: string, key: string, value: string) =>
  ruleViolation(`The ${table} does not exist. Identification fields and values: ${key}='${value}'`)

interface Offender {
  line_no: number
  contact_no: string
  salesperson_code: string
  interaction_template_code: string
  campaign_no: string
  broken: string
}

/** The code tables a line refers to, joined as `s`, `t` and `k` (a handful of rows each). */
const CODE_JOINS = sql`LEFT JOIN salespeople s ON s.code = l.salesperson_code
    LEFT JOIN interaction_templates t ON t.code = l.interaction_template_code
    LEFT JOIN campaigns k ON k.no = l.campaign_no`

/**
 * The first rule a line `l` breaks, in BC's order, or NULL: with `contact`, rule 2 reads the contact joined
 * as `c` (and with `email`, rule 8 its e-mail); without, only the line and the code tables are read.
 */
function brokenRule(opts: { contact: boolean; email: boolean }) {
  return sql`CASE
      WHEN l.date IS NULL THEN 'date'
      ${opts.contact ? sql`WHEN c.no IS NULL THEN 'contact'` : sql``}
      WHEN l.salesperson_code = '' THEN 'salesperson'
      WHEN s.code IS NULL THEN 'salespersonMissing'
      WHEN l.interaction_template_code = '' THEN 'template'
      WHEN t.code IS NULL THEN 'templateMissing'
      WHEN l.campaign_no <> '' AND k.no IS NULL THEN 'campaignMissing'
      ${opts.email ? sql`WHEN l.correspondence_type = 'Email' AND c.email = '' THEN 'email'` : sql``}
    END`
}

/**
 * BC's CheckSegmentLine (SegManagement.LogSegment) for every line with a contact, set-based: ONE query finds the first
 * line, in line order, that breaks any rule, and for it the first rule it breaks in BC's order — the same
 * error BC's loop over the lines would stop at:
 *
 * 1. Date must have a value; 2. the contact must exist; 3. Salesperson Code must have a value and 4. exist;
 * 5. Interaction Template Code must have a value and 6. exist; 7. a campaign must exist;
 * 8. with delivery, an Email line's contact must have an e-mail address.
 *
 * ```sql
 * SELECT l.line_no, …, CASE WHEN l.date IS NULL THEN 'date' WHEN c.no IS NULL THEN 'contact' … END AS broken
 * FROM segment_lines l LEFT JOIN contacts c … LEFT JOIN salespeople s … LEFT JOIN interaction_templates t …
 * LEFT JOIN campaigns k … WHERE l.segment_no = ? AND l.contact_no <> '' AND <rule> IS NOT NULL
 * ORDER BY l.line_no LIMIT 1
 * ```
 *
 * With delivery, `checkTemplateTexts` then runs BC's Send check (the first step of `AttachmentManagement.Send`,
 * before anything is committed): every delivered line's template must have a text ("attachment") in some
 * language.
 */
export async function throwFirstBrokenLine(trx: Tx, segmentNo: string, deliver: boolean): Promise<void> {
  const rule = brokenRule({ contact: true, email: deliver })
  const { rows } = await sql<Offender>`
    SELECT l.line_no, l.contact_no, l.salesperson_code, l.interaction_template_code, l.campaign_no, ${rule} AS broken
    FROM segment_lines l
    LEFT JOIN contacts c ON c.no = l.contact_no
    ${CODE_JOINS}
    WHERE l.segment_no = ${segmentNo} AND l.contact_no <> '' AND ${rule} IS NOT NULL
    ORDER BY l.line_no
    LIMIT 1`.execute(trx)
  const o = rows[0]
  if (o) {
    const line = { 'Segment No.': segmentNo, 'Line No.': Number(o.line_no) }
    switch (o.broken) {
      case 'date':
        throw mustHaveValue('Date', 'Segment Line', line)
      case 'contact':
        throw doesNotExist('Contact', 'No.', o.contact_no)
      case 'salesperson':
        throw mustHaveValue('Salesperson Code', 'Segment Line', line)
      case 'salespersonMissing':
        throw doesNotExist('Salesperson/Purchaser', 'Code', o.salesperson_code)
      case 'template':
        throw mustHaveValue('Interaction Template Code', 'Segment Line', line)
      case 'templateMissing':
        throw doesNotExist('Interaction Template', 'Code', o.interaction_template_code)
      case 'campaignMissing':
        throw doesNotExist('Campaign', 'No.', o.campaign_no)
      case 'email':
        throw ruleViolation(noEmail(o.contact_no))
    }
  }
}

/**
 * What `checkLinesForLog` found: how many lines have a contact, and whether it already checked that their
 * contacts exist (otherwise the caller compares the entries it inserted, joined to the contacts, with `lines`).
 */
export interface LineCheck {
  lines: number
  contactsChecked: boolean
}

/**
 * The checks of Log before anything is written. The rules that read only the line and the small code
 * tables (1, 3–7) are counted in one pass over the lines (the same `brokenRule`, without the contact);
 * only when a line breaks one, or with delivery (rule 8 reads the contact's e-mail), does the
 * query of `throwFirstBrokenLine` join every line to its contact to find BC's error. Rule 2 (the contact
 * exists) is left to the caller: the entries are inserted joined to the contacts, so fewer entries than
 * `lines` means a contact is missing, and `throwFirstBrokenLine` then names it, before the transaction
 * commits. At 100,000 lines on PostgreSQL the join of every line took longer than half the log itself.
 */
export async function checkLinesForLog(trx: Tx, segmentNo: string, deliver: boolean): Promise<LineCheck> {
  const { rows } = await sql<{ lines: number; broken: number }>`
    SELECT count(*) AS lines, count(${brokenRule({ contact: false, email: false })}) AS broken
    FROM segment_lines l
    ${CODE_JOINS}
    WHERE l.segment_no = ${segmentNo} AND l.contact_no <> ''`.execute(trx)
  const lines = Number(rows[0].lines)
  if (Number(rows[0].broken) > 0 || deliver) await throwFirstBrokenLine(trx, segmentNo, deliver)
  if (deliver) await checkTemplateTexts(trx, segmentNo)
  return { lines, contactsChecked: deliver }
}

/** BC's Send check: every delivered line's template has a text ("attachment") in some language. */
async function checkTemplateTexts(trx: Tx, segmentNo: string): Promise<void> {
  const noText = await trx
    .selectFrom('segment_lines as l')
    .select('l.line_no')
    .where('l.segment_no', '=', segmentNo)
    .where('l.contact_no', '<>', '')
    .where('l.correspondence_type', '<>', '')
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('interaction_template_languages as tl')
            .select('tl.template_code')
            .whereRef('tl.template_code', '=', 'l.interaction_template_code')
            .where(sql<boolean>`tl.body <> ''`),
        ),
      ),
    )
    .orderBy('l.line_no')
    .limit(1)
    .executeTakeFirst()
  if (noText) throw ruleViolation(NO_ATTACHMENT)
}
