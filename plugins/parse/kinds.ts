// The two file kinds the parser reads, told apart by their first bytes. A module of its own
// so the API side (routes, precheck) never loads the PDF and DOCX libraries.
export type FileKind = 'pdf' | 'docx'

export const MEDIA_TYPES: Record<FileKind, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'
}

/** The kind of a file by its first bytes (never by its name or the client's content type alone). */
export function sniff (head: Buffer): FileKind | null {
  if (head.subarray(0, 1024).includes('%PDF-')) return 'pdf'
  if (head.length >= 4 && head.readUInt32LE(0) === 0x04034b50) return 'docx'
  return null
}
