import fc from 'fast-check'

/**
 * Arbitraries of hostile input for property tests: strings full of SQL, HTML, filter and template
 * metacharacters, odd Unicode, huge values, and JSON values of the wrong type for a field's schema.
 */

/** Inputs that break naive SQL, HTML, BC filters, templates and paths. */
export const CLASSIC_ATTACKS = [
  "' OR '1'='1",
  "'; DROP TABLE contacts; --",
  "Robert'); DROP TABLE segment_lines;--",
  '1; DELETE FROM users',
  '" OR ""="',
  "' UNION SELECT password_hash FROM users --",
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg onload=alert(1)>',
  'javascript:alert(1)',
  '{{contact.name}}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, sent as plain text
  '${7*7}',
  '../../../etc/passwd',
  '%00',
  '%s%s%s%n',
  'NULL',
  'undefined',
  '__proto__',
  '1e309',
  '-0',
  '\u202egnirts desrever',
  '\ufeffBOM',
  'İıßẞ',
  '😀👨‍👩‍👧',
  'a\r\nSet-Cookie: x=1',
]

const META = [
  "'",
  '"',
  ';',
  '--',
  '/*',
  '*/',
  '<',
  '>',
  '&',
  '\\',
  '%',
  '_',
  '*',
  '?',
  '@',
  '|',
  '..',
  '(',
  ')',
  '=',
  '<>',
  "''",
  '{{',
  '}}',
  '$1',
  '`',
  '[',
  ']',
  '\u00a0',
  '\u0000',
  '\ud800',
  '\t',
  '\n',
  'a',
  'Z',
  '0',
  '9',
  ' ',
  'ü',
]

/** Strings a client could send: attacks, metacharacter soup, any UTF-16 (lone surrogates, NUL), huge. */
export const hostileString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...CLASSIC_ATTACKS) },
  { weight: 4, arbitrary: fc.array(fc.constantFrom(...META), { maxLength: 40 }).map((a) => a.join('')) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.integer({ min: 101, max: 300_000 }).map((n) => 'x'.repeat(n)) },
)

/** Numbers that overflow, underflow or are fractional where integers are due. */
export const hostileNumber = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -1, 2 ** 31, 2 ** 53, -(2 ** 53), 1e308, -1e308, Number.MIN_VALUE, 0.1),
)

export type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null'
export interface JsonSchema {
  type?: JsonType | JsonType[]
  anyOf?: JsonSchema[]
  oneOf?: JsonSchema[]
  properties?: Record<string, JsonSchema>
  items?: JsonSchema
  enum?: unknown[]
  required?: string[]
  maxLength?: number
  minimum?: number
  maximum?: number
  pattern?: string
}

/** The JSON types a schema accepts ('integer' counts as 'number': a fraction is not a wrong *type*). */
export function acceptedTypes(s: JsonSchema | undefined): Set<JsonType> {
  const out = new Set<JsonType>()
  if (!s) return new Set(['string', 'number', 'boolean', 'object', 'array', 'null'])
  for (const t of [s.type ?? []].flat()) out.add(t === 'integer' ? 'number' : t)
  for (const sub of [...(s.anyOf ?? []), ...(s.oneOf ?? [])]) for (const t of acceptedTypes(sub)) out.add(t)
  if (!s.type && !s.anyOf && !s.oneOf && s.enum) for (const v of s.enum) out.add(jsonType(v))
  return out
}

function jsonType(v: unknown): JsonType {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'array'
  return typeof v as JsonType
}

const anyJson = fc.jsonValue({ maxDepth: 3 })

function valueOfType(t: JsonType): fc.Arbitrary<unknown> {
  switch (t) {
    case 'string':
      return hostileString
    case 'number':
    case 'integer':
      return hostileNumber
    case 'boolean':
      return fc.boolean()
    case 'null':
      return fc.constant(null)
    case 'array':
      return fc.array(anyJson, { maxLength: 5 })
    case 'object':
      return fc.dictionary(fc.string({ maxLength: 10 }), anyJson, { maxKeys: 5 })
  }
}

/** A value whose JSON type the schema does not accept (there is always one: no field takes every type). */
export function wrongValue(s: JsonSchema): fc.Arbitrary<unknown> {
  const ok = acceptedTypes(s)
  const wrong = (['string', 'number', 'boolean', 'object', 'array', 'null'] as JsonType[]).filter((t) => !ok.has(t))
  return fc.constantFrom(...wrong).chain(valueOfType)
}

/**
 * A value of a type the schema accepts, with hostile contents, mostly within the schema's own limits (an
 * option from its list, a string that fits, a date that parses) so that most bodies get past validation
 * and reach the route's own code; some go beyond the limits.
 */
