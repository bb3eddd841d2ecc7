// Liveness and readiness for orchestrators and the gateway.
import type { FastifyInstance } from 'fastify'
import { KernelErrors } from './errors.ts'
import { errors, ok } from './schemas.ts'

const Checks = {
  type: 'object',
  required: ['status', 'checks'],
  properties: {
    status: { type: 'string', enum: ['ok', 'degraded'] },
    checks: { type: 'object', additionalProperties: { type: 'string', enum: ['ok', 'down', 'not configured'] } }
  }
} as const

export async function healthRoutes (app: FastifyInstance): Promise<void> {
  app.get('/healthz', {
    schema: {
      tags: ['health'],
      operationId: 'getHealth',
      security: [],
      summary: 'The process is up',
      response: { 200: ok({ type: 'object', properties: { status: { type: 'string' } } }) }
    },
    logLevel: 'warn'
  }, async () => ({ data: { status: 'ok' } }))

  app.get('/readyz', {
    schema: {
      tags: ['health'],
      operationId: 'getReadiness',
      security: [],
      summary: 'The database answers (503 if not); Redis down is 200 with status degraded',
      response: { 200: ok(Checks), ...errors(503) }
    },
    logLevel: 'warn'
  }, async () => {
    const [database, redis] = await Promise.all([
      app.db.ping(),
      app.cache.redis ? app.cache.ping() : Promise.resolve(null)
    ])
    // Without the database nothing can be served: 503, take this instance out. Without Redis
    // every instance is in the same state and still serves (limits and caches fall back to
    // this process, pub/sub to in-process), so a load balancer must not drop them all: 200,
    // with the degraded check for monitoring.
    // No details: they name parts of the request, and nothing is wrong with this one.
    if (!database) throw new KernelErrors.SERVICE_UNAVAILABLE('database')
    const redisCheck = redis === null ? 'not configured' : redis ? 'ok' : 'down'
    return { data: { status: redisCheck === 'down' ? 'degraded' : 'ok', checks: { database: 'ok', redis: redisCheck } } }
  })
}
