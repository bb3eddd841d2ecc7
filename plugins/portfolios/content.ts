// Portfolio content: {about, projects, contact} plus whatever else a theme or client keeps
// there. Validated as sent — never coerced, defaulted or stripped — and bounded in size and
// depth so one document cannot bloat a row or a render. No Fastify here.
import { Ajv } from 'ajv'
import addFormats from 'ajv-formats'
import { fullFormats } from 'ajv-formats/dist/formats.js'
import type { ErrorDetail } from '../../kernel/errors.ts'
import { validationDetails } from '../../kernel/validation.ts'

export const CONTENT_MAX_BYTES = 256 * 1024
export const CONTENT_MAX_DEPTH = 12
/** More than this many problems only repeat themselves; the client gets the first ones. */
const MAX_DETAILS = 50

// Links end up as href attributes on a public page: a javascript: or data: URL there would
// run in visitors' browsers, so only web and mail links are accepted (RFC 3986 syntax, the
// scheme in any case). A project's url and image may be empty or null: a theme's starter and
// editing forms use both for "none".
const LINK_SCHEME = /^(?:https?|mailto):/i
const isUri = fullFormats.uri as (s: string) => boolean
const isLink = (s: string) => LINK_SCHEME.test(s) && isUri(s)
const LINK_MESSAGE = 'must be an http, https or mailto URL'
const link = { type: 'string', maxLength: 2048, format: 'link' } as const
const optionalLink = { type: ['string', 'null'], maxLength: 2048, format: 'optional-link' } as const
const text = (max: number, min = 0) => ({ type: 'string', minLength: min, maxLength: max }) as const

export const PortfolioContentSchema = {
  type: 'object',
  additionalProperties: true,
  properties: {
    about: { ...text(20_000), description: 'Markdown' },
    projects: {
      type: 'array',
      maxItems: 100,
      items: {
        type: 'object',
        additionalProperties: true,
        required: ['title'],
        properties: {
          title: text(200, 1),
          description: { ...text(5000), description: 'Markdown' },
          url: optionalLink,
          image: { type: ['string', 'null'], maxLength: 2048, description: "the URL of one of the owner's uploads, or empty" },
          tags: { type: 'array', maxItems: 20, items: text(40, 1) }
        }
      }
    },
    contact: {
      type: 'object',
      additionalProperties: true,
      properties: {
        email: { type: 'string', maxLength: 254, format: 'email' },
        phone: text(50),
        location: text(200),
        links: {
          type: 'array',
          maxItems: 20,
          items: {
            type: 'object',
            additionalProperties: true,
            required: ['url'],
            properties: { label: text(60), url: link }
          }
        }
      }
    }
  }
} as const

const ajv = new Ajv({ coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: true, strict: true })
addFormats.default(ajv)
ajv.addFormat('link', { type: 'string', validate: isLink })
ajv.addFormat('optional-link', { type: 'string', validate: (s: string) => s === '' || isLink(s) })
const check = ajv.compile(PortfolioContentSchema)

const pointer = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1')

/**
 * Nesting past `maxDepth` (the value itself is level 1). Text and numbers PostgreSQL cannot
 * store are refused for every body by the kernel (kernel/storable.ts), before this runs.
 */
export function nestingProblems (value: unknown, prefix: string, maxDepth = CONTENT_MAX_DEPTH): ErrorDetail[] {
  const out: ErrorDetail[] = []
  const walk = (v: unknown, path: string, depth: number): void => {
    if (out.length >= MAX_DETAILS || v === null || typeof v !== 'object') return
    // Checked before descending, so the recursion itself is bounded.
    if (depth > maxDepth) {
      out.push({ path, message: `nests deeper than ${maxDepth} levels` })
      return
    }
    if (Array.isArray(v)) v.forEach((item, i) => walk(item, `${path}/${i}`, depth + 1))
    else for (const [key, item] of Object.entries(v)) walk(item, `${path}/${pointer(key)}`, depth + 1)
  }
  walk(value, prefix, 1)
  return out
}

/** [] when valid; else [{path, message}] with JSON Pointers under `prefix` ('/content' on the wire). */
export function validatePortfolioContent (content: unknown, prefix = '/content'): ErrorDetail[] {
  const root = prefix || '/'
  if (content === null || typeof content !== 'object' || Array.isArray(content)) return [{ path: root, message: 'must be an object' }]
  const nesting = nestingProblems(content, prefix)
  if (nesting.length > 0) return nesting
  const bytes = Buffer.byteLength(JSON.stringify(content))
  if (bytes > CONTENT_MAX_BYTES) return [{ path: root, message: `is ${bytes} bytes as JSON; at most ${CONTENT_MAX_BYTES} are allowed` }]
  if (check(content)) return []
  return validationDetails(check.errors ?? []).slice(0, MAX_DETAILS).map((d, i) => {
    const e = check.errors![i]!
    const format = e.keyword === 'format' ? (e.params as { format?: string }).format : undefined
    const message = format === 'link' || format === 'optional-link' ? LINK_MESSAGE : d.message
    return { path: d.path === '/' ? root : `${prefix}${d.path}`, message }
  })
}

/** The non-empty project images, by project index: each must be one of the owner's uploads. */
export function projectImages (content: unknown): { index: number, url: string }[] {
  const projects = (content as { projects?: unknown } | null)?.projects
  if (!Array.isArray(projects)) return []
  const out: { index: number, url: string }[] = []
  projects.forEach((p, index) => {
    const url = (p as { image?: unknown } | null)?.image
    if (typeof url === 'string' && url !== '') out.push({ index, url })
  })
  return out
}
