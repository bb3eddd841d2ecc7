// The public pages, in their own encapsulated context (no auth, no body parsing, HTML out):
//   GET /r/:slug                 a public resume
//   GET /p/:subdomain            a published portfolio
//   GET /view/:domain_or_slug    a custom domain name, else a subdomain
//   GET /fonts/:pkg/:version/:file   the woff2 files pages reference (fonts.ts contract)
// and, for requests on a portfolio host (constraint publicSite = 'portfolio', see index.ts),
// GET / (the portfolio), the fonts, and an HTML 404 for every other method and path.
import { createHash } from 'node:crypto'
import { createReadStream, readFileSync, statSync } from 'node:fs'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { RESERVED_NAMES, namePattern } from '../../kernel/slugs.ts'
import type { ThemeKind, ThemeManifest } from '../themes/index.ts'
import type { CacheState, Page, PageCache } from './cache.ts'
import { RendererErrors } from './errors.ts'
import { fontFilePath } from './fonts.ts'
import type { RenderInput, ThemeRenderer } from './render.ts'
import { PAGE_CACHE_CONTROL, pageAnswer } from './wire.ts'

export const PUBLIC_SITE = 'publicSite'
export const PORTFOLIO_SITE = 'portfolio'

export interface RendererRouteOptions {
  cache: PageCache
  renderer: ThemeRenderer
  appDomain: string
  /** Origins (besides 'self') fonts may come from: the app's public origin. */
  fontOrigins: string[]
  /** The CSP's img-src, as REMOTE_IMAGES allows. */
  imageSources: string[]
}

const SLUG = new RegExp(namePattern(64))
const LABEL = new RegExp(namePattern(63))
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/

const NO_CACHE = { 'cache-control': 'no-cache' }
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
  if (host === 'localhost' || (host.endsWith('.localhost') && !host.endsWith(`.${appDomain}`))) return null
  if (host.endsWith(`.${appDomain}`)) {
    const label = host.slice(0, -(appDomain.length + 1))
    if (label.includes('.') || RESERVED_NAMES.has(label) || !LABEL.test(label)) return null
    return { kind: 'subdomain', subdomain: label }
  }
  return DOMAIN.test(host) ? { kind: 'custom', domain: host } : null
}

/**
 * classifyHost(hostName(raw)) for a raw Host header, memoised: routing asks it of every
 * request, and a site sees few distinct Host values. Bounded (cleared when full), because
 * the header is the client's to choose.
 */
export function hostClassifier (appDomain: string, max = 1024): (raw: unknown) => { host: string, kind: HostKind | null } {
  const known = new Map<unknown, { host: string, kind: HostKind | null }>()
  return (raw) => {
    let found = known.get(raw)
    if (!found) {
      if (known.size >= max) known.clear()
      const host = hostName(raw)
      known.set(raw, found = { host, kind: classifyHost(host, appDomain) })
    }
    return found
  }
}

// --- what a path names (routes.ts and early.ts agree through these) ------------------------

/** /r/:slug -> the slug, or null (no such page). */
export function resumeSlug (param: string): string | null {
  const slug = param.toLowerCase()
  return SLUG.test(slug) ? slug : null
}

/** /p/:subdomain -> the portfolio's host name, or null. */
export function subdomainHost (param: string, appDomain: string): string | null {
  const sub = param.toLowerCase()
  return LABEL.test(sub) && !RESERVED_NAMES.has(sub) ? `${sub}.${appDomain}` : null
}

/** /view/:name -> a custom domain name, else a subdomain's host name, or null. */
export function viewHost (param: string, appDomain: string): string | null {
  const name = hostName(param)
  if (name.includes('.')) return classifyHost(name, appDomain) ? name : null
  return LABEL.test(name) && !RESERVED_NAMES.has(name) ? `${name}.${appDomain}` : null
}

// --- pages ---------------------------------------------------------------------------------

const sha256 = (text: string, encoding: 'base64' | 'base64url') => createHash('sha256').update(text, 'utf8').digest(encoding)

