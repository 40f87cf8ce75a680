import type { Kysely, Selectable } from 'kysely'
import type { DB, InteractionTemplateLanguageTable } from '../../db/schema.js'
import { inTransaction } from '../../db/transaction.js'
import { type Letter, storeLetters, writeLettersPdf } from './letters-pdf.js'
import { createTransport, mailSettings, NO_SMTP } from './mail-transport.js'
import { type MergeValues, renderLetterText, renderMessage } from './merge-fields.js'
import { invalidEmail, recipients } from './recipients.js'

/** BC's texts for a delivery that cannot be made (spec §8). */
export const NO_ATTACHMENT = 'The interaction template has no attachment for the selected language code.'
export const noEmail = (contactNo: string) =>
  `Make sure that the Email field is specified for either contact no. ${contactNo} or the contact alternative address.`

/** Entries are read from the database in pages of this many, by key. */
const PAGE = 200

export interface RunControl {
  /** Set when the app shuts down: the run stops after the message in hand; the rest stays In Progress. */
  stopped: boolean
}

export interface RunResult {
  sent: number
  failed: number
  letters: number
}

type TemplateLanguage = Selectable<InteractionTemplateLanguageTable>

/**
 * The template language a message is written in (API contract of delivery): the line's language if the
 * template has a text for it, else the template's default language, else any language with a text (the
 * first by code). Only languages with a body count: a language row without text is no "attachment".
 */
export function chooseLanguage(
  rows: TemplateLanguage[],
  lineLanguage: string,
  defaultLanguage: string,
): TemplateLanguage | undefined {
  const usable = rows.filter((r) => r.body !== '').sort((a, b) => (a.language_code < b.language_code ? -1 : 1))
  return (
    usable.find((r) => r.language_code === lineLanguage) ??
    usable.find((r) => r.language_code === defaultLanguage) ??
    usable[0]
  )
}

/** Template languages by template code, read once per template and run. */
function templateCache(db: Kysely<DB>) {
  const cache = new Map<string, { rows: TemplateLanguage[]; defaultLanguage: string }>()
  return async (code: string) => {
    let hit = cache.get(code)
    if (!hit) {
      const t = await db
        .selectFrom('interaction_templates')
        .select('language_code_default')
        .where('code', '=', code)
        .executeTakeFirst()
      const rows = await db
        .selectFrom('interaction_template_languages')
        .selectAll()
        .where('template_code', '=', code)
        .execute()
      hit = { rows, defaultLanguage: t?.language_code_default ?? '' }
      cache.set(code, hit)
    }
    return hit
  }
}

/**
 * One page of a logged segment's entries of one correspondence type with what a message needs, after `after`.
 * Canceled entries are not delivered (a logged segment canceled while its e-mails go out stops them); they
 * keep their status, so restoring and resending delivers them.
 */
function entriesPage(
  db: Kysely<DB>,
  loggedSegmentEntryNo: number,
  correspondenceType: 'Email' | 'Hard Copy',
  after: number,
  onlyInProgress: boolean,
) {
  let q = db
    .selectFrom('interaction_log_entries as e')
    .leftJoin('contacts as c', 'c.no', 'e.contact_no')
    .leftJoin('salespeople as s', 's.code', 'e.salesperson_code')
    .select([
      'e.entry_no',
      'e.contact_no',
      'e.date',
      'e.subject',
      'e.language_code',
      'e.interaction_template_code',
      'c.name as contact_name',
      'c.company_name',
      'c.first_name',
      'c.type as contact_type',
      'c.email',
      'c.address',
      'c.address2',
      'c.post_code',
      'c.city',
      'c.county',
      'c.country_region_code',
      's.name as salesperson_name',
      's.email as salesperson_email',
      's.phone_no as salesperson_phone',
    ])
    .where('e.logged_segment_entry_no', '=', loggedSegmentEntryNo)
    .where('e.entry_no', '>', after)
    .where('e.correspondence_type', '=', correspondenceType)
    .where('e.canceled', '=', 0)
  if (onlyInProgress) q = q.where('e.delivery_status', '=', 'In Progress')
  return q.orderBy('e.entry_no').limit(PAGE).execute()
}

type EntryRow = Awaited<ReturnType<typeof entriesPage>>[number]

