import type { Insertable } from 'kysely'
import type { DB } from '../db/schema.js'
import type { DemoCompany, DemoContacts, DemoPerson } from './contacts.js'
import { addDays } from './dates.js'
import type { Random } from './random.js'
import { CAMPAIGNS, DEMO_USERNAME } from './reference-data.js'
import { type TemplateDef, templateByCode } from './templates.js'
import { ITEMS, PURCHASED_ITEMS } from './words.js'

type ValueEntry = Omit<Insertable<DB['value_entries']>, 'entry_no'>
type LogEntry = Omit<
  Insertable<DB['interaction_log_entries']>,
  'entry_no' | 'logged_segment_entry_no' | 'campaign_entry_no'
>

const round2 = (n: number) => Math.round(n * 100) / 100

/**
 * A year of posted sales (5–20 value entries per customer, on invoices of 1–3 lines and a few credit memos)
 * and purchases (3–10 per vendor), in posting-date order so entry numbers rise with the date. Sales
 * quantities and amounts are positive on invoices and negative on credit memos.
 */
export function buildValueEntries(rng: Random, today: string, contacts: DemoContacts): ValueEntry[] {
  const entries: ValueEntry[] = []
  let salesInvoice = 103001
  let salesCredit = 104001
  let purchaseInvoice = 108001
  const contactOf = (c: DemoCompany) => (c.persons.length && rng.chance(0.7) ? rng.pick(c.persons).no : c.no)
  for (const c of contacts.companies) {
    if (c.customerNo) {
      const n = rng.int(5, 20)
      let made = 0
      while (made < n) {
        const credit = rng.chance(0.08)
        const documentNo = credit ? `PSCM-${salesCredit++}` : `PSI-${salesInvoice++}`
        const date = addDays(today, -rng.int(0, 364))
        const contactNo = contactOf(c)
        for (let line = Math.min(rng.int(1, 3), n - made); line > 0; line--, made++) {
          const item = rng.pick(ITEMS)
          const qty = credit ? -rng.int(1, 3) : rng.int(1, 20)
          const discount = rng.pick([0, 0, 0.05, 0.1])
          entries.push({
            source_type: 'Customer',
            source_no: c.customerNo,
            item_no: item.no,
            variant_code: item.variants.length && rng.chance(0.5) ? rng.pick(item.variants) : '',
            posting_date: date,
            document_type: credit ? 'Sales Credit Memo' : 'Sales Invoice',
            document_no: documentNo,
            quantity: qty,
            amount: round2(qty * item.price * (1 - discount)),
            contact_no: contactNo,
          })
        }
      }
    }
    if (c.vendorNo) {
      const n = rng.int(3, 10)
      for (let i = 0; i < n; i++) {
        const item = rng.pick(PURCHASED_ITEMS)
        const qty = rng.int(1, 20) * 10
        entries.push({
          source_type: 'Vendor',
          source_no: c.vendorNo,
          item_no: item.no,
          variant_code: '',
          posting_date: addDays(today, -rng.int(0, 364)),
          document_type: 'Purchase Invoice',
          document_no: `PPI-${purchaseInvoice++}`,
          quantity: qty,
          amount: round2(qty * item.cost),
          contact_no: contactOf(c),
        })
      }
    }
  }
  entries.sort((a, b) =>
    a.posting_date! < b.posting_date!
      ? -1
      : a.posting_date! > b.posting_date!
        ? 1
        : a.document_no! < b.document_no!
          ? -1
          : 1,
  )
  // Posted document numbers rise with the posting date, as a number series hands them out.
  const renumbered = new Map<string, string>()
  const next: Record<string, number> = { 'PSI-': 103001, 'PSCM-': 104001, 'PPI-': 108001 }
  for (const e of entries) {
    const old = e.document_no!
    let no = renumbered.get(old)
    if (!no) {
      const prefix = old.slice(0, old.indexOf('-') + 1)
      no = `${prefix}${next[prefix]++}`
      renumbered.set(old, no)
    }
    e.document_no = no
  }
  return entries
}

export interface PlannedLoggedSegment {
  row: Omit<Insertable<DB['logged_segments']>, 'entry_no'>
}
export interface PlannedCampaignEntry {
  row: Omit<Insertable<DB['campaign_entries']>, 'entry_no' | 'register_no'>
  /** Index into the logged segments, for Register No.; undefined for a single interaction's entry. */
  loggedSegment?: number
}
export interface PlannedLogEntry {
  row: LogEntry
  loggedSegment?: number
  campaignEntry?: number
}

