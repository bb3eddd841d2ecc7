// Registers the offline `heuristic` analysis provider (the default AI_PROVIDER) on app.ai.
import fp from 'fastify-plugin'
import { HeuristicProvider } from './provider.ts'

export default fp(async (app) => {
  app.ai.register(new HeuristicProvider())
}, { name: 'ai-heuristic', fastify: '5.x' })
