// Rules stay rules: every metric the heuristic computes exactly (ATS, quantified-bullet share,
// weak phrases, spelling, keyword gap, STAR cues, ...) is kept as is; the model adds judgement
// (critique, tone, STAR assessment, rewrites, its own strengths and improvements). Its claimed
// scores are compared with the rules' and, when they contradict them by more than FLAG_MARGIN
// points, flagged and not used. metrics.sources and the report say which part came from where.
import type { AnalysisOutput, AnalysisType } from '../ai/index.ts'
import type { Attempt } from './call.ts'
import { SCORE_KEYS, type Judgement } from './schemas.ts'

export const FLAG_MARGIN = 30
/** The model's share of overall_score when its scores agree with the rules. */
export const MODEL_WEIGHT = 0.25

export interface Flag { code: string, message: string, details?: unknown }
export interface LlmMeta {
  provider: string
  requested_model: string
  prompt_id: string
  prompt_version: number
  attempts: Attempt[]
}

// Text addressed to an AI rather than to a reader: it stays data, and the report says so.
const INSTRUCTIONS = /\b(ignore|disregard|forget)\b[^.\n]{0,40}\b(instructions|prompts?|rules)\b|\b(score|rate|grade)\s+(this|me|it|the)\b[^.\n]{0,40}\b100\b|\bsystem prompt\b|\byou are (an?|the) (ai|assistant|language model)\b/i

/** Does `path` (e.g. work[0].highlights[1]) name a value in the document? */
export function pathExists (doc: unknown, path: string): boolean {
  if (!/^[A-Za-z_]\w*(\.[A-Za-z_]\w*|\[\d+\])*$/.test(path)) return false
  let cur: unknown = doc
  for (const t of path.match(/[A-Za-z_]\w*|\[\d+\]/g)!) {
    if (cur === null || typeof cur !== 'object') return false
    const key = t.startsWith('[') ? Number(t.slice(1, -1)) : t
    if (Array.isArray(cur) !== (typeof key === 'number') || !Object.hasOwn(cur as object, key)) return false
    cur = (cur as Record<string | number, unknown>)[key]
  }
  return true
}

const ruleKeys = (rules: AnalysisOutput) => Object.keys(rules.metrics).filter((k) => k !== 'weights')
const demote = (markdown: string) => markdown.replace(/^(#+) /gm, '#$1 ')

export function merge (type: AnalysisType, content: Record<string, unknown>, rules: AnalysisOutput, j: Judgement, meta: LlmMeta, model: string, usage: unknown): AnalysisOutput {
  const ruleScores: Record<string, number> = { overall_score: rules.overall_score }
  for (const k of SCORE_KEYS[type]) ruleScores[k] = Number(rules.metrics[k])
  const claimed: Record<string, number> = { overall_score: j.overall_score, ...j.scores }
  const flags: Flag[] = []
  const contradictions = Object.keys(ruleScores)
    .filter((k) => Math.abs(claimed[k]! - ruleScores[k]!) > FLAG_MARGIN)
    .map((k) => ({ key: k, claimed: claimed[k], rules: ruleScores[k] }))
  if (contradictions.length > 0) {
    flags.push({
      code: 'SCORE_CONTRADICTS_RULES',
      message: `The model claimed ${contradictions.map((c) => `${c.key} ${c.claimed} where the rules measured ${c.rules}`).join(', ')}; its scores and praise were not used`,
      details: contradictions
    })
  }
  if (INSTRUCTIONS.test(JSON.stringify(content))) {
    flags.push({ code: 'INSTRUCTIONS_IN_DOCUMENT', message: 'The document contains text addressed to an AI (such as "ignore previous instructions"); it was treated as data only' })
  }
  const known = (p: { path: string }) => pathExists(content, p.path)
  const rewrites = j.rewrites.filter(known)
  const star = j.star.filter(known)
  const dropped = j.rewrites.length - rewrites.length + j.star.length - star.length
  if (dropped > 0) flags.push({ code: 'UNKNOWN_PATHS', message: `${dropped} rewrite or STAR item(s) named a place that is not in the document and were dropped` })

  const trusted = contradictions.length === 0
  const overall = trusted ? Math.round((1 - MODEL_WEIGHT) * rules.overall_score + MODEL_WEIGHT * j.overall_score) : rules.overall_score
  const strengths = [...rules.strengths, ...(trusted ? j.strengths : [])]
  const improvements = [...rules.improvements, ...j.improvements]
  const overallSource = trusted
    ? `${100 - MODEL_WEIGHT * 100}% rules (${rules.overall_score}) + ${MODEL_WEIGHT * 100}% model (${j.overall_score})`
    : `rules only (${rules.overall_score}): the model's scores contradict the rules`

  const metrics = {
    ...rules.metrics,
    judgement: { score: j.overall_score, claimed_scores: j.scores, critique: j.critique, tone: j.tone, star, rewrites },
    sources: {
      rules: ruleKeys(rules),
      model: ['judgement'],
      overall_score: overallSource,
      strengths: { rules: rules.strengths.length, model: strengths.length - rules.strengths.length },
      improvements: { rules: rules.improvements.length, model: j.improvements.length }
    },
    llm: { ...meta, model, usage: usage ?? null, latency_ms: meta.attempts.reduce((n, a) => n + a.ms, 0), rule_scores: ruleScores, flags, fallback: null }
  }

  const lines = [
    `# ${type === 'resume' ? 'Resume' : 'Portfolio'} analysis (rules + ${meta.provider} ${model}, prompt ${meta.prompt_id} v${meta.prompt_version})`, '',
    `**Overall score: ${overall}/100**: ${overallSource}.`, '',
    ...flags.flatMap((f) => [`> **Flag ${f.code}:** ${f.message}`, '']),
    `## The model's judgement (${model})`, '',
    ...(trusted ? [] : ['_Shown for reference only: the model\'s scores contradict the measured ones._', '']),
    j.critique, '',
    `**Tone:** ${j.tone.verdict}: ${j.tone.comment}`, '',
    ...(star.length ? ['### STAR assessment', '', '| Entry | Rating | Comment |', '| --- | --- | --- |', ...star.map((s) => `| ${s.path} | ${s.rating} | ${s.comment.replace(/\|/g, '/').replace(/\n/g, ' ')} |`), ''] : []),
    ...(rewrites.length ? ['### Suggested rewrites', '', ...rewrites.map((r) => `- **${r.path}**: "${r.original}" → "${r.rewrite}" (${r.reason})`), ''] : []),
    '## Measured by the rules (offline, exact)', '',
    demote(rules.detailed_report.replace(/^# .*\n+/, ''))
  ]
  return {
    overall_score: overall,
    metrics,
    strengths,
    improvements,
    detailed_report: lines.join('\n'),
    model_used: model,
    prompt_id: meta.prompt_id,
    prompt_version: String(meta.prompt_version)
  }
}

/** The heuristic result, marked: the model was not used, and why. */
export function fallback (rules: AnalysisOutput, meta: LlmMeta, reason: string): AnalysisOutput {
  return {
    ...rules,
    metrics: {
      ...rules.metrics,
      sources: { rules: ruleKeys(rules), model: [], overall_score: `rules only (${rules.overall_score}): the model was not used` },
      llm: { ...meta, model: null, latency_ms: meta.attempts.reduce((n, a) => n + a.ms, 0), flags: [], fallback: { reason } }
    },
    detailed_report: `> **Fallback:** ${meta.provider} (${meta.requested_model}, prompt ${meta.prompt_id} v${meta.prompt_version}) was not used: ${reason}. Everything below comes from the offline rules.\n\n${rules.detailed_report}`
  }
}