export interface DemoInteractions {
  campaigns: Insertable<DB['campaigns']>[]
  loggedSegments: PlannedLoggedSegment[]
  campaignEntries: PlannedCampaignEntry[]
  logEntries: PlannedLogEntry[]
  targetGroups: Insertable<DB['campaign_target_groups']>[]
  segmentHeaders: Insertable<DB['segment_headers']>[]
  lastSegmentNo: string
  lastCampaignNo: string
}

interface Who {
  no: string
  companyNo: string
  language: string
  salesperson: string
  correspondenceType: string
}

const TEMPLATE_LANGUAGES = ['ENU', 'DEU', 'FRA']
const languageFor = (who: Who) => (TEMPLATE_LANGUAGES.includes(who.language) ? who.language : 'ENU')
const time = (rng: Random) =>
  `${String(rng.int(8, 17)).padStart(2, '0')}:${String(rng.pick([0, 15, 30, 45])).padStart(2, '0')}:00`

/** An interaction log entry as logging a segment line or recording a single interaction writes it. */
function logEntry(t: TemplateDef, who: Who, date: string, at: string, extra: Partial<LogEntry>): LogEntry {
  const lang = languageFor(who)
  // Correspondence type: the contact's preferred one unless blank (then the template's), none for
  // meetings and calls (template default blank).
  const corr = t.correspondenceType === '' ? '' : who.correspondenceType || t.correspondenceType
  return {
    contact_no: who.no,
    contact_company_no: who.companyNo,
    salesperson_code: who.salesperson,
    correspondence_type: corr,
    interaction_template_code: t.code,
    interaction_group_code: t.group,
    description: t.languages[lang as 'ENU'].description,
    subject: t.languages[lang as 'ENU'].subject,
    language_code: lang,
    date,
    time_of_interaction: at,
    cost_lcy: t.unitCost,
    duration_min: t.unitDuration,
    information_flow: t.informationFlow,
    initiated_by: t.initiatedBy,
    evaluation: '',
    campaign_no: '',
    campaign_target: 0,
    campaign_response: 0,
    attempt_failed: 0,
    username: DEMO_USERNAME,
    segment_no: '',
    delivery_status: '',
    delivery_error: '',
    canceled: 0,
    postponed: 0,
    comment: '',
    ...extra,
  }
}

const MEETING_TOPICS = [
  'Product presentation',
  'Quarterly business review',
  'Showroom visit',
  'Price negotiation',
  'Project kick-off',
]
const CALL_OUT_TOPICS = ['Follow-up on quote', 'Delivery date', 'Appointment booking', 'Catalogue follow-up']
const CALL_IN_TOPICS = ['Question about an invoice', 'Request for a quote', 'Delivery complaint', 'Spare parts request']

/**
 * Twelve months of interactions: three logged segments (a newsletter, the spring launch mailing, the golf
 * invitations) with their campaign entries, single meetings, calls, letters and e-mails, campaign responses,
 * the two campaigns and two open segments.
 */
