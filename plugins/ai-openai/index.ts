// Registers the `openai` analysis provider (AI_PROVIDER=openai) on app.ai.
import fp from 'fastify-plugin'
import { pluginSettings } from '../../config/index.ts'
import { OpenAiCompleter } from './completer.ts'
import settings from './settings.ts'

export default fp(async (app) => {
  const { ai } = app.config
  const mine = pluginSettings(app.config, settings)
  const completer = new OpenAiCompleter({ apiKey: mine.OPENAI_API_KEY, baseUrl: mine.OPENAI_BASE_URL, responseFormat: mine.OPENAI_RESPONSE_FORMAT })
  app.ai.register(app.llm.provider(completer))
  // The selected provider loads its SDK once the app is up, not inside the first job.
  if (ai.provider === 'openai') app.addHook('onReady', () => completer.ready())
}, { name: 'ai-openai', fastify: '5.x', dependencies: ['ai-llm'] })
