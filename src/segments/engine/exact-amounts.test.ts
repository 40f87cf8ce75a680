import { parse } from 'csv-parse/sync'
import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inTransaction, type Tx } from '../../db/transaction.js'
import { runCli, urlOf } from '../../reliability/server-fixtures.js'
import { createTestApp, type TestApp } from '../../test-support/app.js'
import { dialects } from '../../test-support/databases.js'
import { updateSegment } from '../header/update-segment.js'
import { updateLine } from '../lines/line-service.js'
import { addContacts } from './add-contacts.js'
import { removeContacts } from './remove-contacts.js'
import { contactRow, createSegment } from './test-fixtures.js'

const actor = { username: 'tester' }
const CONTACTS = 3000
const no = (i: number) => `MC${String(i).padStart(4, '0')}`

/** Whole cents of a decimal text or number, by its digits (never by adding doubles). */
const cents = (v: string | number) => {
  const [whole, fraction = ''] = String(v).split('.')
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0').slice(0, 2))
}

/**
 * Exact amounts (src/db/money.ts). Given 3,000 lines of 0.1 and 0.2 — whose floating-point sum is
 * 449.17000000000513 or so, depending on the order — the card, the export, the list filter and `segmenta check`
 * all say 449.17, the same on both dialects.
 */
describe.each(dialects)('exact amounts on %s', (dialect) => {
  let t: TestApp
  const tx = <T>(fn: (trx: Tx) => Promise<T>) => inTransaction(t.db.kysely, fn)
  beforeAll(async () => {
    t = await createTestApp(dialect)
    const rows = Array.from({ length: CONTACTS }, (_, i) => contactRow(no(i + 1), { type: 'Person', name: no(i + 1) }))
    for (let i = 0; i < rows.length; i += 500)
      await t.db.kysely
        .insertInto('contacts')
        .values(rows.slice(i, i + 500))
        .execute()
    // Given 1,500 lines at 0.1 and 1,500 at 0.2, seven of the 0.1 lines removed and one 0.2 line set to 0.07.
    await createSegment(t.db.kysely, 'MONEY', { unit_cost_lcy: 0.1, unit_duration_min: 0.3 })
    await tx((trx) => addContacts(trx, dialect, 'MONEY', { contact: { no: `${no(1)}..${no(1500)}` } }, {}, actor))
    await tx((trx) => updateSegment(trx, dialect, 'MONEY', [['unitCostLcy', 0.2]], { updateLines: false }))
    await tx((trx) => addContacts(trx, dialect, 'MONEY', { contact: { no: `${no(1501)}..${no(3000)}` } }, {}, actor))
    await tx((trx) =>
      removeContacts(trx, dialect, 'MONEY', 'reduce', { contact: { no: `${no(1)}..${no(7)}` } }, {}, actor),
    )
    await tx((trx) => updateLine(trx, dialect, 'MONEY', 29_990_000, { costLcy: 0.07 }, actor))
  }, 120_000)
  afterAll(() => t.close())

  it('Given 1,493 lines of 0.1, 1,499 of 0.2 and one of 0.07, then the card shows Cost (LCY) 449.17 and Duration 897.9 exactly', async () => {
    const r = await t.viewer.get('/api/segments/MONEY')
    expect([r.status, r.body.noOfLines, r.body.costLcy, r.body.durationMin]).toEqual([200, 2993, 449.17, 897.9])
    const list = await t.viewer.get('/api/segments?filter[costLcy]=449.17')
    expect(list.body.items.map((s: { no: string; costLcy: number }) => [s.no, s.costLcy])).toEqual([['MONEY', 449.17]])
    const line = await t.viewer.get('/api/segments/MONEY/lines?filter[costLcy]=0.07')
    expect(line.body.items.map((l: { lineNo: number; costLcy: number }) => [l.lineNo, l.costLcy])).toEqual([
      [29_990_000, 0.07],
    ])
  })

  it('Then the CSV and XLSX exports hold each line cost as written, and their column adds up to the card to the cent', async () => {
    const csv = await t.viewer.raw({ method: 'GET', url: '/api/segments/MONEY/export?format=csv' })
    const [captions, ...rows] = parse(csv.body as unknown as string) as string[][]
    const cost = captions.indexOf('Cost (LCY)')
    const duration = captions.indexOf('Duration (Min.)')
    expect(rows.length).toBe(2993)
    expect([...new Set(rows.map((r) => r[cost]))].sort()).toEqual(['0.07', '0.1', '0.2'])
    expect([...new Set(rows.map((r) => r[duration]))]).toEqual(['0.3'])
    expect(rows.reduce((s, r) => s + cents(r[cost]), 0)).toBe(44_917)

    const { createToken } = await import('../../auth/credentials.js')
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/segments/MONEY/export?format=xlsx',
      headers: { authorization: `Bearer ${(await createToken(t.db.kysely, 'viewer')).token}` },
    })
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer)
    const values: unknown[] = []
    wb.worksheets[0].eachRow((row, i) => {
      if (i > 1) values.push(row.getCell(cost + 1).value)
    })
    expect(values.length).toBe(2993)
    expect([...new Set(values)].sort()).toEqual([0.07, 0.1, 0.2])
    expect(values.reduce((s: number, v) => s + cents(v as number), 0)).toBe(44_917)
  })

  it('Then `segmenta check` finds the stored totals in step; a cent changed behind the product is named with both sums', async () => {
    const url = await urlOf(t.db)
    const ok = await runCli(['--db', url, 'check'])
    expect([ok.status, ok.stdout.split('\n')[0]]).toEqual([
      0,
      'Checked 1 segment: No. of Lines, Cost (LCY) and Duration (Min.) match the lines.',
    ])
    await t.db.kysely.updateTable('segment_headers').set({ cost_lcy: 449.18 }).where('no', '=', 'MONEY').execute()
    const off = await runCli(['--db', url, 'check'])
    expect([off.status, off.stdout]).toEqual([
      1,
      'MONEY: stored 2993 lines, cost 449.18, duration 897.9; its lines: 2993 lines, cost 449.17, duration 897.9\n',
    ])
    await t.db.kysely.updateTable('segment_headers').set({ cost_lcy: 449.17 }).where('no', '=', 'MONEY').execute()
  }, 120_000)

  it('Given amounts with more decimals than kept, when posted, then they are rounded half away from zero, and an amount range still compares numerically', async () => {
    const entry = (amount: number, quantity = 1) => ({
      sourceType: 'Customer',
      sourceNo: 'C01',
      postingDate: '2026-03-01',
      amount,
      quantity,
    })
    const r = await t.marketer.post('/api/value-entries', [entry(10.005, 1.234565), entry(1500.5), entry(999.994)])
    expect(r.status).toBe(201)
    expect(r.body.map((e: { amount: number; quantity: number }) => [e.amount, e.quantity])).toEqual([
      [10.01, 1.23457],
      [1500.5, 1],
      [999.99, 1],
    ])
    const range = await t.viewer.get('/api/value-entries?filter[amount]=1000..1999')
    expect(range.body.items.map((e: { amount: number }) => e.amount)).toEqual([1500.5])
    const stored = await t.viewer.get('/api/value-entries?filter[amount]=10.01|999.99&sort=amount')
    expect(stored.body.items.map((e: { amount: number }) => e.amount)).toEqual([10.01, 999.99])
  })
})
