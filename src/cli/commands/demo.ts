import type { Command } from 'commander'
import { auditedCli } from '../../audit/cli-audit.js'
import { inTransaction } from '../../db/transaction.js'
import { loadDemo } from '../../demo/load.js'
import { AppError } from '../../errors.js'
import { CliError, openMigrated } from '../context.js'

export function demoCommand(program: Command): void {
  program
    .command('demo')
    .description('load the demo company (contacts, groups, templates, campaigns, sales history) into an empty database')
    .action(async () => {
      const db = await openMigrated(program.opts().db)
      try {
        const entry = { action: 'demo.load', command: 'segmenta demo' }
        const demo = await auditedCli(db.kysely, entry, async () => {
          const d = await inTransaction(db.kysely, (trx) => loadDemo(trx))
          return { result: d, answer: { username: d.username, counts: d.counts } }
        })
        const c = demo.counts
        console.log(
          `Loaded the demo company (Cronus Marketing): ${c.companies} companies, ${c.persons} persons, ${c.interactionLogEntries} interactions, ${c.valueEntries} value entries.`,
        )
        console.log(`Sign in as "${demo.username}" with the password: ${demo.password}`)
        console.log('(shown once; change it under Users, or add users with `segmenta user add`).')
      } catch (e) {
        if (e instanceof AppError) throw new CliError(e.detail)
        throw e
      } finally {
        await db.close()
      }
    })
}
