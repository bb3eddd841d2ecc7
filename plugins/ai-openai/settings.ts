// The openai provider's settings, read by config/ with every other before anything starts.
import { definePluginSettings, p, setting } from '../../config/plugin-settings.ts'

export default definePluginSettings({
  OPENAI_API_KEY: setting(p.str, 'OpenAI key'),
  OPENAI_BASE_URL: setting(p.url(['http:', 'https:']), 'any OpenAI-compatible server (Ollama, vLLM, LM Studio)'),
  OPENAI_RESPONSE_FORMAT: setting(p.oneOf(['json_schema', 'json_object', 'none']), 'structured output the OpenAI-compatible server supports (none: schema in the prompt only)', 'json_schema')
}, (v, all) => all.AI_PROVIDER === 'openai' && !v.OPENAI_API_KEY && !v.OPENAI_BASE_URL
  ? ['AI_PROVIDER: openai needs OPENAI_API_KEY (or OPENAI_BASE_URL for a local OpenAI-compatible server)']
  : [])
