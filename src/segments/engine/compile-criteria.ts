import { type RawBuilder, type SqlBool, sql } from 'kysely'
import type { Dialect } from '../../db/connection.js'
import { compileFilter } from '../../filters/index.js'
import { BLOCKS } from './criteria-blocks.js'
import type { BlockName, CriteriaFilters } from './types.js'

/**
 * `add`: BC's Add Contacts (a person matches a value entry only when it is the entry's contact);
 * `remove`: Reduce/Refine, where any value entry of the linked customer/vendor matches (spec §6.4).
 */
export type MatchMode = 'add' | 'remove'

/** The conditions of one block's fields on its alias, ANDed (all must hold on the same record). */
function fieldConditions(block: BlockName, filters: Record<string, string>, dialect: Dialect, alias?: string) {
  const def = BLOCKS[block]
  return Object.entries(filters).map(([field, expr]) => {
    const spec = def.fields[field]
    return compileFilter(
      expr,
      { type: spec.type, column: `${alias ?? def.alias}.${spec.column}`, options: spec.options },
      dialect,
    )
  })
}

const and = (conds: RawBuilder<SqlBool>[]): RawBuilder<SqlBool> =>
  conds.length === 0
    ? sql<SqlBool>`1 = 1`
    : conds.length === 1
      ? conds[0]
      : sql<SqlBool>`(${sql.join(conds, sql` AND `)})`

/**
 * `<contact column(s)> IN (SELECT <link column(s)> FROM <table> <alias> WHERE <fields>)`, or when
 * `correlated`, `EXISTS (SELECT 1 FROM <table> <alias> WHERE <link column> = <contact column> … AND <fields>)`.
 * Each pair is [contact column, link column].
 */
function linked(
  block: BlockName,
  pairs: [RawBuilder<unknown>, RawBuilder<unknown>][],
  conds: RawBuilder<SqlBool>[],
  correlated: boolean,
) {
  const def = BLOCKS[block]
  const from = sql`${sql.table(def.table)} ${sql.raw(def.alias)}`
  if (correlated) {
    const links = pairs.map(([contact, link]) => sql<SqlBool>`${link} = ${contact}`)
    return sql<SqlBool>`EXISTS (SELECT 1 FROM ${from} WHERE ${and([...links, ...conds])})`
  }
  const list = (cols: RawBuilder<unknown>[]) => (cols.length === 1 ? cols[0] : sql`(${sql.join(cols)})`)
  return sql<SqlBool>`${list(pairs.map((p) => p[0]))} IN (SELECT ${sql.join(pairs.map((p) => p[1]))} FROM ${from} WHERE ${and(conds)})`
}

/**
 * The columns a match reads from the contact it tests: its no., its company no. and (Add's value entry rule)
 * its type. `compileMatch` names them on a `contacts` alias by default; Reduce/Refine without contact fields
 * name the segment line's own copies instead (`l.contact_no`, `l.contact_company_no`) and so never join the
 * contacts.
 */
export interface MatchColumns {
  no: RawBuilder<unknown>
  companyNo: RawBuilder<unknown>
  /**
   * Write every block as a correlated `EXISTS` instead of `IN (subquery)`: under `NOT`, PostgreSQL runs
   * `NOT EXISTS` as an anti-join but tests `NOT (… IN (subquery))` line by line (NOT IN differs on NULLs).
   */
  correlated?: boolean
}

/**
 * Interaction log entry fields whose filter an index serves, so that reading the matching entries once
 * (`IN (SELECT …)`) is cheap: campaign no. (partial index) and logged segment entry no.
 */
const INDEXED_ENTRY_FIELDS = ['campaignNo', 'loggedSegmentEntryNo']

