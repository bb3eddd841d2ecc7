// /resumes/parse: upload a PDF or DOCX (multipart), get a job; read the job's draft.
// The API only checks the bytes cheaply (precheck.ts), stores them and queues parse.run:
// no document is parsed in the API process.
import { randomUUID } from 'node:crypto'
import multipart from '@fastify/multipart'
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { AppError, KernelErrors } from '../../kernel/errors.ts'
import type { TrackedHandle } from '../../kernel/jobs.ts'
import { errors, ok } from '../../kernel/schemas.ts'
import { PRIVATE_PREFIX } from '../../kernel/storage/index.ts'
import { ParseErrors } from './errors.ts'
import { MEDIA_TYPES } from './kinds.ts'
import { LOW_CONFIDENCE } from './placement.ts'
import { precheck } from './precheck.ts'
import { JobParams, Queued } from './schemas.ts'
import type { ParseJobRow, ParseService } from './service.ts'
import type { ParseJob } from './worker.ts'

const tags = ['resumes']
const security = [{ bearer: [] }]

/** Failures of the server, not of the file: every other PARSE_* code is about the file (422). */
const SERVER_SIDE = new Set(['PARSE_FAILED', 'PARSE_ENQUEUE_FAILED', 'PARSE_FILE_GONE'])

export function statusOf (row: ParseJobRow) {
  const out: Record<string, unknown> = { job_id: row.id, status: row.status, progress: row.progress, step: row.step }
  if (row.status === 'completed') {
    const confidence = row.confidence ?? {}
    Object.assign(out, {
      draft: row.draft,
      confidence,
      warnings: row.warnings ?? [],
      unplaced: row.unplaced ?? [],
      sections_missing: row.sections_missing ?? [],
      low_confidence: Object.entries(confidence).filter(([, c]) => c < LOW_CONFIDENCE).map(([path]) => path).sort()
    })
  }
  if (row.status === 'failed') {
    const code = row.error_code ?? 'PARSE_FAILED'
    out.error = { code, status: SERVER_SIDE.has(code) ? 500 : 422, message: row.error ?? 'The file could not be parsed' }
  }
  return out
}

export interface RouteOptions { service: ParseService, job: TrackedHandle<ParseJob> }

export default async function parseRoutes (fastify: FastifyInstance, { service, job }: RouteOptions): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { config } = app
  // Here only: no other route takes multipart bodies.
  await app.register(multipart, { limits: { files: 1, fields: 4, parts: 5, fileSize: config.parse.maxBytes, headerPairs: 200 } })

  app.post('', {
    preHandler: app.requireUser,
    config: {
      rateLimit: {
        max: 20,
        timeWindow: 60_000,
        keyGenerator: app.userRateKey('parse')
      }
    },
    schema: {
      tags,
      security,
      operationId: 'createParseJob',
      summary: 'Upload a PDF or DOCX resume to turn into a JSON Resume draft',
      description: 'multipart/form-data with one file field named "file". Answers at once with the job id; poll GET /resumes/parse/:job_id. ' +
        'The size limit is PARSE_MAX_BYTES and the plan\'s upload size, whichever is smaller (413 PARSE_FILE_TOO_LARGE, details {limit, tier}). ' +
        'Anything but a PDF or DOCX (judged by its bytes) is 415; an empty, encrypted or damaged file, or a DOCX that expands too far, is 422 with a PARSE_* code. ' +
        'A scanned (image-only) file is found by the job, which then fails with error.code PARSE_IMAGE_ONLY.',
      consumes: ['multipart/form-data'],
      response: { 202: ok(Queued), ...errors(400, 401, 413, 415, 422, 429, 503) }
    }
  }, async (request, reply) => {
    if (!request.isMultipart()) throw new KernelErrors.UNSUPPORTED_MEDIA_TYPE(String(request.headers['content-type'] ?? 'none'))
    const userId = request.user.id
    const tier = (await app.auth.getUser(userId))?.subscription_tier ?? 'free'
    const limit = Math.min(config.parse.maxBytes, config.tiers[tier].uploadBytes)
    const tooLarge = () => new ParseErrors.FILE_TOO_LARGE(limit).withDetails({ limit, tier })
    let bytes: Buffer
    try {
      const part = await request.file({ limits: { fileSize: limit, files: 1 } })
      if (!part || part.fieldname !== 'file') throw new ParseErrors.NO_FILE()
      bytes = await part.toBuffer()
    } catch (err) {
      const code = (err as { code?: string }).code
      if (code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge()
      if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') throw new ParseErrors.NO_FILE()
      if (err instanceof AppError) throw err
      // Anything else here came from reading the body (busboy: a truncated part, a missing or
      // unused boundary, a malformed header): the client's bytes, not the server, so a 400 that
      // names no library internals.
      request.log.info({ err }, 'malformed multipart body')
      throw new KernelErrors.BAD_REQUEST('The multipart/form-data body is malformed or incomplete')
    }
    if (bytes.length > limit) throw tooLarge()
    const kind = await precheck(bytes)

    const id = randomUUID()
    // Private: a resume carries name, email and phone, and the public files route (or a
    // public bucket) must not serve it while the job waits.
    const key = `${PRIVATE_PREFIX}parse/${userId}/${id}.${kind}`
    await app.storage.put(key, bytes, MEDIA_TYPES[kind])
    await service.create(userId, id, kind, bytes.length, key)
    await job.enqueue(id, { parse_id: id }, request.log) // fails the row and deletes the upload if it cannot
    return reply.code(202).send({ data: { job_id: id, status: 'queued' } })
  })

  app.get('/:job_id', {
    preHandler: app.requireUser,
    schema: {
      tags,
      security,
      operationId: 'getParseJob',
      summary: 'Status of a parse job; the draft, confidence and warnings once completed',
      params: JobParams,
      response: { 200: ok({ $ref: 'ParseStatus#' }), ...errors(400, 401, 404) }
    }
  }, async (request) => ({ data: statusOf(await service.get(request.user.id, request.params.job_id)) }))
}