export function typedValue(s: JsonSchema): fc.Arbitrary<unknown> {
  const types = [...acceptedTypes(s)]
  const within: fc.Arbitrary<unknown>[] = []
  if (s.enum?.length) within.push(fc.constantFrom(...s.enum))
  for (const sub of [...(s.anyOf ?? []), ...(s.oneOf ?? [])]) if (sub.type !== 'null') within.push(typedValue(sub))
  if (types.includes('object') && s.properties) within.push(objectOf(s.properties, s.required ?? []))
  if (!s.enum && types.includes('string')) {
    if (s.pattern?.includes('\\d{4}-'))
      within.push(
        fc
          .date({ min: new Date('1900-01-01'), max: new Date('2100-12-31'), noInvalidDate: true })
          .map((d) => d.toISOString().slice(0, 10)),
      )
    else within.push(hostileString.map((v) => (s.maxLength !== undefined ? v.slice(0, s.maxLength) : v)))
  }
  if (types.includes('number')) {
    const min = Math.max(s.minimum ?? -1e9, -1e9)
    const max = Math.min(s.maximum ?? 1e9, 1e9)
    within.push(fc.integer({ min: Math.ceil(min), max: Math.floor(max) }))
  }
  if (types.includes('boolean')) within.push(fc.boolean())
  const anything = fc.constantFrom(...types).chain(valueOfType)
  return within.length
    ? fc.oneof({ weight: 4, arbitrary: fc.oneof(...within) }, { weight: 1, arbitrary: anything })
    : anything
}

function objectOf(props: Record<string, JsonSchema>, required: string[] = []): fc.Arbitrary<Record<string, unknown>> {
  const optional = Object.keys(props).filter((n) => !required.includes(n))
  const chooseOptional = optional.length
    ? fc.subarray(optional, { maxLength: Math.min(4, optional.length) })
    : fc.constant([] as string[])
  return chooseOptional.chain((chosen) => {
    const names = [...required.filter((n) => n in props), ...chosen]
    return fc.tuple(...names.map((n) => typedValue(props[n]))).map((vs) => pairs(names, vs))
  })
}

function pairs(names: string[], values: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  names.forEach((n, i) => {
    out[n] = values[i]
  })
  return out
}

/** A JSON text nested `depth` levels deep. */
export const deepJson = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`

/** Field names no route knows (`__proto__` and `constructor` are refused by the JSON parser itself). */
export const unknownKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'nmae', 'isAdmin', 'role ', '$where', 'password_hash', ''),
  fc.string({ minLength: 1, maxLength: 12 }).map((s) => `x_${s}`),
)

/**
 * A request body (as JSON text) that a route with this body schema must refuse: an object with an unknown
 * field, with a known field of the wrong type, nested too deep, or a top-level value of the wrong type.
 */
export function invalidBody(schema: JsonSchema | undefined): fc.Arbitrary<string> {
  const props = schema?.properties ?? {}
  const names = Object.keys(props)
  const extras = schema ? objectOf(props) : fc.constant({})
  const variants: fc.Arbitrary<string>[] = [
    fc
      .tuple(extras, unknownKey, anyJson)
      .map(([o, k, v]) =>
        k === '__proto__' || k === 'constructor'
          ? `{${JSON.stringify(k)}:{"polluted":true},${JSON.stringify(o).slice(1)}`.replace(/,}$/, '}')
          : JSON.stringify({ ...o, [k]: v }),
      ),
    fc
      .tuple(extras, fc.integer({ min: 33, max: 5000 }))
      .map(([o, d]) => JSON.stringify(o).replace(/}$/, `${Object.keys(o).length ? ',' : ''}"deep":${deepJson(d)}}`)),
  ]
  const typed = names.filter((n) => acceptedTypes(props[n]).size < 6)
  if (typed.length)
    variants.push(
      fc
        .constantFrom(...typed)
        .chain((n) => fc.tuple(extras, fc.constant(n), wrongValue(props[n])))
        .map(([o, n, v]) => JSON.stringify({ ...o, [n]: v })),
    )
  const rootWrong = (['string', 'number', 'boolean', 'array', 'null'] as JsonType[]).filter(
    (t) => !acceptedTypes(schema ?? { type: 'object' }).has(t),
  )
  if (rootWrong.length)
    variants.push(
      fc
        .constantFrom(...rootWrong)
        .chain(valueOfType)
        .map((v) => JSON.stringify(v)),
    )
  return fc.oneof(...variants)
}
