// The suite runs on the runtime package.json's engines names, and scripts/node.sh (which
// README's commands and .ci/run source) gets a shell onto it from a machine's older node.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import t from 'tap'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const floor = Number(/^>=(\d+)/.exec((JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { engines: { node: string } }).engines.node)![1])

t.test('the tests run on Node >= the engines floor', async (t) => {
  t.equal(floor, 24)
  t.ok(Number(process.versions.node.split('.')[0]) >= floor, `running on ${process.version}`)
})

t.test('sourcing scripts/node.sh puts Node 24 first on PATH, from any shell PATH', async (t) => {
  // The machine's own PATH only (its node may be older); sh, as a POSIX shell would.
  const out = execFileSync('sh', ['-c', '. scripts/node.sh && node -p "process.versions.node" && command -v node'], {
    cwd: ROOT, env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' }, encoding: 'utf8'
  }).trim().split('\n')
  t.ok(Number(out.at(-2)!.split('.')[0]) >= floor, `node ${out.at(-2)}`)
  // Sourcing twice leaves one entry on PATH.
  const path = execFileSync('sh', ['-c', '. scripts/node.sh && . scripts/node.sh && echo "$PATH"'], { cwd: ROOT, env: { PATH: '/usr/bin:/bin' }, encoding: 'utf8' }).trim()
  t.ok(path.split(':').filter((p) => p.endsWith('/bin') && p.includes('.node')).length <= 1, path)
})

t.test('Node runs the TypeScript itself: no loader in the start command, the CLI or the tests', async (t) => {
  const scripts = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> }).scripts
  t.equal(scripts.start, 'exec node --max-semi-space-size=16 kernel/server.ts')
  t.equal(scripts.cli, 'node kernel/cli.ts')
  // This file was loaded by type stripping, as the server is, not through a loader's hooks.
  t.equal((process.features as { typescript?: string | false }).typescript, 'strip')
  t.notOk([...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) => /tsx|ts-node|esbuild|swc/.test(a)), 'no TypeScript loader preloaded')
})
