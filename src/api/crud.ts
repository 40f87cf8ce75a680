import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import type { SelectQueryBuilder } from 'kysely'
import { z } from 'zod'
import type { Principal, Role } from '../auth/credentials.js'
import type { Dialect } from '../db/connection.js'
import type { DB } from '../db/schema.js'
import { inTransaction, type Tx } from '../db/transaction.js'
import { alreadyExists, classifyDbError, notFound, referenced } from '../errors.js'
import {
  codeSchema,
  createSchema,
  type Field,
  fieldSchema,
  integerSchema,
  patchSchema,
  toApi,
  toRow,
} from './fields.js'
import { parseListQuery, runList } from './list-query.js'

// biome-ignore lint/suspicious/noExplicitAny: the generic resource works on any table
type AnyQB = SelectQueryBuilder<any, any, any>

export interface ParentDef {
  /** Path parameter name, e.g. 'code'. */
  param: string
  /** Column in the child table holding the parent key. */
  column: string
  table: keyof DB
  /** Key column in the parent table. */
  parentColumn: string
  title: string
  caption: string
}

/** What a hook knows of the request. */
export interface HookContext {
  principal?: Principal
  dialect: Dialect
}

export interface ResourceDef {
  /** Collection path, with `:param` for a parent, e.g. '/api/profile-questionnaires/:code/lines'. */
  path: string
  table: keyof DB
  /** BC table caption for messages: 'Industry Group'. */
  title: string
  /** Caption of the key field(s) in BC messages: 'Code'. */
  keyCaptions?: Record<string, string>
  fields: Field[]
  /** API names of the key fields (below the parent). */
  key: string[]
  defaultSort?: string[]
  tag: string
  parent?: ParentDef
  roles?: { read?: Role; write?: Role }
  /** A query selecting the table (aliased `t`) with computed columns; default: `select t.*`. */
  select?: (db: Tx) => AnyQB
  /** Fills defaults and checks business rules before insert. May change the row. */
  beforeCreate?: (trx: Tx, row: Record<string, unknown>, ctx: HookContext) => Promise<void>
  afterCreate?: (trx: Tx, row: Record<string, unknown>, ctx: HookContext) => Promise<void>
  beforeUpdate?: (
    trx: Tx,
    row: Record<string, unknown>,
    existing: Record<string, unknown>,
    ctx: HookContext,
  ) => Promise<void>
  beforeDelete?: (trx: Tx, existing: Record<string, unknown>) => Promise<void>
  afterDelete?: (trx: Tx, existing: Record<string, unknown>) => Promise<void>
  /** Let create omit a key (numbered by the hook). */
  keyOptionalOnCreate?: boolean
  summary?: string
}

