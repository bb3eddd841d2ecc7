// `prompts eval`: runs prompt versions through a provider over the fixture documents and prints,
// side by side, each fixture's score, the model's claimed score, its agreement with the rule
// metrics, whether the answer was schema-valid, and latency; then totals per version.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import type { FastifyInstance } from 'fastify'
import type { AnalysisOutput, AnalysisType } from '../ai/index.ts'
import type { Prompt, PromptStore } from './store.ts'

export class EvalError extends Error {}

export interface EvalOptions { id: string, version?: number, against?: number, provider?: string, fixturesDir: string }
export interface Fixture { name: string, content: Record<string, unknown>, jobDescription: string | null }
export interface EvalRow { rules: number, score: number, claimed: number | null, delta: number | null, within: number, compared: number, valid: 'first' | 'retry' | 'fallback', ms: number, flags: string[], reason: string | null }

const SHORT_FLAGS: Record<string, string> = { SCORE_CONTRADICTS_RULES: 'contradicts', INSTRUCTIONS_IN_DOCUMENT: 'injection', UNKNOWN_PATHS: 'bad-paths' }

/** Agreement counts a claimed score as agreeing when within this many points of the rules'. */
export const AGREEMENT_POINTS = 15

/**
 * *.resume.json (with a sibling *.job.json as its job description) or portfolio.*.json /
 * *.portfolio.json, two levels deep. samples/corpus is the resume parser's corpus (its truth
 * files are resumes too), not analysis fixtures: skipped, like plugins/.
 */
export function loadFixtures (dir: string, type: AnalysisType): Fixture[] {
  const files: string[] = []
  const walk = (d: string, depth: number) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name)
      if (statSync(path).isDirectory()) { if (depth < 2 && name !== 'plugins' && name !== 'corpus') walk(path, depth + 1) } else files.push(path)
    }
  }
  walk(dir, 0)
  const isType = (f: string) => type === 'resume' ? /\.resume\.json$/.test(f) : /(^|\/)portfolio\.[^/]*\.json$|\.portfolio\.json$/.test(f)
  return files.filter(isType).map((path) => {
    const job = path.replace(/\.resume\.json$/, '.job.json')
    return {
      name: relative(dir, path),
      content: JSON.parse(readFileSync(path, 'utf8')),
      jobDescription: job !== path && files.includes(job) ? readFileSync(job, 'utf8') : null
    }
  })
}

/** The row of one analysis, read from what the LLM provider records in metrics.llm. */
export function rowOf (out: AnalysisOutput): EvalRow {
  const llm = (out.metrics.llm ?? {}) as { attempts?: Array<{ ms: number, outcome: string }>, rule_scores?: Record<string, number>, flags?: Array<{ code: string }>, fallback?: { reason: string } | null }
  const judgement = out.metrics.judgement as { score: number, claimed_scores: Record<string, number> } | undefined
  const attempts = llm.attempts ?? []
  const ms = attempts.reduce((n, a) => n + a.ms, 0)
  const valid = llm.fallback ? 'fallback' : attempts.some((a) => a.outcome === 'invalid') ? 'retry' : 'first'
  let delta: number | null = null
  let within = 0
  let compared = 0
  if (judgement && llm.rule_scores) {
    const claimed: Record<string, number> = { overall_score: judgement.score, ...judgement.claimed_scores }
    const diffs = Object.keys(llm.rule_scores).filter((k) => k in claimed).map((k) => Math.abs(claimed[k]! - llm.rule_scores![k]!))
    compared = diffs.length
    within = diffs.filter((d) => d <= AGREEMENT_POINTS).length
    delta = diffs.length ? diffs.reduce((a, b) => a + b, 0) / diffs.length : null
  }
  // On a fallback the stored score is the rules' own.
  return { rules: llm.rule_scores?.overall_score ?? out.overall_score, score: out.overall_score, claimed: judgement?.score ?? null, delta, within, compared, valid, ms, flags: (llm.flags ?? []).map((f) => f.code), reason: llm.fallback?.reason ?? null }
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.floor((s.length - 1) / 2)]! : 0 }
const pct = (n: number, d: number) => d ? `${n}/${d} ${Math.round(100 * n / d)}%` : '-'

export function summary (rows: EvalRow[]) {
  const compared = rows.reduce((n, r) => n + r.compared, 0)
  const deltas = rows.filter((r) => r.delta !== null).map((r) => r.delta!)
  return {
    first: rows.filter((r) => r.valid === 'first').length,
    valid: rows.filter((r) => r.valid !== 'fallback').length,
    within: rows.reduce((n, r) => n + r.within, 0),
    compared,
    meanDelta: deltas.length ? deltas.reduce((a, b) => a + b, 0) / deltas.length : null,
    medianMs: median(rows.map((r) => r.ms)),
    flagged: rows.filter((r) => r.flags.length > 0).length,
    n: rows.length
  }
}

