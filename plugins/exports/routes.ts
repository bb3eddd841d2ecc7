// POST /resumes/:id/export queues a PDF or PNG; GET /exports/:id reports it and, once
// completed, hands out a short-lived signed download URL.
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { TrackedHandle } from '../../kernel/jobs.ts'
import { errors, ok } from '../../kernel/schemas.ts'
import { ExportsErrors } from './errors.ts'
import { ExportBody, ExportQuery, IdParams, Queued, ResumeParams } from './schemas.ts'
import type { ExportService } from './service.ts'
import type { ExportJob } from './worker.ts'

const tags = ['exports']
const security = [{ bearer: [] }]

export interface RouteOptions {
  job: TrackedHandle<ExportJob>
  service: ExportService
  /** False: answer 503 with how to install Chromium. */
  canRender: () => boolean
}

export default async function exportRoutes (fastify: FastifyInstance, { service, job, canRender }: RouteOptions): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  app.post('/resumes/:id/export', {
    preHandler: app.requireUser,
    config: {
      rateLimit: {
        max: 60,
        timeWindow: 60_000,
        keyGenerator: app.userRateKey('exports')
      }
    },
    schema: {
      tags,
      security,
      operationId: 'createExport',
      summary: 'Queue a PDF or PNG export of one of your resumes',
      description: "Printed by Chromium with the resume's theme and print CSS. Follow it with GET /exports/:id. 503 EXPORTS_CHROMIUM_MISSING when this server has no Chromium (the message says how to install it).",
      params: ResumeParams,
      body: ExportBody,
      response: { 202: ok(Queued), ...errors(400, 401, 404, 415, 429, 503) }
    }
  }, async (request, reply) => {
    if (!canRender()) throw new ExportsErrors.CHROMIUM_MISSING(app.config.chromiumPath)
    const userId = request.user.id
    await app.resumes.get(userId, request.params.id) // 404 unless it is the caller's and live
    const row = await service.create(userId, request.params.id, request.body.format, request.body.paper ?? 'A4')
    await job.enqueue(row.id, { export_id: row.id }, request.log)
    return reply.code(202).send({ data: { export_id: row.id, status: 'queued' } })
  })

  app.get('/exports/:id', {
    preHandler: app.requireUser,
    schema: {
      tags,
      security,
      operationId: 'getExport',
      summary: 'Status of an export, with a signed download URL once completed',
      params: IdParams,
      querystring: ExportQuery,
      response: { 200: ok({ $ref: 'Export#' }), ...errors(400, 401, 404, 503) }
    }
  }, async (request) => {
    const row = await service.get(request.user.id, request.params.id)
    const { user_id: _u, storage_key: key, started_at: _s, ...rest } = row
    if (row.status !== 'completed' || !key) return { data: rest }
    const expiresIn = request.query.expires_in
    const url = await app.storage.presignGet(key, { expiresIn, filename: `resume-${row.resume_id.slice(0, 8)}.${row.format}` })
    return { data: { ...rest, url, expires_in: expiresIn } }
  })
}
