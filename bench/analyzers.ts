// `npm run bench` (after bench/analysis.ts), or `node bench/analyzers.ts`: the heuristic rules fed
// pathological documents at the largest size the API accepts (256 KB of JSON, strings of 20,000
// characters, 500 items; job descriptions of 20,000 characters), each family 3 times in this
// process, worst call reported with its wall and CPU time. Goal: worst CPU < 2 s, far inside the
// analysis thread's 30 s limit (CPU, since other work on a shared machine inflates wall time). The baseline row is the sample resume (with its job) in the same run.
// Resumes are checked against the API's own content validator first, so every row is a document
// a user could really save.
import { readFileSync } from 'node:fs'
import { analyzePortfolio } from '../plugins/ai-heuristic/portfolio.ts'
import { analyzeResume } from '../plugins/ai-heuristic/resume.ts'
import { warmUp } from '../plugins/ai-heuristic/spelling.ts'
import { validateResumeContent } from '../plugins/resumes/content.ts'
import { formatTable } from './lib.ts'

const RUNS = 3
const GOAL_MS = 2000
const MAX_STRING = 20_000
const MAX_JD = 20_000
const MAX_BYTES = 256 * 1024
type Doc = Record<string, unknown>

const fixture = (path: string) => readFileSync(new URL(`../samples/${path}`, import.meta.url), 'utf8')
const fill = (unit: string, n = MAX_STRING) => [...unit.repeat(Math.ceil(n / [...unit].length))].slice(0, n).join('')
/** As many 20,000-character highlights as fit in 256 KB of JSON. */
function work (make: (i: number) => string): Doc {
  const highlights: string[] = []
  const doc = { basics: { name: 'Bench' }, work: [{ name: 'X', position: 'Y', highlights }] }
  for (let i = 0; i < 500; i++) {
    highlights.push(make(i))
    if (Buffer.byteLength(JSON.stringify(doc)) > MAX_BYTES) { highlights.pop(); break }
  }
  return doc
}

let seed = 42
const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed }
const gibberish = (abc: string) => Array.from({ length: 2200 }, () => Array.from({ length: 8 }, () => abc[rnd() % abc.length]).join('')).join(' ').slice(0, MAX_STRING)

/** A few characters of every Unicode general category (assigned code points only). */
function everyCategory (): string {
  const cats = ['Lu', 'Ll', 'Lt', 'Lm', 'Lo', 'Mn', 'Mc', 'Me', 'Nd', 'Nl', 'No', 'Pc', 'Pd', 'Ps', 'Pe', 'Pi', 'Pf', 'Po', 'Sm', 'Sc', 'Sk', 'So', 'Zs', 'Zl', 'Zp', 'Cc', 'Cf', 'Co']
  const out: string[] = []
  for (const c of cats) {
    const re = new RegExp(`\\p{gc=${c}}`, 'u')
    let n = 0
    for (let cp = 0; cp < 0x10ffff && n < 40; cp += cp < 0x3000 ? 1 : 97) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue
      const ch = String.fromCodePoint(cp)
      if (re.test(ch)) { out.push(ch); n++ }
    }
  }
  return out.join('')
}

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth)
const deep = (depth: number, leaf: unknown): unknown => depth === 0 ? leaf : { k: [deep(depth - 1, leaf)] }
const jsonJob = JSON.stringify({ title: 'Engineer', skills: Array.from({ length: 400 }, (_, i) => ({ name: `Skill${i}`, keywords: [`k${i}a`, `k${i}b`] })) }).slice(0, MAX_JD)

