// The analysis provider contract (app.ai's providers): what a provider is given and returns.
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
