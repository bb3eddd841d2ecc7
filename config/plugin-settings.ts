// Settings a plugin declares for itself: a `settings.ts` beside its index.ts (ours in plugins/,
// an operator's in a CVGEN_PLUGIN_DIRS folder) whose default export is definePluginSettings().
// loadConfig reads every such file before it validates anything, so a bad plugin setting is
// reported with all the others, before any plugin loads. The plugin reads its typed values
// back with pluginSettings(app.config, itsDefinition).
//
//   // <dir>/hello/settings.ts
//   import { definePluginSettings, p, setting } from '<cvgen>/config/plugin-settings.ts'
//   export default definePluginSettings({
//     HELLO_GREETING: setting(p.str, 'what /hello says', 'hi')
//   }, (v) => v.HELLO_GREETING.length > 40 ? ['HELLO_GREETING: at most 40 characters'] : [])
import { pluginFiles } from './plugin-folders.ts'
import { pathToFileURL } from 'node:url'
import type { Parser } from './parse.ts'

export * as p from './parse.ts'

export interface Setting<T> { parse: Parser<T>, default?: string, doc: string }
/** A setting; with a default, its value is never null (the type says so too). */
export function setting<T> (parse: Parser<T>, doc: string): Setting<T> & { default?: undefined }
export function setting<T> (parse: Parser<T>, doc: string, def: string): Setting<T> & { default: string }
export function setting<T> (parse: Parser<T>, doc: string, def?: string): Setting<T> {
  return { parse, doc, default: def }
}

type Table = Record<string, Setting<unknown>>
/** A setting's value: null when unset without a default. */
export type Values<T extends Table> = { [K in keyof T]: T[K] extends Setting<infer V> ? (T[K] extends { default: string } ? V : V | null) : never }

export interface PluginSettings<T extends Table = Table> {
  readonly settings: T
  /** Problems across settings (one needs another), as `NAME: what to do` lines. `all` holds every raw variable. */
  readonly check?: (values: Values<T>, all: Record<string, string | undefined>) => string[]
}

export function definePluginSettings<const T extends Table> (settings: T, check?: PluginSettings<T>['check']): PluginSettings<T> {
  return { settings, check }
}

/** One plugin folder's declaration, as found on disk. */
export interface FoundSettings { plugin: string, definition: PluginSettings }

/** Every `<dir>/<plugin>/settings.{ts,js}` of the folders, in folder then name order. */
export async function findPluginSettings (dirs: string[]): Promise<FoundSettings[]> {
  const found: FoundSettings[] = []
  for (const { plugin, path } of pluginFiles(dirs, ['settings.ts', 'settings.js'])) {
    // The module a plugin's index.ts imports too: its definition object is the key its values are filed under.
    const mod = await import(pathToFileURL(path).href) as { default?: PluginSettings }
    if (!mod.default || typeof mod.default.settings !== 'object') throw new Error(`${path}: the default export must be definePluginSettings({...})`)
    found.push({ plugin, definition: mod.default })
  }
  return found
}

/** What loadConfig files the values under; read it through pluginSettings(). */
export type PluginValues = Map<PluginSettings, Record<string, unknown>>

/** The plugin's validated values; throws if its settings.ts was not read (not a folder loadConfig knew). */
export function pluginSettings<T extends Table> (config: { pluginValues: PluginValues }, definition: PluginSettings<T>): Values<T> {
  const values = config.pluginValues.get(definition as unknown as PluginSettings)
  if (!values) throw new Error('these plugin settings were not loaded: is the plugin folder in plugins/ or CVGEN_PLUGIN_DIRS?')
  return values as Values<T>
}
