// Wire shapes of /uploads (docs/architecture.md "API"; the routes in plugins/uploads/README.md).
import { Type, type Static } from 'typebox'
import { StringEnum } from '../../kernel/schemas.ts'
import { IMAGE_TYPES, UPLOAD_PURPOSES, UPLOAD_URL_TTL } from './service.ts'

export const PresignBody = Type.Object({
  purpose: StringEnum(UPLOAD_PURPOSES),
  content_type: Type.String({
    minLength: 1,
    maxLength: 100,
    description: `one of ${Object.keys(IMAGE_TYPES).join(', ')} (SVG is refused: it can carry scripts); anything else is 415 UPLOADS_UNSUPPORTED_TYPE`
  }),
  size: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: "the file's exact length in bytes; above the plan's upload size: 403 PLAN_LIMIT_UPLOAD_SIZE" })
}, { additionalProperties: false })

export type PresignInput = Static<typeof PresignBody>

export const PresignedUploadSchema = Type.Object({
  url: Type.String({ description: 'PUT the file here, with no Authorization header (a private staging key: it never overwrites a published file)' }),
  method: StringEnum(['PUT']),
  headers: Type.Unsafe<Record<string, string>>({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'send exactly these headers (the URL is signed for this content type and length)'
  }),
  key: Type.String({ description: 'users/<your id>/<purpose>/<uuid>.<ext>: where the file is published once referenced' }),
  expires_in: Type.Integer({ maximum: UPLOAD_URL_TTL, description: 'seconds the URL stays valid' }),
  public_url: Type.String({ description: 'the value to give as avatar_url or a project image; it serves the file once referenced there (the first reference checks the bytes: 422 UPLOADS_NOT_AN_IMAGE)' })
}, { $id: 'PresignedUpload' })
