// The kernel knows no plugin: nothing under kernel/ imports from plugins/ (plugins register
// into the kernel through decorators, autoload and the CLI's cli.ts convention).
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const PLUGINS = join(ROOT, 'plugins')

function files (dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [])
}

t.test('kernel/ imports nothing from plugins/', async (t) => {
  const crossings: string[] = []
  for (const file of files(join(ROOT, 'kernel')).filter((f) => !f.endsWith('.test.ts'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
      if (resolve(file, '..', m[1]!).startsWith(PLUGINS)) crossings.push(`${relative(ROOT, file)} -> ${m[1]}`)
    }
  }
  t.same(crossings, [], crossings.join('\n'))
})
