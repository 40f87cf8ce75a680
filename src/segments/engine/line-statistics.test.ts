import { type KyselyPlugin, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inTransaction } from '../../db/transaction.js'
import { createTestDb, dialects, type TestDb } from '../../test-support/databases.js'
import { addContacts } from './add-contacts.js'
import { ANALYZE_AFTER, lineStatistics } from './line-statistics.js'
import { createSegment, createWorld } from './test-fixtures.js'

/**
 * Records the ANALYZE statements run through a Kysely instance (their SQL fragments, `?` where the column list
 * goes); throws on the first `failFirst` of them.
 */
function analyzeSpy(failFirst = 0) {
  const seen: string[] = []
  const plugin: KyselyPlugin = {
    transformQuery: (args) => {
      const node = args.node as { kind: string; sqlFragments?: readonly string[] }
      const text = node.sqlFragments?.join('?') ?? ''
      if (text.startsWith('ANALYZE')) {
        seen.push(text)
        if (seen.length <= failFirst) throw new Error('the database is gone')
      }
      return args.node
    },
    transformResult: async (args) => args.result,
  }
  return { seen, plugin }
}

describe.each(dialects)('Statistics of segment lines on %s', (dialect) => {
  let db: TestDb
  beforeAll(async () => {
    db = await createTestDb(dialect)
    await createWorld(db.kysely)
    await createSegment(db.kysely, 'ST1')
    await inTransaction(db.kysely, (trx) =>
      addContacts(trx, dialect, 'ST1', { contact: { type: 'Company' } }, { expandCompanies: true }, { username: 't' }),
    )
  })
  afterAll(() => db.drop())

  it('Given a step below 100,000 lines, when it has committed, then no refresh is started', async () => {
    const spy = analyzeSpy()
    const stats = lineStatistics(db.kysely.withPlugin(spy.plugin), dialect)
    expect(stats.afterStep(ANALYZE_AFTER - 1)).toBe(false)
    await stats.idle()
    expect(spy.seen).toEqual([])
  })

  it('Given a step of 100,000 lines, when it has committed, then PostgreSQL refreshes the planned columns after the answer and SQLite does nothing', async () => {
    const spy = analyzeSpy()
    const stats = lineStatistics(db.kysely.withPlugin(spy.plugin), dialect)
    expect(stats.afterStep(ANALYZE_AFTER)).toBe(dialect === 'postgres')
    await stats.idle()
    if (dialect === 'sqlite') {
      expect(spy.seen).toEqual([])
      return
    }
    expect(spy.seen).toEqual(['ANALYZE segment_lines (?)'])
    // The refresh has happened by the time idle() resolves: exactly the planned columns have statistics.
    const analysed = await sql<{ attname: string }>`SELECT attname FROM pg_stats
        WHERE schemaname = current_schema() AND tablename = 'segment_lines' ORDER BY attname`.execute(db.kysely)
    expect(analysed.rows.map((r) => r.attname)).toEqual([
      'campaign_no',
      'contact_company_no',
      'contact_no',
      'line_no',
      'segment_no',
    ])
  })

  it.runIf(dialect === 'postgres')(
    'Given a refresh running, when three more steps finish meanwhile, then one more refresh runs after it, not three',
    async () => {
      const spy = analyzeSpy()
      const stats = lineStatistics(db.kysely.withPlugin(spy.plugin), dialect)
      for (let i = 0; i < 4; i++) expect(stats.afterStep(ANALYZE_AFTER)).toBe(true)
      await stats.idle()
      expect(spy.seen).toHaveLength(2)
      // Afterwards a new step starts a new refresh.
      stats.afterStep(ANALYZE_AFTER)
      await stats.idle()
      expect(spy.seen).toHaveLength(3)
    },
  )

  it.runIf(dialect === 'postgres')(
    'Given a refresh that fails, when it is awaited, then the error goes to the handler, idle() resolves and the next step refreshes again',
    async () => {
      const spy = analyzeSpy(1)
      const errors: string[] = []
      const stats = lineStatistics(db.kysely.withPlugin(spy.plugin), dialect, (err) =>
        errors.push((err as Error).message),
      )
      stats.afterStep(ANALYZE_AFTER)
      await stats.idle()
      expect(errors).toEqual(['the database is gone'])
      stats.afterStep(ANALYZE_AFTER)
      await stats.idle()
      expect(errors).toEqual(['the database is gone'])
      expect(spy.seen).toHaveLength(2)
    },
  )
})
