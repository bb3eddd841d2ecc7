// What the API checks before it stores and queues a file: cheap looks at the bytes that
// parse nothing. The kind comes from the first bytes (not the name or the client's type);
// a PDF must end like one and must not be encrypted; a DOCX's zip directory must be
// readable, hold word/document.xml and declare a sane expanded size. Everything that needs
// reading the document (text layer, scanned pages) happens in the worker.
import { ParseErrors } from './errors.ts'
import { ParseFailure } from './failure.ts'
import { sniff, type FileKind } from './kinds.ts'
import { checkZip } from './zip.ts'

const ENCRYPT = /\/Encrypt\s*(?:\d+\s+\d+\s+R|<<)/

export async function precheck (bytes: Buffer): Promise<FileKind> {
  if (bytes.length === 0) throw new ParseErrors.EMPTY()
  const kind = sniff(bytes)
  if (!kind) throw new ParseErrors.UNSUPPORTED_TYPE()
  if (kind === 'pdf') {
    if (!bytes.subarray(-4096).includes('%%EOF')) throw new ParseErrors.CORRUPT()
    // The trailer (or xref stream) dictionary is never compressed, so a plain search finds it.
    if (ENCRYPT.test(bytes.toString('latin1'))) throw new ParseErrors.ENCRYPTED()
    return kind
  }
  try {
    if (!(await checkZip(bytes, { inflate: false })).isWord) throw new ParseErrors.UNSUPPORTED_TYPE()
  } catch (err) {
    if (err instanceof ParseFailure) throw err.code === 'TOO_LARGE_UNZIPPED' ? new ParseErrors.TOO_LARGE_UNZIPPED() : new ParseErrors.CORRUPT()
    throw err
  }
  return kind
}
