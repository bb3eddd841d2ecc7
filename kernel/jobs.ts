// app.jobs: a background job declared once — its pg-boss queue and options, how many run at
// once, whether this process works it, and, for jobs users follow, the status row it moves
// through (job-rows.ts). The kernel then owns what every job used to write for itself:
// creating the queue with the same options in every process, starting workers only where
// ROLE says so, the attempt / retry / final-failure bookkeeping, a deadline before pg-boss
// gives up on an attempt, and enqueue-or-fail.
//
//   const exports = app.jobs.define({ queue: 'exports.render', options: {...}, concurrency: 2,
//     table: rows, rowId: (d) => d.export_id, run: async ({ row }) => {...}, messages: {...} })
//   await exports.enqueue(row.id, { export_id: row.id })   // 503 with the plugin's code if it can't
import type { FastifyBaseLogger } from 'fastify'
import type { JobWithMetadata, Queue as QueueOptions, SendOptions } from 'pg-boss'
import { AppError, JobRefused, PublicError, publicReason } from './errors.ts'
import type { JobRow, JobTable } from './job-rows.ts'
import type { Queue } from './queue.ts'

export type { JobRow, JobStatus, JobTableOptions } from './job-rows.ts'
export { JobTable } from './job-rows.ts'

export interface JobContext<Data, Row> {
  data: Data
  /** The status row, moved to processing for this attempt (null for jobs without one). */
  row: Row
  /** 1 for the first attempt. */
  attempt: number
  attempts: number
  log: FastifyBaseLogger
  /** Aborted a little before pg-boss expires the attempt, so no zombie keeps writing. */
  signal: AbortSignal
  /** When `signal` aborts (epoch ms). */
  deadline: number
}

interface Common<Data extends object> {
  queue: string
  /** pg-boss queue options (retries, expiry, policy); the first process to create the queue sets them. */
  options: Omit<QueueOptions, 'name'>
  /** Workers of this queue per process. */
  concurrency: number
  pollingIntervalSeconds?: number
  /** false when this process cannot run the job (no Chromium): it still enqueues. */
  work?: boolean
  /** The signal's reason when an attempt runs out of time; the default names no job kind. */
  deadlineMessage? (seconds: number): string
  /** A cron schedule the workers keep (UTC). */
  schedule?: { cron: string, data?: Data, key: string }
}

/** A job nobody follows (a preview, a probe): a throw retries it, JobRefused ends it quietly. */
export interface PlainJob<Data extends object> extends Common<Data> {
  run (ctx: JobContext<Data, null>): Promise<void>
}

/** A job with a status row its owner reads. */
export interface TrackedJob<Data extends object, Row extends JobRow> extends Common<Data> {
  table: JobTable<Row>
  rowId (data: Data): unknown
  run (ctx: JobContext<Data, Row>): Promise<void>
  /** After the job has ended for good, however it ended (delete an upload, say). */
  settled? (row: Row, log: FastifyBaseLogger): Promise<void>
  /** What the row says when the reason is not ours to tell (a driver or browser error). */
  messages: { retrying (attempt: number, attempts: number): string, failed (attempt: number, attempts: number): string, failedCode?: string }
  /** The plugin's 503 when the job cannot be queued; the row is failed first. */
  enqueueFailed: { error: () => AppError, message: string, code?: string }
}

export interface JobHandle<Data extends object> {
  readonly queue: string
  /** Sends a job; null when pg-boss dropped it as a duplicate (a singleton already waiting). */
  send (data: Data, options?: SendOptions): Promise<string | null>
}

export interface TrackedHandle<Data extends object> extends JobHandle<Data> {
  /** Queues the row's job, or fails the row and throws the plugin's enqueue error. */
  enqueue (rowId: string, data: Data, log: FastifyBaseLogger): Promise<void>
}

/** A running attempt's heartbeat interval (pg-boss's minimum). */
const HEARTBEAT_SECONDS = 10
/** The dead-letter queue of a tracked job: `<queue>.dead`. */
const DEAD_SUFFIX = '.dead'