function table (header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (r: string[]) => r.map((c, i) => i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)).join('  ').trimEnd()
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')
}

/** The checks that need only the prompt files; returns the candidate version's prompt. */
export function checkEval (prompts: PromptStore, o: EvalOptions): Prompt {
  const candidate = prompts.get(o.id, o.version)
  if (!candidate) throw new EvalError(`no prompt ${o.id}${o.version ? ` v${o.version}` : ''} (have ${prompts.ids().map((i) => `${i} v${prompts.versions(i).join('/v')}`).join(', ')})`)
  if (o.against !== undefined && !prompts.get(o.id, o.against)) throw new EvalError(`no prompt ${o.id} v${o.against} (have v${prompts.versions(o.id).join(', v')})`)
  if (o.provider === 'heuristic') throw new EvalError('the heuristic provider uses no prompt: pass --provider openai (or anthropic, or your own)')
  return candidate
}

export async function runEval (app: FastifyInstance, o: EvalOptions): Promise<string> {
  const candidate = checkEval(app.prompts, o)
  const providerName = o.provider ?? app.config.ai.provider
  const provider = app.ai.get(providerName)
  if (!provider || providerName === 'heuristic') throw new EvalError(`no LLM provider "${providerName}" (registered: ${app.ai.names().join(', ')})`)
  const fixtures = loadFixtures(o.fixturesDir, candidate.target)
  if (fixtures.length === 0) throw new EvalError(`no ${candidate.target} fixtures in ${o.fixturesDir}`)

  const versions = o.against !== undefined && o.against !== candidate.version ? [o.against, candidate.version] : [candidate.version]
  const results = new Map<number, EvalRow[]>(versions.map((v) => [v, []]))
  let answered = ''
  for (const f of fixtures) {
    for (const v of versions) {
      const out = await provider.analyze(
        { type: candidate.target, content: f.content, title: f.name, jobDescription: f.jobDescription, promptVersion: v },
        { signal: AbortSignal.timeout(120_000), deadline: Date.now() + 110_000, onProgress: async () => {} })
      if (out.model_used !== 'heuristic-rules') answered = out.model_used
      results.get(v)!.push(rowOf(out))
    }
  }

  const label = (v: number) => `v${v}${v === o.against ? ' (baseline)' : ''}`
  const header = ['fixture', 'rules', ...versions.flatMap((v) => [`v${v} score`, 'claim', 'Δ', 'valid', 'ms', 'flags'])]
  const rows = fixtures.map((f, i) => {
    const cells = versions.flatMap((v) => {
      const r = results.get(v)![i]!
      return [String(r.score), r.claimed === null ? '-' : String(r.claimed), r.delta === null ? '-' : r.delta.toFixed(1), r.valid, String(r.ms), r.flags.map((f) => SHORT_FLAGS[f] ?? f).join(',') || '-']
    })
    // The rules do not depend on the prompt: the first version's record of them serves all.
    return [f.name + (f.jobDescription ? ' +job' : ''), String(results.get(versions[0]!)![i]!.rules), ...cells]
  })
  const sums = versions.map((v) => summary(results.get(v)!))
  const totals = [
    ['schema-valid, first answer', ...sums.map((s) => pct(s.first, s.n))],
    ['schema-valid after one retry', ...sums.map((s) => pct(s.valid, s.n))],
    [`agreement with rules (claims within ±${AGREEMENT_POINTS})`, ...sums.map((s) => pct(s.within, s.compared))],
    ['mean Δ from rule metrics (points)', ...sums.map((s) => s.meanDelta === null ? '-' : s.meanDelta.toFixed(1))],
    ['flagged (score contradicts rules, ...)', ...sums.map((s) => String(s.flagged))],
    ['median latency (ms)', ...sums.map((s) => String(s.medianMs))]
  ]
  const reasons = [...new Set(versions.flatMap((v) => results.get(v)!.map((r) => r.reason).filter(Boolean)))]
  return [
    `prompts eval ${o.id}: ${versions.map(label).join(' vs ')}, provider ${providerName}, model ${answered || '(none answered)'}, ${fixtures.length} ${candidate.target} fixtures from ${relative(process.cwd(), o.fixturesDir) || '.'}`,
    '',
    table(header, rows),
    '',
    table(['', ...versions.map(label)], totals),
    ...(reasons.length ? ['', 'fallback reasons:', ...reasons.map((r) => `  - ${r}`)] : []),
    '',
    'rules: the rules\' overall score; score: the stored overall score; claim: the model\'s own; Δ: mean |claimed - measured| over overall and sub-scores;',
    'valid: first answer, after the one retry, or fallback to the rules; ms: time in the LLM API; flags: contradicts (score contradicts the rules), injection, bad-paths.'
  ].join('\n')
}
