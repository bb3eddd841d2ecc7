// Resume content: a JSON Resume document (https://jsonresume.org/schema), checked in two steps.
//
// 1. Bounds, in plain code: serialized size first (cheap, and nothing else runs on a document
//    over the limit), then nesting depth, string lengths, array sizes and key counts, walked
//    over the whole document — including the unknown sections the schema lets through, which
//    Ajv never looks into.
// 2. The JSON Resume schema itself (json-resume.schema.json, a verbatim copy of the project's
//    schema.json, MIT — see JSON-RESUME-LICENSE.md), with an Ajv instance that neither coerces
//    types, fills defaults nor removes properties: what passes is stored exactly as sent, so
//    import -> export is lossless and `123` never silently becomes "123".
//
// How this compares with the JSON Resume project's own validator (@jsonresume/schema, whose
// tools/build.mjs compiles the same schema with Ajv 8, coerceTypes: false, and the "uri" and
// "email" regular expressions copied from ajv-formats' "full" mode in tools/ajv-formats-micro.mjs):
// the formats are the same expressions, so we accept and reject the same values; the sample
// resume passes both. Their `removeAdditional: true` removes nothing, as the schema has
// `additionalProperties: true` everywhere. Things worth knowing, all shared with upstream:
//  - "uri" is an absolute RFC 3986 URI in ASCII: "" (an empty url, common in exported
//    resumes), "example.com" or "www.example.com" (no scheme), "https://例え.jp/" or
//    "https://example.com/ü" (IRIs; punycode / percent-encode them) and spaces are rejected.
//    Any scheme passes, "javascript:alert(1)" included: renderers must not trust url fields
//    as safe links.
//  - "email" is ASCII only and needs a dot in the domain: "a@localhost", "jörg@example.de" and
//    quoted local parts are rejected.
//  - basics.image and meta.lastModified carry no format, so any string is accepted there.
//  - Older tools differ: resume-cli's bundled resume-schema (z-schema) and @jsonresume/schema
//    1.1.x (the `jsonschema` package) used looser "scheme: then no whitespace" URI checks, so a
//    few resumes they accepted (e.g. non-ASCII paths) are rejected here and by current upstream.
//  - The iso8601 date pattern is loose: it checks digit shapes, not the calendar. "2024",
//    "2024-06" and "2024-06-29" pass, and so do "2024-13-39" and "2024-02-30" (month [0-1][0-9],
//    day [0-3][0-9]); "2024-13-45", "June 2020", "2024-6", "2024/06/29", full date-times and
//    years outside 1000..2999 are rejected. We follow the schema exactly, loose parts included.
//  - There are no required properties anywhere: {} is a valid resume.
import { readFileSync } from 'node:fs'
import { Ajv, type ErrorObject } from 'ajv'
import addFormats from 'ajv-formats'

export interface ContentLimits { maxBytes: number, maxDepth: number, maxStringLength: number, maxArrayItems: number, maxObjectKeys: number }

/** Generous for any real resume, small enough that one row stays cheap to store, diff and render. */
export const CONTENT_LIMITS: ContentLimits = Object.freeze({
  maxBytes: 256 * 1024, // JSON.stringify(content), UTF-8
  maxDepth: 12, // the root object is level 1; JSON Resume itself needs 4 (basics/profiles/0/url)
  maxStringLength: 20_000, // characters (code points, as JSON Schema's maxLength counts them)
  maxArrayItems: 500,
  maxObjectKeys: 200
})

// A type alias (not an interface) so it is assignable to ErrorDetail's index signature.
export type ContentDetail = { path: string, message: string }

const MAX_DETAILS = 20

const schema = JSON.parse(readFileSync(new URL('./json-resume.schema.json', import.meta.url), 'utf8')) as object

const ajv = new Ajv({ coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: true, strict: false })
addFormats.default(ajv)
const validateSchema = ajv.compile(schema)

/** RFC 6901: `~` -> `~0`, `/` -> `~1`. */
function escapeToken (key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1')
}

function at (prefix: string, pointer: string): string {
  return prefix + pointer || '/'
}

/** Code points, counted only when the UTF-16 length could exceed the limit. */
function tooLong (s: string, max: number): number | false {
  if (s.length <= max) return false
  let n = 0
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- iterating counts code points; each one's value is not needed
  for (const _ of s) n++
  return n > max ? n : false
}

