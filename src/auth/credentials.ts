import { createHash, randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'

export type Role = 'admin' | 'marketer' | 'viewer'
export const ROLES: readonly Role[] = ['admin', 'marketer', 'viewer']
const RANK: Record<Role, number> = { viewer: 1, marketer: 2, admin: 3 }

export interface Principal {
  username: string
  fullName: string
  role: Role
  salespersonCode: string
}

export function roleAllows(have: Role, need: Role): boolean {
  return RANK[have] >= RANK[need]
}

/** Tokens and session ids are stored only as SHA-256 digests: a database leak gives no usable secret. */
export function digest(secret: string): string {
  return createHash('sha256').update(secret).digest('hex')
}

export const SESSION_HOURS = 12

export async function createSession(db: Kysely<DB>, username: string): Promise<string> {
  const secret = randomBytes(32).toString('base64url')
  const expires = new Date(Date.now() + SESSION_HOURS * 3600_000).toISOString()
  await db
    .insertInto('sessions')
    .values({ id_hash: digest(secret), username, expires_at: expires })
    .execute()
  return secret
}

export async function deleteSession(db: Kysely<DB>, secret: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', digest(secret)).execute()
}

/** Creates an API token; the secret is returned once and never stored. */
export async function createToken(
  db: Kysely<DB>,
  username: string,
  description = '',
): Promise<{ id: string; token: string }> {
  const id = randomBytes(6).toString('hex')
  const token = `sgm_${id}_${randomBytes(24).toString('base64url')}`
  await db
    .insertInto('api_tokens')
    .values({ id, username, description, token_hash: digest(token) })
    .execute()
  return { id, token }
}

function principal(row: { username: string; full_name: string; role: string; salesperson_code: string }): Principal {
  return {
    username: row.username,
    fullName: row.full_name,
    role: row.role as Role,
    salespersonCode: row.salesperson_code,
  }
}

export async function principalFromToken(db: Kysely<DB>, token: string): Promise<Principal | undefined> {
  const row = await db
    .selectFrom('api_tokens as t')
    .innerJoin('users as u', 'u.username', 't.username')
    .select(['t.id', 'u.username', 'u.full_name', 'u.role', 'u.salesperson_code'])
    .where('t.token_hash', '=', digest(token))
    .executeTakeFirst()
  if (!row) return undefined
  await db.updateTable('api_tokens').set({ last_used_at: new Date().toISOString() }).where('id', '=', row.id).execute()
  return principal(row)
}

export async function principalFromSession(db: Kysely<DB>, secret: string): Promise<Principal | undefined> {
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.username', 's.username')
    .select(['s.expires_at', 'u.username', 'u.full_name', 'u.role', 'u.salesperson_code'])
    .where('s.id_hash', '=', digest(secret))
    .executeTakeFirst()
  if (!row || new Date(row.expires_at).getTime() < Date.now()) return undefined
  return principal(row)
}
