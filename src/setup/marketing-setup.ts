import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { who } from '../api/auth-plugin.js'
import {
  bool,
  CORRESPONDENCE_TYPES,
  code,
  type Field,
  int,
  option,
  patchSchema,
  text,
  toApi,
  toRow,
} from '../api/fields.js'
import type { Role } from '../auth/credentials.js'
import type { Tx } from '../db/transaction.js'
import { inTransaction } from '../db/transaction.js'
import { ruleViolation } from '../errors.js'
import { mailServerConfigured, smtpPasswordSet } from './test-email.js'

export const MARKETING_SETUP_FIELDS: Field[] = [
  code('contactNos', 'contact_nos'),
  code('segmentNos', 'segment_nos'),
  code('campaignNos', 'campaign_nos'),
  code('defaultSalespersonCode', 'default_salesperson_code'),
  code('defaultLanguageCode', 'default_language_code', 10),
  option('defaultCorrespondenceType', 'default_correspondence_type', CORRESPONDENCE_TYPES),
  code('defaultTerritoryCode', 'default_territory_code', 10),
  code('defaultCountryRegionCode', 'default_country_region_code', 10),
  bool('inheritSalespersonCode', 'inherit_salesperson_code'),
  bool('inheritLanguageCode', 'inherit_language_code'),
  bool('inheritAddressDetails', 'inherit_address_details'),
  bool('inheritCommunicationDetails', 'inherit_communication_details'),
  code('busRelCodeForCustomers', 'bus_rel_code_for_customers', 10),
  code('busRelCodeForVendors', 'bus_rel_code_for_vendors', 10),
  // Outgoing mail for delivery; SEGMENTA_SMTP_URL / SEGMENTA_SMTP_FROM override these.
  text('smtpHost', 'smtp_host', 200),
  // 0: the standard port (465 with smtpSecure, else 587).
  int('smtpPort', 'smtp_port', { nonNegative: true, max: 65535 }),
  bool('smtpSecure', 'smtp_secure'),
  text('smtpUser', 'smtp_user', 200),
  text('smtpPassword', 'smtp_password', 200, { writeOnly: true, noFilter: true }),
  text('smtpFrom', 'smtp_from', 200),
]

export interface MarketingSetup {
  contactNos: string
  segmentNos: string
  campaignNos: string
  defaultSalespersonCode: string
  defaultLanguageCode: string
  defaultCorrespondenceType: string
  defaultTerritoryCode: string
  defaultCountryRegionCode: string
  inheritSalespersonCode: boolean
  inheritLanguageCode: boolean
  inheritAddressDetails: boolean
  inheritCommunicationDetails: boolean
  busRelCodeForCustomers: string
  busRelCodeForVendors: string
  smtpHost: string
  smtpPort: number
  smtpSecure: boolean
  smtpUser: string
  smtpFrom: string
}

export async function getMarketingSetup(db: Tx): Promise<MarketingSetup> {
  const row = await db.selectFrom('marketing_setup').selectAll().where('id', '=', 1).executeTakeFirstOrThrow()
  return toApi<MarketingSetup>(MARKETING_SETUP_FIELDS, row)
}

const REFS: [string, string, string, string][] = [
  ['contact_nos', 'number_series', 'No. Series', 'Code'],
  ['segment_nos', 'number_series', 'No. Series', 'Code'],
  ['campaign_nos', 'number_series', 'No. Series', 'Code'],
  ['default_salesperson_code', 'salespeople', 'Salesperson/Purchaser', 'Code'],
  ['default_language_code', 'languages', 'Language', 'Code'],
  ['bus_rel_code_for_customers', 'business_relations', 'Business Relation', 'Code'],
  ['bus_rel_code_for_vendors', 'business_relations', 'Business Relation', 'Code'],
]

export async function updateMarketingSetup(trx: Tx, patch: Record<string, unknown>): Promise<MarketingSetup> {
  const row = toRow(MARKETING_SETUP_FIELDS, patch)
  for (const [col, table, title, caption] of REFS) {
    const v = row[col]
    if (typeof v !== 'string' || v === '') continue
    const found = await trx
      .selectFrom(table as never)
      .select('code' as never)
      .where('code' as never, '=', v as never)
      .executeTakeFirst()
    if (!found) throw ruleViolation(`The ${title} does not exist. Identification fields and values: ${caption}='${v}'`)
  }
  if (Object.keys(row).length) await trx.updateTable('marketing_setup').set(row).where('id', '=', 1).execute()
  return getMarketingSetup(trx)
}

/**
 * Fields of the setup that only an admin reads: where and as whom the server sends mail. Everyone else gets the
 * setup without them (the password is never read back by anyone).
 */
export const ADMIN_READ_FIELDS: readonly string[] = ['smtpHost', 'smtpPort', 'smtpSecure', 'smtpUser', 'smtpFrom']

/** The setup as a caller of `role` may read it. */
export function setupAsSeenBy(setup: MarketingSetup, role: Role): Partial<MarketingSetup> {
  if (role === 'admin') return setup
  return Object.fromEntries(Object.entries(setup).filter(([k]) => !ADMIN_READ_FIELDS.includes(k)))
}

export function registerMarketingSetupRoutes(app: FastifyInstance): void {
  const r = app.withTypeProvider<ZodTypeProvider>()
  // mailServerConfigured (ro) tells every role whether e-mails can go out, without showing the server;
  // smtpPasswordSet (ro, admins) whether the write-only password is there.
  const withMailServer = async (setup: MarketingSetup, role: Role) => ({
    ...setupAsSeenBy(setup, role),
    mailServerConfigured: await mailServerConfigured(app.db.kysely),
    ...(role === 'admin' ? { smtpPasswordSet: await smtpPasswordSet(app.db.kysely) } : {}),
  })
  r.get(
    '/api/setup/marketing',
    { schema: { tags: ['setup'], summary: 'Marketing setup (the mail server settings for admins only)' } },
    async (req) => withMailServer(await getMarketingSetup(app.db.kysely), who(req).role),
  )
  r.patch(
    '/api/setup/marketing',
    {
      config: { role: 'admin' },
      schema: { tags: ['setup'], summary: 'Change the marketing setup', body: patchSchema(MARKETING_SETUP_FIELDS) },
    },
    async (req) =>
      withMailServer(
        await inTransaction(app.db.kysely, (trx) => updateMarketingSetup(trx, req.body as Record<string, unknown>)),
        'admin',
      ),
  )
}
