// Wire shapes of /uploads (DESIGN.md "Wire shapes that clients rely on").
import { IMAGE_TYPES, UPLOAD_PURPOSES, UPLOAD_URL_TTL } from './service.ts'

export const PresignBody = {
  type: 'object',
  additionalProperties: false,
  required: ['purpose', 'content_type', 'size'],
  properties: {
    purpose: { type: 'string', enum: UPLOAD_PURPOSES },
    content_type: {
      type: 'string',
      minLength: 1,
      maxLength: 100,
      description: `one of ${Object.keys(IMAGE_TYPES).join(', ')} (SVG is refused: it can carry scripts); anything else is 415 UPLOADS_UNSUPPORTED_TYPE`
    },
    size: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: "the file's exact length in bytes; above the plan's upload size: 403 PLAN_LIMIT_UPLOAD_SIZE" }
  }
} as const

export const PresignedUploadSchema = {
  $id: 'PresignedUpload',
  type: 'object',
  required: ['url', 'method', 'headers', 'key', 'expires_in', 'public_url'],
  properties: {
    url: { type: 'string', description: 'PUT the file here, with no Authorization header (a private staging key: it never overwrites a published file)' },
    method: { type: 'string', enum: ['PUT'] },
    headers: {
      type: 'object',
      additionalProperties: { type: 'string' },
      description: 'send exactly these headers (the URL is signed for this content type and length)'
    },
    key: { type: 'string', description: 'users/<your id>/<purpose>/<uuid>.<ext>: where the file is published once referenced' },
    expires_in: { type: 'integer', maximum: UPLOAD_URL_TTL, description: 'seconds the URL stays valid' },
    public_url: { type: 'string', description: 'the value to give as avatar_url or a project image; it serves the file once referenced there (the first reference checks the bytes: 422 UPLOADS_NOT_AN_IMAGE)' }
  }
} as const
