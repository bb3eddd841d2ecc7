// Why a file cannot be parsed. Plain data (code + message) so it crosses the parser process's
// IPC channel and lands in the job row unchanged; the API maps each code to a 422.
export type FailureCode = 'EMPTY' | 'ENCRYPTED' | 'IMAGE_ONLY' | 'CORRUPT' | 'TOO_MANY_PAGES' | 'TOO_LARGE_UNZIPPED' | 'TOO_COMPLEX' | 'TIMEOUT'

export const FAILURE_MESSAGES: Record<FailureCode, string> = {
  EMPTY: 'The file is empty',
  ENCRYPTED: 'The file is password-protected; remove the password and upload it again',
  IMAGE_ONLY: 'The file has no text layer (a scanned or image-only document); upload a PDF with selectable text or a DOCX',
  CORRUPT: 'The file is damaged or not a valid PDF or DOCX',
  TOO_MANY_PAGES: 'The file has too many pages for a resume',
  TOO_LARGE_UNZIPPED: 'The document expands to more data than a resume can hold',
  TOO_COMPLEX: 'The file is too complex to read as a resume: it needs more memory or holds more content than a resume does',
  TIMEOUT: 'The file took too long to read'
}

export class ParseFailure extends Error {
  readonly code: FailureCode

  constructor (code: FailureCode, detail?: string) {
    super(detail ? `${FAILURE_MESSAGES[code]} (${detail})` : FAILURE_MESSAGES[code])
    this.code = code
    this.name = 'ParseFailure'
  }
}
