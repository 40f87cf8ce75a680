import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { detectDelimiter, readCsvRecords, type SourceRecord } from './read-csv.js'

async function records(text: string, chunk = 7): Promise<SourceRecord[]> {
  const buf = Buffer.from(text)
  const parts: Buffer[] = []
  for (let i = 0; i < buf.length; i += chunk) parts.push(buf.subarray(i, i + chunk))
  const out: SourceRecord[] = []
  for await (const r of readCsvRecords(Readable.from(parts))) out.push(r)
  return out
}

describe('CSV records', () => {
  it('numbers rows as a spreadsheet does: blank rows count, a cell with line breaks does not add rows', async () => {
    expect(await records('no,name\r\n\r\nA,"two\r\nlines"\r\n,\r\nB,b\r\n')).toEqual([
      { row: 1, cells: ['no', 'name'] },
      { row: 3, cells: ['A', 'two\r\nlines'] },
      { row: 5, cells: ['B', 'b'] },
    ])
  })

  it('takes the delimiter from the header line and drops a byte order mark', async () => {
    expect(detectDelimiter('no;name;city')).toBe(';')
    expect(detectDelimiter('no\tname')).toBe('\t')
    expect(detectDelimiter('no')).toBe(',')
    expect(await records('\ufeffno;name\nA;"x, y"\n', 3)).toEqual([
      { row: 1, cells: ['no', 'name'] },
      { row: 2, cells: ['A', 'x, y'] },
    ])
  })

  it('answers a malformed file with a 400 naming the problem', async () => {
    await expect(records('no,name\nA,"open\n')).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      extra: {
        errors: [{ path: 'file', message: expect.stringMatching(/^is not a valid CSV file: Quote Not Closed/) }],
      },
    })
  })
})
