// app.ai: the registry of analysis providers (DESIGN.md "AI provider" extension point).
// `heuristic` (offline, deterministic) is the default; AI_PROVIDER picks another, which an
// operator's plugin may register. Part 2 adds LLM providers behind the same registry.

export type AnalysisType = 'resume' | 'portfolio'

export interface AnalysisInput {
  type: AnalysisType
  /** The resume's JSON Resume content, or the portfolio's content. */
  content: Record<string, unknown>
  title: string
  jobDescription?: string | null
}

export interface AnalysisContext {
  /** Progress 0..100 and a short step name, stored on the row and pushed to live clients. */
  onProgress (progress: number, step: string): Promise<void>
  signal: AbortSignal
}

export interface AnalysisOutput {
  overall_score: number
  /** resume: ats_score, impact_score, brevity_score, grammar_score (+ keyword_match); portfolio: star_score, tag_relevance_score, completeness_score; plus any detail. */
  metrics: Record<string, unknown>
  strengths: string[]
  improvements: string[]
  /** Markdown. */
  detailed_report: string
  model_used: string
  prompt_id: string
  prompt_version: string
}

export interface AnalysisProvider {
  readonly name: string
  analyze (input: AnalysisInput, ctx: AnalysisContext): Promise<AnalysisOutput>
}

export class AiRegistry {
  private readonly providers = new Map<string, AnalysisProvider>()
  constructor (private readonly selected: string) {}

  register (provider: AnalysisProvider): void {
    this.providers.set(provider.name, provider)
  }

  names (): string[] { return [...this.providers.keys()].sort() }

  /** The provider AI_PROVIDER names; throws when no plugin registered it. */
  current (): AnalysisProvider {
    const provider = this.providers.get(this.selected)
    if (!provider) throw new Error(`AI_PROVIDER is "${this.selected}" but no plugin registered it (registered: ${this.names().join(', ') || 'none'})`)
    return provider
  }
}