/** Seconds before expiry at which a job's signal aborts: time to write the failure. */
const MARGIN_SECONDS = 10
const DEFAULT_EXPIRE_SECONDS = 15 * 60

type Definition = (PlainJob<object> | TrackedJob<object, JobRow>) & { handler: (job: JobWithMetadata<object>) => Promise<void> }

export class Jobs {
  private readonly defined = new Map<string, Definition>()
  private readonly queue: Queue
  private readonly log: FastifyBaseLogger
  /** ROLE=all or worker: this process runs workers. */
  private readonly works: boolean

  constructor (queue: Queue, log: FastifyBaseLogger, works: boolean) {
    this.queue = queue
    this.log = log
    this.works = works
  }

  define<Data extends object, Row extends JobRow> (def: TrackedJob<Data, Row>): TrackedHandle<Data>
  define<Data extends object> (def: PlainJob<Data>): JobHandle<Data>
  define (def: PlainJob<object> | TrackedJob<object, JobRow>): TrackedHandle<object> {
    if (this.defined.has(def.queue)) throw new Error(`job ${def.queue} is defined twice`)
    // A running attempt proves it is alive every few seconds: when its process dies, pg-boss
    // retries it within HEARTBEAT_SECONDS plus a supervision pass, not after its expiry.
    const options = { heartbeatSeconds: HEARTBEAT_SECONDS, ...def.options }
    if ('table' in def) {
      // An attempt that dies (its process or thread killed) never reaches the handler's catch;
      // when the last one dies, pg-boss moves the job to this queue, whose worker fails the row.
      const dead = `${def.queue}${DEAD_SUFFIX}`
      this.queue.declare(dead, { retryLimit: 3, retryDelay: 5, heartbeatSeconds: HEARTBEAT_SECONDS })
      this.defined.set(dead, { queue: dead, options: {}, concurrency: 1, pollingIntervalSeconds: 5, work: def.work, run: async () => {}, handler: this.deadLetter(def) } as Definition)
      Object.assign(options, { deadLetter: dead })
    }
    this.queue.declare(def.queue, options)
    const handler = 'table' in def ? this.tracked(def) : this.plain(def)
    this.defined.set(def.queue, { ...def, handler } as Definition)
    const send = (data: object, options: SendOptions = {}) => this.queue.send(def.queue, data, options)
    return {
      queue: def.queue,
      send,
      enqueue: async (rowId, data, log) => {
        if (!('table' in def)) throw new Error(`job ${def.queue} has no status row`)
        try {
          const id = await send(data, { id: rowId, singletonKey: rowId })
          if (!id) throw new Error('pg-boss refused the job')
        } catch (err) {
          log.error({ err, queue: def.queue, job_id: rowId }, 'could not queue the job')
          const row = await def.table.fail(rowId, def.enqueueFailed.message, def.enqueueFailed.code ?? null).catch(() => null)
          if (row && def.settled) await def.settled(row, log).catch(() => {})
          throw def.enqueueFailed.error()
        }
      }
    }
  }

  /** What a worker runs for one job of the queue: for running a job in place (tests, a CLI). */
  handler (queue: string): (job: JobWithMetadata<object>) => Promise<void> {
    const def = this.defined.get(queue)
    if (!def) throw new Error(`job ${queue} is not defined`)
    return def.handler
  }

  /** Names of the queues this process works (after start). */
  readonly working: string[] = []

  /** In worker processes, creates the queues and starts their workers (onReady). */
  async start (): Promise<void> {
    for (const def of this.defined.values()) {
      // Producers create their queues on first send: an API process starts no pg-boss at boot.
      if (!this.works || def.work === false) continue
      await this.queue.createQueue(def.queue)
      if (def.schedule) {
        await (await this.queue.boss()).schedule(def.queue, def.schedule.cron, def.schedule.data ?? {}, { tz: 'UTC', singletonKey: def.schedule.key })
      }
      await this.queue.work(def.queue, { concurrency: def.concurrency, pollingIntervalSeconds: def.pollingIntervalSeconds ?? 2 }, def.handler)
      this.working.push(def.queue)
    }
    if (this.working.length > 0) this.log.info({ queues: this.working }, 'job workers started')
  }

