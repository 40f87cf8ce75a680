import type { Dialect } from '../../db/connection.js'
import { type FieldError, validationFailed } from '../../errors.js'
import { compileFilter, FilterError, isEmptyFilter, MAX_QUERY_PARAMETERS } from '../../filters/index.js'
import { BLOCKS } from './criteria-blocks.js'
import { BLOCK_NAMES, type BlockName, type CriteriaFilters } from './types.js'

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * Checks a step's `filters` before anything is written: unknown blocks or fields, non-string values,
 * malformed expressions and values that do not fit the field's type (`abc` for a number) are collected
 * and thrown as one VALIDATION_FAILED whose paths name `filters.<block>.<field>`.
 *
 * Returns the filters normalised: blocks and fields in BC's order, empty expressions and empty blocks
 * dropped (BC records no filter row for a table without filters), expressions as the user typed them.
 */
export function validateFilters(filters: unknown, dialect: Dialect): CriteriaFilters {
  if (filters === undefined || filters === null) return {}
  const errors: FieldError[] = []
  if (!isPlainObject(filters)) throw validationFailed([{ path: 'filters', message: 'must be an object of blocks' }])
  for (const key of Object.keys(filters)) {
    if (!(BLOCK_NAMES as readonly string[]).includes(key))
      errors.push({
        path: `filters.${key}`,
        message: `unknown block '${key}' (expected one of ${BLOCK_NAMES.join(', ')})`,
      })
  }
  const out: CriteriaFilters = {}
  const parameters = { count: 0 }
  for (const name of BLOCK_NAMES) {
    const block = filters[name]
    if (block === undefined || block === null) continue
    if (!isPlainObject(block)) {
      errors.push({ path: `filters.${name}`, message: 'must be an object of field filters' })
      continue
    }
    const def = BLOCKS[name]
    for (const key of Object.keys(block)) {
      if (!Object.hasOwn(def.fields, key))
        errors.push({ path: `filters.${name}.${key}`, message: `unknown field '${key}'` })
    }
    const fields: Record<string, string> = {}
    for (const [field, spec] of Object.entries(def.fields)) {
      const expr = block[field]
      if (expr === undefined || expr === null) continue
      const path = `filters.${name}.${field}`
      if (typeof expr !== 'string') {
        errors.push({ path, message: 'must be a filter expression (a string)' })
        continue
      }
      if (isEmptyFilter(expr) || parameters.count > MAX_QUERY_PARAMETERS) continue
      try {
        const column = `${def.alias}.${spec.column}`
        compileFilter(expr, { type: spec.type, column, options: spec.options }, dialect, { parameters })
        if (parameters.count > MAX_QUERY_PARAMETERS) {
          errors.push({ path, message: `the filters of one step may hold at most ${MAX_QUERY_PARAMETERS} values` })
          continue
        }
        fields[field] = expr
      } catch (e) {
        if (!(e instanceof FilterError)) throw e
        errors.push({ path, message: `${e.message} in '${expr}' (position ${e.position + 1})` })
      }
    }
    if (Object.keys(fields).length > 0) out[name] = fields
  }
  if (errors.length) throw validationFailed(errors)
  return out
}

/** The blocks of normalised filters that set a condition, in BC's order. */
export function activeBlocks(filters: CriteriaFilters): BlockName[] {
  return BLOCK_NAMES.filter((b) => filters[b] && Object.keys(filters[b]!).length > 0)
}

/**
 * A filter expression that matches exactly `value`, quoted when it holds a character the filter
 * grammar reads (`|&()<>=.*?@'` or edge spaces); used to record manual lines as `No.: <contact>`.
 */
export function exactFilter(value: string): string {
  if (value === '') return "''"
  if (/^[^|&()<>=.*?@'\s]([^|&()<>=.*?@']*[^|&()<>=.*?@'\s])?$/.test(value) && !value.includes('..')) return value
  return `'${value.replaceAll("'", "''")}'`
}
