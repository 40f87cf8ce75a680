import type BetterSqlite3 from 'better-sqlite3'

/**
 * SQLite's built-in `lower()` folds ASCII only, so `@MÜLLER` would not find `Müller` there while it
 * does on PostgreSQL. Case-insensitive filters compile to `lower(col) … lower(?)` on both dialects;
 * call this once on every SQLite connection to replace `lower()` and `upper()` with JavaScript's Unicode
 * `toLowerCase()` / `toUpperCase()` (deterministic, so it may still be used in indexes and generated columns built on
 * connections where it is registered). Without it, `@` filters still work for ASCII text.
 */
export function registerSqliteFunctions(database: BetterSqlite3.Database): void {
  const fold = (f: (s: string) => string) => (value: unknown) => {
    if (value === null || value === undefined) return null
    if (typeof value === 'string') return f(value)
    if (typeof value === 'number' || typeof value === 'bigint') return String(value)
    return value
  }
  database.function(
    'lower',
    { deterministic: true },
    fold((s) => s.toLowerCase()),
  )
  // upper() too: search names and code columns computed in SQL ('Müller' → 'MÜLLER', as on PostgreSQL).
  database.function(
    'upper',
    { deterministic: true },
    fold((s) => s.toUpperCase()),
  )
}
