import type { Db } from '../db/connection.js'

/** Placeholder until the demo data lands: reports nothing loaded. */
export async function loadDemoIfEmpty(_db: Db): Promise<{ username: string; password: string } | undefined> {
  return undefined
}
