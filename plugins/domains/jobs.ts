// Jobs: `domains.verify` (every 5 minutes by a pg-boss schedule: expire old pending claims,
// check the due ones; or one domain when the job names it) and `domains.tls-probe` (after a
// domain is verified or the gateway asks for it: is a valid certificate served?).
import type { FastifyInstance } from 'fastify'
import type { JobContext, JobHandle } from '../../kernel/jobs.ts'
import { probeTls, type ProbeOptions } from './probe.ts'
import type { DomainService } from './service.ts'

export const VERIFY_QUEUE = 'domains.verify'
export const VERIFY_CRON = '*/5 * * * *'
export const PROBE_QUEUE = 'domains.tls-probe'

const SWEEP_BATCH = 200
const CHECKS_AT_ONCE = 8

export interface VerifyJob { domain_id?: string }
export interface ProbeJob { domain_id: string }

/** Checks rows `CHECKS_AT_ONCE` at a time; returns how many were checked. */
export async function sweep (service: DomainService, log: FastifyInstance['log']): Promise<{ expired: number, checked: number }> {
  const expired = await service.expire()
  let checked = 0
  // Each check moves next_check_at forward, so the next batch holds other rows.
  for (let round = 0; round < 5; round++) {
    const rows = await service.due(SWEEP_BATCH)
    if (rows.length === 0) break
    const queue = [...rows]
    await Promise.all(Array.from({ length: Math.min(CHECKS_AT_ONCE, queue.length) }, async () => {
      for (let row = queue.shift(); row; row = queue.shift()) {
        try {
          await service.check(row)
        } catch (err) {
          log.error({ err, domain_id: row.id }, 'domains: check failed')
        }
        checked++
      }
    }))
    if (rows.length < SWEEP_BATCH) break
  }
  return { expired, checked }
}

export function defineVerifyJob (app: FastifyInstance, service: DomainService): JobHandle<VerifyJob> {
  return app.jobs.define({
    queue: VERIFY_QUEUE,
    options: { retryLimit: 1, expireInSeconds: 600 },
    concurrency: 1,
    pollingIntervalSeconds: 5,
    schedule: { cron: VERIFY_CRON, key: 'sweep' },
    run: async ({ data }: JobContext<VerifyJob, null>) => {
      const id = data?.domain_id
      if (typeof id === 'string') {
        await service.checkById(id)
        return
      }
      const result = await sweep(service, app.log)
      if (result.expired + result.checked > 0) app.log.info(result, 'domains: sweep done')
    }
  })
}

export function defineProbeJob (app: FastifyInstance, service: DomainService, opts: ProbeOptions): JobHandle<ProbeJob> {
  return app.jobs.define({
    queue: PROBE_QUEUE,
    // Issuing from Let's Encrypt takes seconds to a minute: retry over about ten minutes.
    options: { retryLimit: 6, retryDelay: 10, retryBackoff: true, expireInSeconds: 60 },
    concurrency: 2,
    run: async ({ data, attempt, attempts }: JobContext<ProbeJob, null>) => {
      const id = data?.domain_id
      if (typeof id !== 'string') return
      const [row] = await app.db.fork().execute<{ domain_name: string }[]>(
        "select domain_name from custom_domains where id = ? and deleted_at is null and verification_status = 'verified'", [id])
      if (!row) return
      try {
        await probeTls(row.domain_name, opts)
      } catch (err) {
        const message = `TLS: ${(err as Error).message}`
        if (attempt >= attempts) {
          await service.setSsl(id, 'error', message)
          app.log.warn({ err, domain_id: id }, 'domains: no valid certificate for the domain')
          return
        }
        throw err // retried with back-off
      }
      await service.setSsl(id, 'active')
    }
  })
}
