// Wire shapes of /resumes (DESIGN.md). Content is declared loosely here on purpose: it is
// checked against the JSON Resume schema by content.ts, which neither coerces nor drops.
import { namePattern } from '../../kernel/slugs.ts'

const freeObject = { type: 'object', additionalProperties: true } as const
const title = { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S' } as const
const templateId = { type: 'string', minLength: 1, maxLength: 64, pattern: '^[a-z0-9-]+$' } as const
export const slug = { type: 'string', pattern: namePattern(64), description: 'a-z, 0-9 and inner hyphens, 3..64' } as const

export const ResumeSchema = {
  $id: 'Resume',
  type: 'object',
  required: ['id', 'title', 'template_id', 'content', 'theme_config', 'thumbnail_url', 'is_public', 'slug', 'created_at', 'updated_at'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    title: { type: 'string' },
    template_id: { type: 'string' },
    content: { ...freeObject, description: 'a JSON Resume document' },
    theme_config: { ...freeObject, description: "template_id plus the theme's options" },
    thumbnail_url: { type: ['string', 'null'] },
    is_public: { type: 'boolean' },
    slug: { type: ['string', 'null'] },
    created_at: { type: 'string', format: 'date-time' },
    updated_at: { type: 'string', format: 'date-time' }
  }
} as const

export { IdParams } from '../../kernel/schemas.ts'

export const CreateBody = {
  type: 'object',
  additionalProperties: false,
  required: ['title', 'template_id'],
  properties: {
    title,
    template_id: templateId,
    content: freeObject,
    theme_config: freeObject,
    is_public: { type: 'boolean' },
    slug
  }
} as const

export const UpdateBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    title,
    template_id: templateId,
    content: freeObject,
    theme_config: freeObject,
    is_public: { type: 'boolean' },
    slug: { anyOf: [slug, { type: 'null' }] }
  }
} as const

export const ImportQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { title, template_id: templateId }
} as const
