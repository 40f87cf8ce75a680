import type { Command } from 'commander'
import { sql } from 'kysely'
import { findLineTotalMismatches, type LineTotals, recountSegments } from '../../segments/engine/line-totals-check.js'
import { CliError, openMigrated } from '../context.js'

const totals = (t: LineTotals) => `${t.lines} lines, cost ${t.cost}, duration ${t.duration}`
const segmentsWord = (n: number) => (n === 1 ? '1 segment' : `${n} segments`)

/**
 * `segmenta check [--repair]`: each segment's stored No. of Lines, Cost (LCY) and Duration (Min.) against its
 * lines. The steps keep them in the same transaction as the lines, so a difference means the lines were
 * changed outside the product (by hand in SQL, a partial restore); `--repair` sums the lines again.
 */
export function checkCommand(program: Command): void {
  program
    .command('check')
    .description("check that every segment's stored line totals match its lines; --repair recounts those that differ")
    .option('--repair', 'recount the segments whose totals differ')
    .action(async (opts: { repair?: boolean }) => {
      const db = await openMigrated(program.opts().db)
      try {
        const mismatches = await findLineTotalMismatches(db.kysely, db.dialect)
        const { rows } = await sql<{ n: number | string }>`SELECT count(*) AS n FROM segment_headers`.execute(db.kysely)
        const checked = Number(rows[0].n)
        for (const m of mismatches)
          console.log(`${m.segmentNo}: stored ${totals(m.stored)}; its lines: ${totals(m.counted)}`)
        if (mismatches.length === 0) {
          console.log(`Checked ${segmentsWord(checked)}: No. of Lines, Cost (LCY) and Duration (Min.) match the lines.`)
          return
        }
        if (!opts.repair)
          throw new CliError(
            `the stored line totals differ from the lines on ${mismatches.length} of ${segmentsWord(checked)}; run segmenta check --repair to recount them`,
          )
        const recounted = await recountSegments(
          db.kysely,
          db.dialect,
          mismatches.map((m) => m.segmentNo),
        )
        const left = await findLineTotalMismatches(db.kysely, db.dialect, recounted)
        if (left.length > 0) throw new CliError(`${segmentsWord(left.length)} still differ after the recount`)
        console.log(`Recounted ${segmentsWord(recounted.length)}: ${recounted.join(', ')}.`)
      } finally {
        await db.close()
      }
    })
}
