// A page's answer on the wire: status, headers and bytes, the same whether Fastify sends it
// (routes.ts) or the kernel does before routing (early.ts), so the two cannot drift apart.
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib'
import { negotiate } from '@fastify/accept-negotiator'
import type { Page } from './cache.ts'

// Every shared cache and browser asks again before reusing a page (a 304 through the ETag
// when nothing changed: a cache hit here, no body sent), so an unpublished or deleted page
// stops being shown at once, not ~11 minutes later as max-age=60 with
// stale-while-revalidate=600 allowed. What offload a CDN loses, our own cache absorbs.
export const PAGE_CACHE_CONTROL = 'public, no-cache'

export interface PageAnswer {
  status: number
  headers: Record<string, string>
  /** null: a 304, no body. */
  body: Buffer | null
}

/** What the answer depends on in the request. */
export interface PageRequest {
  'accept-encoding'?: string | undefined
  'if-none-match'?: string | undefined
}

function notModified (header: string | undefined, etag: string): boolean {
  if (!header) return false
  if (header.trim() === '*') return true
  // Weak comparison (RFC 9110 13.1.2): W/ prefixes are ignored.
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)
}

// A page is encoded to UTF-8 and compressed at most once per encoding, keyed by the cache's
// own entry object (a purged or replaced entry takes its bytes with it): a HIT then only picks
// a Buffer. Brotli 6 costs ~0.2 ms on a 10 KB page (11 costs ~14 ms, for 4 % fewer bytes).
type Encoding = 'br' | 'gzip'
interface Bodies { identity: Buffer, br?: Buffer, gzip?: Buffer }
const COMPRESS_MIN_BYTES = 1024
const bodies = new WeakMap<Page, Bodies>()
const ENCODINGS: Encoding[] = ['br', 'gzip'] // the server's preference on equal q-values

// Browsers send a handful of distinct Accept-Encoding values: negotiate each once. Bounded
// (cleared when full), because the header is the client's to choose.
const negotiated = new Map<string, Encoding | null>()
function encodingFor (acceptEncoding: string): Encoding | null {
  let found = negotiated.get(acceptEncoding)
  if (found === undefined) {
    if (negotiated.size >= 256) negotiated.clear()
    const chosen = negotiate(acceptEncoding, ENCODINGS)
    negotiated.set(acceptEncoding, found = chosen === 'br' || chosen === 'gzip' ? chosen : null)
  }
  return found
}

function bodyOf (page: Page, acceptEncoding: string | undefined): { body: Buffer, encoding: Encoding | null } {
  let b = bodies.get(page)
  if (!b) bodies.set(page, b = { identity: Buffer.from(page.html, 'utf8') })
  if (!acceptEncoding || b.identity.length < COMPRESS_MIN_BYTES) return { body: b.identity, encoding: null }
  const encoding = encodingFor(acceptEncoding)
  if (encoding === 'br') {
    b.br ??= brotliCompressSync(b.identity, { params: { [zlib.BROTLI_PARAM_QUALITY]: 6, [zlib.BROTLI_PARAM_SIZE_HINT]: b.identity.length } })
    return { body: b.br, encoding }
  }
  if (encoding === 'gzip') {
    b.gzip ??= gzipSync(b.identity, { level: 9 })
    return { body: b.gzip, encoding }
  }
  return { body: b.identity, encoding: null }
}

/**
 * `page` with `status` (a 304 instead when If-None-Match matches a 200), compressed when
 * accepted; a compressed body is other bytes, so its ETag is the weak form, as nginx's.
 * `first` headers come first (cache-control, x-cache).
 */
export function pageAnswer (request: PageRequest, page: Page, status: number, first: Record<string, string>): PageAnswer {
  const { body, encoding } = bodyOf(page, request['accept-encoding'])
  const headers: Record<string, string> = {
    ...first,
    'content-security-policy': page.csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'strict-origin-when-cross-origin',
    vary: 'accept-encoding'
  }
  if (status === 200) {
    headers.etag = encoding ? `W/${page.etag}` : page.etag
    if (notModified(request['if-none-match'], page.etag)) return { status: 304, headers, body: null }
  }
  headers['content-type'] = 'text/html; charset=utf-8'
  if (encoding) headers['content-encoding'] = encoding
  return { status, headers, body }
}
