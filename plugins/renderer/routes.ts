// The public pages, in their own encapsulated context (no auth, no body parsing, HTML out):
//   GET /r/:slug                 a public resume
//   GET /p/:subdomain            a published portfolio
//   GET /view/:domain_or_slug    a custom domain name, else a subdomain
//   GET /fonts/:pkg/:version/:file   the woff2 files pages reference (fonts.ts contract)
// and, for requests on a portfolio host (constraint publicSite = 'portfolio', see index.ts),
// GET / (the portfolio), the fonts, and an HTML 404 for every other method and path.
import { createHash } from 'node:crypto'
import { createReadStream, readFileSync, statSync } from 'node:fs'
import compress from '@fastify/compress'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { RESERVED_NAMES, namePattern } from '../../kernel/slugs.js'
import type { ThemeKind, ThemeManifest } from '../themes/registry.js'
import type { CacheState, Page, PageCache } from './cache.js'
import { RendererErrors } from './errors.js'
import { fontFilePath } from './fonts.js'
import type { RenderInput, ThemeRenderer } from './render.js'

export const PUBLIC_SITE = 'publicSite'
export const PORTFOLIO_SITE = 'portfolio'

export interface RendererRouteOptions {
  cache: PageCache
  renderer: ThemeRenderer
  appDomain: string
  /** Origins (besides 'self') fonts may come from: the app's public origin. */
  fontOrigins: string[]
}

const SLUG = new RegExp(namePattern(64))
const LABEL = new RegExp(namePattern(63))
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/

const PAGE_CACHE_CONTROL = 'public, max-age=60, stale-while-revalidate=600'
const FONT_CACHE_CONTROL = 'public, max-age=31536000, immutable'

// --- hosts -------------------------------------------------------------------------------

/** "Ada.Example.com:8443" -> "ada.example.com"; '' for an IPv6 literal or nothing. */
export function hostName (raw: unknown): string {
  if (typeof raw !== 'string' || raw === '' || raw.startsWith('[')) return ''
  return raw.split(':')[0]!.trim().toLowerCase().replace(/\.$/, '')
}

export type HostKind = { kind: 'subdomain', subdomain: string } | { kind: 'custom', domain: string }

/**
 * What a Host names: a subdomain of APP_DOMAIN that is not reserved, a candidate custom
 * domain (any other domain name), or null for the app itself (APP_DOMAIN, IPs, localhost,
 * single labels such as a container name).
 */
export function classifyHost (host: string, appDomain: string): HostKind | null {
  if (!host || host === appDomain || IPV4.test(host) || !host.includes('.')) return null
  if (host === 'localhost' || host.endsWith('.localhost') && !host.endsWith(`.${appDomain}`)) return null
  if (host.endsWith(`.${appDomain}`)) {
    const label = host.slice(0, -(appDomain.length + 1))
    if (label.includes('.') || RESERVED_NAMES.has(label) || !LABEL.test(label)) return null
    return { kind: 'subdomain', subdomain: label }
  }
  return DOMAIN.test(host) ? { kind: 'custom', domain: host } : null
}

// --- pages ---------------------------------------------------------------------------------

const sha256 = (text: string, encoding: 'base64' | 'base64url') => createHash('sha256').update(text, 'utf8').digest(encoding)

/** ETag and Content-Security-Policy for a rendered document. */
export function makePage (html: string, fontOrigins: string[]): Page {
  const styles = [...html.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/gi)].map((m) => `'sha256-${sha256(m[1]!, 'base64')}'`)
  const csp = [
    "default-src 'none'",
    `style-src ${styles.length ? [...new Set(styles)].join(' ') : "'none'"}`,
    `font-src ${["'self'", ...fontOrigins].join(' ')}`,
    "img-src https: data: 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'"
  ].join('; ')
  return { html, etag: `"${sha256(html, 'base64url').slice(0, 32)}"`, csp }
}

function notModified (request: FastifyRequest, etag: string): boolean {
  const header = request.headers['if-none-match']
  if (!header) return false
  if (header.trim() === '*') return true
  // Weak comparison (RFC 9110 13.1.2): W/ prefixes are ignored.
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)
}

