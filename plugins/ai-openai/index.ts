// Registers the `openai` analysis provider (AI_PROVIDER=openai) on app.ai.
import fp from 'fastify-plugin'
import { OpenAiCompleter } from './completer.js'

export default fp(async (app) => {
  const { ai } = app.config
  app.ai.register(app.llm.provider(new OpenAiCompleter({ apiKey: ai.openaiApiKey, baseUrl: ai.openaiBaseUrl, responseFormat: ai.openaiResponseFormat })))
}, { name: 'ai-openai', fastify: '5.x', dependencies: ['ai-llm'] })
