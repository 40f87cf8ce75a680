import type { Readable } from 'node:stream'
import { StringDecoder } from 'node:string_decoder'
import { SaxesParser, type SaxesTagPlain } from 'saxes'
import type { ImportLimits } from './import-limits.js'
import type { SourceRecord } from './read-csv.js'
import { UnzippedSizeError, ZipFile, ZipFormatError } from './zip-entries.js'

/**
 * Reads the first worksheet of an XLSX file with bounded work: the zip entries are unpacked as streams
 * (zip-entries.ts) and parsed with a streaming XML parser, counting shared strings, rows and cells, and
 * the reading stops the moment a limit of `ImportLimits` is passed. exceljs cannot do this: it reads the
 * shared strings whole into memory before it looks at a count. This runs in a worker thread
 * (xlsx-worker.ts), so none of it holds up the server's event loop.
 */

/** A limit of `ImportLimits` was passed. */
export class ImportLimitError extends Error {
  constructor(readonly limit: keyof ImportLimits) {
    super(limit)
  }
}

/** The file is not a workbook we can read; the message says why. */
export class XlsxFormatError extends Error {}

/** Excel's own limit on the text of a cell: longer text cannot come from a real workbook. */
export const MAX_CELL_CHARS = 32_767
/** Excel's last column, XFD. */
const MAX_COLUMNS = 16_384

const local = (name: string) => {
  const i = name.indexOf(':')
  return i < 0 ? name : name.slice(i + 1)
}

/**
 * Feeds an entry's bytes to a fresh XML parser; `setup` attaches the handlers. Between chunks, `after`
 * may hand on what the handlers collected (and wait, which keeps memory flat).
 */
async function parseEntry(
  stream: Readable,
  setup: (p: SaxesParser) => void,
  after?: () => Promise<void>,
): Promise<void> {
  const parser = new SaxesParser({ position: false })
  parser.on('error', (e) => {
    throw new XlsxFormatError(`its XML is malformed: ${e.message}`)
  })
  setup(parser)
  const decoder = new StringDecoder('utf8')
  try {
    for await (const chunk of stream) {
      parser.write(decoder.write(chunk as Buffer))
      if (after) await after()
    }
    parser.write(decoder.end())
    parser.close()
    if (after) await after()
  } finally {
    stream.destroy()
  }
}

/** Text of `<t>` elements inside the current element, bounded by `MAX_CELL_CHARS`; phonetic runs left out. */
class TextCollector {
  text = ''
  private depth = 0
  private phonetic = 0
  open(name: string) {
    if (name === 't') this.depth++
    else if (name === 'rPh') this.phonetic++
  }
  close(name: string) {
    if (name === 't') this.depth--
    else if (name === 'rPh') this.phonetic--
  }
  add(text: string) {
    if (this.depth > 0 && this.phonetic === 0) {
      this.text += text
      if (this.text.length > MAX_CELL_CHARS) throw new XlsxFormatError(`a cell holds more than 32,767 characters`)
    }
  }
  reset() {
    this.text = ''
    this.depth = 0
    this.phonetic = 0
  }
}

/**
 * The shared-string table, kept compact: strings are joined into blocks of 4,096 with their offsets, so a
 * table of millions of short strings costs about their characters, not a JavaScript string each.
 */
class SharedStrings {
  private blocks: string[] = []
  private offsets: Uint32Array[] = []
  private current: string[] = []
  count = 0
  add(s: string) {
    this.current.push(s)
    this.count++
    if (this.current.length === 4096) this.seal()
  }
  seal() {
    if (!this.current.length) return
    const offsets = new Uint32Array(this.current.length + 1)
    let at = 0
    this.current.forEach((s, i) => {
      offsets[i] = at
      at += s.length
    })
    offsets[this.current.length] = at
    this.blocks.push(this.current.join(''))
    this.offsets.push(offsets)
    this.current = []
  }
  get(i: number): string | undefined {
    if (!Number.isInteger(i) || i < 0 || i >= this.count) return undefined
    const b = Math.floor(i / 4096)
    const o = this.offsets[b]
    const k = i % 4096
    return this.blocks[b].slice(o[k], o[k + 1])
  }
}

