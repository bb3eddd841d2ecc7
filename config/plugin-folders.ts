// The files a plugin folder may carry beside its index.ts (settings.ts, cli.ts, storage.ts,
// migrations/), found the same way for every one of them: each folder of each plugin directory,
// in directory then name order, the first of `names` that exists.

import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

export interface PluginFile { plugin: string, path: string }

export function pluginFiles (dirs: string[], names: string[]): PluginFile[] {
  const found: PluginFile[] = []
  for (const dir of dirs) {
    if (!existsSync(dir)) continue
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (!entry.isDirectory()) continue
      const path = names.map((n) => join(dir, entry.name, n)).find((p) => existsSync(p))
      if (path) found.push({ plugin: entry.name, path })
    }
  }
  return found
}
