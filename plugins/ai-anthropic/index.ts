// Registers the `anthropic` analysis provider (AI_PROVIDER=anthropic) on app.ai.
import fp from 'fastify-plugin'
import { pluginSettings } from '../../config/index.ts'
import { AnthropicCompleter } from './completer.ts'
import settings from './settings.ts'

export default fp(async (app) => {
  const { ai } = app.config
  const mine = pluginSettings(app.config, settings)
  const completer = new AnthropicCompleter(mine.ANTHROPIC_API_KEY, mine.ANTHROPIC_BASE_URL)
  app.ai.register(app.llm.provider(completer))
  // The selected provider loads its SDK once the app is up, not inside the first job.
  if (ai.provider === 'anthropic') app.addHook('onReady', () => completer.ready())
}, { name: 'ai-anthropic', fastify: '5.x', dependencies: ['ai-llm'] })
