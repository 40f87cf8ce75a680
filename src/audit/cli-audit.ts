import { userInfo } from 'node:os'
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import { AppError } from '../errors.js'
import { detailJson } from './audit-detail.js'

/** Who a command-line action is by in the audit log: the operating-system user, as `cli:<name>`. */
export function cliUsername(): string {
  let name = ''
  try {
    name = userInfo().username
  } catch {
    // No passwd entry for the uid (some containers): the environment may still name the user.
    name = process.env.USER ?? process.env.LOGNAME ?? ''
  }
  return `cli:${name || 'unknown'}`.slice(0, 50)
}

export interface CliAuditEntry {
  /** Named like the API's actions: `users.create`, `contacts.import`, `segments.export`… */
  action: string
  /** The command as typed, without the database's address (it may hold a password). */
  command: string
  target?: string
  detail?: Record<string, unknown>
}

/** The status of a refused or failed action, in the API's terms so the audit page reads them alike. */
function statusOf(e: unknown): number {
  return e instanceof AppError ? e.status : 500
}

/** An audit row of a command-line action: the API's shape, by `cli:<user>` with method CLI and the command as path. */
function cliRow(entry: CliAuditEntry, status: number, detail: string) {
  return {
    at: new Date().toISOString(),
    username: cliUsername(),
    action: entry.action,
    method: 'CLI',
    path: entry.command.slice(0, 2000),
    status,
    target: (entry.target ?? '').slice(0, 200),
    detail,
    ip: '',
  }
}

/**
 * Runs a command-line action under an audit row, as the API does for a request: the row is written (status 0)
 * before the action, so it is never run unaudited, and completed afterwards with 200 and what `run` returns
 * for the log, or the error's status and message. `run`'s own result is passed through.
 */
export async function auditedCli<T>(
  db: Kysely<DB>,
  entry: CliAuditEntry,
  run: () => Promise<{ result: T; answer?: Record<string, unknown>; target?: string }>,
): Promise<T> {
  const row = await db
    .insertInto('audit_log')
    .values(cliRow(entry, 0, detailJson({ ...entry.detail })))
    .returning('id')
    .executeTakeFirstOrThrow()
  const id = Number(row.id)
  try {
    const done = await run()
    await db
      .updateTable('audit_log')
      .set({
        status: 200,
        target: (done.target ?? entry.target ?? '').slice(0, 200),
        detail: detailJson({ ...entry.detail, answer: done.answer }),
      })
      .where('id', '=', id)
      .execute()
    return done.result
  } catch (e) {
    await db
      .updateTable('audit_log')
      .set({ status: statusOf(e), detail: failureDetail(entry, e) })
      .where('id', '=', id)
      .execute()
    throw e
  }
}

/** The detail of a refused or failed action: the entry's own, the error's code and its message. */
function failureDetail(entry: CliAuditEntry, e: unknown): string {
  return detailJson({
    ...entry.detail,
    error: e instanceof AppError ? e.code : undefined,
    message: (e as Error).message,
  })
}

/**
 * One complete row for an action whose database did not exist before it ran (`segmenta restore` replaces the
 * database, so a row written ahead would be lost with the old one; a failed restore is not audited, as the
 * database it names may not be one).
 */
export async function auditCliDone(
  db: Kysely<DB>,
  entry: CliAuditEntry,
  answer: Record<string, unknown>,
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values(cliRow(entry, 200, detailJson({ ...entry.detail, answer })))
    .execute()
}

/**
 * Runs an action that copies the database, then writes its one complete row, done or failed: a row written
 * ahead would be in the copy (`segmenta backup`) and never complete there. `open` gives the database after the
 * action has run.
 */
export async function auditedCliAfter<T>(
  open: () => Kysely<DB> | Promise<Kysely<DB>>,
  entry: CliAuditEntry,
  run: () => Promise<{ result: T; answer: Record<string, unknown> }>,
): Promise<T> {
  let done: { result: T; answer: Record<string, unknown> }
  try {
    done = await run()
  } catch (e) {
    await (await open())
      .insertInto('audit_log')
      .values(cliRow(entry, statusOf(e), failureDetail(entry, e)))
      .execute()
    throw e
  }
  await (await open())
    .insertInto('audit_log')
    .values(cliRow(entry, 200, detailJson({ ...entry.detail, answer: done.answer })))
    .execute()
  return done.result
}
