// Every code the storage layer (drivers and the local upload/download routes) answers with.
import { defineErrors } from '../errors.ts'

export const StorageErrors = defineErrors('STORAGE', {
  KEY_INVALID: [400, 'The storage key is not valid'],
  NOT_FOUND: [404, 'No such file'],
  URL_EXPIRED: [403, 'The upload URL has expired; ask for a new one'],
  DOWNLOAD_EXPIRED: [403, 'The download URL has expired; ask for a new one'],
  SIGNATURE_INVALID: [403, 'The upload URL is not valid (bad or missing signature)'],
  CONTENT_TYPE_MISMATCH: [403, 'Content-Type must be %s, as the upload URL was signed for'],
  TOO_LARGE: [413, 'The body is larger than the %s bytes the upload URL was signed for'],
  SIZE_MISMATCH: [400, 'The body has %s bytes; the upload URL was signed for exactly %s'],
  UNAVAILABLE: [503, 'The file storage is unavailable'],
  FULL: [507, 'The file storage is full; nothing was stored. Try again later, or tell the operator']
})
