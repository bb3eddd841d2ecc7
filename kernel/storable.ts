// JSON that parses fine but PostgreSQL cannot store: NUL characters and unpaired
// surrogates (refused by text and jsonb, which would surface as a 500) and numbers beyond
// double range (JSON.parse makes 1e400 Infinity, which would be saved as null). Checked
// once for every JSON body, before any route sees it, so each plugin need not remember.
import type { ErrorDetail } from './errors.ts'

// eslint-disable-next-line no-control-regex -- NUL is exactly what this pattern looks for
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

const escape = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1')

/** Up to `max` details with JSON Pointer paths; [] when everything can be stored. */
export function unstorable (value: unknown, max = 10): ErrorDetail[] {
  const out: ErrorDetail[] = []
  // Iterative: a hostile, deeply nested body must not overflow the stack.
  const stack: [unknown, string][] = [[value, '']]
  while (stack.length > 0 && out.length < max) {
    const [v, path] = stack.pop()!
    if (typeof v === 'string') {
      if (UNSTORABLE.test(v)) out.push({ path: path || '/', message: 'contains a NUL character or an unpaired surrogate' })
    } else if (typeof v === 'number') {
      if (!Number.isFinite(v)) out.push({ path: path || '/', message: 'is a number too large to store' })
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${path}/${i}`])
    } else if (v !== null && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        if (UNSTORABLE.test(k)) out.push({ path: `${path}/${escape(k)}`, message: 'this key contains a NUL character or an unpaired surrogate' })
        stack.push([child, `${path}/${escape(k)}`])
      }
    }
  }
  return out
}

/** An object or array as JSON.parse makes them (not a Buffer, stream or class instance). */
export function isPlainJson (value: unknown): value is object {
  if (Array.isArray(value)) return true
  if (value === null || typeof value !== 'object') return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}
