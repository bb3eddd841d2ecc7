// Wire shapes of /resumes (docs/architecture.md "API"; the routes in plugins/resumes/README.md). Content is declared loosely here on purpose: it is
// checked against the JSON Resume schema by content.ts, which neither coerces nor drops.
import { Type, type Static } from 'typebox'
import { FreeObject, Nullable } from '../../kernel/schemas.ts'
import { namePattern } from '../../kernel/slugs.ts'

const title = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' })
const templateId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9-]+$' })
export const slug = Type.String({ pattern: namePattern(64), description: 'a-z, 0-9 and inner hyphens, 3..64' })

export const ResumeSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  title: Type.String(),
  template_id: Type.String(),
  content: FreeObject({ description: 'a JSON Resume document' }),
  theme_config: FreeObject({ description: "template_id plus the theme's options" }),
  thumbnail_url: Nullable(Type.String()),
  is_public: Type.Boolean(),
  slug: Nullable(Type.String()),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' })
}, { $id: 'Resume' })

export { IdParams } from '../../kernel/schemas.ts'

export const CreateBody = Type.Object({
  title,
  template_id: templateId,
  content: Type.Optional(FreeObject()),
  theme_config: Type.Optional(FreeObject()),
  is_public: Type.Optional(Type.Boolean()),
  slug: Type.Optional(slug)
}, { additionalProperties: false })

/** Any of the create fields, and a slug may be null (no public address). */
export const UpdateBody = Type.Partial(
  Type.Object({ ...CreateBody.properties, slug: Type.Union([slug, Type.Null()]) }),
  { additionalProperties: false, minProperties: 1 }
)

export const ImportQuery = Type.Object({
  title: Type.Optional(title),
  template_id: Type.Optional(templateId)
}, { additionalProperties: false })

export type ResumeCreate = Static<typeof CreateBody>
export type ResumeInput = Static<typeof UpdateBody>
export type ImportOptions = Static<typeof ImportQuery>
