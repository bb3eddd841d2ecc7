// /portfolios routes: one call into app.portfolios each, wrapped in the envelope.
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { NoContent, PaginationQuery, errors, ok, okList } from '../../kernel/schemas.ts'
import { CreateBody, IdParams, UpdateBody } from './schemas.ts'

const ref = { $ref: 'Portfolio#' }
const tags = ['portfolios']
const security = [{ bearer: [] }]

export default async function portfolioRoutes (fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  // onRequest, not preHandler: a request without a valid token is a 401 before its body is
  // even parsed, never a 400 that describes what the body should have been.
  app.addHook('onRequest', app.requireUser)

  app.get('', {
    schema: { tags, security, operationId: 'listPortfolios', summary: 'Your portfolios, most recently updated first', querystring: PaginationQuery, response: { 200: okList(ref), ...errors(400, 401) } }
  }, async (request) => {
    const { limit, offset } = request.query
    const { items, total } = await app.portfolios.list(request.user.id, limit, offset)
    return { data: items, meta: { limit, offset, total } }
  })

  app.post('', {
    schema: {
      tags,
      security,
      operationId: 'createPortfolio',
      summary: 'Create a portfolio',
      description: "Without content, it starts from the theme's starter content. Publishing without a subdomain generates one from the title. " +
        'custom_domain is not writable here (see /domains). 403 PLAN_LIMIT_PORTFOLIOS past the plan\'s limit.',
      body: CreateBody,
      response: { 201: ok(ref), ...errors(400, 401, 403, 409, 413, 415, 422) }
    }
  }, async (request, reply) => reply.code(201).send({ data: await app.portfolios.create(request.user.id, request.body) }))

  app.get('/:id', {
    schema: { tags, security, operationId: 'getPortfolio', summary: 'One of your portfolios', params: IdParams, response: { 200: ok(ref), ...errors(400, 401, 404) } }
  }, async (request) => ({ data: await app.portfolios.get(request.user.id, request.params.id) }))

  app.put('/:id', {
    schema: {
      tags,
      security,
      operationId: 'updatePortfolio',
      summary: 'Change a portfolio',
      description: 'content and theme_config replace the stored ones as a whole. Publishing without a subdomain generates one from the title.',
      params: IdParams,
      body: UpdateBody,
      response: { 200: ok(ref), ...errors(400, 401, 404, 409, 413, 415, 422) }
    }
  }, async (request) => ({ data: await app.portfolios.update(request.user.id, request.params.id, request.body) }))

  app.delete('/:id', {
    schema: { tags, security, operationId: 'deletePortfolio', summary: 'Delete (soft): it answers 404 everywhere after and frees its subdomain', params: IdParams, response: { 204: NoContent, ...errors(400, 401, 404) } }
  }, async (request, reply) => {
    await app.portfolios.remove(request.user.id, request.params.id)
    return reply.code(204).send()
  })

  app.post('/:id/duplicate', {
    schema: { tags, security, operationId: 'duplicatePortfolio', summary: 'Copy a portfolio (unpublished, no subdomain, no custom domain)', params: IdParams, response: { 201: ok(ref), ...errors(400, 401, 403, 404) } }
  }, async (request, reply) => reply.code(201).send({ data: await app.portfolios.duplicate(request.user.id, request.params.id) }))
}
