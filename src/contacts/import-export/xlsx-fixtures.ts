import { Readable } from 'node:stream'
import { createDeflateRaw } from 'node:zlib'

/**
 * Workbooks made by hand for the tests, hostile ones included: a zip writer that deflates each part from a
 * generator of text (so a part of hundreds of megabytes never exists in memory, only its compressed bytes)
 * and may write a false unpacked size in the directory, as an attacker would.
 */
export interface Part {
  name: string
  /** The part's text, piece by piece. */
  text: Iterable<string>
  /** The unpacked size written in the zip's directory (default: the true one). */
  claimedSize?: number
}

async function deflate(text: Iterable<string>): Promise<{ data: Buffer; size: number }> {
  let size = 0
  const counted = Readable.from(
    (function* () {
      for (const t of text) {
        const b = Buffer.from(t)
        size += b.length
        yield b
      }
    })(),
  )
  const chunks: Buffer[] = []
  for await (const c of counted.pipe(createDeflateRaw())) chunks.push(c as Buffer)
  return { data: Buffer.concat(chunks), size }
}

/** A zip file of the parts, deflated (CRCs are left 0: the import's reader does not check them). */
export async function zipParts(parts: Part[]): Promise<Buffer> {
  const locals: Buffer[] = []
  const central: Buffer[] = []
  let offset = 0
  for (const part of parts) {
    const { data, size } = await deflate(part.text)
    const name = Buffer.from(part.name)
    const header = Buffer.alloc(30)
    header.writeUInt32LE(0x04034b50, 0)
    header.writeUInt16LE(20, 4)
    header.writeUInt16LE(8, 8)
    header.writeUInt32LE(data.length, 18)
    header.writeUInt32LE(part.claimedSize ?? size, 22)
    header.writeUInt16LE(name.length, 26)
    const entry = Buffer.alloc(46)
    entry.writeUInt32LE(0x02014b50, 0)
    entry.writeUInt16LE(20, 4)
    entry.writeUInt16LE(20, 6)
    entry.writeUInt16LE(8, 10)
    entry.writeUInt32LE(data.length, 20)
    entry.writeUInt32LE(part.claimedSize ?? size, 24)
    entry.writeUInt16LE(name.length, 28)
    entry.writeUInt32LE(offset, 42)
    locals.push(header, name, data)
    central.push(entry, name)
    offset += header.length + name.length + data.length
  }
  const dir = Buffer.concat(central)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(parts.length, 8)
  end.writeUInt16LE(parts.length, 10)
  end.writeUInt32LE(dir.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, dir, end])
}

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'

/** The workbook and relationship parts of a one-sheet workbook with shared strings. */
export function workbookParts(): Part[] {
  return [
    {
      name: 'xl/workbook.xml',
      text: [
        `<workbook xmlns="${MAIN}" xmlns:r="${REL}"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`,
      ],
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      text: [
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">',
        `<Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/>`,
        `<Relationship Id="rId2" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/>`,
        '</Relationships>',
      ],
    },
  ]
}

/** `xl/sharedStrings.xml` holding `count` copies of `text` (one letter by default), written 10,000 at a time. */
export function* sharedStringsText(count: number, text = 'a'): Generator<string> {
  yield `<sst xmlns="${MAIN}" count="${count}" uniqueCount="${count}">`
  const item = `<si><t>${text}</t></si>`
  const block = item.repeat(10_000)
  for (let n = 0; n < count; n += 10_000) yield n + 10_000 <= count ? block : item.repeat(count - n)
  yield '</sst>'
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;')

/** `xl/worksheets/sheet1.xml` with the given rows as inline strings (as our export writes them). */
export function* sheetText(rows: Iterable<string[]>, padding = ''): Generator<string> {
  yield `<worksheet xmlns="${MAIN}"><sheetData>`
  let r = 0
  for (const cells of rows) {
    r++
    yield `<row r="${r}">${cells.map((c) => `<c t="inlineStr"><is><t>${escapeXml(c)}</t></is></c>`).join('')}</row>${padding}`
  }
  yield '</sheetData></worksheet>'
}

/** A whole workbook: the sheet's rows, and `sharedStrings` parts if given. */
export function workbook(sheet: Iterable<string>, extra: Part[] = []): Promise<Buffer> {
  return zipParts([...workbookParts(), { name: 'xl/worksheets/sheet1.xml', text: sheet }, ...extra])
}
