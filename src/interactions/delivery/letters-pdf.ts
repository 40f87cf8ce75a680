import { createReadStream, createWriteStream } from 'node:fs'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { finished } from 'node:stream/promises'
import PDFDocument from 'pdfkit'
import type { Tx } from '../../db/transaction.js'

/** One printed letter (spec §6.11: Hard Copy entries are merged into a PDF that is handed to the user). */
export interface Letter {
  /** Salesperson's name, e-mail, phone — top right. */
  sender: string[]
  /** Contact's name, company, street, post code and city, country — in the window of the envelope. */
  address: string[]
  date: string
  subject: string
  body: string
}

export interface LettersFile {
  path: string
  letters: number
  pages: number
  bytes: number
  remove(): Promise<void>
}

const MARGIN = 56 // 2 cm

/**
 * Writes the letters, one after the other, into a PDF in a temporary file: each letter starts on a new
 * page and runs over as many pages as its body needs. The letters come from an async source (pages of
 * entries read by key), so memory holds one page of entries, not the whole segment.
 */
export async function writeLettersPdf(letters: AsyncIterable<Letter>, title: string): Promise<LettersFile> {
  const dir = await mkdtemp(join(tmpdir(), 'segmenta-letters-'))
  const path = join(dir, 'letters.pdf')
  const remove = () => rm(dir, { recursive: true, force: true })
  try {
    const doc = new PDFDocument({ size: 'A4', margin: MARGIN, autoFirstPage: false, info: { Title: title } })
    const out = createWriteStream(path)
    doc.pipe(out)
    let pages = 0
    let count = 0
    doc.on('pageAdded', () => {
      pages++
    })
    for await (const letter of letters) {
      count++
      doc.addPage()
      const width = doc.page.width - 2 * MARGIN
      doc.font('Helvetica').fontSize(9).fillColor('#333333')
      doc.text(letter.sender.filter(Boolean).join('\n'), MARGIN, MARGIN, { width, align: 'right' })
      doc.fontSize(11).fillColor('black')
      doc.text(letter.address.filter(Boolean).join('\n'), MARGIN, MARGIN + 100, { width: width / 2 })
      doc.text(letter.date, MARGIN, MARGIN + 210, { width, align: 'right' })
      doc.font('Helvetica-Bold').text(letter.subject, MARGIN, MARGIN + 250, { width })
      doc.moveDown()
      doc.font('Helvetica').text(letter.body, { width, align: 'left' })
    }
    if (count === 0) doc.addPage()
    doc.end()
    await finished(out)
    const { size } = await stat(path)
    return { path, letters: count, pages, bytes: size, remove }
  } catch (e) {
    await remove()
    throw e
  }
}

export const CHUNK_BYTES = 1024 * 1024

/** Stores a letters file as the logged segment's letters PDF (replacing an older one), in 1 MiB chunks. */
export async function storeLetters(trx: Tx, loggedSegmentEntryNo: number, file: LettersFile): Promise<void> {
  await trx
    .deleteFrom('logged_segment_letter_chunks')
    .where('logged_segment_entry_no', '=', loggedSegmentEntryNo)
    .execute()
  await trx.deleteFrom('logged_segment_letters').where('logged_segment_entry_no', '=', loggedSegmentEntryNo).execute()
  await trx
    .insertInto('logged_segment_letters')
    .values({
      logged_segment_entry_no: loggedSegmentEntryNo,
      letters: file.letters,
      pages: file.pages,
      bytes: file.bytes,
    })
    .execute()
  let chunkNo = 0
  for await (const data of createReadStream(file.path, { highWaterMark: CHUNK_BYTES })) {
    await trx
      .insertInto('logged_segment_letter_chunks')
      .values({ logged_segment_entry_no: loggedSegmentEntryNo, chunk_no: ++chunkNo, data: data as Buffer })
      .execute()
  }
}

export interface StoredLetters {
  letters: number
  pages: number
  bytes: number
  createdAt: string
}

export async function lettersInfo(db: Tx, loggedSegmentEntryNo: number): Promise<StoredLetters | undefined> {
  const row = await db
    .selectFrom('logged_segment_letters')
    .selectAll()
    .where('logged_segment_entry_no', '=', loggedSegmentEntryNo)
    .executeTakeFirst()
  if (!row) return undefined
  return {
    letters: Number(row.letters),
    pages: Number(row.pages),
    bytes: Number(row.bytes),
    createdAt: String(row.created_at),
  }
}

/** The stored PDF, chunk by chunk (one chunk in memory at a time). */
export async function* letterChunks(db: Tx, loggedSegmentEntryNo: number): AsyncGenerator<Buffer> {
  let chunkNo = 0
  for (;;) {
    const row = await db
      .selectFrom('logged_segment_letter_chunks')
      .select(['chunk_no', 'data'])
      .where('logged_segment_entry_no', '=', loggedSegmentEntryNo)
      .where('chunk_no', '>', chunkNo)
      .orderBy('chunk_no')
      .limit(1)
      .executeTakeFirst()
    if (!row) return
    chunkNo = Number(row.chunk_no)
    yield Buffer.from(row.data)
  }
}
