// Liveness and readiness for orchestrators and the gateway.
import type { FastifyInstance } from 'fastify'
import { KernelErrors } from './errors.ts'
import { errors, ok } from './schemas.ts'

const Checks = {
  type: 'object',
  required: ['status', 'checks'],
  properties: {
    status: { type: 'string', enum: ['ok'] },
    checks: { type: 'object', additionalProperties: { type: 'string', enum: ['ok', 'not configured'] } }
  }
} as const

export async function healthRoutes (app: FastifyInstance): Promise<void> {
  app.get('/healthz', {
    schema: {
      tags: ['health'],
      summary: 'The process is up',
      response: { 200: ok({ type: 'object', properties: { status: { type: 'string' } } }) }
    },
    logLevel: 'warn'
  }, async () => ({ data: { status: 'ok' } }))

  app.get('/readyz', {
    schema: {
      tags: ['health'],
      summary: 'The database (and Redis, when configured) answer',
      response: { 200: ok(Checks), ...errors(503) }
    },
    logLevel: 'warn'
  }, async () => {
    const [database, redis] = await Promise.all([
      app.db.ping(),
      app.cache.redis ? app.cache.ping() : Promise.resolve(null)
    ])
    const failed = [!database && 'database', redis === false && 'redis'].filter(Boolean) as string[]
    if (failed.length > 0) {
      throw new KernelErrors.SERVICE_UNAVAILABLE(failed.join(' and ')).withDetails(failed.map((name) => ({ path: name, message: 'not reachable' })))
    }
    return { data: { status: 'ok', checks: { database: 'ok', redis: redis === null ? 'not configured' : 'ok' } } }
  })
}
