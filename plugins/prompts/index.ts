// Versioned prompt files behind app.prompts (see store.ts for the layout), and
// `GET /ai/prompts` for operators: every prompt, its versions and which one is active.
import fp from 'fastify-plugin'
import { errors, ok } from '../../kernel/schemas.ts'
import { PromptList } from './schemas.ts'
import { BUILTIN_PROMPTS, PromptStore } from './store.ts'
export type { PromptStore } from './store.ts'

declare module 'fastify' {
  interface FastifyInstance {
    prompts: PromptStore
  }
}

export default fp(async (app) => {
  const { config } = app
  const store = new PromptStore(BUILTIN_PROMPTS, config.promptsDir, config.ai.promptVersions)
  app.decorate('prompts', store)

  app.get('/ai/prompts', {
    preHandler: app.requireAdmin,
    schema: {
      tags: ['analysis'],
      security: [{ bearer: [] }],
      operationId: 'listPrompts',
      summary: 'Prompts, their versions and the active one (admins)',
      description: 'The active version is the one AI_PROMPT_VERSIONS pins, else the highest. source: builtin (prompts/), override (CVGEN_PROMPTS_DIR replaces a shipped version), operator (only in CVGEN_PROMPTS_DIR).',
      response: { 200: ok(PromptList), ...errors(401, 403) }
    }
  }, async () => ({
    data: store.list().map((p) => ({
      id: p.id,
      active_version: p.active_version,
      pinned: p.pinned,
      versions: p.versions.map((v) => ({
        version: v.version,
        description: v.description,
        target: v.target,
        output_schema: v.output_schema,
        temperature: v.temperature,
        max_tokens: v.max_tokens,
        source: v.source,
        file: v.file,
        active: v.version === p.active_version
      }))
    }))
  }))
}, { name: 'prompts', fastify: '5.x', dependencies: ['auth', 'ai'] })
