#!/usr/bin/env node
import { readFileSync } from 'node:fs'
import { Command, CommanderError } from 'commander'
import { adminCommands } from './commands/admin.js'
import { backupCommands } from './commands/backup.js'
import { checkCommand } from './commands/check.js'
import { demoCommand } from './commands/demo.js'
import { exportSegmentCommand } from './commands/export-segment.js'
import { importContactsCommand } from './commands/import-contacts.js'
import { serveCommand } from './commands/serve.js'
import { CliError } from './context.js'

// package.json is two levels up from both src/cli/main.ts and the built dist/cli/main.js.
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string
}

const program = new Command()
program
  .name('segmenta')
  .description('Segmenta: contacts, segments, interactions and campaigns')
  .version(version, '-V, --version', 'print the version')
  .option('--db <url>', 'database: sqlite:<path> or postgres://… (default: $SEGMENTA_DB or sqlite:./data/segmenta.db)')
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) })

serveCommand(program)
adminCommands(program)
importContactsCommand(program)
exportSegmentCommand(program)
demoCommand(program)
backupCommands(program)
checkCommand(program)

try {
  await program.parseAsync(process.argv)
} catch (e) {
  if (e instanceof CommanderError) {
    // Help and version are successes; everything else commander rejects is bad usage.
    process.exit(e.exitCode === 0 ? 0 : 2)
  }
  if (e instanceof CliError) {
    process.stderr.write(`segmenta: ${e.message}\n`)
    process.exit(1)
  }
  process.stderr.write(`segmenta: ${(e as Error).message}\n`)
  process.exit(1)
}
