import type { Command } from 'commander'
import type { Kysely } from 'kysely'
import { auditedCli } from '../../audit/cli-audit.js'
import { createToken } from '../../auth/credentials.js'
import { unlockName } from '../../auth/sign-in-throttle.js'
import { openDb } from '../../db/connection.js'
import type { DB } from '../../db/schema.js'
import { inTransaction } from '../../db/transaction.js'
import { AppError } from '../../errors.js'
import { DEFAULT_INTERACTION_GROUPS, DEFAULT_NUMBER_SERIES, DEFAULT_TEMPLATES } from '../../setup/setup-defaults.js'
import { addUser, setUserPassword } from '../../setup/users.js'
import { CliError, dbUrl, migrateAndSetUp, openMigrated, readStdin } from '../context.js'

/** What `segmenta migrate` did, in one sentence. */
export function migrateMessage(o: { applied: string[]; created: boolean; defaults: boolean }): string {
  const n = o.applied.length
  const what = o.created
    ? `Created the schema (${n} migrations).`
    : n > 0
      ? `Applied ${n} migration${n === 1 ? '' : 's'}: ${o.applied.join(', ')}.`
      : 'The schema is up to date.'
  if (!o.defaults) return what
  const codes = (rows: readonly { code: string }[]) => {
    const c = rows.map((r) => r.code)
    return c.length > 1 ? `${c.slice(0, -1).join(', ')} and ${c.at(-1)}` : c.join('')
  }
  return `${what} Created a new company's defaults: number series ${codes(DEFAULT_NUMBER_SERIES)}, interaction groups ${codes(DEFAULT_INTERACTION_GROUPS)}, templates ${codes(DEFAULT_TEMPLATES)}.`
}

/** The CLI's one-line refusal of a user name that is not in the database. */
async function mustBeUser(db: Kysely<DB>, username: string): Promise<void> {
  const u = await db.selectFrom('users').select('username').where('username', '=', username).executeTakeFirst()
  if (!u) throw new CliError(`there is no user '${username}'`)
}

/** The password from standard input (one trailing newline dropped) or SEGMENTA_PASSWORD. */
async function password(fromStdin?: boolean): Promise<string> {
  if (fromStdin) return (await readStdin()).replace(/\r?\n$/, '')
  if (process.env.SEGMENTA_PASSWORD) return process.env.SEGMENTA_PASSWORD
  throw new CliError('give the password on standard input with --password-stdin (or in SEGMENTA_PASSWORD)')
}

/** An action's refusal (bad input, a rule) as the command's one-line error. */
function asCliError(e: unknown): unknown {
  return e instanceof AppError ? new CliError(e.detail) : e
}

export function adminCommands(program: Command): void {
  program
    .command('migrate')
    .description("bring the schema up to date; an empty database also gets a new company's defaults")
    .action(async () => {
      const db = openDb(dbUrl(program.opts().db))
      try {
        const outcome = await migrateAndSetUp(db, true)
        if (outcome.applied.length || outcome.defaults)
          await auditedCli(db.kysely, { action: 'schema.migrate', command: 'segmenta migrate' }, async () => ({
            result: undefined,
            answer: { applied: outcome.applied, defaults: outcome.defaults },
          }))
        console.log(migrateMessage(outcome))
      } finally {
        await db.close()
      }
    })

  const user = program.command('user').description('manage users')
  user
    .command('add <username>')
    .description('create a user')
    .requiredOption('--role <role>', 'admin, marketer or viewer')
    .option('--password-stdin', 'read the password from standard input')
    .option('--salesperson <code>', "the user's salesperson code")
    .option('--full-name <name>', "the user's full name")
    .action(
      async (
        username: string,
        opts: { role: string; passwordStdin?: boolean; salesperson?: string; fullName?: string },
      ) => {
        const pw = await password(opts.passwordStdin)
        const db = await openMigrated(program.opts().db)
        try {
          const entry = {
            action: 'users.create',
            command: `segmenta user add ${username}`,
            target: username,
            detail: { body: { username, role: opts.role, salespersonCode: opts.salesperson, fullName: opts.fullName } },
          }
          await auditedCli(db.kysely, entry, async () => ({
            result: await inTransaction(db.kysely, (trx) =>
              addUser(trx, {
                username,
                role: opts.role,
                password: pw,
                salespersonCode: opts.salesperson,
                fullName: opts.fullName,
              }),
            ),
          }))
        } catch (e) {
          throw asCliError(e)
        } finally {
          await db.close()
        }
        console.error(`User ${username} (${opts.role}) created.`)
      },
    )

  user
    .command('passwd <username>')
    .description("set a user's password (the same rules as for a new user); it ends the user's sessions")
    .option('--password-stdin', 'read the password from standard input')
    .action(async (username: string, opts: { passwordStdin?: boolean }) => {
      const pw = await password(opts.passwordStdin)
      const db = await openMigrated(program.opts().db)
      try {
        const entry = { action: 'users.password', command: `segmenta user passwd ${username}`, target: username }
        await auditedCli(db.kysely, entry, async () => ({
          result: await inTransaction(db.kysely, (trx) => setUserPassword(trx, username, pw)),
        }))
      } catch (e) {
        throw asCliError(e)
      } finally {
        await db.close()
      }
      console.error(`Password of ${username} changed.`)
    })

  user
    .command('unlock <username>')
    .description('clear the sign-in throttle of a user, from every address')
    .action(async (username: string) => {
      const db = await openMigrated(program.opts().db)
      try {
        await mustBeUser(db.kysely, username)
        const entry = { action: 'users.unlock', command: `segmenta user unlock ${username}`, target: username }
        const { name, addresses } = await auditedCli(db.kysely, entry, async () => {
          const cleared = await unlockName(db.kysely, username)
          return { result: cleared, answer: { ...cleared } }
        })
        const what = [
          ...(name ? ['the name'] : []),
          ...(addresses ? [`${addresses} ${addresses === 1 ? 'address' : 'addresses'}`] : []),
        ]
        console.log(
          what.length
            ? `Sign-in throttle of ${username} cleared: ${what.join(' and ')}.`
            : `${username} was not throttled; nothing to clear.`,
        )
      } finally {
        await db.close()
      }
    })

  const token = program.command('token').description('manage API tokens')
  token
    .command('create <username>')
    .description('print one new API token, and nothing else, on stdout')
    .option('--description <text>', 'what the token is for')
    .action(async (username: string, opts: { description?: string }) => {
      const db = await openMigrated(program.opts().db)
      try {
        await mustBeUser(db.kysely, username)
        const entry = {
          action: 'tokens.create',
          command: `segmenta token create ${username}`,
          target: username,
          detail: { body: { username, description: opts.description ?? '' } },
        }
        const t = await auditedCli(db.kysely, entry, async () => {
          const made = await createToken(db.kysely, username, opts.description ?? '')
          return { result: made, answer: { id: made.id } }
        })
        process.stdout.write(`${t.token}\n`)
      } finally {
        await db.close()
      }
    })
}