function securityHeaders (reply: FastifyReply, csp: string): void {
  reply.header('content-security-policy', csp)
  reply.header('x-content-type-options', 'nosniff')
  reply.header('referrer-policy', 'strict-origin-when-cross-origin')
}

// The UTF-8 bytes of each cached page, made once: a HIT then sends a Buffer instead of
// measuring and encoding ~10 KB of string per request. Keyed by the cache's own entry
// object, so a purged or replaced entry takes its bytes with it.
const encoded = new WeakMap<Page, Buffer>()
function bodyOf (page: Page): Buffer {
  let body = encoded.get(page)
  if (!body) encoded.set(page, body = Buffer.from(page.html, 'utf8'))
  return body
}

function sendPage (request: FastifyRequest, reply: FastifyReply, page: Page, state: CacheState): FastifyReply | Buffer {
  securityHeaders(reply, page.csp)
  reply.header('etag', page.etag)
  reply.header('cache-control', PAGE_CACHE_CONTROL)
  reply.header('x-cache', state)
  reply.header('vary', 'accept-encoding') // lowercase: @fastify/compress then adds no second one
  if (notModified(request, page.etag)) return reply.code(304).send()
  reply.type('text/html; charset=utf-8')
  return bodyOf(page)
}

function fallbackTheme (themes: FastifyInstance['themes'], id: unknown, kind: ThemeKind): ThemeManifest {
  const chosen = typeof id === 'string' ? themes.get(id) : undefined
  if (chosen?.supports.includes(kind)) return chosen
  // The operator removed the theme: another one still shows the page.
  const other = themes.get('classic')?.supports.includes(kind) ? themes.get('classic') : themes.list(kind)[0]
  if (!other) throw new RendererErrors.NO_THEME(kind)
  return other
}

