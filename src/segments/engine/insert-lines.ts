import { type RawBuilder, type SqlBool, sql } from 'kysely'
import type { Dialect } from '../../db/connection.js'
import type { Tx } from '../../db/transaction.js'
import { recordInsertions } from './history.js'
import { lineValues, loadLineContext, typed } from './line-values.js'
import { addToLineTotals, affected, LINE_NO_STEP, maxLineNo } from './segment-state.js'
import type { Actor, SegmentHeaderRow } from './types.js'

/**
 * Contacts given as a condition on `contacts x` (with CTEs it may use): the lines are selected straight
 * from the contacts, without joining a subquery back to them.
 */
export interface ContactCondition {
  ctes?: RawBuilder<unknown>
  where: RawBuilder<SqlBool>
}

const isCondition = (c: unknown): c is ContactCondition =>
  typeof c === 'object' && c !== null && 'where' in c && !('toOperationNode' in c)

interface NodeLike {
  kind: string
  selections?: { selection: { kind: string; alias?: { name?: string }; column?: { column?: { name?: string } } } }[]
}

function operationNode(q: unknown): NodeLike {
  const node = (q as { toOperationNode?: () => NodeLike }).toOperationNode?.()
  if (!node) throw new TypeError('insertLinesForContacts: contacts must be a Kysely select query or raw SQL')
  return node
}

/** The subquery as a derived table: Kysely parenthesises a select builder itself, raw SQL needs them. */
function derivedTable(q: unknown): RawBuilder<unknown> {
  const node = operationNode(q)
  return node.kind === 'SelectQueryNode' ? sql`${q as RawBuilder<unknown>}` : sql`(${q as RawBuilder<unknown>})`
}

/** Whether a select builder selects a column named `seq` (its own order for the new lines). */
function selectsSeq(q: unknown): boolean {
  const node = operationNode(q)
  return (node.selections ?? []).some((s) => {
    const sel = s.selection
    const name = sel.kind === 'AliasNode' ? sel.alias?.name : sel.column?.column?.name
    return name === 'seq'
  })
}

/**
 * BC's order of new lines (Contact key "Company Name, Company No., Type, Name"): company name, company
 * no., company before person, name, no. PostgreSQL sorts in byte order (`COLLATE "C"`) as SQLite does, so
 * both number the same lines alike whatever the database's locale.
 */
export function bcContactOrder(dialect: Dialect, x = 'x'): RawBuilder<unknown> {
  const c = (col: string) =>
    dialect === 'postgres' ? sql`${sql.ref(`${x}.${col}`)} COLLATE "C"` : sql`${sql.ref(`${x}.${col}`)}`
  return sql.join([c('company_name'), c('company_no'), c('type'), c('name'), c('no')])
}

/**
 * Inserts one line per row of `contacts` (a subquery selecting `contact_no`; duplicates give duplicate
 * lines) with values from the header and the contact (`lineValues`), and an `Insertion` history row per
 * line under `actionNo` — two set-based statements, nothing is read into Node:
 *
 * ```sql
 * INSERT INTO segment_lines (segment_no, line_no, contact_no, contact_company_no, salesperson_code, …)
 * SELECT ?, ? + 10000 * ROW_NUMBER() OVER (ORDER BY [s.seq,] x.company_name, x.company_no, x.type, x.name, x.no),
 *        x.no, x.company_no, <header and contact values>
 * FROM (<contacts>) s JOIN contacts x ON x.no = s.contact_no
 * ```
 * `contacts` may also be a `ContactCondition` (Add Contacts): then `… FROM contacts x WHERE <condition>`.
 *
 * On PostgreSQL the two are one statement (`WITH inserted AS (INSERT … RETURNING …) INSERT INTO segment_history
 * SELECT … FROM inserted`).
 *
 * Line nos. continue after the segment's highest in steps of 10000, in BC's order; when the subquery also
 * selects a column `seq`, lines follow it first (e.g. the entries of a logged segment). With `at.lineNo`
 * the single contact's line gets that line no. (manual lines). Rows naming no existing contact are skipped.
 * No exclusion or duplicate check here: Add Contacts filters those out in its own subquery (quirk Q9).
 */
export async function insertLines(
  trx: Tx,
  dialect: Dialect,
  header: SegmentHeaderRow,
  contacts: unknown,
  actionNo: number,
  actor: Actor,
  at?: { lineNo: number },
): Promise<number> {
  const ctx = await loadLineContext(trx, header)
  const values = lineValues(ctx, dialect, 'x')
  const condition = isCondition(contacts) ? contacts : undefined
  let lineNo: RawBuilder<unknown>
  let after = 0
  if (at) lineNo = typed(dialect, at.lineNo, 'bigint')
  else {
    after = await maxLineNo(trx, header.no)
    const order = !condition && selectsSeq(contacts) ? sql`s.seq, ${bcContactOrder(dialect)}` : bcContactOrder(dialect)
    lineNo = sql`${typed(dialect, after, 'bigint')} + ${sql.raw(String(LINE_NO_STEP))} * ROW_NUMBER() OVER (ORDER BY ${order})`
  }
  const from = condition
    ? sql`FROM contacts x WHERE ${condition.where}`
    : sql`FROM ${derivedTable(contacts)} s JOIN contacts x ON x.no = s.contact_no`
  const insert = sql`INSERT INTO segment_lines (segment_no, line_no, contact_no, ${sql.join(values.map(([c]) => sql.ref(c)))})
        SELECT ${typed(dialect, header.no, 'text')}, ${lineNo}, x.no, ${sql.join(values.map(([, v]) => v))}
        ${from}`
  let inserted: number
  if (dialect === 'postgres') {
    // One statement: the history rows come from the inserted rows (RETURNING) instead of reading the new
    // lines back by line no. (at 400,000 lines that read costs about as much as writing the history). One
    // history row per line, so the rows it reports are the lines inserted.
    inserted = await affected(
      sql`WITH ${condition?.ctes ? sql`${condition.ctes}, ` : sql``}inserted AS (
            ${insert} RETURNING segment_no, line_no, contact_no, contact_company_no)
          INSERT INTO segment_history (segment_no, action_no, action_taken, username, line_no, contact_no, contact_company_no)
          SELECT segment_no, ${actionNo}, ${'Insertion'}, ${actor.username}, line_no, contact_no, contact_company_no
          FROM inserted`.execute(trx),
    )
  } else {
    inserted = await affected(sql`${condition?.ctes ? sql`WITH ${condition.ctes} ` : sql``}${insert}`.execute(trx))
    if (inserted > 0) await recordInsertions(trx, header.no, actionNo, actor, at ? { lineNo: at.lineNo } : { after })
  }
  // Every new line has the same cost and duration (the header's): the totals move by `inserted ×` them.
  const each = (column: string) => {
    const v = values.find(([c]) => c === column)
    if (!v) throw new TypeError(`lineValues gives no ${column}`)
    return v[1]
  }
  await addToLineTotals(trx, header.no, inserted, { cost: each('cost_lcy'), duration: each('duration_min') })
  return inserted
}

/**
 * Line values for contacts selected by a subquery (header defaults + contact, spec §5.2), inserted at the
 * end of the segment in BC's order with history rows of `actionNo`. Used by Add Contacts, manual lines and
 * Reuse; the caller records the criteria action first and holds the segment lock.
 */
export function insertLinesForContacts(
  trx: Tx,
  dialect: Dialect,
  header: SegmentHeaderRow,
  contacts: unknown,
  actionNo: number,
  actor: Actor,
): Promise<number> {
  return insertLines(trx, dialect, header, contacts, actionNo, actor)
}
