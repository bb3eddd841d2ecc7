// /resumes routes: one call into app.resumes each, wrapped in the envelope.
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { FreeObject, NoContent, PaginationQuery, errors, ok, okList } from '../../kernel/schemas.ts'
import { CreateBody, IdParams, ImportQuery, UpdateBody } from './schemas.ts'

const ref = { $ref: 'Resume#' }
const tags = ['resumes']
const security = [{ bearer: [] }]

export default async function resumeRoutes (fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  app.addHook('preHandler', app.requireUser)

  app.get('', {
    schema: { tags, security, operationId: 'listResumes', summary: 'Your resumes, most recently updated first', querystring: PaginationQuery, response: { 200: okList(ref), ...errors(400, 401) } }
  }, async (request) => {
    const { limit, offset } = request.query
    const { items, total } = await app.resumes.list(request.user.id, limit, offset)
    return { data: items, meta: { limit, offset, total } }
  })

  app.post('', {
    schema: {
      tags,
      security,
      operationId: 'createResume',
      summary: 'Create a resume',
      description: "Without content, it starts from the theme's starter content. 403 PLAN_LIMIT_RESUMES past the plan's limit.",
      body: CreateBody,
      response: { 201: ok(ref), ...errors(400, 401, 403, 409, 413, 415) }
    }
  }, async (request, reply) => reply.code(201).send({ data: await app.resumes.create(request.user.id, request.body) }))

  app.post('/import', {
    schema: {
      tags,
      security,
      operationId: 'importResume',
      summary: 'Import a JSON Resume document (the whole body) as a new private resume',
      querystring: ImportQuery,
      body: FreeObject({ description: 'a JSON Resume document' }),
      response: { 201: ok(ref), ...errors(400, 401, 403, 413, 415) }
    }
  }, async (request, reply) => reply.code(201).send({ data: await app.resumes.import(request.user.id, request.body, request.query) }))

  app.get('/:id', {
    schema: { tags, security, operationId: 'getResume', summary: 'One of your resumes', params: IdParams, response: { 200: ok(ref), ...errors(400, 401, 404) } }
  }, async (request) => ({ data: await app.resumes.get(request.user.id, request.params.id) }))

  app.get('/:id/export.json', {
    schema: {
      tags,
      security,
      operationId: 'exportResumeJson',
      summary: 'The JSON Resume document itself (not enveloped), as a download',
      params: IdParams,
      response: { 200: FreeObject(), ...errors(400, 401, 404) }
    }
  }, async (request, reply) => {
    const resume = await app.resumes.get(request.user.id, request.params.id)
    const name = (resume.slug ?? resume.title).normalize('NFKD').replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'resume'
    reply.header('content-disposition', `attachment; filename="${name}.json"`)
    return resume.content
  })

  app.put('/:id', {
    schema: {
      tags,
      security,
      operationId: 'updateResume',
      summary: 'Change a resume',
      description: 'theme_config replaces the options as a whole. Making it public without a slug generates one from the title.',
      params: IdParams,
      body: UpdateBody,
      response: { 200: ok(ref), ...errors(400, 401, 404, 409, 413, 415) }
    }
  }, async (request) => ({ data: await app.resumes.update(request.user.id, request.params.id, request.body) }))

  app.delete('/:id', {
    schema: { tags, security, operationId: 'deleteResume', summary: 'Delete (soft): it answers 404 everywhere after', params: IdParams, response: { 204: NoContent, ...errors(400, 401, 404) } }
  }, async (request, reply) => {
    await app.resumes.remove(request.user.id, request.params.id)
    return reply.code(204).send()
  })

  app.post('/:id/duplicate', {
    schema: { tags, security, operationId: 'duplicateResume', summary: 'Copy a resume (private, no slug)', params: IdParams, response: { 201: ok(ref), ...errors(400, 401, 403, 404) } }
  }, async (request, reply) => reply.code(201).send({ data: await app.resumes.duplicate(request.user.id, request.params.id) }))
}