export default async function rendererRoutes (app: FastifyInstance, opts: RendererRouteOptions): Promise<void> {
  const { cache, renderer, appDomain, fontOrigins } = opts
  const template = readFileSync(new URL('./not-found.html', import.meta.url), 'utf8')
  const notFound = makePage(template, [])
  const failed = makePage(template
    .replace(/Page not found/g, 'Something went wrong')
    .replace(/<p>[^<]*<\/p>/, '<p>This page cannot be shown right now. Please try again in a moment.</p>'), [])
  const fontPackages = new Set(app.themes.list().flatMap((t) => t.fonts.map((f) => f.package)).filter((p): p is string => !!p))

  // No bodies here: whatever is sent is never read or parsed.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined))
  await app.register(compress, { global: true, encodings: ['br', 'gzip'], threshold: 1024 })
  // After compression (hooks run in order): a compressed body is other bytes, so its ETag
  // becomes weak (as nginx does); If-None-Match compares weakly, so 304s still work.
  // @fastify/compress adds its onSend to each route (onRoute); this onRoute runs after its
  // one, so the hook below runs after the compression.
  const weakenCompressedEtag = (_request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (err: null, payload: unknown) => void) => {
    const etag = reply.getHeader('etag')
    if (typeof etag === 'string' && etag.startsWith('"') && reply.getHeader('content-encoding')) reply.header('etag', `W/${etag}`)
    done(null, payload)
  }
  app.addHook('onRoute', (route) => {
    route.onSend = [...(Array.isArray(route.onSend) ? route.onSend : route.onSend ? [route.onSend] : []), weakenCompressedEtag]
  })

  const sendError = (reply: FastifyReply, page: Page, status: number) => {
    securityHeaders(reply, page.csp)
    reply.header('cache-control', 'no-cache')
    return reply.code(status).type('text/html; charset=utf-8').send(page.html)
  }
  const sendNotFound = (reply: FastifyReply) => sendError(reply, notFound, 404)

  app.setErrorHandler((err, request, reply) => {
    const status = (err as { statusCode?: number }).statusCode ?? 500
    if (status >= 500) request.log.error({ err }, 'public page failed')
    return status === 404 ? sendNotFound(reply) : sendError(reply, failed, status >= 400 && status < 600 ? status : 500)
  })

  // --- what each cache key renders ---

  const renderResume = async (slug: string): Promise<Page | null> => {
    const resume = await app.resumes.findPublicBySlug(slug)
    if (!resume) return null
    const manifest = fallbackTheme(app.themes, resume.theme_config.template_id, 'resume')
    return makePage(renderer.renderResume(manifest, resume as RenderInput), fontOrigins)
  }

  const renderPortfolio = async (host: string): Promise<Page | null> => {
    const kind = classifyHost(host, appDomain)
    if (!kind) return null
    const portfolio = kind.kind === 'subdomain'
      ? await app.portfolios.findPublishedBySubdomain(kind.subdomain)
      : await app.portfolios.findPublishedByCustomDomain(kind.domain)
    if (!portfolio) return null
    const manifest = fallbackTheme(app.themes, portfolio.theme_config.template_id, 'portfolio')
    return makePage(renderer.renderPortfolio(manifest, portfolio), fontOrigins)
  }

  const servePortfolio = async (request: FastifyRequest, reply: FastifyReply, host: string | null) => {
    if (!host || !classifyHost(host, appDomain)) return sendNotFound(reply)
    const found = await cache.get(`h:${host}`, () => renderPortfolio(host))
    return found ? sendPage(request, reply, found.page, found.state) : sendNotFound(reply)
  }

  const hide = { hide: true, tags: ['public'] }

  // --- path-based routes (the app's own hosts) ---

  app.get<{ Params: { slug: string } }>('/r/:slug', {
    schema: { ...hide, summary: 'A public resume as an HTML page' }
  }, async (request, reply) => {
    const slug = request.params.slug.toLowerCase()
    if (!SLUG.test(slug)) return sendNotFound(reply)
    const found = await cache.get(`r:${slug}`, () => renderResume(slug))
    return found ? sendPage(request, reply, found.page, found.state) : sendNotFound(reply)
  })

  app.get<{ Params: { subdomain: string } }>('/p/:subdomain', {
    schema: { ...hide, summary: 'A published portfolio as an HTML page' }
  }, async (request, reply) => {
    const sub = request.params.subdomain.toLowerCase()
    return servePortfolio(request, reply, LABEL.test(sub) && !RESERVED_NAMES.has(sub) ? `${sub}.${appDomain}` : null)
  })

  app.get<{ Params: { name: string } }>('/view/:name', {
    schema: { ...hide, summary: 'A published portfolio by custom domain name or subdomain' }
  }, async (request, reply) => {
    const name = hostName(request.params.name)
    const host = name.includes('.') ? name : LABEL.test(name) && !RESERVED_NAMES.has(name) ? `${name}.${appDomain}` : null
    return servePortfolio(request, reply, host)
  })

  // --- fonts (both kinds of host) ---

  const serveFont = async (request: FastifyRequest<{ Params: { pkg: string, version: string, file: string } }>, reply: FastifyReply) => {
    const { pkg, version, file } = request.params
    const path = fontFilePath(fontPackages, pkg, version, file)
    if (!path) return sendNotFound(reply)
    let size: number
    try {
      size = statSync(path).size
    } catch {
      return sendNotFound(reply)
    }
    reply.header('content-type', 'font/woff2')
    reply.header('content-length', size)
    reply.header('cache-control', FONT_CACHE_CONTROL)
    reply.header('access-control-allow-origin', '*')
    reply.header('x-content-type-options', 'nosniff')
    reply.header('cross-origin-resource-policy', 'cross-origin')
    return reply.send(createReadStream(path))
  }
  const fontRoute = '/fonts/:pkg/:version/:file'
  app.get(fontRoute, { schema: { ...hide, summary: 'A font file used by rendered pages' } }, serveFont)

  // --- portfolio hosts: only the renderer answers there ---

  const onPortfolioHost = { [PUBLIC_SITE]: PORTFOLIO_SITE }
  app.get('/', { constraints: onPortfolioHost, schema: hide }, async (request, reply) => {
    return servePortfolio(request, reply, hostName(request.headers.host ?? request.headers[':authority']))
  })
  app.get(fontRoute, { constraints: onPortfolioHost, schema: hide }, serveFont)
  app.route({
    method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    url: '/*',
    constraints: onPortfolioHost,
    schema: hide,
    handler: async (_request, reply) => sendNotFound(reply)
  })
}
