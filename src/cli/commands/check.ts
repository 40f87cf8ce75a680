import type { Command } from 'commander'
import { sql } from 'kysely'
import { auditedCli } from '../../audit/cli-audit.js'
import {
  activatedCampaigns,
  findTargetGroupMismatches,
  rebuildTargetGroups,
  type TargetGroupMismatch,
  type TargetGroupRow,
} from '../../campaigns/target-group.js'
import { findLineTotalMismatches, type LineTotals, recountSegments } from '../../segments/engine/line-totals-check.js'
import { CliError, openMigrated } from '../context.js'

const totals = (t: LineTotals) => `${t.lines} lines, cost ${t.cost}, duration ${t.duration}`
const counted = (n: number, one: string, many = `${one}s`) => (n === 1 ? `1 ${one}` : `${n} ${many}`)
const segmentsWord = (n: number) => counted(n, 'segment')
const campaignsWord = (n: number) => counted(n, 'activated campaign')
const targets = (rows: TargetGroupRow[]) => rows.map((r) => `${r.type} ${r.no}`).join(', ')

function groupDifference(m: TargetGroupMismatch): string {
  const parts: string[] = []
  if (m.missing.length > 0) parts.push(`lacks ${targets(m.missing)}`)
  if (m.extra.length > 0) parts.push(`has ${targets(m.extra)}, which no target line or entry gives`)
  return `${m.campaignNo}: target group ${parts.join('; ')}`
}

/**
 * `segmenta check [--repair]`: what the product stores derived from other rows, against those rows:
 * - each segment's No. of Lines, Cost (LCY) and Duration (Min.) against its lines;
 * - each activated campaign's target group against its target segment lines and interaction log entries.
 * The product changes both in the same transaction as the rows they come from, so a difference means the data
 * was changed outside the product (by hand in SQL, a partial restore); `--repair` derives them again.
 */
export function checkCommand(program: Command): void {
  program
    .command('check')
    .description(
      "check that every segment's stored line totals match its lines and every activated campaign's target group its targets; --repair puts right those that differ",
    )
    .option('--repair', 'recount the segments and rebuild the target groups that differ')
    .action(async (opts: { repair?: boolean }) => {
      const db = await openMigrated(program.opts().db)
      try {
        const lines = await findLineTotalMismatches(db.kysely, db.dialect)
        const activated = await activatedCampaigns(db.kysely)
        const groups = await findTargetGroupMismatches(db.kysely, activated)
        const { rows } = await sql<{ n: number | string }>`SELECT count(*) AS n FROM segment_headers`.execute(db.kysely)
        const segments = Number(rows[0].n)
        const campaigns = activated.length
        for (const m of lines)
          console.log(`${m.segmentNo}: stored ${totals(m.stored)}; its lines: ${totals(m.counted)}`)
        for (const m of groups) console.log(groupDifference(m))
        if (lines.length === 0 && groups.length === 0) {
          console.log(
            `Checked ${segmentsWord(segments)}: No. of Lines, Cost (LCY) and Duration (Min.) match the lines.`,
          )
          console.log(
            `Checked ${campaignsWord(campaigns)}: ${campaigns === 1 ? 'its target group matches its' : 'their target groups match their'} target lines and entries.`,
          )
          return
        }
        if (!opts.repair) {
          const problems: string[] = []
          if (lines.length > 0)
            problems.push(
              `the stored line totals differ from the lines on ${lines.length} of ${segmentsWord(segments)}`,
            )
          if (groups.length > 0)
            problems.push(
              `the target groups of ${groups.length} of ${campaignsWord(campaigns)} differ from their targets`,
            )
          const fix = [lines.length > 0 ? 'recount' : '', groups.length > 0 ? 'rebuild' : ''].filter(Boolean)
          throw new CliError(`${problems.join('; ')}; run segmenta check --repair to ${fix.join(' and ')} them`)
        }
        const entry = {
          action: 'check.repair',
          command: 'segmenta check --repair',
          detail: { segments: lines.map((m) => m.segmentNo), campaigns: groups.map((m) => m.campaignNo) },
        }
        await auditedCli(db.kysely, entry, async () => {
          if (lines.length > 0) {
            const recounted = await recountSegments(
              db.kysely,
              db.dialect,
              lines.map((m) => m.segmentNo),
            )
            const left = await findLineTotalMismatches(db.kysely, db.dialect, recounted)
            if (left.length > 0) throw new CliError(`${segmentsWord(left.length)} still differ after the recount`)
            console.log(`Recounted ${segmentsWord(recounted.length)}: ${recounted.join(', ')}.`)
          }
          if (groups.length > 0) {
            const rebuilt = await rebuildTargetGroups(
              db.kysely,
              groups.map((m) => m.campaignNo),
            )
            const left = await findTargetGroupMismatches(db.kysely, rebuilt)
            if (left.length > 0)
              throw new CliError(
                `the target groups of ${counted(left.length, 'campaign')} still differ after the rebuild`,
              )
            console.log(`Rebuilt the target groups of ${counted(rebuilt.length, 'campaign')}: ${rebuilt.join(', ')}.`)
          }
          return { result: undefined }
        })
      } finally {
        await db.close()
      }
    })
}
