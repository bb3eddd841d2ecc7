// Wire schemas of /resumes/parse.
const statusEnum = { type: 'string', enum: ['queued', 'processing', 'completed', 'failed'] } as const

export const JobParams = { type: 'object', required: ['job_id'], properties: { job_id: { type: 'string', format: 'uuid' } } } as const

export const Queued = {
  type: 'object',
  required: ['job_id', 'status'],
  properties: { job_id: { type: 'string', format: 'uuid' }, status: statusEnum }
} as const

export const ParseStatus = {
  $id: 'ParseStatus',
  type: 'object',
  required: ['job_id', 'status', 'progress', 'step'],
  properties: {
    job_id: { type: 'string', format: 'uuid' },
    status: statusEnum,
    progress: { type: 'integer', minimum: 0, maximum: 100 },
    step: { type: ['string', 'null'] },
    draft: { type: 'object', additionalProperties: true, description: 'a JSON Resume document (valid against the schema): review it, then POST /resumes/import' },
    confidence: { type: 'object', additionalProperties: { type: 'number' }, description: '0..1 per field path, e.g. {"basics.email": 0.98, "work[0].position": 0.85}' },
    warnings: { type: 'array', items: { type: 'string' } },
    error: {
      type: 'object',
      required: ['code', 'message'],
      description: 'why a failed job failed; a file problem has a PARSE_* code (PARSE_IMAGE_ONLY, PARSE_ENCRYPTED, PARSE_CORRUPT, ...) and status 422',
      properties: { code: { type: 'string' }, status: { type: 'integer' }, message: { type: 'string' } }
    }
  }
} as const
