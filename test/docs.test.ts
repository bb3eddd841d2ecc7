// Generated reference documents stay equal to what generates them, and the hand-written ones
// link only to what exists.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { ERRORS_DOC, errorsDoc } from '../scripts/errors-doc.ts'
import { SETTINGS_DOC, settingsDoc } from '../scripts/settings-doc.ts'

t.test('docs/settings.md is the settings tables (node scripts/settings-doc.ts rewrites it)', async (t) => {
  t.equal(readFileSync(SETTINGS_DOC, 'utf8'), await settingsDoc())
})

t.test('docs/errors.md is the error tables (node scripts/errors-doc.ts rewrites it)', async (t) => {
  t.equal(readFileSync(ERRORS_DOC, 'utf8'), await errorsDoc())
})

// Every relative link of the hand-written docs (README.md, docs/*.md, plugins/*/README.md)
// names a file that exists, and a #fragment names a heading of that file (GitHub's anchors).
const ROOT = fileURLToPath(new URL('..', import.meta.url))

function markdownFiles (): string[] {
  const docs = readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join('docs', f))
  const plugins = readdirSync(join(ROOT, 'plugins')).map((p) => join('plugins', p, 'README.md')).filter((f) => existsSync(join(ROOT, f)))
  return ['README.md', ...docs, ...plugins]
}

/** The text outside fenced code blocks and inline code, where links and headings live. */
function prose (text: string): string {
  return text.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '``')
}

/** GitHub's heading anchors: lower-cased, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors (text: string): Set<string> {
  const seen = new Map<string, number>()
  const out = new Set<string>()
  for (const m of text.replace(/^```[\s\S]*?^```/gm, '').matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = m[1]!.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-')
    const n = seen.get(base) ?? 0
    seen.set(base, n + 1)
    out.add(n === 0 ? base : `${base}-${n}`)
  }
  return out
}

t.test('relative links in README.md, docs/ and the plugins\' READMEs resolve', async (t) => {
  const broken: string[] = []
  for (const file of markdownFiles()) {
    const text = readFileSync(join(ROOT, file), 'utf8')
    for (const m of prose(text).matchAll(/\]\(([^)\s]+)\)/g)) {
      const link = m[1]!
      if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue // https:, mailto:
      const [path, fragment] = link.split('#') as [string, string | undefined]
      const target = path === '' ? join(ROOT, file) : resolve(ROOT, dirname(file), path)
      if (!existsSync(target)) { broken.push(`${file}: ${link} (no such file)`); continue }
      if (fragment !== undefined && target.endsWith('.md') && !anchors(readFileSync(target, 'utf8')).has(fragment)) {
        broken.push(`${file}: ${link} (no such heading)`)
      }
    }
  }
  t.same(broken, [], broken.join('\n'))
})

t.test('README.md holds the two fresh-machine commands, and .ci/run runs its test command', async (t) => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  const start = '. scripts/node.sh && npm ci && npm start'
  const suite = '. scripts/node.sh && test/system-deps.sh && npm ci && npm run build && npm run lint && npm test'
  t.ok(readme.includes('```sh\n' + start + '\n```'), 'the install-and-start command')
  t.ok(readme.includes('```sh\n' + suite + '\n```'), 'the install-and-test command')
  const ci = readFileSync(join(ROOT, '.ci/run'), 'utf8').trim().split('\n')
  t.equal(ci.at(-1), suite, '.ci/run ends with exactly that command')
})
