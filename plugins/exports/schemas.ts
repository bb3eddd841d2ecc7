// Wire shapes of the export routes (DESIGN.md "Wire shapes").
const uuid = { type: 'string', format: 'uuid' } as const
const statusEnum = { type: 'string', enum: ['queued', 'processing', 'completed', 'failed'] } as const

export const ResumeParams = { type: 'object', required: ['id'], properties: { id: uuid } } as const
export const IdParams = ResumeParams

export const ExportBody = {
  type: 'object',
  additionalProperties: false,
  required: ['format'],
  properties: {
    format: { type: 'string', enum: ['pdf', 'png'], description: 'pdf: the printed resume (text, fonts embedded, every page); png: its first page as an image' },
    paper: { type: 'string', enum: ['A4', 'Letter'], default: 'A4' }
  }
} as const

export const ExportQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    expires_in: { type: 'integer', minimum: 1, maximum: 3600, default: 300, description: 'seconds the download URL stays valid' }
  }
} as const

export const Queued = {
  type: 'object',
  required: ['export_id', 'status'],
  properties: { export_id: uuid, status: statusEnum }
} as const

export const FontCoverage = {
  type: ['object', 'null'],
  description: "characters of the content the theme's font has no glyphs for (printed in a fallback font or as boxes), and their scripts",
  required: ['font', 'scripts', 'chars'],
  properties: {
    font: { type: 'string' },
    scripts: { type: 'array', items: { type: 'string' } },
    chars: { type: 'array', items: { type: 'string' } }
  }
} as const

export const ExportSchema = {
  $id: 'Export',
  type: 'object',
  required: ['id', 'resume_id', 'status', 'format', 'paper', 'created_at'],
  properties: {
    id: uuid,
    resume_id: uuid,
    status: statusEnum,
    format: { type: 'string', enum: ['pdf', 'png'] },
    paper: { type: 'string', enum: ['A4', 'Letter'] },
    url: { type: 'string', description: 'once completed: a signed download URL, valid for expires_in seconds' },
    expires_in: { type: 'integer' },
    bytes: { type: ['integer', 'null'] },
    pages: { type: ['integer', 'null'], description: 'PDF pages' },
    font_coverage: FontCoverage,
    error: { type: ['string', 'null'], description: 'why the last attempt failed' },
    attempts: { type: 'integer' },
    created_at: { type: 'string', format: 'date-time' },
    completed_at: { type: ['string', 'null'], format: 'date-time' }
  }
} as const
