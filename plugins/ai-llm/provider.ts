// Any LlmCompleter as an analysis provider: the heuristic rules first (exact metrics, also
// handed to the prompt as facts), then the active prompt through the model with the shared
// call policy, then rules and judgement merged, or the heuristic result with the reason.
import type { FastifyBaseLogger } from 'fastify'
import type { AiRegistry, AnalysisContext, AnalysisInput, AnalysisOutput, AnalysisProvider } from '../ai/index.ts'
import type { LlmCompleter } from '../../kernel/llm.ts'
import type { PromptStore } from '../prompts/index.ts'
import { askFor, DEFAULT_BUDGET_MS, type CallResult } from './call.ts'
import { fallback, merge, type LlmMeta } from './merge.ts'
import { OUTPUT_SCHEMAS, readAnswer, SCORE_KEYS, type Judgement } from './schemas.ts'

export interface LlmSettings { model: string | null, timeoutMs: number }
interface Deps { ai: AiRegistry, prompts: PromptStore, settings: LlmSettings, log: FastifyBaseLogger }

/** Data goes into prompts between tags; a closing tag inside the data must not end the block early. */
export const asData = (text: string) => text.replace(/<\//g, '<\\/')

export const promptIdFor = (type: AnalysisInput['type']) => `${type}-analysis`

export class LlmAnalysisProvider implements AnalysisProvider {
  private readonly completer: LlmCompleter
  private readonly deps: Deps

  constructor (completer: LlmCompleter, deps: Deps) {
    this.completer = completer
    this.deps = deps
  }

  get name (): string { return this.completer.name }

  async analyze (input: AnalysisInput, ctx: AnalysisContext): Promise<AnalysisOutput> {
    const heuristic = this.deps.ai.get('heuristic')
    if (!heuristic) throw new Error('the heuristic provider (plugins/ai-heuristic) is not registered; LLM providers build on it')
    const rules = await heuristic.analyze(input, { ...ctx, onProgress: (p, step) => ctx.onProgress(Math.round(p * 0.4), `rules:${step}`) })

    const prompt = this.deps.prompts.require(promptIdFor(input.type), input.promptVersion)
    const model = this.deps.settings.model ?? this.completer.defaultModel
    const meta: LlmMeta = { provider: this.name, requested_model: model, prompt_id: prompt.id, prompt_version: prompt.version, attempts: [] }
    const output = OUTPUT_SCHEMAS[prompt.output_schema]
    if (!output || output.type !== input.type) return fallback(rules, meta, `prompt ${prompt.file} names output schema "${prompt.output_schema}", which is not a ${input.type} schema`)

    const scoreKeys = SCORE_KEYS[input.type]
    const ruleScores = Object.fromEntries([['overall_score', rules.overall_score], ...scoreKeys.map((k) => [k, rules.metrics[k]])])
    const { system, user } = prompt.render({
      type: input.type,
      title: asData(input.title),
      document: asData(JSON.stringify(input.content, null, 2)),
      job_description: input.jobDescription ? asData(input.jobDescription) : null,
      rule_scores: JSON.stringify(ruleScores),
      rule_findings: rules.improvements.slice(0, 20).map(asData),
      score_keys: scoreKeys.join(', '),
      schema: JSON.stringify(output.schema)
    })

    await ctx.onProgress(45, 'llm')
    const result: CallResult<Judgement> = await askFor({
      completer: this.completer,
      request: { system, user, model, schema: { name: prompt.output_schema.replace(/[^\w-]/g, '_'), schema: output.schema }, temperature: prompt.temperature, maxTokens: prompt.max_tokens },
      read: (text) => readAnswer(prompt.output_schema, text),
      timeoutMs: this.deps.settings.timeoutMs,
      deadline: ctx.deadline ?? Date.now() + DEFAULT_BUDGET_MS,
      signal: ctx.signal,
      onRetry: (step) => ctx.onProgress(60, step)
    })
    meta.attempts = result.attempts
    if (!result.ok) {
      this.deps.log.warn({ provider: this.name, model, prompt: `${prompt.id}@${prompt.version}`, reason: result.reason }, 'LLM not used; heuristic result instead')
      return fallback(rules, meta, result.reason)
    }
    await ctx.onProgress(95, 'merging')
    return merge(input.type, input.content, rules, result.value, meta, result.response.model || model, result.response.usage)
  }
}
