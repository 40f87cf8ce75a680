import { type Kysely, sql } from 'kysely'
import type { Dialect } from '../../db/connection.js'
import type { DB } from '../../db/schema.js'

/** Lines a step must change before PostgreSQL's statistics of segment_lines are refreshed. */
export const ANALYZE_AFTER = 100_000

/**
 * The columns the steps' statements select, join and order segment lines by. Their statistics decide the
 * plans (how many lines a segment has, how many contacts they cover); the other columns keep the statistics
 * autovacuum last gave them. At a million contacts (1.01 million lines) `ANALYZE segment_lines` took 295–470 ms
 * over several runs, these five columns 179–184 ms: sampling the rows is most of it, each text column adds
 * 30–40 ms.
 */
const PLANNED_COLUMNS = ['segment_no', 'line_no', 'contact_no', 'contact_company_no', 'campaign_no'] as const

export interface LineStatistics {
  /**
   * Called after a step has committed, with the lines it inserted or removed: from 100,000 lines on
   * PostgreSQL, schedules the refresh and returns at once, true.
   */
  afterStep(changedLines: number): boolean
  /** Resolves when no refresh is running or due (the server awaits it before closing the database). */
  idle(): Promise<void>
}

/**
 * PostgreSQL plans the next step from table statistics that autovacuum refreshes only later (DESIGN.md: a
 * preview fell from 1.97 s to 0.81 s once they were current), so a bulk step refreshes them
 * itself. The refresh runs after the answer, not in the user's wait: it costs a third of an Add of 100,000
 * lines at a million contacts, and the user's next step comes seconds later. Refreshes do not pile up: steps
 * that finish while one runs ask for one more, run after it. Outside a transaction, so ANALYZE's lock (which
 * conflicts with another ANALYZE) is held only while it runs. SQLite's plans do not depend on statistics.
 */
export function lineStatistics(
  db: Kysely<DB>,
  dialect: Dialect,
  onError: (err: unknown) => void = (err) =>
    process.emitWarning(`Refreshing the statistics of segment lines failed: ${String(err)}`),
): LineStatistics {
  let running: Promise<void> | undefined
  let due = false
  const refresh = async () => {
    while (due) {
      due = false
      try {
        await sql`ANALYZE segment_lines (${sql.join(PLANNED_COLUMNS.map((c) => sql.ref(c)))})`.execute(db)
      } catch (err) {
        onError(err)
      }
    }
    running = undefined
  }
  return {
    afterStep(changedLines) {
      if (dialect !== 'postgres' || changedLines < ANALYZE_AFTER) return false
      due = true
      running ??= refresh()
      return true
    },
    idle: async () => {
      await running
    },
  }
}
