export type {
  AndNode,
  BlankNode,
  CompareNode,
  CompareOp,
  EqualsNode,
  FilterNode,
  Literal,
  OrNode,
  PatternNode,
  PatternPart,
  RangeNode,
} from './ast.js'
export { type CompileOptions, compileFilter, type FilterDialect, MAX_QUERY_PARAMETERS } from './compile.js'
export { describeFilter } from './describe.js'
export { FilterError, FilterSyntaxError, FilterValueError } from './errors.js'
export type { FieldSpec, FieldType } from './field-spec.js'
export { isEmptyFilter, MAX_VALUES, parseFilter } from './parse.js'
export { registerSqliteFunctions } from './sqlite-functions.js'
