import { createWriteStream } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { PassThrough, type Writable } from 'node:stream'
import { finished } from 'node:stream/promises'
import { type Command, Option } from 'commander'
import { auditedCli } from '../../audit/cli-audit.js'
import { AppError } from '../../errors.js'
import { getSegment } from '../../segments/engine/index.js'
import { EXPORT_FORMATS, type ExportFormat, writeSegmentExport } from '../../segments/export/write-segment-export.js'
import { CliError, openMigrated } from '../context.js'

/** The `export` command group, shared with other exports that may register under it. */
function exportGroup(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === 'export') ?? program.command('export').description('export data to files')
  )
}

/** `segmenta export segment <no> [--format csv|xlsx] [-o <file>]` (API.md §5). */
export function exportSegmentCommand(program: Command): void {
  exportGroup(program)
    .command('segment <no>')
    .description("write a segment's contacts, one row per line, to a file or standard output")
    .addOption(
      new Option('--format <format>', 'csv or xlsx (default: from the file name, else csv)').choices(EXPORT_FORMATS),
    )
    .option('-o, --output <file>', 'the file to write (default: standard output)')
    .action(async (no: string, opts: { format?: ExportFormat; output?: string }) => {
      const format: ExportFormat = opts.format ?? (opts.output?.toLowerCase().endsWith('.xlsx') ? 'xlsx' : 'csv')
      if (format === 'xlsx' && !opts.output && process.stdout.isTTY)
        throw new CliError('an XLSX file is binary: give a file with -o <file>')
      const segmentNo = no.trim().toUpperCase()
      const db = await openMigrated(program.opts().db)
      try {
        try {
          await getSegment(db.kysely, segmentNo)
        } catch (e) {
          if (e instanceof AppError) throw new CliError(e.detail)
          throw e
        }
        const entry = {
          action: 'segments.export',
          command: `segmenta export segment ${segmentNo}${opts.output ? ` -o ${opts.output}` : ''}`,
          target: segmentNo,
          detail: { query: { format } },
        }
        await auditedCli(db.kysely, entry, async () => {
          if (opts.output)
            await exportToFile(opts.output, (out) => writeSegmentExport(db.kysely, segmentNo, format, out))
          else await exportToStdout((out) => writeSegmentExport(db.kysely, segmentNo, format, out))
          return { result: undefined }
        })
      } finally {
        await db.close()
      }
    })
}

/** Writes to `<file>.part` and renames it when complete, so a failed export leaves no half file. */
async function exportToFile(file: string, write: (out: Writable) => Promise<void>): Promise<void> {
  const part = `${file}.part`
  const out = createWriteStream(part)
  try {
    await write(out)
    await finished(out)
    await rename(part, file)
  } catch (e) {
    out.destroy()
    await rm(part, { force: true })
    throw e
  }
}

/** Standard output is never ended by the export (the process still writes its exit path to it). */
async function exportToStdout(write: (out: Writable) => Promise<void>): Promise<void> {
  const pass = new PassThrough()
  pass.pipe(process.stdout, { end: false })
  await write(pass)
  await finished(pass)
}
