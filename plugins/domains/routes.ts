// /domains: claim, list, verify now, release. Ownership is the service's: another user's
// domain is DOMAINS_NOT_FOUND.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { errors, NoContent, ok, okList, PaginationQuery } from '../../kernel/schemas.ts'
import { CreateBody, IdParams } from './schemas.ts'
import type { DomainService } from './service.ts'

const tags = ['domains']
const security = [{ bearer: [] }]

export default async function domainRoutes (fastify: FastifyInstance, { service }: { service: DomainService }): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  // onRequest: an anonymous request is 401 before its body is even validated.
  app.addHook('onRequest', app.requireUser)
  const domainRef = { $ref: 'Domain#' }

  app.post('', {
    schema: {
      tags,
      security,
      operationId: 'createDomain',
      summary: 'Claim a custom domain for one of your portfolios',
      description: 'Answers with the DNS records to add (instructions). Several accounts may claim one name; the first whose records verify wins. 409 DOMAINS_TAKEN while another account holds it verified.',
      body: CreateBody,
      response: { 201: ok(domainRef), ...errors(400, 401, 403, 404, 409, 413, 415) }
    }
  }, async (request, reply) => reply.code(201).send({ data: service.toDomain(await service.create(request.user.id, request.body)) }))

  app.get('', {
    schema: { tags, security, operationId: 'listDomains', summary: 'Your custom domains with their status and instructions', querystring: PaginationQuery, response: { 200: okList(domainRef), ...errors(400, 401) } }
  }, async (request) => {
    const { limit, offset } = request.query
    const { items, total } = await service.list(request.user.id, limit, offset)
    return { data: items.map((r) => service.toDomain(r)), meta: { limit, offset, total } }
  })

  app.get('/:id', {
    schema: { tags, security, operationId: 'getDomain', summary: 'One of your custom domains', params: IdParams, response: { 200: ok(domainRef), ...errors(400, 401, 404) } }
  }, async (request) => ({ data: service.toDomain(await service.get(request.user.id, request.params.id)) }))

  app.post('/:id/verify', {
    config: {
      rateLimit: { max: 20, timeWindow: 60_000, keyGenerator: (request: FastifyRequest) => `domains-verify:${request.user?.id ?? request.ip}` }
    },
    schema: {
      tags,
      security,
      operationId: 'verifyDomain',
      summary: 'Check the DNS records now',
      description: 'A live check; the domain stays pending with last_error while records are missing.',
      params: IdParams,
      response: { 200: ok(domainRef), ...errors(400, 401, 404, 409, 429) }
    }
  }, async (request) => ({ data: service.toDomain(await service.verifyNow(request.user.id, request.params.id)) }))

  app.delete('/:id', {
    schema: { tags, security, operationId: 'deleteDomain', summary: 'Release a custom domain: it stops being served at once', params: IdParams, response: { 204: NoContent, ...errors(400, 401, 404) } }
  }, async (request, reply) => {
    await service.remove(request.user.id, request.params.id)
    return reply.code(204).send()
  })
}
