import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inTransaction } from '../../db/transaction.js'
import { AppError } from '../../errors.js'
import { createTestDb, dialects, type TestDb } from '../../test-support/databases.js'
import { addLine, deleteLine, updateLine } from '../lines/line-service.js'
import { addContacts } from './add-contacts.js'
import { goBack } from './go-back.js'
import { removeContacts } from './remove-contacts.js'
import { countCriteriaActions } from './segment-state.js'
import { createSegment, createWorld } from './test-fixtures.js'

const actor = { username: 'tester' }

describe.each(dialects)('Go Back on %s', (dialect) => {
  let db: TestDb
  beforeAll(async () => {
    db = await createTestDb(dialect)
    await createWorld(db.kysely)
  })
  afterAll(() => db.drop())

  /** Every column of every line, so a restored line must come back with all its own values. */
  const snapshot = (seg: string) =>
    db.kysely.selectFrom('segment_lines').selectAll().where('segment_no', '=', seg).orderBy('line_no').execute()
  const tx = <T>(fn: (trx: Parameters<Parameters<typeof inTransaction>[1]>[0]) => Promise<T>) =>
    inTransaction(db.kysely, fn)

  it('Given add, reduce, refine, manual add, manual delete and a contact change, when going back action by action, then each state returns, down to the empty segment', async () => {
    const seg = 'GB1'
    await createSegment(db.kysely, seg, { description: 'Spring mailing', salesperson_code: 'JR' })
    const states: Awaited<ReturnType<typeof snapshot>>[] = [await snapshot(seg)]

    await tx((trx) =>
      addContacts(trx, dialect, seg, { contact: { type: 'Company' } }, { expandCompanies: true }, actor),
    )
    // An edit Go Back does not record: the deleted line must come back with it (quirk Q6 fixed).
    await db.kysely
      .updateTable('segment_lines')
      .set({ description: 'Call first', evaluation: 'Positive' })
      .where('contact_no', '=', 'P2')
      .execute()
    states.push(await snapshot(seg))
    await tx((trx) => removeContacts(trx, dialect, seg, 'reduce', { contact: { no: 'P2' } }, {}, actor))
    states.push(await snapshot(seg))
    await tx((trx) =>
      removeContacts(
        trx,
        dialect,
        seg,
        'refine',
        { jobResponsibility: { jobResponsibilityCode: 'PURCH' } },
        { entireCompanies: true },
        actor,
      ),
    )
    states.push(await snapshot(seg))
    await tx((trx) => addLine(trx, dialect, seg, { contactNo: 'P4', description: 'By hand' }, actor))
    states.push(await snapshot(seg))
    await tx((trx) => deleteLine(trx, dialect, seg, 10000, undefined, actor))
    states.push(await snapshot(seg))
    await tx((trx) => updateLine(trx, dialect, seg, 20000, { contactNo: 'P3' }, actor))
    const last = await snapshot(seg)

    expect(states.map((s) => s.map((l) => `${l.line_no}:${l.contact_no}`))).toEqual([
      [],
      ['10000:K1', '20000:P1', '30000:P2', '40000:K2', '50000:P3'],
      ['10000:K1', '20000:P1', '40000:K2', '50000:P3'],
      ['10000:K1', '20000:P1'],
      ['10000:K1', '20000:P1', '30000:P4'],
      ['20000:P1', '30000:P4'],
    ])
    expect(last.map((l) => `${l.line_no}:${l.contact_no}:${l.contact_company_no}`)).toEqual([
      '20000:P3:K2',
      '30000:P4:',
    ])
    expect(await countCriteriaActions(db.kysely, seg)).toBe(7)

    // The contact change is two actions: Add (new) then Reduce (old).
    expect(await tx((trx) => goBack(trx, dialect, seg, actor))).toEqual({
      actionNo: 7,
      linesInserted: 0,
      linesRemoved: 1,
      noOfCriteriaActions: 6,
    })
    expect(await tx((trx) => goBack(trx, dialect, seg, actor))).toEqual({
      actionNo: 6,
      linesInserted: 1,
      linesRemoved: 0,
      noOfCriteriaActions: 5,
    })
    expect(await snapshot(seg)).toEqual(states[5])
    const expectedUndo = [
      { actionNo: 5, linesInserted: 1, linesRemoved: 0 },
      { actionNo: 4, linesInserted: 0, linesRemoved: 1 },
      { actionNo: 3, linesInserted: 2, linesRemoved: 0 },
      { actionNo: 2, linesInserted: 1, linesRemoved: 0 },
      { actionNo: 1, linesInserted: 0, linesRemoved: 5 },
    ]
    for (const [i, undo] of expectedUndo.entries()) {
      const r = await tx((trx) => goBack(trx, dialect, seg, actor))
      expect(r).toEqual({ ...undo, noOfCriteriaActions: undo.actionNo - 1 })
      expect(await snapshot(seg)).toEqual(states[4 - i])
    }
    expect(await db.kysely.selectFrom('segment_history').selectAll().where('segment_no', '=', seg).execute()).toEqual(
      [],
    )
  })

  it('Given a contact added twice (Allow Existing Contacts), when going back the second add, then only its own line goes (quirk Q5 fixed)', async () => {
    const seg = 'GB2'
    await createSegment(db.kysely, seg)
    await tx((trx) => addContacts(trx, dialect, seg, { contact: { no: 'K1|K2' } }, {}, actor))
    await tx((trx) => addContacts(trx, dialect, seg, { contact: { no: 'K1' } }, { allowExistingContacts: true }, actor))
    const r = await tx((trx) => goBack(trx, dialect, seg, actor))
    expect(r).toEqual({ actionNo: 2, linesInserted: 0, linesRemoved: 1, noOfCriteriaActions: 1 })
    const lines = await snapshot(seg)
    expect(lines.map((l) => [l.line_no, l.contact_no])).toEqual([
      [10000, 'K1'],
      [20000, 'K2'],
    ])
  })

  it('Given a segment without criteria actions, when going back, then BC’s TestField error answers and nothing changes', async () => {
    const seg = 'GB3'
    await createSegment(db.kysely, seg)
    const e = await tx((trx) => goBack(trx, dialect, seg, actor)).catch((err) => err)
    expect(e).toBeInstanceOf(AppError)
    expect([e.code, e.detail]).toEqual([
      'RULE_VIOLATION',
      'No. of Criteria Actions must have a value in Segment Header: No.=GB3. It cannot be zero or empty.',
    ])
  })

  it('Given an unknown segment, when going back, then the segment header is not found', async () => {
    const e = await tx((trx) => goBack(trx, dialect, 'NOPE', actor)).catch((err) => err)
    expect([e.code, e.detail]).toEqual([
      'NOT_FOUND',
      "The Segment Header does not exist. Identification fields and values: No.='NOPE'",
    ])
  })
})