interface Family { name: string, type?: 'resume' | 'portfolio', content: Doc, jd?: string | null }
const families: Family[] = [
  { name: 'baseline: sample.resume.json + sample.job.json', content: JSON.parse(fixture('jsonresume/sample.resume.json')), jd: fixture('jsonresume/sample.job.json') },
  { name: 'one 1,000-character word (summary)', content: { basics: { name: 'B', summary: 'x'.repeat(1000) } } },
  { name: 'long words: 12 x 20,000 letters', content: work(() => fill('a')) },
  { name: 'huge tokens: 12 x 20,000 digits + a letter', content: work(() => fill('7', MAX_STRING - 1) + 'a') },
  { name: 'repetition: "reduced latency by 40% "', content: work(() => fill('reduced latency by 40% ')) },
  { name: 'distinct unknown words, UPPERCASE', content: work(() => gibberish('ABCDEFGHIJKLMNOPQRSTUVWXYZ')) },
  { name: 'distinct unknown words, accented', content: work(() => gibberish('éèàüöçñ')) },
  { name: 'every Unicode general category', content: work((i) => fill(everyCategory().slice(i))) },
  { name: 'NUL and control characters', content: work(() => fill('a\u0000b\u0001 \u0007c\u001f ')) },
  { name: 'combining marks (zalgo)', content: work(() => 'a' + fill('\u0301\u0336\u0489', MAX_STRING - 1)) },
  { name: 'right-to-left text and overrides', content: work(() => fill('\u202eمرحبا بالعالم שלום עולם\u202c ')) },
  { name: 'emoji ZWJ sequences', content: work(() => fill('👩🏽‍💻👨‍👩‍👧‍👦🏳️‍🌈 ')) },
  { name: 'punctuation runs', content: work((i) => fill('!?.;:)"\'(,'[i % 10]!)) },
  { name: 'capitalised unknown words after commas', content: work(() => fill('word, Xq ')) },
  { name: 'nested unknown sections (depth 12)', content: { basics: { name: 'B' }, extra: deep(5, 'a'.repeat(MAX_STRING)) } },
  { name: 'JD: nested JSON 10,000 deep', content: work(() => fill('Built APIs in Node.js and React. ')), jd: nested(MAX_JD / 2) },
  { name: 'JD: 400 JSON skills, resume of "aaaa"', content: work(() => fill('a')), jd: jsonJob },
  { name: 'JD: "C C C ...", "!!!...", ")))..."', content: work(() => fill('C ')), jd: fill('C ', 7000) + fill('!', 6000) + fill(')', 7000) },
  { name: 'JD: distinct capitalised phrases', content: work(() => fill('Alpha Beta ')), jd: Array.from({ length: 3000 }, (_, i) => `x Ab${i} Cd${i}`).join(' ').slice(0, MAX_JD) },
  {
    name: 'portfolio: 12 x 20,000-char projects, 500 long tags',
    type: 'portfolio',
    content: { about: fill('build '), contact: { email: 'a@' + fill('a.', 240) }, projects: Array.from({ length: 12 }, () => ({ title: 'P', description: fill('struggled reduc '), tags: Array.from({ length: 500 }, (_, j) => `tag${j} zz zz zz zz`) })) }
  }
]

await warmUp()
await analyzeResume(families[0]!.content, families[0]!.jd ?? null, async () => {}) // compiles the tech-term patterns once
const rows: string[][] = []
let worstOverall = 0
for (const f of families) {
  const type = f.type ?? 'resume'
  if (type === 'resume') {
    const problems = validateResumeContent(f.content)
    if (problems.length) throw new Error(`${f.name}: the API would refuse this resume: ${JSON.stringify(problems[0])}`)
  }
  let worst = 0
  let cpu = 0
  for (let i = 0; i < RUNS; i++) {
    const c = process.cpuUsage()
    const start = performance.now()
    if (type === 'portfolio') await analyzePortfolio(f.content, async () => {})
    else await analyzeResume(f.content, f.jd ?? null, async () => {})
    const ms = performance.now() - start
    const used = process.cpuUsage(c)
    if (ms > worst) { worst = ms; cpu = (used.user + used.system) / 1000 }
  }
  worstOverall = Math.max(worstOverall, cpu)
  const bytes = Buffer.byteLength(JSON.stringify(f.content)) + Buffer.byteLength(f.jd ?? '')
  rows.push([f.name, (bytes / 1024).toFixed(0), worst.toFixed(0), cpu.toFixed(0), cpu < GOAL_MS ? 'ok' : 'OVER'])
}
console.log(`heuristic analyzers, worst of ${RUNS} calls per input family (in-process, the work the analysis thread does)\n`)
console.log(formatTable(['input family', 'KB', 'worst ms', 'its cpu ms', `cpu < ${GOAL_MS} ms`], rows))
console.log(`\nworst CPU ${worstOverall.toFixed(0)} ms (goal < ${GOAL_MS} ms)`)
if (worstOverall >= GOAL_MS) process.exitCode = 1
