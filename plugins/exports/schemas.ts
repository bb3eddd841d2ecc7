// Wire shapes of the export routes (docs/architecture.md "API"; the routes in plugins/exports/README.md).
import { Type } from 'typebox'
import { Defaulted, Nullable, StringEnum } from '../../kernel/schemas.ts'

const uuid = Type.String({ format: 'uuid' })
const statusEnum = StringEnum(['queued', 'processing', 'completed', 'failed'])

export const ResumeParams = Type.Object({ id: uuid })
export const IdParams = ResumeParams

export const ExportBody = Type.Object({
  format: StringEnum(['pdf', 'png'], { description: 'pdf: the printed resume (text, fonts embedded, every page); png: its first page as an image' }),
  paper: Defaulted(StringEnum(['A4', 'Letter'], { default: 'A4' }))
}, { additionalProperties: false })

export const ExportQuery = Type.Object({
  expires_in: Defaulted(Type.Integer({ minimum: 1, maximum: 3600, default: 300, description: 'seconds the download URL stays valid' }))
}, { additionalProperties: false })

export const Queued = Type.Object({ export_id: uuid, status: statusEnum })

export const FontCoverage = Nullable(Type.Object({
  font: Type.String(),
  scripts: Type.Array(Type.String()),
  chars: Type.Array(Type.String())
}), { description: "characters of the content the theme's font has no glyphs for (printed in a fallback font or as boxes), and their scripts" })

export const ExportSchema = Type.Object({
  id: uuid,
  resume_id: uuid,
  status: statusEnum,
  format: StringEnum(['pdf', 'png']),
  paper: StringEnum(['A4', 'Letter']),
  url: Type.Optional(Type.String({ description: 'once completed: a signed download URL, valid for expires_in seconds' })),
  expires_in: Type.Optional(Type.Integer()),
  bytes: Type.Optional(Nullable(Type.Integer())),
  pages: Type.Optional(Nullable(Type.Integer(), { description: 'PDF pages' })),
  font_coverage: Type.Optional(FontCoverage),
  error: Type.Optional(Nullable(Type.String(), { description: 'why the last attempt failed' })),
  attempts: Type.Optional(Type.Integer()),
  created_at: Type.String({ format: 'date-time' }),
  completed_at: Type.Optional(Nullable(Type.String({ format: 'date-time' })))
}, { $id: 'Export' })
