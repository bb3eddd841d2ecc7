// The public renderer: resumes at /r/<slug>, portfolios at /p/<sub>, /view/<domain or sub>,
// on <sub>.APP_DOMAIN and on verified custom domains, themed by ThemeRenderer (render.ts),
// cached by PageCache (cache.ts) and purged when a resume or portfolio changes.
//
// Host routing is a Fastify route constraint, `publicSite`, derived from the Host header of
// every request: 'portfolio' for a non-reserved subdomain of APP_DOMAIN or (when the domains
// plugin is loaded) a custom domain it knows, undefined otherwise. It is registered with
// mustMatchWhenDerived, so on a portfolio host no unconstrained route (the whole API) can
// match; only the renderer's constrained routes answer there. Other hosts (APP_DOMAIN, IPs,
// localhost) route exactly as before.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { PageCache } from './cache.ts'
import { earlyPages } from './early.ts'
import { fontFilePath, uncoveredText } from './fonts.ts'
import { ThemeRenderer } from './render.ts'
import rendererRoutes, { PORTFOLIO_SITE, PUBLIC_SITE, hostClassifier } from './routes.ts'

declare module 'fastify' {
  interface FastifyInstance {
    renderer: {
      themes: ThemeRenderer
      cache: PageCache
      fonts: RendererFonts
      /**
       * Registration, at boot: which hosts outside APP_DOMAIN are portfolio sites (the domains
       * plugin registers its lookup). Without one, only subdomains of APP_DOMAIN are.
       */
      useCustomHosts (lookup: CustomHostLookup): void
    }
  }
}

/** For renderers outside HTTP (the exports plugin's Chromium): font files and coverage. */
export interface RendererFonts {
  /** The woff2 file behind /fonts/<pkg>/<version>/<file> (fontFilePath's contract), or undefined. */
  file (pkg: string, version: string, file: string): string | undefined
  /** The characters of `text` (and their scripts) that the @fontsource package has no glyphs for. */
  uncovered (packageName: string | undefined, text: string): { scripts: string[], chars: string[] }
}

/** Truthy (or a promise of it) when `host` (lower-case, no port) is a verified custom domain of a portfolio. */
export type CustomHostLookup = (host: string) => unknown

type Done = (err: Error | null, value?: unknown) => void

function publicSiteStrategy (app: FastifyInstance, customHosts: () => CustomHostLookup | null) {
  const classify = hostClassifier(app.config.appDomain.toLowerCase())
  return {
    name: PUBLIC_SITE,
    mustMatchWhenDerived: true,
    storage () {
      const handlers = new Map<unknown, unknown>()
      return {
        get: (value: unknown) => handlers.get(value) ?? null,
        set: (value: unknown, store: unknown) => { handlers.set(value, store) }
      }
    },
    deriveConstraint (req: { headers: Record<string, string | string[] | undefined> }, _ctx: unknown, done: Done) {
      const { host, kind } = classify(req.headers.host ?? req.headers[':authority'])
      if (!kind) return done(null, undefined)
      if (kind.kind === 'subdomain') return done(null, PORTFOLIO_SITE)
      const lookup = customHosts()
      if (!lookup) return done(null, undefined)
      Promise.resolve()
        .then(() => lookup(host))
        .then((found) => done(null, found ? PORTFOLIO_SITE : undefined), (err: unknown) => {
          // Fail closed: a host we cannot place never reaches the API.
          app.log.error({ err, host }, 'renderer: custom domain lookup failed')
          done(null, PORTFOLIO_SITE)
        })
    }
  }
}

/**
 * REMOTE_IMAGES as an image policy and the CSP img-src that matches it. off: only files
 * cvgen stores (the storage's public URLs), so a page owner cannot embed a tracking pixel
 * or someone else's image, and a visitor's browser loads nothing from elsewhere.
 */
function imagePolicy (app: FastifyInstance): { allow: (url: string) => boolean, sources: string[] } {
  const ours = (url: string) => app.storage.keyFromUrl(url) !== null
  let storageOrigin: string[] = []
  try { storageOrigin = [new URL(app.storage.publicUrl('probe')).origin] } catch { /* 'self' only */ }
  if (app.config.remoteImages === 'https') return { allow: (url) => url.startsWith('https://') || ours(url), sources: ['https:', 'data:', "'self'", ...storageOrigin] }
  return { allow: ours, sources: ['data:', "'self'", ...storageOrigin] }
}

export default fp(async (app) => {
  const images = imagePolicy(app)
  const themes = new ThemeRenderer({ images: images.allow })
  const cache = new PageCache({ redis: app.cache.redis, prefix: app.cache.prefix, pubsub: app.cache, log: app.log })
  await cache.start()
  app.addHook('onClose', async () => { await cache.close() })
  const fontPackages = new Set(app.themes.list().flatMap((t) => t.fonts.map((f) => f.package)).filter((p): p is string => !!p))
  const fonts: RendererFonts = {
    file: (pkg, version, file) => fontFilePath(fontPackages, pkg, version, file),
    uncovered: (packageName, text) => uncoveredText(packageName, text)
  }
  let customHosts: CustomHostLookup | null = null
  const useCustomHosts = (lookup: CustomHostLookup) => {
    if (customHosts) throw new Error('a custom host lookup is already registered')
    customHosts = lookup
  }
  app.decorate('renderer', { themes, cache, fonts, useCustomHosts })

  app.portfolios.onChange(async (change) => { await cache.purge(change.hosts.map((h) => `h:${h.toLowerCase()}`)) })
  app.resumes.onChange(async (change) => { await cache.purge(change.slugs.map((s) => `r:${s}`)) })

  app.addConstraintStrategy(publicSiteStrategy(app, () => customHosts) as unknown as Parameters<FastifyInstance['addConstraintStrategy']>[0])

  let fontOrigins: string[] = []
  try {
    fontOrigins = [new URL(app.config.publicUrl).origin]
  } catch { /* 'self' only */ }
  // Page views log at warn: two info lines per view would cost more than serving a cached
  // page, and the gateway (Caddy) keeps the access log. Errors are still logged.
  await app.register(rendererRoutes, { cache, renderer: themes, appDomain: app.config.appDomain.toLowerCase(), fontOrigins, imageSources: images.sources, logLevel: 'warn' })
  // A fresh cached page is answered before routing: on the real start command this is what
  // takes a cache HIT from about 0.55x to 0.8x of bare Node's throughput (docs/benchmarks.md).
  app.earlyAnswers.add(earlyPages({ cache, appDomain: app.config.appDomain.toLowerCase(), customHosts: () => customHosts }))
}, { name: 'renderer', fastify: '5.x', dependencies: ['themes', 'resumes', 'portfolios'] })
