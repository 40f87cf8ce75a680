import { isUtf8 } from 'node:buffer'
import { pipeline, Readable } from 'node:stream'
import { CsvError, parse } from 'csv-parse'
import { unneutraliseFormula } from '../../csv/formula-cells.js'
import { validationFailed } from '../../errors.js'

/**
 * One record of an import file: its cells as text and its row as a spreadsheet shows it (the header is
 * row 1, blank rows count, a cell with line breaks does not add rows).
 */
export interface SourceRecord {
  row: number
  cells: string[]
  /** Cells (by index) whose bytes are not UTF-8: their text is '' and the row is rejected for them. */
  notUtf8?: number[]
}

const DELIMITERS = [',', ';', '\t'] as const

/**
 * The delimiter of a CSV file, read from its header line: the header holds field names only, so whichever of
 * `,` `;` tab occurs most there separates the columns. Excel writes `;` in locales with a decimal comma.
 */
export function detectDelimiter(headerLine: string): string {
  let best = ','
  let most = 0
  for (const d of DELIMITERS) {
    const n = headerLine.split(d).length - 1
    if (n > most) {
      best = d
      most = n
    }
  }
  return best
}

async function* prepend(head: Buffer, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield head
  for (;;) {
    const next = await rest.next()
    if (next.done) return
    yield next.value
  }
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf])

/**
 * Streams the records of a CSV file (UTF-8, BOM allowed, `,` `;` or tab separated, RFC 4180 quoting).
 * Blank rows are skipped but counted. Memory stays flat: csv-parse holds one record at a time.
 * A malformed file (an unclosed quote…) is a 400 naming the line.
 *
 * Cells are split as bytes and decoded one by one, so that a cell that is not UTF-8 is found and its row
 * alone rejected (`notUtf8`), instead of being stored with U+FFFD in it. A data cell that our export
 * neutralised against formula injection gets its value back (`unneutraliseFormula`).
 */
export async function* readCsvRecords(input: Readable): AsyncGenerator<SourceRecord> {
  const chunks = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>
  // Peek at the first line to choose the delimiter, then hand parser the bytes read so far and the rest.
  const head: Buffer[] = []
  let size = 0
  for (;;) {
    const next = await chunks.next()
    if (next.done) break
    const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value
    head.push(chunk)
    size += chunk.length
    if (chunk.includes(10) || size > 1 << 20) break
  }
  let first = Buffer.concat(head)
  // The byte order mark is dropped here: csv-parse's own `bom` option would switch it to decoding strings.
  if (first.subarray(0, 3).equals(BOM)) first = first.subarray(3)
  const firstLine = first.toString('utf8', 0, Math.max(0, first.indexOf(10)) || first.length)
  const parser = parse({ encoding: null, delimiter: detectDelimiter(firstLine), relax_column_count: true })
  pipeline(Readable.from(prepend(first, chunks)), parser, () => {})
  let row = 0
  // The header is the first record that is not blank (blank rows before it are counted, not read).
  let header = true
  try {
    for await (const raw of parser as AsyncIterable<Buffer[]>) {
      row++
      const cells: string[] = []
      const notUtf8: number[] = []
      for (let i = 0; i < raw.length; i++) {
        if (!isUtf8(raw[i])) {
          cells.push('')
          notUtf8.push(i)
        } else cells.push(header ? raw[i].toString('utf8') : unneutraliseFormula(raw[i].toString('utf8')))
      }
      if (notUtf8.length && header)
        throw validationFailed([{ path: 'header', message: 'is not UTF-8 text: save the file as CSV UTF-8' }])
      const blank = !notUtf8.length && cells.every((c) => c === '')
      if (!blank) header = false
      if (notUtf8.length) yield { row, cells, notUtf8 }
      else if (!blank) yield { row, cells }
    }
  } catch (e) {
    if (e instanceof CsvError)
      throw validationFailed([{ path: 'file', message: `is not a valid CSV file: ${e.message}` }])
    throw e
  } finally {
    parser.destroy()
    input.destroy()
  }
}
