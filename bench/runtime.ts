// `npm run bench` (with the others), or `node bench/runtime.ts [--rounds N]`: what running the
// TypeScript sources directly costs, as an operator starts the server, against the floor of
// no TypeScript at all.
//   strip - the product: `node kernel/server.ts` (npm start's command), Node stripping types
//   js    - the baseline: the same sources compiled by tsc to JavaScript (a temporary folder,
//           built first), `node kernel/server.js`
// Per round: start-up (spawn to "Server listening") and, after 5 s idle, the process's RSS and
// PSS. Production settings, PostgreSQL and Redis on the machine, one scratch database migrated
// before the rounds (a restart, not a first install). Rounds alternate the order; ratios are
// per round, quoted as medians.
import { execFileSync, spawn } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createDatabase, formatTable, randomId } from './lib.ts'

const ADMIN_URL = process.env.CVGEN_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const ROOT = fileURLToPath(new URL('..', import.meta.url))
const roundsArg = process.argv.indexOf('--rounds')
const ROUNDS = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 5
const SOURCES = ['config', 'kernel', 'plugins', 'migrations']
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2 }

/** tsc's output of the server's sources, with the data folders they read beside it. */
function compile (): string {
  const out = mkdtempSync(join(tmpdir(), 'cvgen-bench-js-'))
  const tsconfig = join(out, 'tsconfig.json')
  writeFileSync(tsconfig, JSON.stringify({
    extends: join(ROOT, 'tsconfig.json'),
    // Imports name .ts files; rewriteRelativeImportExtensions makes them .js in the output.
    compilerOptions: { noEmit: false, outDir: out, rootDir: ROOT, rewriteRelativeImportExtensions: true, typeRoots: [join(ROOT, 'node_modules/@types')] },
    include: SOURCES.map((d) => join(ROOT, d)),
    exclude: [join(ROOT, '**/*.test.ts')]
  }))
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', tsconfig], { stdio: 'inherit' })
  // Non-TypeScript files inside the sources (JSON data, SQL) go where the code looks for them.
  const copy = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name)
      if (e.isDirectory()) copy(path)
      else if (!e.name.endsWith('.ts')) {
        const to = join(out, relative(ROOT, path))
        mkdirSync(dirname(to), { recursive: true })
        cpSync(path, to)
      }
    }
  }
  for (const d of SOURCES) copy(join(ROOT, d))
  for (const d of ['themes', 'prompts', 'node_modules', 'test', 'package.json']) symlinkSync(join(ROOT, d), join(out, d))
  return out
}

function kib (pid: number, file: string, key: string): number {
  try {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/${file}`, 'utf8'))
    return m ? Number(m[1]) : 0
  } catch { return 0 }
}

interface Sample { startMs: number, rssMiB: number, pssMiB: number }

async function measure (cwd: string, script: string, env: Record<string, string>): Promise<Sample> {
  const t0 = performance.now()
  const child = spawn(process.execPath, [script], { cwd, env })
  let out = ''
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()))
  const startMs = await new Promise<number>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d
      if (/Server listening at/.test(out)) resolve(performance.now() - t0)
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    void exited.then(() => reject(new Error(`${script} exited before listening:\n${out}`)))
  })
  await sleep(5000)
  const sample = { startMs, rssMiB: kib(child.pid!, 'status', 'VmRSS') / 1024, pssMiB: kib(child.pid!, 'smaps_rollup', 'Pss') / 1024 }
  child.kill('SIGTERM')
  await exited
  return sample
}

const db = await createDatabase(ADMIN_URL, `bench_runtime_${randomId()}`)
const dataDir = mkdtempSync(join(tmpdir(), 'cvgen-bench-runtime-'))
let js: string | null = null
try {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    NODE_ENV: 'production',
    PORT: '0',
    LOG_LEVEL: 'info',
    DATABASE_URL: db.url,
    REDIS_URL: 'redis://127.0.0.1:6379',
    JWT_SECRET: randomId(24),
    DATA_DIR: dataDir
  }
  console.log('compiling the sources with tsc for the baseline ...')
  js = compile()
  const scenarios = {
    strip: () => measure(ROOT, 'kernel/server.ts', env),
    js: () => measure(js!, 'kernel/server.js', env)
  }
  await scenarios.strip() // migrates the scratch database; not counted
  const samples: Record<keyof typeof scenarios, Sample[]> = { strip: [], js: [] }
  for (let round = 0; round < ROUNDS; round++) {
    const order = (round % 2 ? ['js', 'strip'] : ['strip', 'js']) as (keyof typeof scenarios)[]
    for (const name of order) samples[name].push(await scenarios[name]())
    const [s, j] = [samples.strip.at(-1)!, samples.js.at(-1)!]
    console.log(`round ${round + 1}/${ROUNDS}: strip ${s.startMs.toFixed(0)} ms ${s.rssMiB.toFixed(1)} MiB, js ${j.startMs.toFixed(0)} ms ${j.rssMiB.toFixed(1)} MiB`)
  }
  const ratio = (key: keyof Sample) => median(samples.strip.map((s, i) => s[key] / samples.js[i]![key])).toFixed(2)
  const row = (name: string, xs: Sample[], ratios: boolean): string[] => [
    name,
    median(xs.map((x) => x.startMs)).toFixed(0), ratios ? ratio('startMs') : '1',
    median(xs.map((x) => x.rssMiB)).toFixed(1), ratios ? ratio('rssMiB') : '1',
    median(xs.map((x) => x.pssMiB)).toFixed(1), ratios ? ratio('pssMiB') : '1'
  ]
  console.log(`\nServer start-up and idle memory, ${ROUNDS} alternating rounds (medians; ratios: median of per-round ratios)\n`)
  console.log(formatTable(
    ['scenario', 'start ms', 'vs js', 'idle RSS MiB', 'vs js', 'idle PSS MiB', 'vs js'],
    [row('node kernel/server.ts (type stripping, npm start)', samples.strip, true), row('tsc-compiled JavaScript (baseline)', samples.js, false)]
  ))
} finally {
  if (js) rmSync(js, { recursive: true, force: true })
  rmSync(dataDir, { recursive: true, force: true })
  await db.drop()
}
