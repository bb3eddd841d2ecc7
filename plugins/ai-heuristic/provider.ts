// The offline, deterministic `heuristic` analysis provider: rule-based resume and portfolio checks,
// no network and no model. prompt_version is the rule set's version: bump it when a rule or weight changes.
import type { AnalysisContext, AnalysisInput, AnalysisOutput, AnalysisProvider } from '../../kernel/ai.ts'
import { analyzePortfolio } from './portfolio.ts'
import { analyzeResume } from './resume.ts'

export const RULES_VERSION = '1.0.0'

export class HeuristicProvider implements AnalysisProvider {
  readonly name = 'heuristic'

  async analyze (input: AnalysisInput, ctx: AnalysisContext): Promise<AnalysisOutput> {
    const step = async (progress: number, name: string): Promise<void> => {
      ctx.signal.throwIfAborted()
      await ctx.onProgress(progress, name)
    }
    const result = input.type === 'portfolio'
      ? await analyzePortfolio(input.content, step)
      : await analyzeResume(input.content, input.jobDescription, step)
    await step(100, 'done')
    return { ...result, model_used: 'heuristic-rules', prompt_id: 'heuristic-rules', prompt_version: RULES_VERSION }
  }
}
