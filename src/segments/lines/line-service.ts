import { type Selectable, sql } from 'kysely'
import { toApi, toRow } from '../../api/fields.js'
import {
  type AnySelect,
  type ListPage,
  type ListParams,
  type ListStatement,
  parseListQuery,
  runList,
} from '../../api/list-query.js'
import type { Dialect } from '../../db/connection.js'
import type { DB, SegmentLineTable } from '../../db/schema.js'
import type { Tx } from '../../db/transaction.js'
import { alreadyExists, confirmationRequired, mustHaveValue, notFound, ruleViolation } from '../../errors.js'
import {
  type Actor,
  countCriteriaActions,
  countLines,
  deleteRecordedLines,
  exactFilter,
  getSegment,
  lockSegment,
  recordAction,
  recordDeletions,
  type SegmentHeaderRow,
} from '../engine/index.js'
import { insertLines } from '../engine/insert-lines.js'
import { typed } from '../engine/line-values.js'
import { LINE_NO_STEP, maxLineNo, updateLineValues } from '../engine/segment-state.js'
import { SEGMENT_LINE_FIELDS } from './line-fields.js'
import { lineTemplateValues } from './line-template.js'

type LineRow = Selectable<SegmentLineTable>
export type LineApi = Record<string, unknown>

/** BC's question when the last line of a segment with more than one criteria action is deleted. */
export const EMPTY_SEGMENT_QUESTION = 'Your Segment is now empty.\\Do you want to reset number of criteria actions?'

const lineKeys = (segmentNo: string, lineNo: number) => ({ 'Segment No.': segmentNo, 'Line No.': lineNo })

/**
 * Line rows (a query over `segment_lines`) with the contact's name and e-mail and the company's name, blank
 * where there is none: the lines' own statement joins them, for its rows only.
 */
export function withNames(db: Tx, lines: AnySelect) {
  return db
    .selectFrom(lines.as('t'))
    .leftJoin('contacts as c', 'c.no', 't.contact_no')
    .leftJoin('contacts as k', 'k.no', 't.contact_company_no')
    .selectAll('t')
    .select(NAMES)
}

/** The contact's name, e-mail and company name of a line (`l`, contacts `c` and `k`), '' when the contact is gone. */
export const NAMES = [
  sql<string>`coalesce(c.name, '')`.as('contact_name'),
  sql<string>`coalesce(c.email, '')`.as('contact_email'),
  sql<string>`coalesce(k.name, '')`.as('contact_company_name'),
]

/** The line fields that come from the contact. */
const NAME_FIELDS = ['contactName', 'contactCompanyName', 'contactEmail']
const NAME_COLUMNS: ReadonlySet<string> = new Set(['t.contact_name', 't.contact_company_name', 't.contact_email'])

/** Whether a list of lines (alias `t`) filters or sorts on a field that comes from the contact. */
export function byContactName(p: ListParams, query: Record<string, unknown>): boolean {
  return (
    p.sort.some((o) => NAME_COLUMNS.has(o.ref)) ||
    NAME_FIELDS.some((f) => query[`filter[${f}]`] !== undefined && query[`filter[${f}]`] !== '')
  )
}

/**
 * Lines (`where` narrows them) with the names as columns of `t`, for a list that filters or sorts on them: a
 * derived table both engines merge into the outer query, so the filters on the line's own columns still use
 * the lines' indexes. The names are looked up through the contacts' primary key for each line in scope; no
 * index on them would help, as the match is on the join's result.
 */
export function linesWithNames(db: Tx, where?: (lines: AnySelect) => AnySelect) {
  const named = db
    .selectFrom('segment_lines as l')
    .leftJoin('contacts as c', 'c.no', 'l.contact_no')
    .leftJoin('contacts as k', 'k.no', 'l.contact_company_no')
    .selectAll('l')
    .select(NAMES)
  return db.selectFrom((where ? where(named) : named).as('t')).selectAll('t')
}

export async function listLines(
  db: Tx,
  dialect: Dialect,
  segmentNo: string,
  query: Record<string, unknown>,
): Promise<ListPage<LineApi>> {
  const p = parseListQuery(query, SEGMENT_LINE_FIELDS, { dialect, alias: 't', defaultSort: ['lineNo'] })
  const lines: ListStatement = {
    db,
    key: 'segment lines with names',
    values: [segmentNo],
    build: ([no]) =>
      db
        .selectFrom('segment_lines as t')
        .selectAll('t')
        .where('t.segment_no', '=', no as string),
  }
  const byName = byContactName(p, query)
  // Otherwise the names are joined to the page's rows only (a join below OFFSET would look them up for every
  // line it skips).
  const page = byName
    ? await runList(
        linesWithNames(db, (l) => l.where('l.segment_no', '=', segmentNo)),
        p,
        (row) => toApi<LineApi>(SEGMENT_LINE_FIELDS, row),
        {
          unfilteredTotal: () => countLines(db, segmentNo),
        },
      )
    : await runList(lines, p, (row) => toApi<LineApi>(SEGMENT_LINE_FIELDS, row), {
        around: (rows) => withNames(db, rows),
        unfilteredTotal: () => countLines(db, segmentNo),
      })
  if (page.items.length === 0) await getSegment(db, segmentNo)
  return page
}

