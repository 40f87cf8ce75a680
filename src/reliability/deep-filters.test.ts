import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAX_QUERY_PARAMETERS } from '../filters/index.js'
import { BLOCKS } from '../segments/engine/criteria-blocks.js'
import { ALL, createSegment, createWorld } from '../segments/engine/test-fixtures.js'
import { createTestApp, type TestApp } from '../test-support/app.js'
import { dialects } from '../test-support/databases.js'
import { fingerprint } from './reliability-fixtures.js'

/**
 * Filters with very many alternatives: SQLite refuses an expression nested deeper than 1,000 levels ("Expression
 * tree is too large"), and `a OR b OR …` nests one level per operand. Both dialects must give the same answer:
 * the same 200 result, or the same 400 naming the field — never a 500.
 */
describe.each(dialects)('Deep filters on %s', (dialect) => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp(dialect)
    await createWorld(t.db.kysely)
    await createSegment(t.db.kysely, 'DEEP')
  })
  afterAll(() => t.close())

  const stars = (n: number) => Array(n).fill('*').join('|')
  /** `Z0..Z0|Z1..Z1|…` ranges that match nothing, then the two that match K1 and P1. */
  const ranges = (n: number) =>
    [...Array.from({ length: n - 2 }, (_, i) => `Z${i}..Z${i}`), 'K1..K1', 'P1..P1'].join('|')
  const equalities = (n: number) => Array.from({ length: n }, (_, i) => `X${i}`)
  /** The 1-based position of the 1,001st value of `values` joined by `|`. */
  const position1001 = (values: string[]) => values.slice(0, 1000).join('|').length + 2
  const contacts = (query: Record<string, string | string[]>) =>
    t.viewer.raw({ method: 'GET', url: '/api/contacts', query: { sort: 'no', limit: '100', ...query } })
  const nos = (body: { items: { no: string }[] }) => body.items.map((c) => c.no)

  describe('in list filters', () => {
    it('Given 1,000 wildcard alternatives, answers every contact', async () => {
      const res = await contacts({ 'filter[name]': stars(1000) })
      expect([res.status, nos(res.body)]).toEqual([200, [...ALL].sort()])
    })

    it('Given 999 ranges, answers the contacts of the two that match', async () => {
      const res = await contacts({ 'filter[no]': ranges(999) })
      expect([res.status, nos(res.body)]).toEqual([200, ['K1', 'P1']])
    })

    it('Given 999 conditions joined by &, answers the contacts none of them excludes', async () => {
      const res = await contacts({ 'filter[no]': [...equalities(998).map((v) => `<>${v}`), '<>K1'].join('&') })
      expect([res.status, nos(res.body)]).toEqual([200, ['K2', 'P1', 'P2', 'P3', 'P4']])
    })

    it('Given 1,024 wildcard alternatives, refuses with 400 naming the field', async () => {
      const expr = stars(1024)
      const res = await contacts({ 'filter[name]': expr })
      expect([res.status, res.body.code, res.body.errors]).toEqual([
        400,
        'VALIDATION_FAILED',
        [{ path: 'filter[name]', message: `More than 1000 values in one filter at position 2001 of '${expr}'` }],
      ])
    })

    it('Given 2,000 equalities, refuses with 400 naming the field', async () => {
      const values = equalities(2000)
      const expr = values.join('|')
      const res = await contacts({ 'filter[no]': expr })
      expect([res.status, res.body.errors]).toEqual([
        400,
        [
          {
            path: 'filter[no]',
            message: `More than 1000 values in one filter at position ${position1001(values)} of '${expr}'`,
          },
        ],
      ])
    })

    it('Given more values in all filters together than one query may bind, refuses with 400 naming the field', async () => {
      const n = Math.floor(MAX_QUERY_PARAMETERS / 1000) + 1
      const res = await contacts({ 'filter[name]': Array(n).fill(stars(1000)) })
      expect([res.status, res.body.errors]).toEqual([
        400,
        [
          {
            path: 'filter[name]',
            message: `the filters of one request may hold at most ${MAX_QUERY_PARAMETERS} values`,
          },
        ],
      ])
    })
  })

  describe('in segment criteria', () => {
    const preview = (filters: unknown) =>
      t.marketer.post('/api/segments/DEEP/preview', { action: 'add', filters, allowExistingContacts: true })

    it('Given 1,000 wildcard alternatives, previews and adds every contact', async () => {
      const filters = { contact: { name: stars(1000) } }
      expect((await preview(filters)).body).toEqual({ linesInserted: 6, noOfLinesAfter: 6 })
      const add = await t.marketer.post('/api/segments/DEEP/add-contacts', { filters })
      expect([add.status, add.body]).toEqual([200, { actionNo: 1, linesInserted: 6, noOfLines: 6 }])
    })

    it('Given 1,024 wildcard alternatives, preview and add refuse with 400 naming the field, and nothing changes', async () => {
      const expr = stars(1024)
      const before = await fingerprint(t.db)
      const message = `More than 1000 values in one filter at position 2000 in '${expr}' (position 2001)`
      for (const res of [
        await preview({ contact: { name: expr } }),
        await t.marketer.post('/api/segments/DEEP/add-contacts', { filters: { contact: { name: expr } } }),
      ])
        expect([res.status, res.body.errors]).toEqual([400, [{ path: 'filters.contact.name', message }]])
      expect(await fingerprint(t.db)).toEqual(before)
    })

    it('Given more values in all fields together than one query may bind, refuses with 400 naming the field that goes over', async () => {
      const fields = Object.entries(BLOCKS.contact.fields)
        .filter(([, spec]) => spec.type === 'text' || spec.type === 'code')
        .map(([name]) => name)
      const n = Math.floor(MAX_QUERY_PARAMETERS / 1000) + 1
      expect(fields.length).toBeGreaterThanOrEqual(n)
      const contact = Object.fromEntries(fields.slice(0, n).map((f) => [f, stars(1000)]))
      const before = await fingerprint(t.db)
      const res = await t.marketer.post('/api/segments/DEEP/add-contacts', { filters: { contact } })
      expect([res.status, res.body.errors]).toEqual([
        400,
        [
          {
            path: `filters.contact.${fields[n - 1]}`,
            message: `the filters of one step may hold at most ${MAX_QUERY_PARAMETERS} values`,
          },
        ],
      ])
      expect(await fingerprint(t.db)).toEqual(before)
    })
  })
})
