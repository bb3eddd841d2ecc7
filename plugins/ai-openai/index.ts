// Registers the `openai` analysis provider (AI_PROVIDER=openai) on app.ai.
import fp from 'fastify-plugin'
import { OpenAiCompleter } from './completer.ts'

export default fp(async (app) => {
  const { ai } = app.config
  const completer = new OpenAiCompleter({ apiKey: ai.openaiApiKey, baseUrl: ai.openaiBaseUrl, responseFormat: ai.openaiResponseFormat })
  app.ai.register(app.llm.provider(completer))
  // The selected provider loads its SDK once the app is up, not inside the first job.
  if (ai.provider === 'openai') app.addHook('onReady', () => completer.ready())
}, { name: 'ai-openai', fastify: '5.x', dependencies: ['ai-llm'] })
