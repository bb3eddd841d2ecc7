// Fresh cached pages answered before routing (kernel/early-answers.ts): the hot path of a
// public site. It answers exactly what the routes in routes.ts would for the same request,
// through the same path functions and pageAnswer, and only when this process holds the page
// fresh; everything else (HEAD, encoded paths, stale or missing pages, a custom domain not yet
// in the lookup cache) returns null and is routed as before.
import type { IncomingMessage } from 'node:http'
import type { EarlyResponder } from '../../kernel/early-answers.ts'
import type { PageCache } from './cache.ts'
import type { CustomHostLookup } from './index.ts'
import { hostClassifier, resumeSlug, subdomainHost, viewHost } from './routes.ts'
import { PAGE_CACHE_CONTROL, pageAnswer } from './wire.ts'

const HIT = { 'cache-control': PAGE_CACHE_CONTROL, 'x-cache': 'HIT' }
// find-my-way's default maxParamLength: a longer parameter is the router's to refuse.
const MAX_PARAM = 100

/** The cache key a path on the app's own hosts names, when it is one of the page routes. */
function appPathKey (path: string, appDomain: string): string | null {
  const second = path.indexOf('/', 1)
  if (second < 0) return null
  const param = path.slice(second + 1)
  if (param.length === 0 || param.length > MAX_PARAM || param.includes('/')) return null
  switch (path.slice(0, second)) {
    case '/view': { const host = viewHost(param, appDomain); return host && `h:${host}` }
    case '/p': { const host = subdomainHost(param, appDomain); return host && `h:${host}` }
    case '/r': { const slug = resumeSlug(param); return slug && `r:${slug}` }
    default: return null
  }
}

export function earlyPages ({ cache, appDomain, customHosts }: { cache: PageCache, appDomain: string, customHosts: () => CustomHostLookup | null }): EarlyResponder {
  const classify = hostClassifier(appDomain)
  /** The cache key the request names, or null when only the router can tell. */
  const keyOf = (req: IncomingMessage): string | null => {
    const url = req.url ?? ''
    const q = url.indexOf('?')
    const path = q < 0 ? url : url.slice(0, q)
    // Percent-encoded paths are decoded by the router; leave them to it.
    if (path.includes('%')) return null
    const { host, kind } = classify(req.headers.host)
    if (kind?.kind === 'subdomain') return path === '/' ? `h:${host}` : null
    if (kind?.kind === 'custom') {
      const lookup = customHosts()
      const found = lookup ? lookup(host) : null
      // Not yet known (a promise): the router's constraint waits for it.
      if (found && typeof (found as { then?: unknown }).then === 'function') return null
      if (found) return path === '/' ? `h:${host}` : null
      // Not a portfolio's domain: the app's own routes answer on it.
    }
    return appPathKey(path, appDomain)
  }
  return (req) => {
    if (req.method !== 'GET') return null
    const key = keyOf(req)
    const page = key === null ? undefined : cache.fresh(key)
    return page ? pageAnswer(req.headers, page, 200, HIT) : null
  }
}
