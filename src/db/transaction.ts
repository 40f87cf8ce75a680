import type { Kysely, Transaction } from 'kysely'
import type { DB } from './schema.js'

export type Tx = Kysely<DB> | Transaction<DB>

/** Runs one user action in one transaction: all of it happens, or none of it (DESIGN.md principle 3). */
export function inTransaction<T>(db: Kysely<DB>, fn: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  return db.transaction().execute(fn)
}
