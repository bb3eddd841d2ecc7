// Wire schemas of /ai/*.
import { Type, type Static } from 'typebox'
import { Defaulted, FreeObject, Nullable, StringEnum } from '../../kernel/schemas.ts'

const uuid = Type.String({ format: 'uuid' })
const nullableDate = Nullable(Type.String({ format: 'date-time' }))
const statusEnum = StringEnum(['queued', 'processing', 'completed', 'failed'])
const targetType = StringEnum(['resume', 'portfolio'])

export const AnalyzeBody = Type.Object({
  target_id: uuid,
  type: targetType,
  job_description: Type.Optional(Nullable(Type.String({ maxLength: 20_000, description: 'optional: the job the resume is aimed at (keyword match)' })))
}, { additionalProperties: false })

export const JobParams = Type.Object({ job_id: uuid })
export { IdParams } from '../../kernel/schemas.ts'

export const EventsQuery = Type.Object({
  access_token: Type.Optional(Type.String({ maxLength: 4096, description: 'for EventSource, which cannot send headers' }))
}, { additionalProperties: false })

export const EventsHeaders = Type.Object({
  'last-event-id': Type.Optional(Type.String({ maxLength: 32 }))
})

export const HistoryQuery = Type.Object({
  limit: Defaulted(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  offset: Defaulted(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
  target_id: Type.Optional(uuid),
  type: Type.Optional(targetType)
}, { additionalProperties: false })

export type AnalyzeInput = Static<typeof AnalyzeBody>
export type HistoryFilter = Static<typeof HistoryQuery>

export const Queued = Type.Object({ job_id: uuid, status: statusEnum })

export const JobStatus = Type.Object({
  job_id: uuid,
  status: statusEnum,
  progress: Type.Integer({ minimum: 0, maximum: 100 }),
  step: Nullable(Type.String())
}, { $id: 'AnalysisStatus' })

const common = {
  id: uuid,
  target_id: uuid,
  target_type: targetType,
  status: statusEnum,
  progress: Type.Integer(),
  step: Nullable(Type.String()),
  overall_score: Nullable(Type.Integer()),
  provider: Nullable(Type.String()),
  model_used: Nullable(Type.String()),
  prompt_id: Nullable(Type.String()),
  prompt_version: Nullable(Type.String()),
  error: Nullable(Type.String()),
  created_at: Type.String({ format: 'date-time' }),
  started_at: nullableDate,
  completed_at: nullableDate
}

// Every field required: the history selects each of these columns, the report the whole
// row, so a client reads them without checks for absence (null is the "not yet" value).
export const AnalysisSummary = Type.Object(common, { $id: 'AnalysisSummary' })

export const AnalysisReport = Type.Object({
  ...common,
  attempts: Type.Integer(),
  metrics: Nullable(FreeObject(), { description: 'resume: ats_score, impact_score, brevity_score, grammar_score, ..., spelling: {typos: [{path, word, suggestions (at most 3)}], suspicious: [{path, token (first 30 characters and …), length}], passive}; portfolio: star_score, tag_relevance_score, completeness_score' }),
  strengths: Nullable(Type.Array(Type.String())),
  improvements: Nullable(Type.Array(Type.String())),
  detailed_report: Nullable(Type.String(), { description: 'Markdown' }),
  job_description: Nullable(Type.String())
}, { $id: 'AnalysisReport' })

export const EventStream = Type.String({
  description: 'text/event-stream: `id: <seq>` and `data: {job_id, status, progress, step}` per event, the current state first; ends after completed or failed; `: heartbeat` comments every 15 s'
})
