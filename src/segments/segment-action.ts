import type { Kysely, Transaction } from 'kysely'
import { syncActivatedCampaigns } from '../campaigns/target-group.js'
import type { DB } from '../db/schema.js'
import { inTransaction } from '../db/transaction.js'

/**
 * One segment action in one transaction, ending with the campaign target groups brought in step with
 * the lines it changed (BC leaves them stale after header propagation: quirk Q11, fixed).
 */
export function inSegmentAction<T>(db: Kysely<DB>, fn: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  return inTransaction(db, async (trx) => {
    const result = await fn(trx)
    await syncActivatedCampaigns(trx)
    return result
  })
}
