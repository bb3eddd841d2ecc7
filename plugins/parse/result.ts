// The draft under construction: values set by field path ("work[0].startDate") with a
// confidence each, then checked against the JSON Resume schema (plugins/resumes ships it;
// the JSON file is loaded, no code of that plugin is imported). A value the schema refuses
// is dropped with a warning, so the draft always validates and POST /resumes/import takes it.
import { readFileSync } from 'node:fs'
import { Ajv } from 'ajv'
import addFormats from 'ajv-formats'

export const schema = JSON.parse(readFileSync(new URL('../resumes/json-resume.schema.json', import.meta.url), 'utf8')) as object
const ajv = new Ajv({ coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: true, strict: false })
addFormats.default(ajv)
export const validateResume = ajv.compile(schema)

export interface ParseResult {
  draft: Record<string, unknown>
  /** 0..1 per field path, e.g. {"basics.email": 0.98, "work[0].position": 0.85} */
  confidence: Record<string, number>
  warnings: string[]
  /** The document's text in reading order, for an LLM refinement; not stored. */
  text?: string
}

type Key = string | number
const parsePath = (path: string): Key[] => path.split(/\.|\[(\d+)\]/).filter((k) => k !== undefined && k !== '').map((k) => (/^\d+$/.test(k) ? Number(k) : k))

export class Fields {
  readonly root: Record<string, unknown> = {}
  readonly confidence: Record<string, number> = {}
  readonly warnings: string[] = []

  has (path: string): boolean { return path in this.confidence }

  set (path: string, value: unknown, confidence: number): void {
    if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) return
    const keys = parsePath(path)
    let node: Record<Key, unknown> = this.root
    keys.slice(0, -1).forEach((k, i) => {
      node[k] ??= typeof keys[i + 1] === 'number' ? [] : {}
      node = node[k] as Record<Key, unknown>
    })
    node[keys[keys.length - 1]!] = value
    this.confidence[path] = Math.round(Math.max(0, Math.min(1, confidence)) * 100) / 100
  }

  /** Takes back a value set earlier (a second reading of the same lines knows better). */
  drop (path: string): void {
    if (!this.has(path)) return
    const keys = parsePath(path)
    let node = this.root as Record<Key, unknown>
    for (const k of keys.slice(0, -1)) node = node[k] as Record<Key, unknown>
    delete node[keys[keys.length - 1]!]
    delete this.confidence[path]
  }

  /** Drops what the schema refuses (one pass per error path), then returns the result. */
  finish (): ParseResult {
    for (let pass = 0; pass < 5 && !validateResume(this.root); pass++) {
      for (const err of validateResume.errors ?? []) {
        const keys = err.instancePath.split('/').slice(1).map((k) => (/^\d+$/.test(k) ? Number(k) : k.replace(/~1/g, '/').replace(/~0/g, '~')))
        if (keys.length === 0) continue
        let node = this.root as Record<Key, unknown>
        for (const k of keys.slice(0, -1)) node = (node?.[k] ?? {}) as Record<Key, unknown>
        const last = keys[keys.length - 1]!
        if (Array.isArray(node) && typeof last === 'number') node.splice(last, 1)
        else delete node[last]
        const path = keys.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('').slice(1)
        for (const p of Object.keys(this.confidence)) if (p === path || p.startsWith(path + '.') || p.startsWith(path + '[')) delete this.confidence[p]
        this.warnings.push(`${path.replace(/\.\[/g, '[')}: dropped, ${err.message}`)
      }
    }
    return { draft: this.root, confidence: this.confidence, warnings: this.warnings }
  }
}