/** ETag and Content-Security-Policy for a rendered document. */
export function makePage (html: string, fontOrigins: string[], imageSources: string[] = ["'self'", 'data:']): Page {
  const styles = [...html.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/gi)].map((m) => `'sha256-${sha256(m[1]!, 'base64')}'`)
  const csp = [
    "default-src 'none'",
    `style-src ${styles.length ? [...new Set(styles)].join(' ') : "'none'"}`,
    `font-src ${["'self'", ...fontOrigins].join(' ')}`,
    `img-src ${[...new Set(imageSources)].join(' ')}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'"
  ].join('; ')
  return { html, etag: `"${sha256(html, 'base64url').slice(0, 32)}"`, csp }
}

/** Sends `page` with `status` (see pageAnswer), `first` headers first. */
function sendBytes (request: FastifyRequest, reply: FastifyReply, page: Page, status: number, first: Record<string, string>): void {
  const answer = pageAnswer(request.headers, page, status, first)
  reply.headers(answer.headers)
  reply.code(answer.status).send(answer.body ?? undefined)
}

// Handlers here are not async functions: a cache HIT is answered without a single promise
// (each one costs more while MikroORM's AsyncLocalStorage is active). They send and return
// undefined, or return a promise that sends.
function sendPage (request: FastifyRequest, reply: FastifyReply, page: Page, state: CacheState): undefined {
  sendBytes(request, reply, page, 200, { 'cache-control': PAGE_CACHE_CONTROL, 'x-cache': state })
  return undefined
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
  const { cache, renderer, appDomain, fontOrigins, imageSources } = opts
  const classify = hostClassifier(appDomain)
  const template = readFileSync(new URL('./not-found.html', import.meta.url), 'utf8')
  const notFound = makePage(template, [])
  const failed = makePage(template
    .replace(/Page not found/g, 'Something went wrong')
    .replace(/<p>[^<]*<\/p>/, '<p>This page cannot be shown right now. Please try again in a moment.</p>'), [])
  const fontPackages = new Set(app.themes.list().flatMap((t) => t.fonts.map((f) => f.package)).filter((p): p is string => !!p))

  // No bodies here: whatever is sent is never read or parsed.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined))
  // Public pages are no API: no CORS (fonts say `*` themselves), and their bodies are
  // compressed by sendBytes, once per cached page, not per request.
  // (`config.cors` is @fastify/cors's per-route switch; its types do not declare it.)
  app.addHook('onRoute', (route) => { route.config = { ...route.config, cors: false } as typeof route.config })

  const sendNotFound = (request: FastifyRequest, reply: FastifyReply): void => {
    sendBytes(request, reply, notFound, 404, NO_CACHE)
  }

  app.setErrorHandler((err, request, reply) => {
    const status = (err as { statusCode?: number }).statusCode ?? 500
    if (status >= 500) request.log.error({ err }, 'public page failed')
    if (status === 404) return sendNotFound(request, reply)
    sendBytes(request, reply, failed, status >= 400 && status < 600 ? status : 500, NO_CACHE)
  })

  // --- what each cache key renders ---

  const renderResume = async (slug: string): Promise<Page | null> => {
    const resume = await app.resumes.findPublicBySlug(slug)
    if (!resume) return null
    const manifest = fallbackTheme(app.themes, resume.theme_config.template_id, 'resume')
    return makePage(renderer.renderResume(manifest, resume as RenderInput), fontOrigins, imageSources)
  }

  const renderPortfolio = async (host: string): Promise<Page | null> => {
    const kind = classifyHost(host, appDomain)
    if (!kind) return null
    const portfolio = kind.kind === 'subdomain'
      ? await app.portfolios.findPublishedBySubdomain(kind.subdomain)
      : await app.portfolios.findPublishedByCustomDomain(kind.domain)
    if (!portfolio) return null
    const manifest = fallbackTheme(app.themes, portfolio.theme_config.template_id, 'portfolio')
    return makePage(renderer.renderPortfolio(manifest, portfolio), fontOrigins, imageSources)
  }

  /** A fresh LRU entry is sent at once; anything else goes through the cache's async path. */
  const serve = (request: FastifyRequest, reply: FastifyReply, key: string, render: () => Promise<Page | null>): Promise<void> | undefined => {
    const hit = cache.fresh(key)
    if (hit) return sendPage(request, reply, hit, 'HIT')
    return cache.get(key, render).then((found) => {
      if (found) sendPage(request, reply, found.page, found.state)
      else sendNotFound(request, reply)
    })
  }

  /** `host` is a portfolio host name (classifyHost says so) or null. */
  const servePortfolio = (request: FastifyRequest, reply: FastifyReply, host: string | null) => {
    if (!host) return sendNotFound(request, reply)
    return serve(request, reply, `h:${host}`, () => renderPortfolio(host))
  }

  const hide = { hide: true, tags: ['public'] }

  // --- path-based routes (the app's own hosts) ---

  app.get<{ Params: { slug: string } }>('/r/:slug', {
    schema: { ...hide, summary: 'A public resume as an HTML page' }
  }, (request, reply) => {
    const slug = resumeSlug(request.params.slug)
    if (!slug) return sendNotFound(request, reply)
    return serve(request, reply, `r:${slug}`, () => renderResume(slug))
  })

  app.get<{ Params: { subdomain: string } }>('/p/:subdomain', {
    schema: { ...hide, summary: 'A published portfolio as an HTML page' }
  }, (request, reply) => servePortfolio(request, reply, subdomainHost(request.params.subdomain, appDomain)))

  app.get<{ Params: { name: string } }>('/view/:name', {
    schema: { ...hide, summary: 'A published portfolio by custom domain name or subdomain' }
  }, (request, reply) => servePortfolio(request, reply, viewHost(request.params.name, appDomain)))

  // --- fonts (both kinds of host) ---

  const serveFont = (request: FastifyRequest<{ Params: { pkg: string, version: string, file: string } }>, reply: FastifyReply): void => {
    const { pkg, version, file } = request.params
    const path = fontFilePath(fontPackages, pkg, version, file)
    if (!path) return sendNotFound(request, reply)
    let size: number
    try {
      size = statSync(path).size
    } catch {
      return sendNotFound(request, reply)
    }
    reply.header('content-type', 'font/woff2')
    reply.header('content-length', size)
    reply.header('cache-control', FONT_CACHE_CONTROL)
    reply.header('access-control-allow-origin', '*')
    reply.header('x-content-type-options', 'nosniff')
    reply.header('cross-origin-resource-policy', 'cross-origin')
    reply.send(createReadStream(path))
  }
  const fontRoute = '/fonts/:pkg/:version/:file'
  app.get(fontRoute, { schema: { ...hide, summary: 'A font file used by rendered pages' } }, serveFont)

  // --- portfolio hosts: only the renderer answers there ---

  const onPortfolioHost = { [PUBLIC_SITE]: PORTFOLIO_SITE }
  app.get('/', { constraints: onPortfolioHost, schema: hide }, (request, reply) => {
    const { host, kind } = classify(request.headers.host ?? request.headers[':authority'])
    return servePortfolio(request, reply, kind ? host : null)
  })
  app.get(fontRoute, { constraints: onPortfolioHost, schema: hide }, serveFont)
  app.route({
    method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    url: '/*',
    constraints: onPortfolioHost,
    schema: hide,
    handler: sendNotFound
  })
}
