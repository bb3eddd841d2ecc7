// `node bench/faults.ts [--rounds N]` (also in `npm run bench`): time to recover from each
// fault the fault suite makes, measured on real processes and services of the test's own — a
// Redis, a PostgreSQL cluster, worker processes started as operators start them — by running
// those tests and reading the figure each prints (`# <what>: <n> ms`). A table of medians over
// the rounds. There is no baseline process to divide by: the figures are absolute, and the
// issue's targets are the reference (Redis/PostgreSQL back -> first 2xx within 5 s, kill -> next
// attempt within 30 s, SIGTERM -> exit within 15 s).
import { spawnSync } from 'node:child_process'
import { loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const roundsArg = process.argv.indexOf('--rounds')
const rounds = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 3

const SCENARIOS: { file: string, grep?: string, figures: Record<string, string> }[] = [
  { file: 'test/faults/redis.test.ts', figures: { 'Redis back -> /readyz ok': 'Redis outage end -> first 2xx' } },
  { file: 'test/faults/postgres.test.ts', figures: { 'PostgreSQL back -> first 2xx': 'PostgreSQL outage end -> first 2xx', 'embedded PostgreSQL killed -> first 2xx': 'embedded PostgreSQL SIGKILLed -> restarted, first 2xx' } },
  { file: 'plugins/analysis/analysis.test.ts', grep: 'durability', figures: { 'kill -> next attempt started': 'worker SIGKILLed mid-analysis -> next attempt' } },
  {
    file: 'test/faults/workers.test.ts',
    figures: {
      'thumbnail: kill -> job completed': 'worker SIGKILLed mid-thumbnail -> completed',
      'export: kill -> job completed': 'worker SIGKILLed mid-export -> completed',
      'parse: kill -> job completed': 'worker SIGKILLed mid-parse -> completed'
    }
  },
  {
    file: 'test/faults/shutdown.test.ts',
    figures: {
      'SIGTERM -> exit (PostgreSQL and Redis)': 'SIGTERM (request, upload, stream, job) -> exit 0, PostgreSQL',
      'SIGTERM -> exit (the embedded default)': 'SIGTERM (request, upload, stream, job) -> exit 0, embedded',
      "server up -> handed-back job's next attempt (PostgreSQL and Redis)": 'restart -> handed-back job runs, PostgreSQL',
      "server up -> handed-back job's next attempt (the embedded default)": 'restart -> handed-back job runs, embedded'
    }
  }
]

const results = new Map<string, number[]>()
for (let round = 0; round < rounds; round++) {
  for (const s of SCENARIOS) {
    const args = ['tap', '--reporter=tap', s.file, ...(s.grep ? [`--grep=${s.grep}`] : [])]
    const run = spawnSync('npx', args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    for (const [line, label] of Object.entries(s.figures)) {
      const m = new RegExp(`# ${line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: (\\d+|Infinity) ms`).exec(run.stdout)
      const list = results.get(label) ?? []
      list.push(m ? Number(m[1]) : NaN)
      results.set(label, list)
    }
    if (run.status !== 0) console.error(`# ${s.file} failed in round ${round + 1} (its figures may be missing)`)
  }
}

const median = (xs: number[]) => { const v = xs.filter(Number.isFinite).sort((a, b) => a - b); return v.length ? v[Math.floor(v.length / 2)]! : NaN }
console.log(`\nRecovery after faults (${rounds} rounds, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ms, median [all])`)
console.log('| fault | median ms | rounds |')
console.log('|---|---|---|')
for (const [label, xs] of results) console.log(`| ${label} | ${median(xs)} | ${xs.join(', ')} |`)
