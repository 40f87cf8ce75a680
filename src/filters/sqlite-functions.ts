import type BetterSqlite3 from 'better-sqlite3'

/**
 * SQLite's built-in `lower()` folds ASCII only, so `@MÜLLER` would not find `Müller` there while it
 * does on PostgreSQL. Case-insensitive filters compile to `lower(col) … lower(?)` on both dialects;
 * call this once on every SQLite connection to replace `lower()` with JavaScript's Unicode
 * `toLowerCase()` (deterministic, so it may still be used in indexes and generated columns built on
 * connections where it is registered). Without it, `@` filters still work for ASCII text.
 */
export function registerSqliteFunctions(database: BetterSqlite3.Database): void {
  database.function('lower', { deterministic: true }, (value: unknown) => {
    if (value === null || value === undefined) return null
    if (typeof value === 'string') return value.toLowerCase()
    if (typeof value === 'number' || typeof value === 'bigint') return String(value)
    return value
  })
}
