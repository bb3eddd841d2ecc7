// /ai routes: enqueue an analysis, read its status (JSON or a live SSE stream), history, reports.
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { KernelErrors } from '../../kernel/errors.ts'
import type { TrackedHandle } from '../../kernel/jobs.ts'
import { errors, ok, okList } from '../../kernel/schemas.ts'
import type { ProgressEvent } from './bus.ts'
import { AnalysisErrors } from './errors.ts'
import { AnalyzeBody, EventsHeaders, EventsQuery, EventStream, HistoryQuery, IdParams, JobParams, Queued } from './schemas.ts'
import { toEvent, type AnalysisRow, type AnalysisService } from './service.ts'
import type { AnalysisJob } from './worker.ts'

const tags = ['analysis']
const security = [{ bearer: [] }]
const HEARTBEAT_MS = 15_000
/** Streams also re-read the row this often, in case a published event was lost. */
const RECHECK_MS = 5_000
/**
 * Each open stream holds a subscription, two timers and a database read every RECHECK_MS, so
 * a client opening streams in a loop would exhaust the process. Counted per process, which is
 * what pays for them; a dashboard needs one per job it shows.
 */
export const STREAM_LIMITS = { perUser: 10, perJob: 3 }
const STREAM_RETRY_AFTER_S = 5

const isFinal = (status: string) => status === 'completed' || status === 'failed'
const wire = (e: ProgressEvent) => ({ job_id: e.job_id, status: e.status, progress: e.progress, step: e.step })
const statusOf = (row: AnalysisRow) => wire(toEvent(row))

export interface RouteOptions { service: AnalysisService, job: TrackedHandle<AnalysisJob> }