/** Zip paths of the first worksheet (workbook order) and of the shared strings, from the workbook's parts. */
async function locateParts(zip: ZipFile): Promise<{ sheet: string; sharedStrings?: string }> {
  const part = (name: string) => {
    const e = zip.entries.get(name)
    if (!e) throw new XlsxFormatError(`it has no ${name}`)
    return zip.stream(e)
  }
  let firstSheetId: string | undefined
  await parseEntry(await part('xl/workbook.xml'), (p) =>
    p.on('opentag', (t) => {
      if (firstSheetId === undefined && local(t.name) === 'sheet') {
        const attrs = (t as SaxesTagPlain).attributes
        firstSheetId = attrs['r:id'] ?? Object.entries(attrs).find(([k]) => local(k) === 'id')?.[1]
      }
    }),
  )
  if (!firstSheetId) throw new XlsxFormatError('it has no worksheet')
  const targets = new Map<string, string>()
  let sharedStrings: string | undefined
  await parseEntry(await part('xl/_rels/workbook.xml.rels'), (p) =>
    p.on('opentag', (t) => {
      if (local(t.name) !== 'Relationship') return
      const { Id, Target, Type } = (t as SaxesTagPlain).attributes
      if (!Target) return
      const path = Target.startsWith('/') ? Target.slice(1) : `xl/${Target}`
      targets.set(Id, path)
      if (Type?.endsWith('/sharedStrings')) sharedStrings = path
    }),
  )
  const sheet = targets.get(firstSheetId)
  if (!sheet) throw new XlsxFormatError('its first worksheet is missing')
  return { sheet, sharedStrings }
}

async function readSharedStrings(zip: ZipFile, path: string | undefined, limits: ImportLimits) {
  const table = new SharedStrings()
  const entry = path ? zip.entries.get(path) : undefined
  if (!entry) return table
  const text = new TextCollector()
  let inItem = false
  await parseEntry(await zip.stream(entry), (p) => {
    p.on('opentag', (t) => {
      const n = local(t.name)
      if (n === 'si') {
        if (table.count >= limits.maxSharedStrings) throw new ImportLimitError('maxSharedStrings')
        inItem = true
        text.reset()
      } else if (inItem) text.open(n)
    })
    p.on('text', (s) => inItem && text.add(s))
    p.on('cdata', (s) => inItem && text.add(s))
    p.on('closetag', (t) => {
      const n = local(t.name)
      if (n === 'si') {
        table.add(text.text)
        inItem = false
      } else if (inItem) text.close(n)
    })
  })
  table.seal()
  return table
}

/** "C12" → 2 (zero-based column); undefined when the reference is not a cell reference. */
function columnOf(ref: string | undefined): number | undefined {
  if (!ref) return undefined
  let col = 0
  let i = 0
  for (; i < ref.length; i++) {
    const c = ref.charCodeAt(i)
    if (c >= 65 && c <= 90) col = col * 26 + (c - 64)
    else if (c >= 97 && c <= 122) col = col * 26 + (c - 96)
    else break
  }
  return i === 0 ? undefined : col - 1
}

/**
 * Reads the records of the first worksheet and hands them to `emit` a batch at a time (waiting for it
 * before parsing on). Rows are numbered as the sheet numbers them; rows shorter than the header (Excel
 * leaves out trailing empty cells) are padded, blank rows are skipped. Cell values are the text a CSV
 * file would hold: shared and inline strings, numbers as JavaScript writes them, booleans true/false.
 */
