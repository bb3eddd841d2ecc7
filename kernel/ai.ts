// app.ai: the registry of analysis providers (DESIGN.md "AI provider" extension point).
// `heuristic` (offline, deterministic) is the default; AI_PROVIDER picks another, which an
// operator's plugin may register. LLM providers (openai, anthropic) register here too, through
// app.llm (plugins/ai-llm), and build on the heuristic provider's exact rule metrics.

export type AnalysisType = 'resume' | 'portfolio'

export interface AnalysisInput {
  type: AnalysisType
  /** The resume's JSON Resume content, or the portfolio's content. */
  content: Record<string, unknown>
  title: string
  jobDescription?: string | null
  /** Pins the prompt version (the prompt eval CLI); providers without prompts ignore it. */
  promptVersion?: number
}

export interface AnalysisContext {
  /** Progress 0..100 and a short step name, stored on the row and pushed to live clients. */
  onProgress (progress: number, step: string): Promise<void>
  signal: AbortSignal
  /** Epoch ms by which the result must be written (the job's budget); retries and back-off stay inside it. */
  deadline?: number
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
  private readonly selected: string

  constructor (selected: string) {
    this.selected = selected
  }

  register (provider: AnalysisProvider): void {
    this.providers.set(provider.name, provider)
  }

  names (): string[] { return [...this.providers.keys()].sort() }

  /** A provider by name, e.g. `heuristic`, whose exact rule metrics LLM providers build on. */
  get (name: string): AnalysisProvider | undefined { return this.providers.get(name) }

  /** The provider AI_PROVIDER names; throws when no plugin registered it. */
  current (): AnalysisProvider {
    const provider = this.providers.get(this.selected)
    if (!provider) throw new Error(`AI_PROVIDER is "${this.selected}" but no plugin registered it (registered: ${this.names().join(', ') || 'none'})`)
    return provider
  }
}