export function buildInteractions(rng: Random, today: string, contacts: DemoContacts): DemoInteractions {
  const persons: (DemoPerson & { company?: DemoCompany })[] = [
    ...contacts.companies.flatMap((c) => c.persons.map((p) => ({ ...p, company: c }))),
    ...contacts.independents,
  ]
  const companyByNo = new Map(contacts.companies.map((c) => [c.no, c]))
  const out: DemoInteractions = {
    campaigns: [
      {
        ...CAMPAIGNS.spring,
        starting_date: addDays(today, -60),
        ending_date: addDays(today, 30),
        last_date_modified: addDays(today, -45),
      },
      {
        ...CAMPAIGNS.golf,
        starting_date: addDays(today, -15),
        ending_date: addDays(today, 45),
        last_date_modified: addDays(today, -10),
      },
    ],
    loggedSegments: [],
    campaignEntries: [],
    logEntries: [],
    targetGroups: [],
    segmentHeaders: [],
    lastSegmentNo: 'SM00005',
    lastCampaignNo: CAMPAIGNS.golf.no,
  }

  const logSegment = (
    segmentNo: string,
    description: string,
    templateCode: string,
    daysAgo: number,
    salesperson: string,
    members: Who[],
    campaignNo = '',
  ) => {
    const t = templateByCode(templateCode)
    const date = addDays(today, -daysAgo)
    const at = time(rng)
    const ls = out.loggedSegments.length
    out.loggedSegments.push({
      row: {
        segment_no: segmentNo,
        description,
        creation_date: date,
        username: DEMO_USERNAME,
        canceled: 0,
        created_at: `${date}T${at}.000Z`,
      },
    })
    let ce: number | undefined
    if (campaignNo) {
      ce = out.campaignEntries.length
      out.campaignEntries.push({
        row: {
          campaign_no: campaignNo,
          description,
          date,
          username: DEMO_USERNAME,
          segment_no: segmentNo,
          canceled: 0,
          salesperson_code: salesperson,
        },
        loggedSegment: ls,
      })
    }
    for (const m of members)
      out.logEntries.push({
        row: logEntry(t, m, date, at, {
          description,
          segment_no: segmentNo,
          campaign_no: campaignNo,
          campaign_target: campaignNo ? 1 : 0,
        }),
        loggedSegment: ls,
        campaignEntry: ce,
      })
    return members
  }

  const available = (p: DemoPerson) => !p.excluded
  // SM00001: the quarterly newsletter to everyone in the NEWSLETTER mailing group.
  logSegment(
    'SM00001',
    'Quarterly newsletter',
    'NEWSLETTER',
    120,
    'AH',
    persons.filter((p) => available(p) && p.mailingGroups.includes('NEWSLETTER')),
  )
  // SM00002: spring launch invitations to buyers and managers of retailers and wholesalers.
  const launch = logSegment(
    'SM00002',
    'Spring launch invitations',
    'LAUNCH',
    45,
    'AH',
    persons.filter(
      (p) =>
        available(p) &&
        p.company?.industries.some((i) => i === 'RETAIL' || i === 'WHOLESALE') &&
        p.jobs.some((j) => j === 'PURCHASE' || j === 'MANAGEMENT'),
    ),
    CAMPAIGNS.spring.no,
  )
  // SM00003: golf day invitations to golfers and to the managers of customers.
  const golf = logSegment(
    'SM00003',
    'Golf day invitations',
    'GOLF',
    10,
    'JO',
    persons.filter(
      (p) => available(p) && (p.hobbies.includes('Golf') || (p.jobs.includes('MANAGEMENT') && !!p.company?.customerNo)),
    ),
    CAMPAIGNS.golf.no,
  )

  // Campaign responses: calls from invitees after the mailing, each with its own campaign entry.
  const respond = (invitees: Who[], campaignNo: string, after: number, count: number, topic: string) => {
    for (const who of rng.sample(invitees, count)) {
      const date = addDays(today, -rng.int(0, after - 1))
      const ce = out.campaignEntries.length
      out.campaignEntries.push({
        row: {
          campaign_no: campaignNo,
          description: topic,
          date,
          username: DEMO_USERNAME,
          segment_no: '',
          canceled: 0,
          salesperson_code: who.salesperson,
        },
      })
      out.logEntries.push({
        row: logEntry(templateByCode('PHONEIN'), who, date, time(rng), {
          description: topic,
          campaign_no: campaignNo,
          campaign_response: 1,
          evaluation: rng.pick(['Very Positive', 'Positive', 'Positive', 'Neutral']),
        }),
        campaignEntry: ce,
      })
    }
  }
  respond(launch, CAMPAIGNS.spring.no, 45, 14, 'Reply to spring launch invitation')
  respond(golf, CAMPAIGNS.golf.no, 10, 9, 'Golf day registration')

  // Single interactions over the year: meetings, calls, letters and e-mails.
  const single: [string, number, string[] | undefined][] = [
    ['MEETING', 60, MEETING_TOPICS],
    ['PHONE', 80, CALL_OUT_TOPICS],
    ['PHONEIN', 40, CALL_IN_TOPICS],
    ['ABSTRACT', 15, undefined],
    ['BUS', 25, undefined],
  ]
  for (const [code, count, topics] of single) {
    const t = templateByCode(code)
    for (let i = 0; i < count; i++) {
      const who: Who = rng.chance(0.85) ? rng.pick(persons) : companyWho(rng.pick(contacts.companies))
      const meeting = code === 'MEETING'
      const minutes = meeting ? rng.pick([30, 60, 60, 90, 120]) : t.unitDuration
      const failed = code === 'PHONE' && rng.chance(0.1)
      out.logEntries.push({
        row: logEntry(t, who, addDays(today, -rng.int(0, 364)), time(rng), {
          ...(topics ? { description: rng.pick(topics) } : {}),
          duration_min: minutes,
          cost_lcy: meeting ? round2((t.unitCost * minutes) / 60) : t.unitCost,
          attempt_failed: failed ? 1 : 0,
          evaluation: failed
            ? ''
            : rng.weighted([
                ['', 30],
                ['Very Positive', 10],
                ['Positive', 30],
                ['Neutral', 20],
                ['Negative', 8],
                ['Very Negative', 2],
              ] as const),
          canceled: rng.chance(0.04) ? 1 : 0,
        }),
      })
    }
  }
  // Entry numbers follow the date and time, as they would have been logged.
  const key = (e: PlannedLogEntry) => `${e.row.date}T${e.row.time_of_interaction}`
  out.logEntries = out.logEntries
    .map((e, i) => ({ e, i }))
    .sort((a, b) => (key(a.e) < key(b.e) ? -1 : key(a.e) > key(b.e) ? 1 : a.i - b.i))
    .map((x) => x.e)
  // Campaign entries likewise; remember the new position of each for the log entries.
  const order = out.campaignEntries
    .map((_, i) => i)
    .sort((a, b) =>
      out.campaignEntries[a].row.date! < out.campaignEntries[b].row.date!
        ? -1
        : out.campaignEntries[a].row.date! > out.campaignEntries[b].row.date!
          ? 1
          : a - b,
    )
  const newIndex = new Map(order.map((old, i) => [old, i]))
  out.campaignEntries = order.map((i) => out.campaignEntries[i])
  for (const e of out.logEntries) if (e.campaignEntry !== undefined) e.campaignEntry = newIndex.get(e.campaignEntry)

  // The running spring campaign is activated: its targets' companies (as customers where linked).
  const groups = new Map<string, Insertable<DB['campaign_target_groups']>>()
  for (const e of out.logEntries) {
    if (e.row.campaign_no !== CAMPAIGNS.spring.no || !e.row.campaign_target || !e.row.contact_company_no) continue
    const company = companyByNo.get(e.row.contact_company_no)!
    const g = company.customerNo
      ? { type: 'Customer', no: company.customerNo, campaign_no: CAMPAIGNS.spring.no }
      : { type: 'Contact', no: company.no, campaign_no: CAMPAIGNS.spring.no }
    groups.set(`${g.type}/${g.no}`, g)
  }
  out.targetGroups = [...groups.values()]

  out.segmentHeaders = [
    segmentHeader('SM00004', 'Golf day follow-up calls', today, 'JO', 'PHONE', CAMPAIGNS.golf.no),
    segmentHeader('SM00005', 'Autumn newsletter', today, 'AH', 'NEWSLETTER', ''),
  ]
  return out
}

function companyWho(c: DemoCompany): Who {
  return {
    no: c.no,
    companyNo: c.no,
    language: c.language,
    salesperson: c.salesperson,
    correspondenceType: c.correspondenceType,
  }
}

/** An open segment with the interaction fields its template gives it (no lines yet). */
function segmentHeader(
  no: string,
  description: string,
  date: string,
  salesperson: string,
  templateCode: string,
  campaignNo: string,
): Insertable<DB['segment_headers']> {
  const t = templateByCode(templateCode)
  return {
    no,
    description,
    date,
    salesperson_code: salesperson,
    campaign_no: campaignNo || t.campaignNo,
    campaign_target: 0,
    campaign_response: 0,
    interaction_template_code: t.code,
    interaction_group_code: t.group,
    information_flow: t.informationFlow,
    initiated_by: t.initiatedBy,
    unit_cost_lcy: t.unitCost,
    unit_duration_min: t.unitDuration,
    correspondence_type_default: t.correspondenceType,
    ignore_contact_corres_type: 0,
    language_code_default: 'ENU',
    subject_default: t.languages.ENU.subject,
    no_series: 'SEG',
  }
}
