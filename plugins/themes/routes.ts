// /themes: public (the dashboard's theme picker needs it before sign-in). Themes change
// only with a restart, so clients may cache the answers for a few minutes.
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { errors, ok } from '../../kernel/schemas.ts'
import { ThemesErrors } from './errors.ts'
import type { ThemeManifest } from './registry.ts'
import { ThemeParams, ThemesQuery } from './schemas.ts'

const CACHE_CONTROL = 'public, max-age=300'

// The folder and source stay on the server; the starter is only in the detail (it is big).
function summary ({ id, name, version, description, supports, fonts, options, defaults }: ThemeManifest) {
  return { id, name, version, description, supports, fonts, options, defaults }
}

const cacheable = (reply: FastifyReply) => reply.header('cache-control', CACHE_CONTROL)

export default async function themeRoutes (fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const tags = ['themes']

  app.get('', {
    schema: {
      tags,
      operationId: 'listThemes',
      security: [],
      summary: 'Installed themes, sorted by id',
      description: 'Public. `options` is the JSON Schema of the theme_config a document may carry; `defaults` is where a new document starts.',
      querystring: ThemesQuery,
      response: { 200: ok({ type: 'array', items: { $ref: 'ThemeSummary#' } }), ...errors(400) }
    }
  }, async (request, reply) => {
    cacheable(reply)
    return { data: app.themes.list(request.query.kind).map(summary) }
  })

  app.get('/:id', {
    schema: {
      tags,
      operationId: 'getTheme',
      security: [],
      summary: 'One theme, with its starter content',
      params: ThemeParams,
      response: { 200: ok({ $ref: 'ThemeDetail#' }), ...errors(400, 404) }
    }
  }, async (request, reply) => {
    const theme = app.themes.get(request.params.id)
    if (!theme) throw new ThemesErrors.NOT_FOUND(request.params.id)
    cacheable(reply)
    return { data: { ...summary(theme), starter: theme.starter } }
  })
}