async function loadLine(db: Tx, segmentNo: string, lineNo: number): Promise<LineRow> {
  const line = await db
    .selectFrom('segment_lines')
    .selectAll()
    .where('segment_no', '=', segmentNo)
    .where('line_no', '=', lineNo)
    .executeTakeFirst()
  if (!line) throw notFound('Segment Line', lineKeys(segmentNo, lineNo))
  return line
}

export async function getLine(db: Tx, segmentNo: string, lineNo: number): Promise<LineApi> {
  const line = await withNames(
    db,
    db.selectFrom('segment_lines').selectAll().where('segment_no', '=', segmentNo).where('line_no', '=', lineNo),
  ).executeTakeFirst()
  if (!line) throw notFound('Segment Line', lineKeys(segmentNo, lineNo))
  return toApi<LineApi>(SEGMENT_LINE_FIELDS, line)
}

async function mustExist(db: Tx, table: keyof DB, column: string, value: string, title: string, caption: string) {
  const found = await db
    .selectFrom(table as never)
    .select(column as never)
    .where(column as never, '=', value as never)
    .executeTakeFirst()
  if (!found)
    throw ruleViolation(`The ${title} does not exist. Identification fields and values: ${caption}='${value}'`)
}

const checkContact = (db: Tx, no: string) => mustExist(db, 'contacts', 'no', no, 'Contact', 'No.')

/** The table relations of the line fields a caller may set. */
async function checkReferences(db: Tx, row: Partial<LineRow>): Promise<void> {
  if (row.salesperson_code)
    await mustExist(db, 'salespeople', 'code', row.salesperson_code, 'Salesperson/Purchaser', 'Code')
  if (row.language_code) await mustExist(db, 'languages', 'code', row.language_code, 'Language', 'Code')
  if (row.campaign_no) await mustExist(db, 'campaigns', 'no', row.campaign_no, 'Campaign', 'No.')
}

/**
 * Inserts the contact's line at `lineNo` from the header and the contact (Contact No. validate), recording
 * an `Add Contacts` action with the filter `contact.no = <contact>` and its history Insertion (spec §6.2).
 * No Exclude from Segment check and no duplicate check, as in BC.
 */
async function insertContactLine(
  trx: Tx,
  dialect: Dialect,
  header: SegmentHeaderRow,
  contactNo: string,
  lineNo: number,
  actor: Actor,
): Promise<void> {
  const actionNo = await recordAction(
    trx,
    header.no,
    'Add Contacts',
    { contact: { no: exactFilter(contactNo) } },
    {},
    actor,
  )
  await insertLines(
    trx,
    dialect,
    header,
    sql`SELECT ${typed(dialect, contactNo, 'text')} AS contact_no`,
    actionNo,
    actor,
    { lineNo },
  )
}

/** Records a `Remove Contacts (Reduce)` action for the line's contact, its history Deletion, and deletes the line. */
async function removeLine(trx: Tx, dialect: Dialect, line: LineRow, actor: Actor): Promise<number> {
  const actionNo = await recordAction(
    trx,
    line.segment_no,
    'Remove Contacts (Reduce)',
    { contact: { no: exactFilter(line.contact_no) } },
    {},
    actor,
  )
  await recordDeletions(trx, line.segment_no, actionNo, actor, sql`l.line_no = ${line.line_no}`)
  await deleteRecordedLines(trx, dialect, line.segment_no, actionNo)
  return actionNo
}

/**
 * Applies the non-contact fields of a line change: the template first (the line template validation of
 * spec §5.2 resets and refills the interaction fields), then the values given, checked against their tables.
 */
async function applyFields(
  trx: Tx,
  header: SegmentHeaderRow,
  segmentNo: string,
  lineNo: number,
  body: Record<string, unknown>,
): Promise<void> {
  const { contactNo: _c, lineNo: _l, ...fields } = body
  const row = toRow(SEGMENT_LINE_FIELDS, fields) as Partial<LineRow>
  let changes: Partial<LineRow> = {}
  const line = await loadLine(trx, segmentNo, lineNo)
  if (row.interaction_template_code !== undefined && row.interaction_template_code !== line.interaction_template_code) {
    changes = await lineTemplateValues(trx, header, line, row.interaction_template_code)
  }
  delete row.interaction_template_code
  await checkReferences(trx, row)
  // BC Language Code validate: TestField("Interaction Template Code").
  const template = changes.interaction_template_code ?? line.interaction_template_code
  if (row.language_code && !template)
    throw mustHaveValue('Interaction Template Code', 'Segment Line', lineKeys(segmentNo, lineNo))
  changes = { ...changes, ...row }
  // A language given by hand is the line's own: a header template change keeps it (migration 011); a blank
  // one, or one the line's template chose, follows the header again.
  if (row.language_code !== undefined) changes.language_by_hand = row.language_code ? 1 : 0
  else if (changes.interaction_template_code !== undefined) changes.language_by_hand = 0
  if (Object.keys(changes).length === 0) return
  const update = () =>
    trx
      .updateTable('segment_lines')
      .set(changes)
      .where('segment_no', '=', segmentNo)
      .where('line_no', '=', lineNo)
      .execute()
  // Cost and duration are summed on the header (Cost (LCY), Duration (Min.)): move them with the line.
  if ('cost_lcy' in changes || 'duration_min' in changes) await updateLineValues(trx, segmentNo, lineNo, update)
  else await update()
}

