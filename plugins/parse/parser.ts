// One entry point for both formats: bytes + kind -> draft, confidence, warnings. Pure (no
// Fastify, no I/O besides the bytes), so the parser process, the harness and the bench share it.
import { docxLines } from './docx.ts'
import { ParseFailure } from './failure.ts'
import { extractFields } from './fields.ts'
import { pdfLines } from './pdf.ts'
import type { FileKind } from './kinds.ts'
import type { ParseResult } from './result.ts'

export type { FileKind } from './kinds.ts'

export async function parseFile (kind: FileKind, bytes: Buffer, onProgress?: (progress: number, step: string) => void): Promise<ParseResult> {
  if (bytes.length === 0) throw new ParseFailure('EMPTY')
  const lines = kind === 'pdf'
    ? await pdfLines(bytes, (n, total) => onProgress?.(10 + Math.round(60 * n / total), `reading page ${n} of ${total}`))
    : await docxLines(bytes)
  onProgress?.(75, 'finding fields')
  return extractFields(lines)
}
