import { sql } from 'kysely'
import type { Dialect } from '../connection.js'

/**
 * The few column types that differ between the dialects. Everything else is `text` (NOT NULL, '' for
 * blank, as BC has no nulls for code and text), or `integer` — booleans are INTEGER 0/1 on both dialects
 * so that set-based SQL and the filter compiler are the same text on both.
 */
export function columnTypes(dialect: Dialect) {
  const pg = dialect === 'postgres'
  return {
    /** YYYY-MM-DD; NULL is BC's 0D (blank date). */
    date: sql.raw(pg ? 'date' : 'text'),
    /** Instant, ISO 8601 UTC. */
    timestamp: sql.raw(pg ? 'timestamptz' : 'text'),
    /**
     * Unit amounts, quantities, durations: up to 5 decimals (amounts of 2 decimals became `numeric(20, 2)` on
     * PostgreSQL in migration 012; on SQLite every value is kept on its decimal grid, see src/db/money.ts).
     */
    decimal: sql.raw(pg ? 'numeric(20, 5)' : 'real'),
    /** Line numbers and entry numbers grow past 2^31 (DESIGN.md, "Line numbers are 64-bit"). */
    bigint: sql.raw(pg ? 'bigint' : 'integer'),
    /** Current time as a column default. */
    now: sql.raw(pg ? 'now()' : "(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))"),
  }
}
