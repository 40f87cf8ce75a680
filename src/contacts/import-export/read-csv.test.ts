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

  it('marks the cells that are not UTF-8 instead of decoding them, and keeps a NUL for the field checks', async () => {
    const bytes = Buffer.concat([
      Buffer.from('no,name\nA,'),
      Buffer.from([0x4d, 0xfc, 0x6c]),
      Buffer.from('\nB,x\u0000y\n'),
    ])
    const out: SourceRecord[] = []
    for await (const r of readCsvRecords(Readable.from([bytes]))) out.push(r)
    expect(out).toEqual([
      { row: 1, cells: ['no', 'name'] },
      { row: 2, cells: ['A', ''], notUtf8: [1] },
      { row: 3, cells: ['B', 'x\u0000y'] },
    ])
  })

  it('refuses a header that is not UTF-8 with a 400', async () => {
    const bytes = Buffer.concat([Buffer.from('no,n'), Buffer.from([0xe6]), Buffer.from('me\nA,b\n')])
    const read = async () => {
      for await (const _ of readCsvRecords(Readable.from([bytes]))) void _
    }
    await expect(read()).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      extra: { errors: [{ path: 'header', message: 'is not UTF-8 text: save the file as CSV UTF-8' }] },
    })
  })

  it('takes the first row that is not blank as the header: it is refused when not UTF-8, and never unneutralised', async () => {
    const bytes = Buffer.concat([Buffer.from('\n\nno,n'), Buffer.from([0xe6]), Buffer.from('me\nA,b\n')])
    const read = async () => {
      for await (const _ of readCsvRecords(Readable.from([bytes]))) void _
    }
    await expect(read()).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      extra: { errors: [{ path: 'header', message: 'is not UTF-8 text: save the file as CSV UTF-8' }] },
    })
    expect(await records("\n'=no,name\nA,'=1\n")).toEqual([
      { row: 2, cells: ["'=no", 'name'] },
      { row: 3, cells: ['A', '=1'] },
    ])
  })

  it("takes away the ' our CSV export puts before a formula, and only that one", async () => {
    expect(await records("no,name\nA,'=1+1\nB,''+x\nC,'plain\nD,'\n")).toEqual([
      { row: 1, cells: ['no', 'name'] },
      { row: 2, cells: ['A', '=1+1'] },
      { row: 3, cells: ['B', "'+x"] },
      { row: 4, cells: ['C', "'plain"] },
      { row: 5, cells: ['D', "'"] },
    ])
  })
})
