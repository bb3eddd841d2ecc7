// Themes as data: every themes/<id>/theme.json of the repository, then of each operator
// folder (CVGEN_THEME_DIRS, same layout), read and checked once at start-up. A bad
// manifest stops start-up naming its file and JSON path, so a typo never reaches a user.
// No Fastify here: the renderer, a worker or the CLI can load the same registry.
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import addFormats from 'ajv-formats'
import { ThemesErrors } from './errors.ts'
import { PATTERN_MESSAGES, THEME_KINDS, ThemeManifestSchema } from './schemas.ts'

export type ThemeKind = typeof THEME_KINDS[number]

export interface ThemeFont { family: string, package?: string, weights?: number[], fallback: string }

export interface ThemeManifest {
  id: string
  name: string
  version: string
  description: string
  supports: ThemeKind[]
  /** At least one (the manifest schema's minItems): the first is the fallback choice. */
  fonts: [ThemeFont, ...ThemeFont[]]
  /** JSON Schema (draft-07, type object, additionalProperties false) of theme_config. */
  options: Record<string, unknown>
  defaults: Record<string, unknown>
  starter: { resume?: Record<string, unknown>, portfolio?: Record<string, unknown> }
  /** Absolute path of the theme's folder (templates and assets live beside theme.json). */
  dir: string
  source: 'builtin' | 'operator'
}

/** A type alias (not an interface) so it is assignable to the kernel's ErrorDetail. */
export type ConfigProblem = { path: string, message: string }

export const BUILTIN_THEMES_DIR = fileURLToPath(new URL('../../themes', import.meta.url))
export const MANIFEST_FILE = 'theme.json'

/** The theme_config key that names the theme itself; validateConfig leaves it to the caller. */
const THEME_CHOICE_KEY = 'template_id'

function newAjv (): Ajv {
  const ajv = new Ajv({ coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: true, strict: false })
  addFormats.default(ajv)
  return ajv
}

const validateManifest = newAjv().compile(ThemeManifestSchema)

const escapePointer = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1')

/** Ajv errors -> [{path, message}] with JSON Pointers below `prefix`. */
function toProblems (errors: ErrorObject[] | null | undefined, prefix: string): ConfigProblem[] {
  const out: ConfigProblem[] = []
  for (const e of errors ?? []) {
    if (e.keyword === 'if') continue // its `then` error says what is wrong
    const params = e.params as Record<string, unknown>
    let path = e.instancePath
    let message = e.message ?? 'is invalid'
    if (e.keyword === 'required') {
      path += `/${escapePointer(String(params.missingProperty))}`
      message = 'is required'
    } else if (e.keyword === 'additionalProperties') {
      path += `/${escapePointer(String(params.additionalProperty))}`
      message = 'is not an allowed property'
    } else if (e.keyword === 'pattern') {
      message = PATTERN_MESSAGES[String(params.pattern)] ?? message
    } else if (e.keyword === 'enum') {
      message = `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`
    }
    out.push({ path: prefix + path || '/', message })
  }
  return out
}

function deepFreeze<T> (value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const v of Object.values(value)) deepFreeze(v)
  }
  return value
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

function invalid (file: string, problems: ConfigProblem[]): Error {
  const text = problems.map((p) => `${p.path} ${p.message}`).join('; ')
  return new ThemesErrors.INVALID_MANIFEST(file, text).withDetails(problems)
}

interface LoadedTheme { manifest: ThemeManifest, validate: ValidateFunction }

/** Reads and checks one theme folder; throws THEMES_INVALID_MANIFEST naming the file. */
export function loadTheme (dir: string, folderName: string, source: ThemeManifest['source']): LoadedTheme {
  const file = join(dir, MANIFEST_FILE)
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw invalid(file, [{ path: '/', message: `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` }])
  }
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (err) {
    throw invalid(file, [{ path: '/', message: `is not valid JSON: ${(err as Error).message}` }])
  }
  if (!validateManifest(raw)) throw invalid(file, toProblems(validateManifest.errors, ''))
  const m = raw as Omit<ThemeManifest, 'dir' | 'source'> & { $schema?: string }

  if (m.id !== folderName) throw invalid(file, [{ path: '/id', message: `must equal the folder name "${folderName}"` }])
  const families = m.fonts.map((f) => f.family)
  const dup = families.findIndex((f, i) => families.indexOf(f) !== i)
  if (dup >= 0) throw invalid(file, [{ path: `/fonts/${dup}/family`, message: 'is listed twice' }])

  // Each theme gets its own Ajv, so two themes' options may carry the same $id.
  let validate: ValidateFunction
  try {
    validate = newAjv().compile(m.options)
  } catch (err) {
    throw invalid(file, [{ path: '/options', message: `is not a valid JSON Schema: ${(err as Error).message}` }])
  }
  // The renderer maps font_family to one of the fonts it ships: it must name one.
  const fontOption = (m.options.properties as Record<string, { enum?: unknown }> | undefined)?.font_family
  if (fontOption && Array.isArray(fontOption.enum)) {
    const stray = fontOption.enum.findIndex((f) => !families.includes(f as string))
    if (stray >= 0) {
      throw invalid(file, [{ path: `/options/properties/font_family/enum/${stray}`, message: `must be the family of one of the theme's fonts (${families.join(', ')})` }])
    }
  }
  if (THEME_CHOICE_KEY in m.defaults) throw invalid(file, [{ path: `/defaults/${THEME_CHOICE_KEY}`, message: 'is the theme choice itself, not a default' }])
  if (!validate(m.defaults)) throw invalid(file, toProblems(validate.errors, '/defaults'))

  const { $schema: _schema, ...fields } = m
  const manifest: ThemeManifest = { ...fields, dir, source }
  return { manifest: deepFreeze(manifest), validate }
}

