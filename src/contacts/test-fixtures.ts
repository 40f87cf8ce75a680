import type { Client, Response, TestApp } from '../test-support/app.js'
import { insertLineRows } from '../test-support/segment-lines.js'
import type { ContactDetail } from './contact-fields.js'

/**
 * Helpers for the contact and sales tests (test code: imports only types, so the build carries nothing of
 * the test support).
 */
function must(r: Response, status: number, what: string): Response {
  if (r.status !== status) throw new Error(`${what} → ${r.status} ${JSON.stringify(r.body)}`)
  return r
}

/** A contact number series CONT (CT0001…) set as the marketing setup's Contact Nos., plus any other setup fields. */
export async function prepareContactSetup(t: TestApp, setup: Record<string, unknown> = {}): Promise<void> {
  must(
    await t.admin.post('/api/number-series', { code: 'CONT', description: 'Contacts', startingNo: 'CT0001' }),
    201,
    'number series',
  )
  must(await t.admin.patch('/api/setup/marketing', { contactNos: 'CONT', ...setup }), 200, 'marketing setup')
}

/** Creates a contact and returns it; fails the test with the problem when the API refuses. */
export async function newContact(client: Client, body: Record<string, unknown>): Promise<ContactDetail> {
  return must(await client.post('/api/contacts', body), 201, `POST /api/contacts ${JSON.stringify(body)}`).body
}

/** Puts the contacts on an unlogged segment (segment lines written directly: the segment engine is another slice). */
export async function putOnSegment(t: TestApp, segmentNo: string, contactNos: string[]): Promise<void> {
  const db = t.db.kysely
  await db.insertInto('segment_headers').values({ no: segmentNo }).execute()
  await insertLineRows(
    db,
    contactNos.map((c, i) => ({ segment_no: segmentNo, line_no: (i + 1) * 10000, contact_no: c })),
  )
}

/** Writes interaction log entries directly (logging is another slice); returns their entry numbers. */
export async function logInteractions(
  t: TestApp,
  entries: { contactNo: string; companyNo: string; description?: string }[],
): Promise<number[]> {
  const rows = await t.db.kysely
    .insertInto('interaction_log_entries')
    .values(
      entries.map((e) => ({
        contact_no: e.contactNo,
        contact_company_no: e.companyNo,
        description: e.description ?? '',
      })),
    )
    .returning('entry_no')
    .execute()
  return rows.map((r) => Number(r.entry_no))
}

/** The (contact no., company no.) of each interaction log entry, by entry no. */
export async function interactionOwners(t: TestApp): Promise<[string, string][]> {
  const rows = await t.db.kysely
    .selectFrom('interaction_log_entries')
    .select(['contact_no', 'contact_company_no'])
    .orderBy('entry_no')
    .execute()
  return rows.map((r) => [r.contact_no, r.contact_company_no])
}

export const today = () => new Date().toISOString().slice(0, 10)
