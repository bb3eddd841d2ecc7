// Wire schemas of /resumes/parse.
import { Type } from 'typebox'
import { FreeObject, Nullable, StringEnum } from '../../kernel/schemas.ts'

const statusEnum = StringEnum(['queued', 'processing', 'completed', 'failed'])

export const JobParams = Type.Object({ job_id: Type.String({ format: 'uuid' }) })

export const Queued = Type.Object({ job_id: Type.String({ format: 'uuid' }), status: statusEnum })

export const ParseStatus = Type.Object({
  job_id: Type.String({ format: 'uuid' }),
  status: statusEnum,
  progress: Type.Integer({ minimum: 0, maximum: 100 }),
  step: Nullable(Type.String()),
  draft: Type.Optional(FreeObject({ description: 'a JSON Resume document (valid against the schema): review it, then POST /resumes/import' })),
  confidence: Type.Optional(Type.Unsafe<Record<string, number>>({
    type: 'object',
    additionalProperties: { type: 'number' },
    description: '0..1 per field path, e.g. {"basics.email": 0.98, "work[0].position": 0.85}'
  })),
  warnings: Type.Optional(Type.Array(Type.String())),
  unplaced: Type.Optional(Type.Array(Type.String(), { description: 'lines of the document (in reading order, up to 100, each up to 300 characters) whose words are not in the draft: ask the user where they belong' })),
  sections_missing: Type.Optional(Type.Array(Type.String(), { description: 'JSON Resume sections the draft lacks: work, education or skills when absent, and any section whose heading was found with nothing placed under it' })),
  low_confidence: Type.Optional(Type.Array(Type.String(), { description: 'field paths whose confidence is below 0.6, sorted: show them for review' })),
  error: Type.Optional(Type.Object({
    code: Type.String(),
    status: Type.Optional(Type.Integer()),
    message: Type.String()
  }, { description: 'why a failed job failed; a file problem has a PARSE_* code (PARSE_IMAGE_ONLY, PARSE_ENCRYPTED, PARSE_CORRUPT, ...) and status 422' }))
}, { $id: 'ParseStatus' })
