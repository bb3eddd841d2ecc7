// Wire shapes of /portfolios (docs/architecture.md "API"; the routes in plugins/portfolios/README.md). Content is declared loosely here on purpose: it is
// checked by content.ts, which neither coerces nor drops and answers PORTFOLIOS_INVALID_CONTENT.
import { Type, type Static } from 'typebox'
import { FreeObject, Nullable } from '../../kernel/schemas.ts'
import { namePattern } from '../../kernel/slugs.ts'
import { CONTENT_MAX_BYTES } from './content.ts'

// Not blank, and no NUL (PostgreSQL text cannot hold it); linear-time on any length.
const title = Type.String({ minLength: 1, maxLength: 200, pattern: '^(?!\\s*$)[^\\u0000]+$' })
const templateId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9-]+$' })
export const subdomain = Nullable(Type.String({
  pattern: namePattern(63),
  description: 'a DNS label: a-z, 0-9 and inner hyphens, 3..63; the portfolio is served at <subdomain>.APP_DOMAIN'
}))
const content = FreeObject({
  description: `{about (Markdown), projects: [{title, description, url, image, tags}], contact: {email, phone, location, links: [{label, url}]}} plus any other keys, kept as sent; at most ${CONTENT_MAX_BYTES} bytes as JSON, 12 levels deep. Project images must be your own uploads.`
})

export const PortfolioSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  title: Type.String(),
  template_id: Type.String(),
  subdomain: Nullable(Type.String()),
  custom_domain: Nullable(Type.String(), { description: 'read-only: set by the domains plugin once a domain is verified' }),
  content: FreeObject({ description: 'about, projects, contact and any other keys' }),
  theme_config: FreeObject({ description: "template_id plus the theme's options" }),
  is_published: Type.Boolean(),
  thumbnail_url: Nullable(Type.String(), { description: 'read-only: a PNG preview, rendered after each change' }),
  url: Nullable(Type.String(), { description: 'the public address: the custom domain when set, else <subdomain>.APP_DOMAIN, else null' }),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' })
}, { $id: 'Portfolio' })

export { IdParams } from '../../kernel/schemas.ts'

export const CreateBody = Type.Object({
  title,
  template_id: templateId,
  content: Type.Optional(content),
  theme_config: Type.Optional(FreeObject()),
  subdomain: Type.Optional(subdomain),
  is_published: Type.Optional(Type.Boolean())
}, { additionalProperties: false })

/** Any of the create fields, at least one. */
export const UpdateBody = Type.Partial(CreateBody, { additionalProperties: false, minProperties: 1 })

export type PortfolioCreate = Static<typeof CreateBody>
export type PortfolioInput = Static<typeof UpdateBody>