export async function readWorkbook(
  path: string,
  limits: ImportLimits,
  emit: (records: SourceRecord[]) => Promise<void>,
): Promise<void> {
  let zip: ZipFile
  try {
    zip = await ZipFile.open(path, limits.maxUnzippedBytes)
  } catch (e) {
    if (e instanceof ZipFormatError) throw new XlsxFormatError(e.message)
    throw e
  }
  try {
    const parts = await locateParts(zip)
    const strings = await readSharedStrings(zip, parts.sharedStrings, limits)
    const sheet = zip.entries.get(parts.sheet)
    if (!sheet) throw new XlsxFormatError(`it has no ${parts.sheet}`)
    await readSheet(await zip.stream(sheet), strings, limits, emit)
  } catch (e) {
    if (e instanceof UnzippedSizeError) throw new ImportLimitError('maxUnzippedBytes')
    if (e instanceof ZipFormatError) throw new XlsxFormatError(e.message)
    // zlib's errors (a damaged deflate stream) carry a Z_ code.
    const code = (e as { code?: string }).code
    if (typeof code === 'string' && code.startsWith('Z_'))
      throw new XlsxFormatError(`it is damaged: ${(e as Error).message}`)
    throw e
  } finally {
    await zip.close()
  }
}

async function readSheet(
  stream: Readable,
  strings: SharedStrings,
  limits: ImportLimits,
  emit: (records: SourceRecord[]) => Promise<void>,
): Promise<void> {
  let rows = 0
  let cells = 0
  let rowNo = 0
  let width = -1
  let record: string[] | undefined
  let col = -1
  let cellType = ''
  let inValue = false
  let value = ''
  const inline = new TextCollector()
  let inInline = false
  let batch: SourceRecord[] = []

  const endRow = () => {
    const r = record ?? []
    record = undefined
    if (r.every((c) => c === '')) return
    if (width < 0) width = r.length
    else {
      while (r.length < width) r.push('')
      while (r.length > width && r[r.length - 1] === '') r.pop()
    }
    batch.push({ row: rowNo, cells: r })
  }

  const cellValue = (): string => {
    switch (cellType) {
      case 's': {
        const s = strings.get(Number(value))
        if (s === undefined) throw new XlsxFormatError(`a cell refers to shared string ${value}, which does not exist`)
        return s
      }
      case 'inlineStr':
        return inline.text
      case 'b':
        return value.trim() === '1' ? 'true' : 'false'
      case 'str':
      case 'e':
      case 'd':
        return value
      default: {
        const n = Number(value)
        return value.trim() === '' ? '' : Number.isFinite(n) ? String(n) : value
      }
    }
  }

  await parseEntry(
    stream,
    (p) => {
      p.on('opentag', (t) => {
        const n = local(t.name)
        if (n === 'row') {
          if (++rows > limits.maxRows) throw new ImportLimitError('maxRows')
          const r = Number((t as SaxesTagPlain).attributes.r)
          rowNo = Number.isSafeInteger(r) && r > rowNo ? r : rowNo + 1
          record = []
          col = -1
        } else if (n === 'c') {
          if (++cells > limits.maxCells) throw new ImportLimitError('maxCells')
          const attrs = (t as SaxesTagPlain).attributes
          col = columnOf(attrs.r) ?? col + 1
          if (col >= MAX_COLUMNS) throw new XlsxFormatError(`a cell lies beyond column XFD`)
          cellType = attrs.t ?? 'n'
          value = ''
          inline.reset()
        } else if (n === 'v') inValue = true
        else if (n === 'is') inInline = true
        else if (inInline) inline.open(n)
      })
      const onText = (s: string) => {
        if (inValue) {
          value += s
          if (value.length > MAX_CELL_CHARS) throw new XlsxFormatError('a cell holds more than 32,767 characters')
        } else if (inInline) inline.add(s)
      }
      p.on('text', onText)
      p.on('cdata', onText)
      p.on('closetag', (t) => {
        const n = local(t.name)
        if (n === 'v') inValue = false
        else if (n === 'is') inInline = false
        else if (inInline) inline.close(n)
        else if (n === 'c') {
          if (!record) record = []
          const r = record
          while (r.length < col) r.push('')
          r[col] = cellValue()
        } else if (n === 'row') endRow()
      })
    },
    async () => {
      if (!batch.length) return
      const out = batch
      batch = []
      await emit(out)
    },
  )
}