/** Registers list / create / get / patch / delete for a simple resource described by its fields. */
export function registerCrud(app: FastifyInstance, def: ResourceDef): void {
  const r = app.withTypeProvider<ZodTypeProvider>()
  const keyFields = def.key.map((k) => def.fields.find((f) => f.name === k)!)
  const itemPath = `${def.path}/${def.key.map((k) => `:${k}`).join('/')}`
  const dialect = app.db.dialect
  const read = { role: def.roles?.read } as const
  const write = { role: def.roles?.write } as const
  const captions = (keys: Record<string, unknown>) => {
    const out: Record<string, string> = {}
    for (const f of keyFields) out[def.keyCaptions?.[f.name] ?? f.name] = String(keys[f.name] ?? '')
    return out
  }
  const paramsShape: Record<string, z.ZodType> = {}
  if (def.parent) paramsShape[def.parent.param] = codeSchema(50)
  const itemParamsShape: Record<string, z.ZodType> = { ...paramsShape }
  for (const f of keyFields)
    itemParamsShape[f.name] =
      f.type === 'integer'
        ? integerSchema(f, { coerce: true })
        : f.type === 'number'
          ? z.coerce.number().int()
          : (fieldSchema(f) as z.ZodType)
  const base = (db: Tx) =>
    def.select ? def.select(db) : (db.selectFrom(`${def.table} as t` as never).selectAll('t' as never) as AnyQB)
  const map = (row: Record<string, unknown>) => toApi(def.fields, row)

  async function parentCheck(db: Tx, params: Record<string, string>) {
    if (!def.parent) return
    const v = params[def.parent.param].trim().toUpperCase()
    const p = await db
      .selectFrom(def.parent.table as never)
      .select(def.parent.parentColumn as never)
      .where(def.parent.parentColumn as never, '=', v as never)
      .executeTakeFirst()
    if (!p) throw notFound(def.parent.title, { [def.parent.caption]: v })
    return v
  }
  function whereKey(qb: AnyQB, params: Record<string, unknown>, parentValue?: string): AnyQB {
    let q = qb
    if (def.parent) q = q.where(`t.${def.parent.column}`, '=', parentValue)
    for (const f of keyFields) q = q.where(`t.${f.column}`, '=', params[f.name])
    return q
  }
  async function load(db: Tx, params: Record<string, unknown>, parentValue?: string) {
    const row = (await whereKey(base(db), params, parentValue).executeTakeFirst()) as
      | Record<string, unknown>
      | undefined
    if (!row) throw notFound(def.title, captions(params))
    return row
  }

  r.get(
    def.path,
    { config: read, schema: { tags: [def.tag], summary: `List ${def.title} records`, params: z.object(paramsShape) } },
    async (req) => {
      const parentValue = await parentCheck(app.db.kysely, req.params as Record<string, string>)
      const p = parseListQuery(req.query as Record<string, unknown>, def.fields, {
        dialect,
        alias: 't',
        defaultSort: def.defaultSort ?? def.key,
      })
      let qb = base(app.db.kysely)
      if (def.parent) qb = qb.where(`t.${def.parent.column}`, '=', parentValue)
      return runList(qb, p, map)
    },
  )

  const createBody = def.keyOptionalOnCreate
    ? createSchema(def.fields.map((f) => (def.key.includes(f.name) ? { ...f, required: false } : f)))
    : createSchema(def.fields.map((f) => (def.key.includes(f.name) ? { ...f, required: true } : f)))
  r.post(
    def.path,
    {
      config: write,
      schema: { tags: [def.tag], summary: `Create a ${def.title}`, params: z.object(paramsShape), body: createBody },
    },
    async (req, reply) => {
      const body = req.body as Record<string, unknown>
      const created = await inTransaction(app.db.kysely, async (trx) => {
        const parentValue = await parentCheck(trx, req.params as Record<string, string>)
        const row = toRow(def.fields, body)
        if (def.parent) row[def.parent.column] = parentValue
        await def.beforeCreate?.(trx, row, { principal: req.principal, dialect })
        const keys: Record<string, unknown> = {}
        for (const f of keyFields) keys[f.name] = row[f.column]
        const existing = await whereKey(base(trx), keys, parentValue).executeTakeFirst()
        if (existing) throw alreadyExists(def.title, captions(keys))
        try {
          await trx
            .insertInto(def.table as never)
            .values(row as never)
            .execute()
        } catch (e) {
          if (classifyDbError(e) === 'foreign-key')
            throw referenced(`A code in this ${def.title} does not exist in its table.`)
          throw e
        }
        await def.afterCreate?.(trx, row, { principal: req.principal, dialect })
        return map(await load(trx, keys, parentValue))
      })
      return reply.status(201).send(created)
    },
  )

  r.get(
    itemPath,
    { config: read, schema: { tags: [def.tag], summary: `Get one ${def.title}`, params: z.object(itemParamsShape) } },
    async (req) => {
      const params = req.params as Record<string, unknown>
      const parentValue = await parentCheck(app.db.kysely, params as Record<string, string>)
      return map(await load(app.db.kysely, params, parentValue))
    },
  )

  r.patch(
    itemPath,
    {
      config: write,
      schema: {
        tags: [def.tag],
        summary: `Change a ${def.title}`,
        params: z.object(itemParamsShape),
        body: patchSchema(def.fields, def.key),
      },
    },
    async (req) => {
      const params = req.params as Record<string, unknown>
      return inTransaction(app.db.kysely, async (trx) => {
        const parentValue = await parentCheck(trx, params as Record<string, string>)
        const existing = await load(trx, params, parentValue)
        const row = toRow(def.fields, req.body as Record<string, unknown>)
        await def.beforeUpdate?.(trx, row, existing, { principal: req.principal, dialect })
        if (Object.keys(row).length) {
          let q = trx.updateTable(def.table as never).set(row as never)
          if (def.parent) q = q.where(def.parent.column as never, '=', parentValue as never)
          for (const f of keyFields) q = q.where(f.column as never, '=', params[f.name] as never)
          try {
            await q.execute()
          } catch (e) {
            if (classifyDbError(e) === 'foreign-key')
              throw referenced(`A code in this ${def.title} does not exist in its table.`)
            throw e
          }
        }
        return map(await load(trx, params, parentValue))
      })
    },
  )

  r.delete(
    itemPath,
    { config: write, schema: { tags: [def.tag], summary: `Delete a ${def.title}`, params: z.object(itemParamsShape) } },
    async (req, reply) => {
      const params = req.params as Record<string, unknown>
      await inTransaction(app.db.kysely, async (trx) => {
        const parentValue = await parentCheck(trx, params as Record<string, string>)
        const existing = await load(trx, params, parentValue)
        await def.beforeDelete?.(trx, existing)
        let q = trx.deleteFrom(def.table as never)
        if (def.parent) q = q.where(def.parent.column as never, '=', parentValue as never)
        for (const f of keyFields) q = q.where(f.column as never, '=', params[f.name] as never)
        try {
          await q.execute()
        } catch (e) {
          if (classifyDbError(e) === 'foreign-key')
            throw referenced(
              `You cannot delete ${def.title} ${Object.values(captions(params)).join(' ')} because it is still used.`,
            )
          throw e
        }
        await def.afterDelete?.(trx, existing)
      })
      return reply.status(204).send()
    },
  )
}
