import type { Command } from 'commander'
import { createToken } from '../../auth/credentials.js'
import { unlockName } from '../../auth/sign-in-throttle.js'
import { inTransaction } from '../../db/transaction.js'
import { AppError } from '../../errors.js'
import { addUser } from '../../setup/users.js'
import { CliError, openMigrated, readStdin } from '../context.js'

export function adminCommands(program: Command): void {
  program
    .command('migrate')
    .description('bring the schema up to date')
    .action(async () => {
      const db = await openMigrated(program.opts().db)
      await db.close()
      console.log('The database schema is up to date.')
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
        let password: string
        if (opts.passwordStdin) password = (await readStdin()).replace(/\r?\n$/, '')
        else if (process.env.SEGMENTA_PASSWORD) password = process.env.SEGMENTA_PASSWORD
        else throw new CliError('give the password on standard input with --password-stdin (or in SEGMENTA_PASSWORD)')
        const db = await openMigrated(program.opts().db)
        try {
          await inTransaction(db.kysely, (trx) =>
            addUser(trx, {
              username,
              role: opts.role,
              password,
              salespersonCode: opts.salesperson,
              fullName: opts.fullName,
            }),
          )
        } catch (e) {
          if (e instanceof AppError) throw new CliError(e.detail)
          throw e
        } finally {
          await db.close()
        }
        console.error(`User ${username} (${opts.role}) created.`)
      },
    )

  user
    .command('unlock <username>')
    .description('clear the sign-in throttle of a user, from every address')
    .action(async (username: string) => {
      const db = await openMigrated(program.opts().db)
      try {
        const u = await db.kysely
          .selectFrom('users')
          .select('username')
          .where('username', '=', username)
          .executeTakeFirst()
        if (!u) throw new CliError(`there is no user '${username}'`)
        const { name, addresses } = await unlockName(db.kysely, username)
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
        const u = await db.kysely
          .selectFrom('users')
          .select('username')
          .where('username', '=', username)
          .executeTakeFirst()
        if (!u) throw new CliError(`there is no user '${username}'`)
        const t = await createToken(db.kysely, username, opts.description ?? '')
        process.stdout.write(`${t.token}\n`)
      } finally {
        await db.close()
      }
    })
}