/** The theme folders of one root, in name order. Folders named `.x` or `_x` are not themes. */
function themeFolders (root: string): { dir: string, name: string }[] {
  let names: string[]
  try {
    names = readdirSync(root)
  } catch (err) {
    throw new ThemesErrors.DIR_UNREADABLE(root, (err as NodeJS.ErrnoException).code ?? (err as Error).message)
  }
  return names
    .filter((name) => !name.startsWith('.') && !name.startsWith('_'))
    .sort()
    .map((name) => ({ dir: join(root, name), name }))
    .filter(({ dir }) => isDirectory(dir))
}

function isDirectory (path: string): boolean {
  try {
    return statSync(path).isDirectory() // follows symlinks: a linked theme folder counts
  } catch (err) {
    throw new ThemesErrors.DIR_UNREADABLE(path, (err as NodeJS.ErrnoException).code ?? (err as Error).message)
  }
}

export class ThemeRegistry {
  private readonly themes = new Map<string, LoadedTheme>()

  /**
   * The built-in themes, then each operator folder in order: a theme whose id is already
   * loaded replaces it (an operator's `classic` overrides ours; a later folder wins).
   */
  static load ({ builtinDir = BUILTIN_THEMES_DIR, operatorDirs = [] }: { builtinDir?: string, operatorDirs?: string[] } = {}): ThemeRegistry {
    const registry = new ThemeRegistry()
    const roots = [{ root: builtinDir, source: 'builtin' as const }, ...operatorDirs.map((root) => ({ root, source: 'operator' as const }))]
    for (const { root, source } of roots) {
      for (const { dir, name } of themeFolders(root)) {
        const loaded = loadTheme(dir, name, source)
        registry.themes.set(loaded.manifest.id, loaded)
      }
    }
    return registry
  }

  /** Every theme (or those supporting `kind`), sorted by id. */
  list (kind?: ThemeKind): ThemeManifest[] {
    return [...this.themes.values()]
      .map((t) => t.manifest)
      .filter((m) => kind === undefined || m.supports.includes(kind))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  }

  /** The manifest (frozen: copy before changing anything), or undefined. */
  get (id: string): ThemeManifest | undefined {
    return this.themes.get(id)?.manifest
  }

  supports (id: string, kind: ThemeKind): boolean {
    return this.get(id)?.supports.includes(kind) ?? false
  }

  /**
   * Validates a theme_config. The key `template_id` is the theme choice itself and is
   * ignored here. Returns [] when valid, else [{path, message}] with JSON Pointer paths
   * prefixed by `prefix`, e.g. '/theme_config/primary_color'. Unknown keys are errors.
   * An unknown theme gives one problem rather than an exception, so a caller that forgot
   * to check answers 400, not 500. Does not mutate its input.
   */
  validateConfig (id: string, config: unknown, prefix = '/theme_config'): ConfigProblem[] {
    const theme = this.themes.get(id)
    if (!theme) return [{ path: prefix || '/', message: `no theme "${id}" is installed` }]
    if (!isPlainObject(config)) return [{ path: prefix || '/', message: 'must be an object' }]
    const { [THEME_CHOICE_KEY]: _choice, ...rest } = config
    return theme.validate(rest) ? [] : toProblems(theme.validate.errors, prefix)
  }

  /** A deep copy of the theme's defaults. Throws THEMES_NOT_FOUND for an unknown id. */
  defaults (id: string): Record<string, unknown> {
    return structuredClone(this.require(id).defaults)
  }

  /** A deep copy of the starter content for that kind (THEMES_KIND_UNSUPPORTED if none). */
  starter (id: string, kind: ThemeKind): Record<string, unknown> {
    const content = this.require(id).starter[kind]
    if (!content || !this.supports(id, kind)) throw new ThemesErrors.KIND_UNSUPPORTED(id, kind)
    return structuredClone(content)
  }

  private require (id: string): ThemeManifest {
    const manifest = this.get(id)
    if (!manifest) throw new ThemesErrors.NOT_FOUND(id)
    return manifest
  }
}
