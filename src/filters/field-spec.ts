import type { RawBuilder } from 'kysely'

/**
 * How a field is stored, which decides how a filter value is read and compared:
 *
 * | type      | column holds                        | a filter value is                                  |
 * |-----------|-------------------------------------|----------------------------------------------------|
 * | `text`    | text, NOT NULL, '' for blank        | compared as written; `@` compares with `lower()`   |
 * | `code`    | upper-case text, NOT NULL           | upper-cased (so `@` changes nothing)               |
 * | `number`  | REAL / numeric, NOT NULL            | a decimal with `.` (`-12.5`); `''` means 0         |
 * | `integer` | INTEGER, NOT NULL                   | a whole number; `''` means 0                       |
 * | `date`    | `YYYY-MM-DD` text / PG date, NULL = blank (BC's 0D) | `YYYY-MM-DD` or `TODAY`            |
 * | `boolean` | INTEGER 0/1                         | true/false, yes/no, 1/0 (any case)                 |
 * | `option`  | the caption as text                 | a caption (any case); bound as the canonical one   |
 */
export type FieldType = 'text' | 'code' | 'number' | 'integer' | 'date' | 'boolean' | 'option'

export interface FieldSpec {
  type: FieldType
  /** SQL column reference, possibly qualified, e.g. `c.name`; emitted with `sql.ref`. */
  column: string
  /** Option captions in ordinal order (`<`, `..` on options follow this order); '' allowed. Required for `option`. */
  options?: readonly string[]
  /**
   * An SQL expression to compare instead of the column itself, e.g. a PostgreSQL timestamp as ISO 8601 text so
   * that a text filter (`2026-03*`) reads it as the API shows it. Default: the column.
   */
  expression?: RawBuilder<unknown>
}
