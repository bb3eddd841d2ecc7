// Module boundaries, checked: the kernel knows no plugin; a plugin reaches another only through
// its index.ts, for types; tables belong to one plugin; no plugin probes for another at run time;
// shipped code never reads test/. Collaboration goes through decorators, fastify-plugin
// dependencies and registration calls at boot (and the CLI's cli.ts convention).
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

const MIGRATIONS = join(ROOT, 'migrations')
const pluginOf = (path: string): string | null => path.startsWith(PLUGINS + '/') ? relative(PLUGINS, path).split('/')[0]! : null
const pluginSources = () => files(PLUGINS).filter((f) => !f.endsWith('.test.ts') && !f.endsWith('.d.ts'))

t.test('a plugin reaches another only through its index.ts, and only for types', async (t) => {
  const crossings: string[] = []
  for (const file of pluginSources()) {
    const own = pluginOf(file)
    // Static imports and re-exports (with their `type` keyword, if any) and dynamic imports.
    const source = readFileSync(file, 'utf8')
    for (const m of source.matchAll(/^\s*(import|export)(\s+type)?[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]/gm)) {
      const spec = m[3] ?? m[4]!
      const target = resolve(file, '..', spec)
      const other = pluginOf(target)
      if (!other || other === own) continue
      const typeOnly = m[2] !== undefined
      const throughIndex = /^index\.(ts|js)$/.test(relative(join(PLUGINS, other), target))
      if (!typeOnly || !throughIndex) crossings.push(`${relative(ROOT, file)} -> ${spec}${typeOnly ? '' : ' (not type-only)'}`)
    }
  }
  t.same(crossings, [], crossings.join('\n'))
})

/** Who owns each table: the plugin whose migration made it. A new table must be listed here. */
const OWNERS: Record<string, string> = {
  users: 'auth',
  refresh_tokens: 'auth',
  resumes: 'resumes',
  portfolios: 'portfolios',
  analysis_results: 'analysis',
  exports: 'exports',
  custom_domains: 'domains',
  parse_jobs: 'parse'
}

t.test('every table has an owner, and no plugin writes SQL against another plugin\'s table', async (t) => {
  const created = files(MIGRATIONS).flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/create table (?:if not exists )?"?([a-z_]+)/gi)].map((m) => m[1]!.toLowerCase()))
  t.same(created.filter((name) => !OWNERS[name]), [], 'each table made by a migration is listed in OWNERS')
  const names = Object.keys(OWNERS).join('|')
  // A table name right after a SQL keyword that names a table.
  const sql = new RegExp(`\\b(?:from|join|update|into|table|references)\\s+(${names})\\b(?!\\s*[:(=])`, 'gi')
  // Comments say "from users" in English; code is what counts.
  const code = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1')
  const trespass: string[] = []
  for (const file of pluginSources()) {
    const own = pluginOf(file)
    for (const m of code(readFileSync(file, 'utf8')).matchAll(sql)) {
      const owner = OWNERS[m[1]!.toLowerCase()]
      if (owner !== own) trespass.push(`${relative(ROOT, file)}: "${m[0]}" (${owner}'s table)`)
    }
  }
  t.same(trespass, [], trespass.join('\n'))
})

t.test('no hidden couplings: no plugin probes for another with hasDecorator, no shipped code reads test/', async (t) => {
  const shipped = [...pluginSources(), ...files(join(ROOT, 'kernel')), ...files(join(ROOT, 'config'))].filter((f) => !f.endsWith('.test.ts'))
  const probing = shipped.filter((f) => /\bhasDecorator\(/.test(readFileSync(f, 'utf8'))).map((f) => relative(ROOT, f))
  // Collaboration is declared: fastify-plugin dependencies plus registration calls at boot.
  t.same(probing, [], probing.join('\n'))
  // The image has no test/ folder (.dockerignore): code that reads it fails there.
  const readsTests = shipped.filter((f) => /['"`](?:\.\.\/)+test\//.test(readFileSync(f, 'utf8'))).map((f) => relative(ROOT, f))
  t.same(readsTests, [], readsTests.join('\n'))
})
