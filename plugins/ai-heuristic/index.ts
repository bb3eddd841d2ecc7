// Registers the offline `heuristic` analysis provider (the default AI_PROVIDER) on app.ai.
import fp from 'fastify-plugin'
import { HeuristicProvider } from './provider.ts'

export default fp(async (app) => {
  const provider = new HeuristicProvider({ timeoutMs: app.config.ai.analysisTimeoutMs })
  app.ai.register(provider)
  app.addHook('onClose', () => provider.close())
}, { name: 'ai-heuristic', fastify: '5.x', dependencies: ['ai'] })
