// The offline, deterministic `heuristic` analysis provider: rule-based resume and portfolio checks,
// no network and no model. prompt_version is the rule set's version: bump it when a rule or weight changes.
// The rules run in a worker thread (thread.ts) with a heap cap and a time limit, never on the event
// loop that serves requests: a document that costs too much fails its own attempt, nothing else.
// LLM providers call this provider for their rule metrics (app.ai.get('heuristic')), so the same holds there.
import type { AnalysisContext, AnalysisInput, AnalysisOutput, AnalysisProvider } from '../ai/index.ts'
import { WarmThread } from '../../kernel/thread.ts'
import type { Result } from './resume.ts'
import type { AnalysisRequest, ProgressEvent } from './thread.ts'

export const RULES_VERSION = '1.0.0'
/** The rules need ~35 MB of heap warm (both dictionaries) plus the document's own work; the cap leaves room for the thread's own start. */
export const THREAD_HEAP_MB = 256
export const DEFAULT_TIMEOUT_MS = 30_000

export interface HeuristicOptions { timeoutMs?: number, maxHeapMb?: number }

const THREAD = new URL('./thread.ts', import.meta.url)

export class HeuristicProvider implements AnalysisProvider {
  readonly name = 'heuristic'
  private readonly thread: WarmThread<AnalysisRequest, Result, ProgressEvent>

  constructor (options: HeuristicOptions = {}) {
    this.thread = new WarmThread(THREAD, { name: 'the analysis', timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS, maxHeapMb: options.maxHeapMb ?? THREAD_HEAP_MB })
  }

  async analyze (input: AnalysisInput, ctx: AnalysisContext): Promise<AnalysisOutput> {
    const step = async (progress: number, name: string): Promise<void> => {
      ctx.signal.throwIfAborted()
      await ctx.onProgress(progress, name)
    }
    // Progress is written in order, and a failed write (an aborted job) fails the analysis, as it did in-process.
    let progress = Promise.resolve()
    let progressError: unknown
    const onEvent = (e: ProgressEvent) => { progress = progress.then(() => step(e.progress, e.step)).catch((err) => { progressError ??= err }) }
    const request: AnalysisRequest = { type: input.type, content: input.content, jobDescription: input.jobDescription ?? null }
    const result = await this.thread.call(request, { onEvent, signal: ctx.signal })
    await progress
    if (progressError) throw progressError
    await step(100, 'done')
    return { ...result, model_used: 'heuristic-rules', prompt_id: 'heuristic-rules', prompt_version: RULES_VERSION }
  }

  close (): Promise<void> { return this.thread.close() }
}
