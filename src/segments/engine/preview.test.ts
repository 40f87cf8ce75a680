import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inTransaction } from '../../db/transaction.js'
import { createTestDb, dialects, type TestDb } from '../../test-support/databases.js'
import { addContacts } from './add-contacts.js'
import { previewStep } from './preview.js'
import { removeContacts } from './remove-contacts.js'
import { countCriteriaActions } from './segment-state.js'
import { createSegment, createWorld } from './test-fixtures.js'
import type { AddOptions, CriteriaFilters, RemoveOptions } from './types.js'

const actor = { username: 'tester' }

type Step = { action: 'add' | 'reduce' | 'refine'; filters: CriteriaFilters } & AddOptions & RemoveOptions

describe.each(dialects)('Preview on %s', (dialect) => {
  let db: TestDb
  beforeAll(async () => {
    db = await createTestDb(dialect)
    await createWorld(db.kysely, { excludeP2: true })
  })
  afterAll(() => db.drop())

  const steps: Step[] = [
    { action: 'add', filters: { jobResponsibility: { jobResponsibilityCode: 'PURCH' } }, expandCompanies: true },
    { action: 'add', filters: {}, ignoreExclusion: true },
    {
      action: 'add',
      filters: { contact: { type: 'Company' } },
      allowExistingContacts: true,
      allowRelatedCompanies: true,
    },
    { action: 'reduce', filters: { contact: { no: 'P1' } } },
    { action: 'refine', filters: { jobResponsibility: { jobResponsibilityCode: 'PURCH' } }, entireCompanies: true },
    { action: 'reduce', filters: { mailingGroup: { mailingGroupCode: 'GIFT' } }, entireCompanies: true },
    { action: 'refine', filters: {} },
    { action: 'reduce', filters: {} },
  ]

  it('Given a run of steps, when previewing each before doing it, then the preview counts what the step then does and writes nothing', async () => {
    await createSegment(db.kysely, 'PV1')
    const seen: [number | undefined, number | undefined][] = []
    for (const step of steps) {
      const actionsBefore = await countCriteriaActions(db.kysely, 'PV1')
      const p = await previewStep(db.kysely, dialect, 'PV1', step)
      expect(await countCriteriaActions(db.kysely, 'PV1')).toBe(actionsBefore)
      const { action, filters, ...opts } = step
      if (action === 'add') {
        const r = await inTransaction(db.kysely, (trx) => addContacts(trx, dialect, 'PV1', filters, opts, actor))
        expect(p).toEqual({ linesInserted: r.linesInserted, noOfLinesAfter: r.noOfLines })
        seen.push([r.linesInserted, undefined])
      } else {
        const r = await inTransaction(db.kysely, (trx) =>
          removeContacts(trx, dialect, 'PV1', action, filters, opts, actor),
        )
        expect(p).toEqual({ linesRemoved: r.linesRemoved, noOfLinesAfter: r.noOfLines })
        seen.push([undefined, r.linesRemoved])
      }
    }
    // K1 P1 (P2 excluded) / P4 P2 K2 P3 / K1 K2 again / P1 / P4 K2 K2 P3 (K1's company matched) / K1 P2 K1 / – / –
    expect(seen).toEqual([
      [2, undefined],
      [4, undefined],
      [2, undefined],
      [undefined, 1],
      [undefined, 4],
      [undefined, 3],
      [undefined, 0],
      [undefined, 0],
    ])
  })
})
