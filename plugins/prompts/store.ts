// Prompt files: prompts/<prompt-id>/v<N>.md, YAML front matter then a Handlebars body split by
// `# System` and `# User` headings. CVGEN_PROMPTS_DIR (same layout) adds versions or replaces
// shipped ones. Every file is parsed and compiled at start-up, so a broken prompt stops the
// boot with its path instead of failing analyses later.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Ajv } from 'ajv'
import Handlebars from 'handlebars'
import { parse as parseYaml } from 'yaml'

/** The prompts shipped with cvgen. */
export const BUILTIN_PROMPTS = fileURLToPath(new URL('../../prompts', import.meta.url))

export type PromptSource = 'builtin' | 'override' | 'operator'

export interface Prompt {
  id: string
  version: number
  description: string
  target: 'resume' | 'portfolio'
  output_schema: string
  temperature: number
  max_tokens: number
  /** builtin: shipped in prompts/; override: CVGEN_PROMPTS_DIR replaced a shipped version; operator: only in CVGEN_PROMPTS_DIR. */
  source: PromptSource
  /** Path relative to its folder, for messages and `prompts diff`. */
  file: string
  /** The whole file, as read. */
  text: string
  render (vars: Record<string, unknown>): { system: string, user: string }
}

export class PromptError extends Error {}

const FrontMatter = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'version', 'description', 'target', 'output_schema', 'temperature', 'max_tokens'],
  properties: {
    id: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$' },
    version: { type: 'integer', minimum: 1 },
    description: { type: 'string', minLength: 1, maxLength: 500 },
    target: { enum: ['resume', 'portfolio'] },
    output_schema: { type: 'string', minLength: 1 },
    temperature: { type: 'number', minimum: 0, maximum: 2 },
    max_tokens: { type: 'integer', minimum: 64, maximum: 64000 }
  }
} as const
const checkFrontMatter = new Ajv({ allErrors: true }).compile(FrontMatter)

// Templates see only plain data: no prototype access, no helpers beyond the built-ins.
const hb = Handlebars.create()

export function parsePrompt (text: string, file: string, source: PromptSource): Prompt {
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n([\s\S]*)$/.exec(text)
  if (!m) throw new PromptError(`${file}: must start with YAML front matter between --- lines`)
  let meta: unknown
  try { meta = parseYaml(m[1]!) } catch (err) { throw new PromptError(`${file}: front matter is not YAML: ${(err as Error).message}`) }
  if (!checkFrontMatter(meta)) {
    throw new PromptError(`${file}: front matter ${checkFrontMatter.errors!.map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ')}`)
  }
  const fm = meta as Omit<Prompt, 'source' | 'file' | 'text' | 'render'>
  const parts = m[2]!.split(/^# (System|User)[ \t]*$/m)
  // ['preamble', 'System', body, 'User', body]
  const section = (name: string): string | undefined => { const i = parts.indexOf(name); return i > 0 ? parts[i + 1]!.trim() : undefined }
  const system = section('System')
  const user = section('User')
  if (parts.length !== 5 || parts[1] !== 'System' || !system || !user) throw new PromptError(`${file}: the body needs a "# System" section, then a "# User" section`)
  let renderSystem: HandlebarsTemplateDelegate, renderUser: HandlebarsTemplateDelegate
  try {
    const opts = { noEscape: true, strict: true, knownHelpersOnly: true }
    hb.precompile(system, opts)
    hb.precompile(user, opts)
    renderSystem = hb.compile(system, opts)
    renderUser = hb.compile(user, opts)
  } catch (err) {
    throw new PromptError(`${file}: template does not compile: ${(err as Error).message}`)
  }
  return {
    ...fm,
    source,
    file,
    text,
    render: (vars) => ({ system: renderSystem(vars).trim(), user: renderUser(vars).trim() })
  }
}

/** Every v<N>.md under dir/<id>/, checked against its folder and file name. */
function readFolder (dir: string, source: PromptSource): Prompt[] {
  if (!existsSync(dir)) return []
  const out: Prompt[] = []
  for (const id of readdirSync(dir).sort()) {
    const folder = join(dir, id)
    if (!statSync(folder).isDirectory()) continue
    for (const name of readdirSync(folder).sort()) {
      const vm = /^v(\d+)\.md$/.exec(name)
      if (!vm) continue
      const path = join(folder, name)
      const prompt = parsePrompt(readFileSync(path, 'utf8'), relative(join(dir, '..'), path), source)
      if (prompt.id !== id) throw new PromptError(`${prompt.file}: front matter id "${prompt.id}" does not match its folder "${id}"`)
      if (prompt.version !== Number(vm[1])) throw new PromptError(`${prompt.file}: front matter version ${prompt.version} does not match its file name`)
      out.push(prompt)
    }
  }
  return out
}

export class PromptStore {
  private readonly byId = new Map<string, Map<number, Prompt>>()

  /** Loads the shipped folder, then the operator's over it, and checks the pinned versions exist. */
  private readonly pins: Record<string, number>

  constructor (builtinDir: string, operatorDir: string | null, pins: Record<string, number>) {
    this.pins = pins
    for (const p of readFolder(builtinDir, 'builtin')) this.add(p).set(p.version, p)
    if (operatorDir) {
      if (!existsSync(operatorDir)) throw new PromptError(`CVGEN_PROMPTS_DIR ${operatorDir} does not exist`)
      for (const p of readFolder(operatorDir, 'operator')) {
        const versions = this.add(p)
        const replaced = versions.get(p.version)
        versions.set(p.version, replaced?.source === 'builtin' ? { ...p, source: 'override' } : p)
      }
    }
    for (const [id, version] of Object.entries(pins)) {
      if (!this.versionsOf(id)?.has(version)) throw new PromptError(`AI_PROMPT_VERSIONS pins ${id} to v${version}, which does not exist (have: ${this.versions(id).map((v) => 'v' + v).join(', ') || 'none'})`)
    }
  }

  private versionsOf (id: string): Map<number, Prompt> | undefined { return this.byId.get(id) }

  private add (p: Prompt): Map<number, Prompt> {
    if (!this.byId.has(p.id)) this.byId.set(p.id, new Map())
    return this.byId.get(p.id)!
  }

  ids (): string[] { return [...this.byId.keys()].sort() }

  versions (id: string): number[] { return [...(this.versionsOf(id)?.keys() ?? [])].sort((a, b) => a - b) }

  /** The pinned version, else the highest. */
  activeVersion (id: string): number | null {
    return this.pins[id] ?? this.versions(id).at(-1) ?? null
  }

  /** A prompt at a version (default: the active one); null when missing. */
  get (id: string, version?: number): Prompt | null {
    const v = version ?? this.activeVersion(id)
    return v === null ? null : this.versionsOf(id)?.get(v) ?? null
  }

  /** Like get(), but a missing prompt is an error naming what exists. */
  require (id: string, version?: number): Prompt {
    const p = this.get(id, version)
    if (!p) throw new PromptError(`no prompt ${id}${version ? ` v${version}` : ''} (have: ${this.ids().map((i) => `${i} ${this.versions(i).map((v) => 'v' + v).join('/')}`).join(', ') || 'none'})`)
    return p
  }

  list (): Array<{ id: string, active_version: number, pinned: boolean, versions: Prompt[] }> {
    return this.ids().map((id) => ({
      id,
      active_version: this.activeVersion(id)!,
      pinned: id in this.pins,
      versions: this.versions(id).map((v) => this.get(id, v)!)
    }))
  }
}