  private context<Data, Row> (def: Common<object>, job: JobWithMetadata<Data>, row: Row, log: FastifyBaseLogger) {
    const seconds = Math.max(1, (def.options.expireInSeconds ?? DEFAULT_EXPIRE_SECONDS) - MARGIN_SECONDS)
    const deadline = Date.now() + seconds * 1000
    const controller = new AbortController()
    const timer = setTimeout(() => controller.abort(new PublicError(def.deadlineMessage?.(seconds) ?? `The job took longer than ${seconds} s`)), seconds * 1000)
    const ctx: JobContext<Data, Row> = {
      data: job.data, row, attempt: job.retryCount + 1, attempts: job.retryLimit + 1, log, signal: controller.signal, deadline
    }
    return { ctx, done: () => clearTimeout(timer) }
  }

  /**
   * The dead-letter worker of a tracked job: its last attempt died (or failed). A row the
   * handler already failed stays as it is (fail() moves only queued or processing rows); one
   * left processing by a killed attempt is failed with a reason, and cleaned up.
   */
  private deadLetter (def: TrackedJob<object, JobRow>) {
    return async (job: JobWithMetadata<object>): Promise<void> => {
      const id = def.rowId(job.data ?? {})
      if (typeof id !== 'string') return
      const attempts = (def.options.retryLimit ?? 2) + 1
      const row = await def.table.fail(id, `The job stopped unexpectedly on the server, ${attempts} times; it was not retried again`, def.messages.failedCode ?? null)
      if (!row) return
      this.log.warn({ queue: def.queue, job_id: id, attempts }, 'job failed for good: every attempt died before it could finish')
      if (def.settled) await def.settled(row, this.log).catch((err: unknown) => this.log.warn({ err }, 'job clean-up failed'))
    }
  }

  private plain (def: PlainJob<object>) {
    return async (job: JobWithMetadata<object>): Promise<void> => {
      const log = this.log.child({ queue: def.queue, job_id: job.id, attempt: job.retryCount + 1 })
      const { ctx, done } = this.context(def, job, null, log)
      try {
        await def.run(ctx)
      } catch (err) {
        if (err instanceof JobRefused) { log.info({ reason: err.message }, 'job refused'); return }
        log.warn({ err }, job.retryCount >= job.retryLimit ? 'job failed for good' : 'job attempt failed; pg-boss retries it')
        throw err
      } finally { done() }
    }
  }

  private tracked (def: TrackedJob<object, JobRow>) {
    return async (job: JobWithMetadata<object>): Promise<void> => {
      const id = def.rowId(job.data ?? {})
      if (typeof id !== 'string') return // not a job of ours: nothing to record it on
      const row = await def.table.startAttempt(id)
      if (!row) return // completed by an earlier attempt, failed, or deleted with its user
      const log = this.log.child({ queue: def.queue, job_id: id, attempt: row.attempts })
      const { ctx, done } = this.context(def, job, row, log)
      const settle = async (r: JobRow | null) => { if (r && def.settled) await def.settled(r, log).catch((err: unknown) => log.warn({ err }, 'job clean-up failed')) }
      try {
        await def.run(ctx)
        await settle(row)
      } catch (err) {
        if (err instanceof JobRefused) {
          await settle(await def.table.fail(id, err.message, err.code))
          log.info({ reason: err.message, code: err.code }, 'job refused: it cannot succeed, no retry')
          return
        }
        if (job.retryCount >= job.retryLimit) {
          await settle(await def.table.fail(id, publicReason(err, def.messages.failed(job.retryCount + 1, job.retryLimit + 1)), def.messages.failedCode ?? null))
          log.warn({ err }, 'job failed for good')
        } else {
          await def.table.willRetry(id, publicReason(err, def.messages.retrying(job.retryCount + 1, job.retryLimit + 1)))
          log.warn({ err, retryCount: job.retryCount }, 'job attempt failed; pg-boss retries it')
        }
        throw err
      } finally { done() }
    }
  }
}
