/**
 * The one catalogue of errors the product raises. Each maps to an application/problem+json answer with
 * a stable `code` (API.md §1); business rules carry BC's own wording in `detail`.
 */
export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'CONFIRMATION_REQUIRED'
  | 'RULE_VIOLATION'
  | 'REFERENCED'
  | 'PAYLOAD_TOO_LARGE'
  | 'TOO_MANY_REQUESTS'
  | 'INTERNAL'

export interface FieldError {
  path: string
  message: string
}

const TITLES: Record<ErrorCode, [number, string]> = {
  VALIDATION_FAILED: [400, 'Validation failed'],
  UNAUTHENTICATED: [401, 'Authentication required'],
  FORBIDDEN: [403, 'Forbidden'],
  NOT_FOUND: [404, 'Not found'],
  ALREADY_EXISTS: [409, 'Already exists'],
  CONFIRMATION_REQUIRED: [409, 'Confirmation required'],
  RULE_VIOLATION: [422, 'Business rule violated'],
  REFERENCED: [422, 'Still referenced'],
  PAYLOAD_TOO_LARGE: [413, 'Payload too large'],
  TOO_MANY_REQUESTS: [429, 'Too many requests'],
  INTERNAL: [500, 'Internal server error'],
}

export class AppError extends Error {
  readonly status: number
  readonly title: string
  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly extra: { errors?: FieldError[]; question?: string } = {},
  ) {
    super(detail)
    ;[this.status, this.title] = TITLES[code]
  }

  toProblem(): Record<string, unknown> {
    return {
      type: `https://segmenta.dev/problems/${this.code.toLowerCase().replaceAll('_', '-')}`,
      title: this.title,
      status: this.status,
      detail: this.detail,
      code: this.code,
      ...(this.extra.errors ? { errors: this.extra.errors } : {}),
      ...(this.extra.question ? { question: this.extra.question } : {}),
    }
  }
}

export const validationFailed = (errors: FieldError[], detail?: string) =>
  new AppError('VALIDATION_FAILED', detail ?? errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors })

/** BC: `The <Table> does not exist. Identification fields and values: <PK>='<v>'` */
export const notFound = (table: string, keys: Record<string, string | number>) =>
  new AppError(
    'NOT_FOUND',
    `The ${table} does not exist. Identification fields and values: ${Object.entries(keys)
      .map(([k, v]) => `${k}='${v}'`)
      .join(',')}`,
  )

/** BC: `The <Table> already exists. Identification fields and values: <PK>='<v>'` */
export const alreadyExists = (table: string, keys: Record<string, string | number>) =>
  new AppError(
    'ALREADY_EXISTS',
    `The ${table} already exists. Identification fields and values: ${Object.entries(keys)
      .map(([k, v]) => `${k}='${v}'`)
      .join(',')}`,
  )

export const ruleViolation = (detail: string) => new AppError('RULE_VIOLATION', detail)
export const referenced = (detail: string) => new AppError('REFERENCED', detail)
export const confirmationRequired = (question: string) =>
  new AppError('CONFIRMATION_REQUIRED', question.replaceAll('\\', ' ').replace(/\s+/g, ' '), { question })
export const forbidden = (detail = 'Your role may not do this.') => new AppError('FORBIDDEN', detail)
export const unauthenticated = (detail = 'Sign in or send a bearer token.') => new AppError('UNAUTHENTICATED', detail)

/** BC TestField blank: `<Field> must have a value in <Table>: <PK>=<v>. It cannot be zero or empty.` */
export function mustHaveValue(field: string, table: string, keys: Record<string, string | number>): AppError {
  const pk = Object.entries(keys)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ')
  return ruleViolation(`${field} must have a value in ${table}: ${pk}. It cannot be zero or empty.`)
}

/** BC TestField value: `<Field> must be equal to '<expected>'  in <Table>: <PK>=<v>. Current value is '<actual>'.` */
export function mustBeEqual(
  field: string,
  expected: string,
  table: string,
  keys: Record<string, string | number>,
  actual: string,
): AppError {
  const pk = Object.entries(keys)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ')
  return ruleViolation(`${field} must be equal to '${expected}'  in ${table}: ${pk}. Current value is '${actual}'.`)
}

/** Unique / foreign-key violations from either driver, so a race still answers 409 / 422 and not 500. */
export function classifyDbError(err: unknown): 'unique' | 'foreign-key' | undefined {
  const e = err as { code?: string; message?: string }
  if (e?.code === '23505' || /UNIQUE constraint failed|PRIMARYKEY/.test(`${e?.code} ${e?.message}`)) return 'unique'
  if (e?.code === '23503' || /FOREIGN KEY constraint failed|FOREIGNKEY/.test(`${e?.code} ${e?.message}`))
    return 'foreign-key'
  return undefined
}
