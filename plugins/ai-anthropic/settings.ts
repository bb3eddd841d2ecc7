// The anthropic provider's settings, read by config/ with every other before anything starts.
import { definePluginSettings, p, setting } from '../../config/plugin-settings.ts'

export default definePluginSettings({
  ANTHROPIC_API_KEY: setting(p.str, 'Anthropic key'),
  ANTHROPIC_BASE_URL: setting(p.url(['http:', 'https:']), 'Anthropic-compatible endpoint')
}, (v, all) => all.AI_PROVIDER === 'anthropic' && !v.ANTHROPIC_API_KEY ? ['AI_PROVIDER: anthropic needs ANTHROPIC_API_KEY'] : [])
