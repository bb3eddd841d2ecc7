// Registers the `anthropic` analysis provider (AI_PROVIDER=anthropic) on app.ai.
import fp from 'fastify-plugin'
import { AnthropicCompleter } from './completer.js'

export default fp(async (app) => {
  const { ai } = app.config
  app.ai.register(app.llm.provider(new AnthropicCompleter(ai.anthropicApiKey, ai.anthropicBaseUrl)))
}, { name: 'ai-anthropic', fastify: '5.x', dependencies: ['ai-llm'] })
