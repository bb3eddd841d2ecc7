// Wire shapes of /portfolios (DESIGN.md). Content is declared loosely here on purpose: it is
// checked by content.ts, which neither coerces nor drops and answers PORTFOLIOS_INVALID_CONTENT.
import { namePattern } from '../../kernel/slugs.ts'
import { CONTENT_MAX_BYTES } from './content.ts'

const freeObject = { type: 'object', additionalProperties: true } as const
// Not blank, and no NUL (PostgreSQL text cannot hold it); linear-time on any length.
const title = { type: 'string', minLength: 1, maxLength: 200, pattern: '^(?!\\s*$)[^\\u0000]+$' } as const
const templateId = { type: 'string', minLength: 1, maxLength: 64, pattern: '^[a-z0-9-]+$' } as const
export const subdomain = {
  type: ['string', 'null'],
  pattern: namePattern(63),
  description: 'a DNS label: a-z, 0-9 and inner hyphens, 3..63; the portfolio is served at <subdomain>.APP_DOMAIN'
} as const
const content = {
  ...freeObject,
  description: `{about (Markdown), projects: [{title, description, url, image, tags}], contact: {email, phone, location, links: [{label, url}]}} plus any other keys, kept as sent; at most ${CONTENT_MAX_BYTES} bytes as JSON, 12 levels deep. Project images must be your own uploads.`
} as const

export const PortfolioSchema = {
  $id: 'Portfolio',
  type: 'object',
  required: ['id', 'title', 'template_id', 'subdomain', 'custom_domain', 'content', 'theme_config', 'is_published', 'thumbnail_url', 'url', 'created_at', 'updated_at'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    title: { type: 'string' },
    template_id: { type: 'string' },
    subdomain: { type: ['string', 'null'] },
    custom_domain: { type: ['string', 'null'], description: 'read-only: set by the domains plugin once a domain is verified' },
    content: { ...freeObject, description: 'about, projects, contact and any other keys' },
    theme_config: { ...freeObject, description: "template_id plus the theme's options" },
    is_published: { type: 'boolean' },
    thumbnail_url: { type: ['string', 'null'], description: 'read-only: a PNG preview, rendered after each change' },
    url: { type: ['string', 'null'], description: 'the public address: the custom domain when set, else <subdomain>.APP_DOMAIN, else null' },
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
    content,
    theme_config: freeObject,
    subdomain,
    is_published: { type: 'boolean' }
  }
} as const

export const UpdateBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    title,
    template_id: templateId,
    content,
    theme_config: freeObject,
    subdomain,
    is_published: { type: 'boolean' }
  }
} as const
