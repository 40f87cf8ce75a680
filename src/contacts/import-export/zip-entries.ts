import { createReadStream } from 'node:fs'
import { type FileHandle, open } from 'node:fs/promises'
import { Readable, Transform } from 'node:stream'
import { createInflateRaw } from 'node:zlib'

/**
 * Just enough of the zip format to read the parts of an XLSX file: the central directory (ZIP64 included),
 * and one entry at a time as a stream, stored or deflated. Unlike a general unzip library it never
 * inflates an entry nobody asked for, and it counts what it inflates, against one budget for the whole
 * file, so that a zip bomb stops at the limit instead of at the end of memory. Sizes written in the
 * archive are not believed: the count is of the bytes that actually come out.
 */
export interface ZipEntry {
  name: string
  method: number
  flags: number
  compressedSize: number
  size: number
  headerOffset: number
}

export class ZipFormatError extends Error {}
/** Thrown by an entry stream when the bytes unpacked pass the budget. */
export class UnzippedSizeError extends Error {}

const EOCD = 0x06054b50
const ZIP64_LOCATOR = 0x07064b50
const ZIP64_EOCD = 0x06064b50
const CENTRAL = 0x02014b50
const LOCAL = 0x04034b50

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length)
  const { bytesRead } = await fh.read(buf, 0, length, position)
  if (bytesRead < length) throw new ZipFormatError('the file ends inside the zip directory')
  return buf
}

const u64 = (b: Buffer, at: number) => Number(b.readBigUInt64LE(at))

export class ZipFile {
  private unzipped = 0

  private constructor(
    private readonly path: string,
    private readonly fh: FileHandle,
    readonly entries: Map<string, ZipEntry>,
    private readonly maxUnzipped: number,
  ) {}

  /** Opens `path` and reads its directory; `maxUnzipped` bounds the bytes all entry streams unpack to. */
  static async open(path: string, maxUnzipped: number): Promise<ZipFile> {
    const fh = await open(path, 'r')
    try {
      return new ZipFile(path, fh, await readDirectory(fh), maxUnzipped)
    } catch (e) {
      await fh.close()
      throw e
    }
  }

  close(): Promise<void> {
    return this.fh.close()
  }

  /** The unpacked bytes of one entry. The stream fails with UnzippedSizeError past the budget. */
  async stream(entry: ZipEntry): Promise<Readable> {
    if (entry.flags & 1) throw new ZipFormatError(`${entry.name} is encrypted`)
    if (entry.method !== 0 && entry.method !== 8)
      throw new ZipFormatError(`${entry.name} uses compression method ${entry.method}`)
    if (this.unzipped + entry.size > this.maxUnzipped) throw new UnzippedSizeError()
    const local = await readAt(this.fh, entry.headerOffset, 30)
    if (local.readUInt32LE(0) !== LOCAL) throw new ZipFormatError(`${entry.name} has no local header`)
    const start = entry.headerOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28)
    if (entry.compressedSize === 0) return Readable.from([])
    const raw = createReadStream(this.path, {
      start,
      end: start + entry.compressedSize - 1,
      highWaterMark: 64 * 1024,
    })
    const counter = new Transform({
      transform: (chunk: Buffer, _enc, done) => {
        this.unzipped += chunk.length
        done(this.unzipped > this.maxUnzipped ? new UnzippedSizeError() : null, chunk)
      },
    })
    const source = entry.method === 8 ? raw.pipe(createInflateRaw({ chunkSize: 64 * 1024 })) : raw
    for (const s of [raw, source]) s.on('error', (e: Error) => counter.destroy(e))
    // Stopping early (a limit, a bad cell) must stop reading and inflating too.
    counter.on('close', () => {
      raw.destroy()
      source.destroy()
    })
    return source.pipe(counter)
  }
}

async function readDirectory(fh: FileHandle): Promise<Map<string, ZipEntry>> {
  const { size } = await fh.stat()
  // The end record is 22 bytes plus a comment of up to 65,535.
  const tailLength = Math.min(size, 22 + 65535)
  const tail = await readAt(fh, size - tailLength, tailLength)
  let at = -1
  for (let i = tailLength - 22; i >= 0; i--)
    if (tail.readUInt32LE(i) === EOCD) {
      at = i
      break
    }
  if (at < 0) throw new ZipFormatError('it is not a zip file (no end of central directory)')
  let count = tail.readUInt16LE(at + 10)
  let dirSize = tail.readUInt32LE(at + 12)
  let dirOffset = tail.readUInt32LE(at + 16)
  if (count === 0xffff || dirSize === 0xffffffff || dirOffset === 0xffffffff) {
    const locatorAt = size - tailLength + at - 20
    if (locatorAt < 0) throw new ZipFormatError('the ZIP64 locator is missing')
    const locator = await readAt(fh, locatorAt, 20)
    if (locator.readUInt32LE(0) !== ZIP64_LOCATOR) throw new ZipFormatError('the ZIP64 locator is missing')
    const end64 = await readAt(fh, u64(locator, 8), 56)
    if (end64.readUInt32LE(0) !== ZIP64_EOCD) throw new ZipFormatError('the ZIP64 end record is missing')
    count = u64(end64, 32)
    dirSize = u64(end64, 40)
    dirOffset = u64(end64, 48)
  }
  // An XLSX has a few dozen parts; the directory of a real one is a few kB.
  if (dirSize > 64 * 1024 * 1024 || dirOffset + dirSize > size)
    throw new ZipFormatError('the zip directory is larger than the file')
  const dir = await readAt(fh, dirOffset, dirSize)
  const entries = new Map<string, ZipEntry>()
  let p = 0
  for (let n = 0; n < count; n++) {
    if (p + 46 > dir.length || dir.readUInt32LE(p) !== CENTRAL) throw new ZipFormatError('the zip directory is damaged')
    const nameLength = dir.readUInt16LE(p + 28)
    const extraLength = dir.readUInt16LE(p + 30)
    const commentLength = dir.readUInt16LE(p + 32)
    const entry: ZipEntry = {
      name: dir.toString('utf8', p + 46, p + 46 + nameLength),
      method: dir.readUInt16LE(p + 10),
      flags: dir.readUInt16LE(p + 8),
      compressedSize: dir.readUInt32LE(p + 20),
      size: dir.readUInt32LE(p + 24),
      headerOffset: dir.readUInt32LE(p + 42),
    }
    // ZIP64 extra field: the 8-byte values of those fields that are 0xFFFFFFFF, in this order.
    let e = p + 46 + nameLength
    const extraEnd = e + extraLength
    while (e + 4 <= extraEnd) {
      const id = dir.readUInt16LE(e)
      const length = dir.readUInt16LE(e + 2)
      if (id === 1) {
        let q = e + 4
        for (const key of ['size', 'compressedSize', 'headerOffset'] as const)
          if (entry[key] === 0xffffffff && q + 8 <= e + 4 + length) {
            entry[key] = u64(dir, q)
            q += 8
          }
      }
      e += 4 + length
    }
    entries.set(entry.name, entry)
    p = extraEnd + commentLength
  }
  return entries
}
