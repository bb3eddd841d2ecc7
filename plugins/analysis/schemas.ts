// Wire schemas of /ai/*.
const uuid = { type: 'string', format: 'uuid' } as const
const nullableDate = { type: ['string', 'null'], format: 'date-time' } as const
const statusEnum = { type: 'string', enum: ['queued', 'processing', 'completed', 'failed'] } as const

export const AnalyzeBody = {
  type: 'object',
  additionalProperties: false,
  required: ['target_id', 'type'],
  properties: {
    target_id: uuid,
    type: { type: 'string', enum: ['resume', 'portfolio'] },
    job_description: { type: ['string', 'null'], maxLength: 20_000, description: 'optional: the job the resume is aimed at (keyword match)' }
  }
} as const

export const JobParams = { type: 'object', required: ['job_id'], properties: { job_id: uuid } } as const
export { IdParams } from '../../kernel/schemas.ts'

export const EventsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { access_token: { type: 'string', maxLength: 4096, description: 'for EventSource, which cannot send headers' } }
} as const

export const HistoryQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
    offset: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 0 },
    target_id: uuid,
    type: { type: 'string', enum: ['resume', 'portfolio'] }
  }
} as const

export const Queued = {
  type: 'object',
  required: ['job_id', 'status'],
  properties: { job_id: uuid, status: statusEnum }
} as const

export const JobStatus = {
  $id: 'AnalysisStatus',
  type: 'object',
  required: ['job_id', 'status', 'progress', 'step'],
  properties: {
    job_id: uuid,
    status: statusEnum,
    progress: { type: 'integer', minimum: 0, maximum: 100 },
    step: { type: ['string', 'null'] }
  }
} as const

const common = {
  id: uuid,
  target_id: uuid,
  target_type: { type: 'string', enum: ['resume', 'portfolio'] },
  status: statusEnum,
  progress: { type: 'integer' },
  step: { type: ['string', 'null'] },
  overall_score: { type: ['integer', 'null'] },
  provider: { type: ['string', 'null'] },
  model_used: { type: ['string', 'null'] },
  prompt_id: { type: ['string', 'null'] },
  prompt_version: { type: ['string', 'null'] },
  error: { type: ['string', 'null'] },
  created_at: { type: 'string', format: 'date-time' },
  started_at: nullableDate,
  completed_at: nullableDate
} as const

export const AnalysisSummary = {
  $id: 'AnalysisSummary',
  type: 'object',
  properties: common
} as const

export const AnalysisReport = {
  $id: 'AnalysisReport',
  type: 'object',
  properties: {
    ...common,
    attempts: { type: 'integer' },
    metrics: { type: ['object', 'null'], additionalProperties: true, description: 'resume: ats_score, impact_score, brevity_score, grammar_score, ..., spelling: {typos: [{path, word, suggestions (at most 3)}], suspicious: [{path, token (first 30 characters and …), length}], passive}; portfolio: star_score, tag_relevance_score, completeness_score' },
    strengths: { type: ['array', 'null'], items: { type: 'string' } },
    improvements: { type: ['array', 'null'], items: { type: 'string' } },
    detailed_report: { type: ['string', 'null'], description: 'Markdown' },
    job_description: { type: ['string', 'null'] }
  }
} as const

export const EventStream = {
  type: 'string',
  description: 'text/event-stream: `id: <seq>` and `data: {job_id, status, progress, step}` per event, the current state first; ends after completed or failed; `: heartbeat` comments every 15 s'
} as const