function mergeValues(r: EntryRow, segmentDescription: string): MergeValues {
  return {
    'contact.name': r.contact_name ?? '',
    'contact.companyName': r.company_name ?? '',
    'contact.firstName': r.first_name ?? '',
    'salesperson.name': r.salesperson_name ?? '',
    'salesperson.email': r.salesperson_email ?? '',
    date: r.date ?? '',
    'segment.description': segmentDescription,
  }
}

/**
 * Claims one entry for sending: In Progress → Sending, committed before its message goes to the mail server.
 * False when it is no longer In Progress (canceled, deleted, resent or sent since the page was read, or
 * claimed by another process), so no two senders hand over the same message.
 */
async function claimEntry(db: Kysely<DB>, entryNo: number): Promise<boolean> {
  const r = await db
    .updateTable('interaction_log_entries')
    .set({ delivery_status: 'Sending' })
    .where('entry_no', '=', entryNo)
    .where('delivery_status', '=', 'In Progress')
    .where('canceled', '=', 0)
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

/** Sending → '' as soon as the mail server accepted the message, or Error with the reason. */
async function setStatus(db: Kysely<DB>, entryNo: number, error?: string): Promise<void> {
  await db
    .updateTable('interaction_log_entries')
    .set({ delivery_status: error === undefined ? '' : 'Error', delivery_error: (error ?? '').slice(0, 1000) })
    .where('entry_no', '=', entryNo)
    .where('delivery_status', '=', 'Sending')
    .execute()
}

const reason = (e: unknown) => (e instanceof Error ? e.message : String(e)) || 'The message could not be sent.'

/**
 * Sends the e-mails of a logged segment that are In Progress, one message per entry and one after the other
 * over one SMTP connection. Each entry is Sending while its message is handed over and becomes '' (sent) or
 * Error with the reason as soon as the server answered, so progress shows while the run goes on and a crash
 * leaves at most the one message in flight unsure (found Sending, and sent again, on resume).
 */
async function sendEmails(
  db: Kysely<DB>,
  loggedSegmentEntryNo: number,
  segmentDescription: string,
  control: RunControl,
): Promise<{ sent: number; failed: number }> {
  const first = await entriesPage(db, loggedSegmentEntryNo, 'Email', 0, true)
  if (first.length === 0) return { sent: 0, failed: 0 }
  const settings = await mailSettings(db)
  if (!settings) {
    const r = await db
      .updateTable('interaction_log_entries')
      .set({ delivery_status: 'Error', delivery_error: NO_SMTP })
      .where('logged_segment_entry_no', '=', loggedSegmentEntryNo)
      .where('correspondence_type', '=', 'Email')
      .where('delivery_status', '=', 'In Progress')
      .executeTakeFirst()
    return { sent: 0, failed: Number(r.numUpdatedRows) }
  }
  const transport = createTransport(settings)
  const languages = templateCache(db)
  let sent = 0
  let failed = 0
  try {
    let page = first
    while (page.length > 0 && !control.stopped) {
      for (const r of page) {
        if (control.stopped) break
        if (!(await claimEntry(db, r.entry_no))) continue
        let error: string | undefined
        try {
          const t = await languages(r.interaction_template_code)
          const lang = chooseLanguage(t.rows, r.language_code, t.defaultLanguage)
          const to = recipients(r.email ?? '')
          if (!lang) error = NO_ATTACHMENT
          else if ('none' in to) error = noEmail(r.contact_no)
          else if ('invalid' in to) error = invalidEmail(to.invalid, r.contact_no)
          else {
            const values = mergeValues(r, segmentDescription)
            const msg = renderMessage(r.subject || lang.subject, lang.body, values)
            const from = settings.from || r.salesperson_email || 'segmenta@localhost'
            // One message to all of the contact's addresses: one interaction, one delivery status.
            await transport.sendMail({
              from,
              to: to.addresses.map((address) => (r.contact_name ? { name: r.contact_name, address } : address)),
              ...(r.salesperson_email && r.salesperson_email !== from ? { replyTo: r.salesperson_email } : {}),
              subject: msg.subject,
              text: msg.text,
              html: msg.html,
              headers: { 'X-Segmenta-Entry-No': String(r.entry_no) },
            })
          }
        } catch (e) {
          error = reason(e)
        }
        await setStatus(db, r.entry_no, error)
        if (error === undefined) sent++
        else failed++
      }
      if (control.stopped) break
      page = await entriesPage(db, loggedSegmentEntryNo, 'Email', page[page.length - 1].entry_no, true)
    }
  } finally {
    transport.close()
  }
  return { sent, failed }
}

/** Every Hard Copy entry of the logged segment (not canceled) as a letter, read page by page. */
async function* lettersOf(
  db: Kysely<DB>,
  loggedSegmentEntryNo: number,
  segmentDescription: string,
): AsyncGenerator<Letter> {
  const languages = templateCache(db)
  let after = 0
  for (;;) {
    const page = await entriesPage(db, loggedSegmentEntryNo, 'Hard Copy', after, false)
    if (page.length === 0) return
    for (const r of page) {
      const t = await languages(r.interaction_template_code)
      const lang = chooseLanguage(t.rows, r.language_code, t.defaultLanguage)
      const values = mergeValues(r, segmentDescription)
      const company = r.contact_type === 'Person' && r.company_name ? r.company_name : ''
      yield {
        sender: [r.salesperson_name ?? '', r.salesperson_email ?? '', r.salesperson_phone ?? ''],
        address: [
          r.contact_name ?? r.contact_no,
          company,
          r.address ?? '',
          r.address2 ?? '',
          [r.post_code, r.city].filter(Boolean).join(' '),
          r.county ?? '',
          r.country_region_code ?? '',
        ],
        date: r.date ?? '',
        subject: renderMessage(r.subject || lang?.subject || '', '', values).subject,
        body: lang ? renderLetterText(lang.body, values) : '',
      }
    }
    after = page[page.length - 1].entry_no
  }
}

/**
 * Prints the logged segment's letters when some Hard Copy entry is In Progress: one PDF with a letter for
 * every Hard Copy entry not canceled (also those printed before, so a re-run gives the complete document),
 * stored on the logged segment; then its In Progress Hard Copy entries become '' — or Error with the reason.
 */
async function printLetters(
  db: Kysely<DB>,
  loggedSegmentEntryNo: number,
  segmentNo: string,
  segmentDescription: string,
): Promise<{ letters: number; failed: number }> {
  const pending = await entriesPage(db, loggedSegmentEntryNo, 'Hard Copy', 0, true)
  if (pending.length === 0) return { letters: 0, failed: 0 }
  const inProgress = () =>
    db
      .updateTable('interaction_log_entries')
      .where('logged_segment_entry_no', '=', loggedSegmentEntryNo)
      .where('correspondence_type', '=', 'Hard Copy')
      .where('delivery_status', '=', 'In Progress')
      .where('canceled', '=', 0)
  try {
    const file = await writeLettersPdf(
      lettersOf(db, loggedSegmentEntryNo, segmentDescription),
      `Letters of segment ${segmentNo}`,
    )
    try {
      await inTransaction(db, async (trx) => {
        await storeLetters(trx, loggedSegmentEntryNo, file)
        await trx
          .updateTable('interaction_log_entries')
          .set({ delivery_status: '', delivery_error: '' })
          .where('logged_segment_entry_no', '=', loggedSegmentEntryNo)
          .where('correspondence_type', '=', 'Hard Copy')
          .where('delivery_status', '=', 'In Progress')
          .where('canceled', '=', 0)
          .execute()
      })
    } finally {
      await file.remove()
    }
    return { letters: file.letters, failed: 0 }
  } catch (e) {
    const r = await inProgress()
      .set({ delivery_status: 'Error', delivery_error: reason(e).slice(0, 1000) })
      .executeTakeFirst()
    return { letters: 0, failed: Number(r.numUpdatedRows) }
  }
}

/** One delivery run of a logged segment: its pending e-mails, then its letters. */
export async function runDelivery(
  db: Kysely<DB>,
  loggedSegmentEntryNo: number,
  control: RunControl,
): Promise<RunResult> {
  const ls = await db
    .selectFrom('logged_segments')
    .select(['segment_no', 'description'])
    .where('entry_no', '=', loggedSegmentEntryNo)
    .executeTakeFirst()
  if (!ls) return { sent: 0, failed: 0, letters: 0 }
  const mails = await sendEmails(db, loggedSegmentEntryNo, ls.description, control)
  if (control.stopped) return { ...mails, letters: 0 }
  const letters = await printLetters(db, loggedSegmentEntryNo, ls.segment_no, ls.description)
  return { sent: mails.sent, failed: mails.failed + letters.failed, letters: letters.letters }
}
