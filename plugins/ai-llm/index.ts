// app.llm: turns a vendor completer (kernel/llm.ts) into an analysis provider. ai-openai and
// ai-anthropic use it; an operator's plugin can too, for any other API:
//   app.ai.register(app.llm.provider({ name: 'mine', defaultModel: 'm', complete: async (req) => ... }))
import fp from 'fastify-plugin'
import type { AnalysisProvider } from '../../kernel/ai.ts'
import type { LlmCompleter } from '../../kernel/llm.ts'
import { LlmAnalysisProvider } from './provider.ts'

export interface Llm {
  provider (completer: LlmCompleter): AnalysisProvider
}

declare module 'fastify' {
  interface FastifyInstance {
    llm: Llm
  }
}

export default fp(async (app) => {
  const { ai } = app.config
  app.decorate('llm', {
    provider: (completer: LlmCompleter) => new LlmAnalysisProvider(completer, {
      ai: app.ai,
      prompts: app.prompts,
      settings: { model: ai.model, timeoutMs: ai.timeoutMs },
      log: app.log
    })
  })
}, { name: 'ai-llm', fastify: '5.x', dependencies: ['prompts', 'ai-heuristic'] })