export default async function analysisRoutes (fastify: FastifyInstance, { service, job }: RouteOptions): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const streams = new Set<() => void>()
  const openByUser = new Map<string, number>()
  const openByJob = new Map<string, number>()
  const bump = (map: Map<string, number>, key: string, by: number) => {
    const n = (map.get(key) ?? 0) + by
    if (n > 0) map.set(key, n)
    else map.delete(key)
  }
  /** A stream slot for this user and job, or the 429; release() exactly once when it ends. */
  const takeSlot = (userId: string, jobId: string) => {
    const [over, per] = (openByUser.get(userId) ?? 0) >= STREAM_LIMITS.perUser
      ? [STREAM_LIMITS.perUser, 'user']
      : (openByJob.get(jobId) ?? 0) >= STREAM_LIMITS.perJob ? [STREAM_LIMITS.perJob, 'analysis'] : [0, '']
    if (over) throw new AnalysisErrors.TOO_MANY_STREAMS(over, per).withDetails({ limit: over, per }).withHeaders({ 'retry-after': String(STREAM_RETRY_AFTER_S) })
    bump(openByUser, userId, 1)
    bump(openByJob, jobId, 1)
    let released = false
    return () => {
      if (released) return
      released = true
      bump(openByUser, userId, -1)
      bump(openByJob, jobId, -1)
    }
  }
  // Open streams would hold the server open: end them when the app closes.
  app.addHook('preClose', async () => { for (const end of [...streams]) end() })

  app.post('/analyze', {
    preHandler: app.requireUser,
    config: {
      rateLimit: {
        max: 30,
        timeWindow: 60_000,
        keyGenerator: app.userRateKey('ai-analyze')
      }
    },
    schema: {
      tags,
      security,
      operationId: 'createAnalysis',
      summary: 'Queue an analysis of one of your resumes or portfolios',
      description: 'Answers at once with the job id; follow it with /ai/analyze/:job_id/status or /events. 429 ANALYSIS_DAILY_QUOTA (Retry-After: seconds to UTC midnight, details {limit, used, tier}) past the plan\'s analyses per day.',
      body: AnalyzeBody,
      response: { 202: ok(Queued), ...errors(400, 401, 404, 413, 415, 429, 503) }
    }
  }, async (request, reply) => {
    const userId = request.user.id
    const { target_id: targetId, type } = request.body
    // 404 (the target plugin's code) unless the target is the caller's and live.
    if (type === 'resume') await app.resumes.get(userId, targetId)
    else await app.portfolios.get(userId, targetId)
    const row = await service.create(userId, request.body)
    await job.enqueue(row.id, { analysis_id: row.id }, request.log)
    return reply.code(202).send({ data: { job_id: row.id, status: 'queued' } })
  })

  app.get('/analyze/:job_id/status', {
    preHandler: app.requireUser,
    schema: { tags, security, operationId: 'getAnalysisStatus', summary: 'Status and progress of an analysis', params: JobParams, response: { 200: ok({ $ref: 'AnalysisStatus#' }), ...errors(400, 401, 404) } }
  }, async (request) => ({ data: statusOf(await service.get(request.user.id, request.params.job_id)) }))

  app.get('/analyze/:job_id/events', {
    preHandler: async (request) => {
      if (request.headers.authorization) return app.requireUser(request)
      const token = request.query.access_token
      if (!token) throw new KernelErrors.UNAUTHENTICATED()
      request.user = app.verifyAccessToken(token)
    },
    schema: {
      tags,
      security,
      operationId: 'streamAnalysisEvents',
      summary: 'Live progress as Server-Sent Events',
      description: 'The current state first, then every change, each with `id: <seq>` (Last-Event-ID resumes after it); the stream ends after completed or failed. Accepts `?access_token=` because EventSource cannot send headers. ' +
        `At most ${STREAM_LIMITS.perUser} open streams per user and ${STREAM_LIMITS.perJob} per analysis (per API process): beyond, 429 ANALYSIS_TOO_MANY_STREAMS with Retry-After.`,
      params: JobParams,
      querystring: EventsQuery,
      headers: EventsHeaders,
      response: { 200: { description: 'an event stream', content: { 'text/event-stream': { schema: EventStream } } }, ...errors(400, 401, 404, 429) }
    }
  }, async (request, reply) => {
    const userId = request.user.id
    const id = request.params.job_id
    await service.get(userId, id) // 404 before any stream starts
    const release = takeSlot(userId, id)
    const header = request.headers['last-event-id']
    const lastId = typeof header === 'string' && /^\d{1,10}$/.test(header.trim()) ? Number(header.trim()) : -1

    let sent = lastId
    let ended = false
    let live = false
    const buffered: ProgressEvent[] = []
    const raw = reply.raw
    const timers: NodeJS.Timeout[] = []
    let unsubscribe: (() => Promise<void>) | null = null

    const end = () => {
      if (ended) return
      ended = true
      release()
      streams.delete(end)
      for (const t of timers) clearInterval(t)
      void unsubscribe?.().catch(() => {})
      if (!raw.writableEnded) raw.end()
    }
    const send = (e: ProgressEvent) => {
      if (ended || e.seq <= sent) return
      sent = e.seq
      raw.write(`id: ${e.seq}\ndata: ${JSON.stringify(wire(e))}\n\n`)
      if (isFinal(e.status)) end()
    }

    let row: AnalysisRow
    try {
      // Subscribe before reading the state, so nothing published in between is lost.
      unsubscribe = await service.bus.subscribe(id, (e) => { if (live) send(e); else buffered.push(e) })
      row = await service.get(userId, id)
    } catch (err) {
      release()
      await unsubscribe?.()
      throw err
    }

    reply.hijack()
    raw.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-request-id': request.id
    })
    raw.write('retry: 2000\n\n')
    streams.add(end)
    raw.on('close', end)
    if (raw.destroyed) { end(); return } // the client left before the stream began: no 'close' to come

    const current = toEvent(row)
    if (isFinal(current.status) && current.seq <= lastId) { end(); return } // the client saw the end already
    send(current)
    live = true
    for (const e of buffered.sort((a, b) => a.seq - b.seq)) send(e)
    buffered.length = 0
    if (ended) return

    timers.push(setInterval(() => { if (!ended) raw.write(': heartbeat\n\n') }, HEARTBEAT_MS))
    timers.push(setInterval(() => {
      service.byId(id).then((r) => { if (r) send(toEvent(r)); else end() }).catch(() => {})
    }, RECHECK_MS))
  })

  app.get('/history', {
    preHandler: app.requireUser,
    schema: {
      tags,
      security,
      operationId: 'listAnalyses',
      summary: 'Your analyses, newest first',
      querystring: HistoryQuery,
      response: { 200: okList({ $ref: 'AnalysisSummary#' }), ...errors(400, 401) }
    }
  }, async (request) => {
    const { limit, offset } = request.query
    const { items, total } = await service.history(request.user.id, request.query)
    return { data: items, meta: { limit, offset, total } }
  })

  app.get('/reports/:id', {
    preHandler: app.requireUser,
    schema: {
      tags,
      security,
      operationId: 'getAnalysisReport',
      summary: 'The full result of an analysis (null scores while queued or processing)',
      params: IdParams,
      response: { 200: ok({ $ref: 'AnalysisReport#' }), ...errors(400, 401, 404) }
    }
  }, async (request) => {
    const { user_id: _u, event_seq: _s, ...row } = await service.get(request.user.id, request.params.id)
    return { data: row }
  })
}
