import { pipeline, Readable } from 'node:stream'
import { CsvError, parse } from 'csv-parse'
import { validationFailed } from '../../errors.js'

/**
 * One record of an import file: its cells as text and its row as a spreadsheet shows it (the header is
 * row 1, blank rows count, a cell with line breaks does not add rows).
 */
export interface SourceRecord {
  row: number
  cells: string[]
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

/**
 * Streams the records of a CSV file (UTF-8, BOM allowed, `,` `;` or tab separated, RFC 4180 quoting).
 * Blank rows are skipped but counted. Memory stays flat: csv-parse holds one record at a time.
 * A malformed file (an unclosed quote…) is a 400 naming the line.
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
  const first = Buffer.concat(head)
  const firstLine = first.toString('utf8', 0, Math.max(0, first.indexOf(10)) || first.length)
  const parser = parse({ bom: true, delimiter: detectDelimiter(firstLine), relax_column_count: true })
  pipeline(Readable.from(prepend(first, chunks)), parser, () => {})
  let row = 0
  try {
    for await (const cells of parser as AsyncIterable<string[]>) {
      row++
      if (cells.every((c) => c === '')) continue
      yield { row, cells }
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