/**
 * POST /api/segments/{no}/lines: a line added by hand. `lineNo` defaults to the last + 10000; the other
 * fields given override what the header and contact filled in.
 */
export async function addLine(
  trx: Tx,
  dialect: Dialect,
  segmentNo: string,
  body: Record<string, unknown> & { contactNo: string; lineNo?: number },
  actor: Actor,
): Promise<LineApi> {
  const header = await lockSegment(trx, dialect, segmentNo)
  await checkContact(trx, body.contactNo)
  let lineNo = body.lineNo
  if (lineNo === undefined) lineNo = (await maxLineNo(trx, segmentNo)) + LINE_NO_STEP
  else {
    const taken = await trx
      .selectFrom('segment_lines')
      .select('line_no')
      .where('segment_no', '=', segmentNo)
      .where('line_no', '=', lineNo)
      .executeTakeFirst()
    if (taken) throw alreadyExists('Segment Line', lineKeys(segmentNo, lineNo))
  }
  await insertContactLine(trx, dialect, header, body.contactNo, lineNo, actor)
  await applyFields(trx, header, segmentNo, lineNo, body)
  return getLine(trx, segmentNo, lineNo)
}

/**
 * PATCH a line. A new contact no. is recorded as BC's subform does: `Remove Contacts (Reduce)` of the old
 * contact (history Deletion with the line's values) and `Add Contacts` of the new one (the line refilled
 * from header and contact, same line no.); other fields are plain updates.
 */
export async function updateLine(
  trx: Tx,
  dialect: Dialect,
  segmentNo: string,
  lineNo: number,
  body: Record<string, unknown>,
  actor: Actor,
): Promise<LineApi> {
  const header = await lockSegment(trx, dialect, segmentNo)
  const line = await loadLine(trx, segmentNo, lineNo)
  const contactNo = body.contactNo as string | undefined
  if (contactNo !== undefined && contactNo !== line.contact_no) {
    if (!contactNo) throw mustHaveValue('Contact No.', 'Segment Line', lineKeys(segmentNo, lineNo))
    await checkContact(trx, contactNo)
    await removeLine(trx, dialect, line, actor)
    await insertContactLine(trx, dialect, header, contactNo, lineNo, actor)
  }
  await applyFields(trx, header, segmentNo, lineNo, body)
  return getLine(trx, segmentNo, lineNo)
}

/**
 * DELETE a line: `Remove Contacts (Reduce)` of its contact + history Deletion. When it was the last line
 * and the segment then has more than one criteria action, BC asks 'Your Segment is now empty.\Do you want
 * to reset number of criteria actions?': `resetCriteria` answers (true: the segment's criteria and history
 * are deleted; false: kept); without it the answer is 409 CONFIRMATION_REQUIRED and nothing changes.
 */
export async function deleteLine(
  trx: Tx,
  dialect: Dialect,
  segmentNo: string,
  lineNo: number,
  resetCriteria: boolean | undefined,
  actor: Actor,
): Promise<{ noOfLines: number; noOfCriteriaActions: number }> {
  await lockSegment(trx, dialect, segmentNo)
  const line = await loadLine(trx, segmentNo, lineNo)
  const lastLine = (await countLines(trx, segmentNo)) === 1
  const actionsAfter = (await countCriteriaActions(trx, segmentNo)) + 1
  const ask = lastLine && actionsAfter > 1
  if (ask && resetCriteria === undefined) throw confirmationRequired(EMPTY_SEGMENT_QUESTION)
  await removeLine(trx, dialect, line, actor)
  if (ask && resetCriteria) {
    // Quirk Q12 fixed: no history row with action no. 0 survives the reset.
    await trx.deleteFrom('segment_history').where('segment_no', '=', segmentNo).execute()
    await trx.deleteFrom('segment_criteria_actions').where('segment_no', '=', segmentNo).execute()
  }
  return {
    noOfLines: await countLines(trx, segmentNo),
    noOfCriteriaActions: await countCriteriaActions(trx, segmentNo),
  }
}
