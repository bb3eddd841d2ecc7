// The zip check run before any DOCX is inflated for real: entry count and declared sizes;
// then (with `inflate`) every entry is inflated once, to nowhere, as a stream that yauzl
// stops as soon as it passes its declared size, so a zip bomb or a zip lying about its
// sizes costs at most MAX_UNZIPPED_BYTES. The API runs it without `inflate` (directory only).
import yauzl from 'yauzl'
import { ParseFailure } from './failure.ts'

export const MAX_UNZIPPED_BYTES = 20 * 1024 * 1024
const MAX_ENTRIES = 2000

/**
 * Walks the zip's directory: entry count, declared sizes, and whether it is a Word document.
 * With `inflate`, every entry is also inflated (to nowhere) and checked against its size.
 */
export async function checkZip (buffer: Buffer, { maxBytes = MAX_UNZIPPED_BYTES, inflate = true } = {}): Promise<{ isWord: boolean }> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true, validateEntrySizes: true }, (err, z) => (err ? reject(err) : resolve(z!)))
  }).catch((err: Error) => { throw new ParseFailure('CORRUPT', err.message) })
  if (zip.entryCount > MAX_ENTRIES) throw new ParseFailure('TOO_LARGE_UNZIPPED', `${zip.entryCount} entries`)
  let total = 0
  let hasDocument = false
  await new Promise<void>((resolve, reject) => {
    const fail = (err: Error) => { zip.close(); reject(err instanceof ParseFailure ? err : new ParseFailure('CORRUPT', err.message)) }
    zip.on('error', fail)
    zip.on('end', () => resolve())
    zip.on('entry', (entry: yauzl.Entry) => {
      if (entry.fileName === 'word/document.xml') hasDocument = true
      total += entry.uncompressedSize
      if (total > maxBytes) return fail(new ParseFailure('TOO_LARGE_UNZIPPED', `more than ${maxBytes} bytes declared`))
      if (entry.fileName.endsWith('/') || !inflate) return zip.readEntry()
      zip.openReadStream(entry, (err, stream) => {
        if (err || !stream) return fail(err ?? new Error('unreadable entry'))
        stream.on('error', fail)
        stream.on('data', () => {})
        stream.on('end', () => zip.readEntry())
      })
    })
    zip.readEntry()
  })
  return { isWord: hasDocument }
}