function isPlainObject (v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/**
 * Depth, string, array and key bounds, in document order, stopping at `room` details. Recursion
 * never goes deeper than maxDepth + 1, so any input is safe to walk.
 */
function checkBounds (doc: Record<string, unknown>, prefix: string, limits: ContentLimits, room: number): ContentDetail[] {
  const out: ContentDetail[] = []
  const add = (pointer: string, message: string): boolean => {
    out.push({ path: at(prefix, pointer), message })
    return out.length >= room
  }

  // Returns true once there is no room for more details.
  const walk = (value: unknown, pointer: string, depth: number): boolean => {
    switch (typeof value) {
      case 'string': {
        const n = tooLong(value, limits.maxStringLength)
        return n !== false && add(pointer, `must be at most ${limits.maxStringLength} characters long (is ${n})`)
      }
      case 'number':
        return !Number.isFinite(value) && add(pointer, 'must be a finite number')
      case 'boolean':
        return false
      case 'object': {
        if (value === null) return false
        if (depth > limits.maxDepth) return add(pointer, `nests deeper than ${limits.maxDepth} levels`)
        if (Array.isArray(value)) {
          if (value.length > limits.maxArrayItems && add(pointer, `must have at most ${limits.maxArrayItems} items (has ${value.length})`)) return true
          for (let i = 0; i < value.length; i++) if (walk(value[i], `${pointer}/${i}`, depth + 1)) return true
          return false
        }
        const keys = Object.keys(value)
        if (keys.length > limits.maxObjectKeys && add(pointer, `must have at most ${limits.maxObjectKeys} properties (has ${keys.length})`)) return true
        for (const key of keys) {
          const child = `${pointer}/${escapeToken(key)}`
          const n = tooLong(key, limits.maxStringLength)
          if (n !== false && add(child, `property name must be at most ${limits.maxStringLength} characters long (is ${n})`)) return true
          if (walk((value as Record<string, unknown>)[key], child, depth + 1)) return true
        }
        return false
      }
      default: // undefined, function, symbol, bigint: not JSON, would not survive the round trip
        return add(pointer, 'is not a JSON value')
    }
  }

  walk(doc, '', 1)
  return out
}

const TYPE_NAMES: Record<string, string> = { string: 'a string', object: 'an object', array: 'an array', number: 'a number', integer: 'an integer', boolean: 'a boolean', null: 'null' }

function isDatePattern (e: ErrorObject): boolean {
  return e.schemaPath.includes('iso8601') || String((e.params as { pattern?: unknown }).pattern ?? '').startsWith('^([1-2][0-9]{3}')
}

function schemaDetail (e: ErrorObject, prefix: string): ContentDetail {
  const params = e.params as Record<string, unknown>
  let pointer = e.instancePath
  let message: string
  switch (e.keyword) {
    case 'required':
      pointer += `/${escapeToken(String(params.missingProperty))}`
      message = 'is required'
      break
    case 'additionalProperties':
      pointer += `/${escapeToken(String(params.additionalProperty))}`
      message = 'is not an allowed property'
      break
    case 'type': {
      const types = Array.isArray(params.type) ? params.type as string[] : [String(params.type)]
      message = `must be ${types.map((t) => TYPE_NAMES[t] ?? t).join(' or ')}`
      break
    }
    case 'format':
      message = `must match format "${String(params.format)}"`
      break
    case 'pattern':
      message = isDatePattern(e) ? 'must be a date like 2024, 2024-06 or 2024-06-29' : `must match pattern "${String(params.pattern)}"`
      break
    default:
      message = e.message ?? 'is invalid'
  }
  return { path: at(prefix, pointer), message }
}

/**
 * [] when valid; else up to 20 details {path, message} with JSON Pointer paths, each prefixed
 * with `prefix` (e.g. '/content'). Never mutates `doc`.
 */
export function validateResumeContent (doc: unknown, prefix = '', limits: ContentLimits = CONTENT_LIMITS): ContentDetail[] {
  if (!isPlainObject(doc)) return [{ path: at(prefix, ''), message: 'must be a JSON object' }]

  let bytes: number | undefined
  try {
    const text = JSON.stringify(doc) as string | undefined
    bytes = text === undefined ? undefined : Buffer.byteLength(text)
  } catch {
    // Circular, BigInt, or nested beyond the engine's stack: the walker below names the spot.
  }
  if (bytes !== undefined && bytes > limits.maxBytes) {
    return [{ path: at(prefix, ''), message: `is too large: ${bytes} bytes serialized, at most ${limits.maxBytes} allowed` }]
  }

  const details = checkBounds(doc, prefix, limits, MAX_DETAILS)
  if (bytes === undefined) {
    // Not serializable: Ajv would be answering about something that cannot be stored anyway.
    return details.length > 0 ? details : [{ path: at(prefix, ''), message: 'is not serializable as JSON' }]
  }
  if (details.length >= MAX_DETAILS) return details.slice(0, MAX_DETAILS)

  if (!validateSchema(doc)) {
    const seen = new Set(details.map((d) => `${d.path}\0${d.message}`))
    for (const e of validateSchema.errors ?? []) {
      const d = schemaDetail(e, prefix)
      const key = `${d.path}\0${d.message}`
      if (seen.has(key)) continue
      seen.add(key)
      details.push(d)
      if (details.length >= MAX_DETAILS) break
    }
  }
  return details
}
