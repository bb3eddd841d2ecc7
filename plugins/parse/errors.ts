// Every code the parse plugin answers with. File problems found before queueing are 422s
// named after the ParseFailure code (PARSE_EMPTY, PARSE_ENCRYPTED, ...); the same codes
// appear in a failed job's `error.code`.
import { defineErrors } from '../../kernel/errors.ts'
import { FAILURE_MESSAGES } from './failure.ts'

export const ParseErrors = defineErrors('PARSE', {
  NOT_FOUND: [404, 'Parse job not found'],
  NO_FILE: [400, 'Send one file in a multipart/form-data field named "file"'],
  UNSUPPORTED_TYPE: [415, 'Only PDF and DOCX files can be parsed'],
  FILE_TOO_LARGE: [413, 'The file is larger than %s bytes'],
  ENQUEUE_FAILED: [503, 'The parse queue is unavailable'],
  EMPTY: [422, FAILURE_MESSAGES.EMPTY],
  ENCRYPTED: [422, FAILURE_MESSAGES.ENCRYPTED],
  CORRUPT: [422, FAILURE_MESSAGES.CORRUPT],
  TOO_LARGE_UNZIPPED: [422, FAILURE_MESSAGES.TOO_LARGE_UNZIPPED]
})
