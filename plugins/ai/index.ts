// app.ai: the registry of analysis providers. `heuristic` (offline, deterministic) is the
// default; AI_PROVIDER picks another, which an operator's plugin may register. LLM providers
// (openai, anthropic) register here too, through app.llm (plugins/ai-llm), and build on the
// heuristic provider's exact rule metrics. An AI_PROVIDER no plugin registered stops the start.
import fp from 'fastify-plugin'
import { ProviderRegistry } from '../../kernel/providers.ts'
import type { AnalysisProvider } from './types.ts'

export type { AnalysisContext, AnalysisInput, AnalysisOutput, AnalysisProvider, AnalysisType } from './types.ts'
export type AiRegistry = ProviderRegistry<AnalysisProvider>

declare module 'fastify' {
  interface FastifyInstance {
    ai: AiRegistry
  }
}

export default fp(async (app) => {
  const registry: AiRegistry = new ProviderRegistry<AnalysisProvider>('analysis provider', 'AI_PROVIDER', app.config.ai.provider)
  app.decorate('ai', registry)
  // Operators' plugins register in the last wave: check the choice once everything loaded.
  app.addHook('onReady', async () => { registry.check() })
}, { name: 'ai', fastify: '5.x' })
