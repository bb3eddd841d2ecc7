// app.llm: turns a vendor completer (kernel/llm.ts) into an analysis provider. ai-openai and
// ai-anthropic use it; an operator's plugin can too, for any other API:
//   app.ai.register(app.llm.provider({ name: 'mine', defaultModel: 'm', complete: async (req) => ... }))
// It remembers which completer each provider was made from, so other plugins can ask the
// selected provider's model for their own JSON: app.llm.completer() and app.llm.structured()
// (plugins/parse refines parsed resumes that way).
import fp from 'fastify-plugin'
import type { AnalysisProvider } from '../ai/index.ts'
import type { LlmCompleter } from '../../kernel/llm.ts'
import { LlmAnalysisProvider } from './provider.ts'
import { askStructured, type StructuredRequest, type StructuredResult } from './structured.ts'

export type { StructuredRequest, StructuredResult }

export interface Llm {
  provider (completer: LlmCompleter): AnalysisProvider
  /**
   * The completer behind the selected provider (AI_PROVIDER), or null when that provider was
   * not made by provider() (`heuristic`, an operator's own analyser) or is not registered.
   */
  completer (): LlmCompleter | null
  /** One JSON answer from completer() with the configured model and timeout; throws when there is none. */
  structured<T = Record<string, unknown>> (request: StructuredRequest<T>): Promise<StructuredResult<T>>
}

declare module 'fastify' {
  interface FastifyInstance {
    llm: Llm
  }
}

export default fp(async (app) => {
  const { ai } = app.config
  const settings = { model: ai.model, timeoutMs: ai.timeoutMs }
  // Keyed by the provider object, not its name: a provider registered later under the same
  // name by someone else does not inherit a completer it was not made from.
  const madeFrom = new WeakMap<AnalysisProvider, LlmCompleter>()
  const completer = (): LlmCompleter | null => {
    let selected: AnalysisProvider
    try { selected = app.ai.current() } catch { return null } // AI_PROVIDER names no registered provider
    return madeFrom.get(selected) ?? null
  }
  const llm: Llm = {
    provider: (c: LlmCompleter) => {
      const provider = new LlmAnalysisProvider(c, { ai: app.ai, prompts: app.prompts, settings, log: app.log })
      madeFrom.set(provider, c)
      return provider
    },
    completer,
    structured: async <T>(request: StructuredRequest<T>) => {
      const c = completer()
      if (!c) throw new Error(`AI_PROVIDER "${ai.provider}" is not an LLM provider: there is no model to ask`)
      return askStructured<T>(c, settings, request)
    }
  }
  app.decorate('llm', llm)
}, { name: 'ai-llm', fastify: '5.x', dependencies: ['prompts', 'ai-heuristic'] })
