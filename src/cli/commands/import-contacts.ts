import { createReadStream, createWriteStream } from 'node:fs'
import { rename, rm, stat } from 'node:fs/promises'
import { Transform } from 'node:stream'
import { finished, pipeline } from 'node:stream/promises'
import { type Command, Option } from 'commander'
import { parseListQuery } from '../../api/list-query.js'
import { auditedCli } from '../../audit/cli-audit.js'
import { CONTACT_FIELDS } from '../../contacts/contact-fields.js'
import { type ExportFormat, exportContacts } from '../../contacts/import-export/export-contacts.js'
import { type ImportResult, runContactImport } from '../../contacts/import-export/import-contacts.js'
import { AppError } from '../../errors.js'
import { CliError, openMigrated } from '../context.js'

/** A command group (`import`, `export`) shared with the other commands that register under it. */
function group(program: Command, name: string, description: string): Command {
  return program.commands.find((c) => c.name() === name) ?? program.command(name).description(description)
}

/** Rejected rows whose reasons are printed; the counts tell how many more there were. */
const SHOWN_REJECTS = 20

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`

/**
 * A progress bar on stderr, redrawn in place: bytes of the file read / its size. Nothing at all when stderr
 * is not a terminal (a log file or a pipe gets the counts only).
 */
function progressBar(total: number): { counter: Transform; done(): void } {
  const tty = process.stderr.isTTY === true
  let read = 0
  let drawn = 0
  const draw = (final = false) => {
    const now = Date.now()
    if (!tty || (!final && now - drawn < 100)) return
    drawn = now
    const share = total ? Math.min(1, read / total) : 1
    const width = 30
    const filled = Math.round(share * width)
    const text = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.floor(share * 100)}% ${mb(read)} / ${mb(total)}`
    process.stderr.write(`\r\x1b[K${text}${final ? ' — checking and saving…' : ''}`)
  }
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      read += chunk.length
      draw()
      cb(null, chunk)
    },
    flush(cb) {
      draw(true)
      cb()
    },
  })
  return {
    counter,
    done: () => {
      if (tty) process.stderr.write('\r\x1b[K')
    },
  }
}

/**
 * `segmenta import contacts <file>` (CSV, or XLSX by its extension) and `segmenta export contacts`.
 * The import prints `inserted N, updated N, rejected N` on stdout and one line per reason of the first
 * rejected rows on stderr (`row 7: email: is not a valid email address`); it exits 0 when every row was
 * taken, 1 when any was rejected (so a script notices), and 1 with one line when the file is missing or its
 * header is wrong.
 */
export function importContactsCommand(program: Command): void {
  group(program, 'import', 'import data from files')
    .command('contacts <file>')
    .description('import contacts from a CSV or XLSX file whose header row holds API field names')
    .action(async (file: string) => {
      let size: number
      try {
        size = (await stat(file)).size
      } catch {
        throw new CliError(`cannot read ${file}: no such file`)
      }
      const format = file.toLowerCase().endsWith('.xlsx') ? 'xlsx' : 'csv'
      const db = await openMigrated(program.opts().db)
      const bar = progressBar(size)
      let result: ImportResult
      try {
        // A CSV streams through the progress bar into the import; a workbook is read from its own file, without
        // the bar (as a stream it would only be copied to a temporary file first).
        const source = format === 'xlsx' ? file : bar.counter
        // Errors reach the reader through `counter`.
        if (format !== 'xlsx') pipeline(createReadStream(file), bar.counter).catch(() => {})
        const entry = {
          action: 'contacts.import',
          command: `segmenta import contacts ${file}`,
          detail: { upload: { type: format, bytes: size } },
        }
        result = await auditedCli(db.kysely, entry, async () => {
          const r = await runContactImport(db.kysely, source, format, { dialect: db.dialect })
          return { result: r, answer: { inserted: r.inserted, updated: r.updated, rejected: r.rejected.length } }
        })
      } catch (e) {
        if (e instanceof AppError) throw new CliError(e.detail)
        throw e
      } finally {
        bar.done()
        await db.close()
      }
      process.stdout.write(
        `inserted ${result.inserted}, updated ${result.updated}, rejected ${result.rejected.length}\n`,
      )
      const shown = result.rejected.slice(0, SHOWN_REJECTS)
      for (const r of shown) for (const e of r.errors) process.stderr.write(`row ${r.row}: ${e.path}: ${e.message}\n`)
      const more = result.rejected.length - shown.length
      if (more > 0) process.stderr.write(`… and ${more} more rejected row${more === 1 ? '' : 's'}\n`)
      if (result.rejected.length > 0) process.exitCode = 1
    })

  group(program, 'export', 'export data to files')
    .command('contacts')
    .description('write contacts (all, or those the filters select) in No. order to a file or standard output')
    .addOption(
      new Option('--format <format>', 'csv or xlsx (default: from the file name, else csv)').choices(['csv', 'xlsx']),
    )
    .option('-o, --output <file>', 'the file to write (default: standard output)')
    .option('--filter <field=expression...>', 'a BC filter on a contact field, e.g. --filter "city=@odense*"')
    .action(async (opts: { format?: ExportFormat; output?: string; filter?: string[] }) => {
      const format: ExportFormat = opts.format ?? (opts.output?.toLowerCase().endsWith('.xlsx') ? 'xlsx' : 'csv')
      if (format === 'xlsx' && !opts.output && process.stdout.isTTY)
        throw new CliError('an XLSX file is binary: give a file with -o <file>')
      const query: Record<string, string> = {}
      for (const f of opts.filter ?? []) {
        const at = f.indexOf('=')
        if (at < 1) throw new CliError(`--filter ${f}: write it as <field>=<expression>`)
        query[`filter[${f.slice(0, at)}]`] = f.slice(at + 1)
      }
      const db = await openMigrated(program.opts().db)
      try {
        let p: ReturnType<typeof parseListQuery>
        try {
          p = parseListQuery(query, CONTACT_FIELDS, { dialect: db.dialect, alias: 'c', defaultSort: ['no'] })
        } catch (e) {
          if (e instanceof AppError) throw new CliError(e.detail)
          throw e
        }
        const entry = {
          action: 'contacts.export',
          command: `segmenta export contacts${opts.output ? ` -o ${opts.output}` : ''}`,
          detail: { query: { format, ...query } },
        }
        await auditedCli(db.kysely, entry, async () => {
          const data = exportContacts(db.kysely, p, format)
          if (opts.output) {
            // Written to <file>.part and renamed when complete, so a failed export leaves no half file.
            const part = `${opts.output}.part`
            try {
              await pipeline(data, createWriteStream(part))
              await rename(part, opts.output)
            } catch (e) {
              await rm(part, { force: true })
              throw e
            }
          } else {
            data.pipe(process.stdout, { end: false })
            await finished(data)
          }
          return { result: undefined }
        })
      } finally {
        await db.close()
      }
    })
}