/**
 * Compiles a step's (validated) filters into one condition on the contact alias `c` (spec §7.1):
 *
 * ```
 * <contact fields on c>
 * AND c.no IN (SELECT cpa.contact_no FROM contact_profile_answers cpa WHERE …)
 * AND c.no IN (SELECT cmg.contact_no FROM contact_mailing_groups cmg WHERE …)
 * AND c.no IN (SELECT cjr.contact_no FROM contact_job_responsibilities cjr WHERE …)
 * AND c.company_no IN (SELECT cig.contact_no FROM contact_industry_groups cig WHERE …)
 * AND c.company_no IN (SELECT cbr.contact_no FROM contact_business_relations cbr WHERE …
 *       [AND cbr.link_to_table IN ('Customer', 'Vendor') AND EXISTS (SELECT 1 FROM value_entries ve
 *         WHERE ve.source_type = cbr.link_to_table AND ve.source_no = cbr.link_no AND …)])
 * AND (c.no, c.company_no) IN (SELECT ile.contact_no, ile.contact_company_no FROM interaction_log_entries ile WHERE …)
 * ```
 * Each block is "there is a related record on which all the block's fields hold" — `IN (subquery)` rather
 * than a correlated `EXISTS` because SQLite then reads the matching relation rows once (by their code
 * index) and probes the contacts by index, instead of probing the relation once per contact; PostgreSQL
 * plans both as a semi-join. Every link column is NOT NULL, so `IN` and `EXISTS` mean the same. A block
 * without filters adds nothing; no filters at all give `1 = 1` (every contact). Value entries are nested
 * in the business relation, so one relation with a matching entry is enough (quirk Q7 fixed). In `add`
 * mode a person matches a value entry only as the entry's contact:
 * `(c.type = 'Company' AND c.company_no IN (…)) OR (c.type <> 'Company' AND (c.no, c.company_no) IN
 * (SELECT ve.contact_no, cbr.contact_no FROM contact_business_relations cbr JOIN value_entries ve ON … WHERE …))`.
 *
 * Interaction log entries are the exception on SQLite, as no index serves most of their fields (date,
 * template, evaluation…): reading the matching entries would scan the whole table (5 million rows at a
 * million contacts: 1.2 s). When other blocks narrow the contacts first, the block is a correlated
 * `EXISTS (SELECT 1 FROM interaction_log_entries ile WHERE ile.contact_no = c.no AND
 * ile.contact_company_no = c.company_no AND …)`, probed by the (contact no., date) index for the remaining
 * contacts only, and written last so SQLite evaluates it last. With nothing else to narrow the contacts, or
 * a campaign / logged segment filter an index serves, it stays `IN`.
 *
 * `cols` names the contact's no. and company no. when they are not `c.no` / `c.company_no` (a segment line's
 * copies); then the filters must not have contact fields nor need the contact's type.
 */
export function compileMatch(
  filters: CriteriaFilters,
  dialect: Dialect,
  mode: MatchMode,
  c = 'c',
  cols?: MatchColumns,
): RawBuilder<SqlBool> {
  const ref = (col: string) => sql.ref(`${c}.${col}`)
  const no = cols?.no ?? ref('no')
  const companyNo = cols?.companyNo ?? ref('company_no')
  const correlated = cols?.correlated ?? false
  const conds: RawBuilder<SqlBool>[] = []
  const get = (b: BlockName) => (filters[b] && Object.keys(filters[b]!).length ? filters[b]! : undefined)
  const col = (block: BlockName, name: string) => sql.ref(`${BLOCKS[block].alias}.${name}`)

  const contact = get('contact')
  if (contact) conds.push(...fieldConditions('contact', contact, dialect, c))
  for (const block of ['profileAnswer', 'mailingGroup', 'jobResponsibility'] as const) {
    const fl = get(block)
    if (fl) conds.push(linked(block, [[no, col(block, 'contact_no')]], fieldConditions(block, fl, dialect), correlated))
  }
  const industry = get('industryGroup')
  if (industry)
    conds.push(
      linked(
        'industryGroup',
        [[companyNo, col('industryGroup', 'contact_no')]],
        fieldConditions('industryGroup', industry, dialect),
        correlated,
      ),
    )

  const busRel = get('businessRelation')
  const valueEntry = get('valueEntry')
  if (busRel && !valueEntry)
    conds.push(
      linked(
        'businessRelation',
        [[companyNo, sql`cbr.contact_no`]],
        fieldConditions('businessRelation', busRel, dialect),
        correlated,
      ),
    )
  if (valueEntry) {
    const relConds = [
      ...(busRel ? fieldConditions('businessRelation', busRel, dialect) : []),
      sql<SqlBool>`cbr.link_to_table IN (${'Customer'}, ${'Vendor'})`,
    ]
    const veConds = fieldConditions('valueEntry', valueEntry, dialect)
    const veLink = sql<SqlBool>`ve.source_type = cbr.link_to_table AND ve.source_no = cbr.link_no`
    const anyEntry = linked(
      'businessRelation',
      [[companyNo, sql`cbr.contact_no`]],
      [...relConds, sql<SqlBool>`EXISTS (SELECT 1 FROM value_entries ve WHERE ${veLink} AND ${and(veConds)})`],
      correlated,
    )
    if (mode === 'remove') conds.push(anyEntry)
    else
      conds.push(sql<SqlBool>`((${ref('type')} = ${'Company'} AND ${anyEntry}) OR (${ref('type')} <> ${'Company'} AND
        (${no}, ${companyNo}) IN (SELECT ve.contact_no, cbr.contact_no
          FROM contact_business_relations cbr JOIN value_entries ve ON ${veLink} WHERE ${and([...relConds, ...veConds])})))`)
  }

  const ile = get('interactionLogEntry')
  if (ile) {
    const fields = fieldConditions('interactionLogEntry', ile, dialect)
    const probe =
      dialect === 'sqlite' && conds.length > 0 && !Object.keys(ile).some((f) => INDEXED_ENTRY_FIELDS.includes(f))
    conds.push(
      linked(
        'interactionLogEntry',
        [
          [no, sql`ile.contact_no`],
          [companyNo, sql`ile.contact_company_no`],
        ],
        fields,
        correlated || probe,
      ),
    )
  }
  return and(conds)
}
