// app.queue: pg-boss on the same database. It starts on first use so an app that runs no
// jobs (tests of one plugin, ROLE=api without producers) pays nothing for it.
//
// pg-boss 12 lives in its own schema, QUEUE_SCHEMA: pg-boss 12 cannot migrate the schema
// `pgboss` that cvgen's pg-boss 10 made, so on first start the jobs still waiting there are
// carried over once (queue-legacy.ts) and that schema is dropped.
//
// Fast start across processes: every queue is created with `notify`, and pg-boss's own
// LISTEN/NOTIFY listener wakes the workers of whichever process the job was sent from or
// to. Polling stays the backstop (a lost notification, a retry waiting out its delay).
import { PgBoss } from 'pg-boss'
import type { ConstructorOptions, JobWithMetadata, Queue as QueueOptions, SendOptions } from 'pg-boss'
import type { ConnectionOptions } from './db.ts'
import { carryOverLegacyJobs } from './queue-legacy.ts'

export const QUEUE_SCHEMA = 'cvgen_queue'
/**
 * How often jobs whose worker stopped (no heartbeat, or past their expiry) are moved to retry,
 * and queue stats refreshed. With the jobs' 10 s heartbeat, a killed worker's job is retried
 * 10-15 s after the kill, plus its retry delay.
 */
const SUPERVISE_SECONDS = 5

export interface WorkOptions {
  /** How many jobs of this queue run at once in this process (one pg-boss worker each). */
  concurrency?: number
  pollingIntervalSeconds?: number
}

interface Log { info (msg: string): void, warn (msg: string): void }

export class Queue {
  private starting: Promise<PgBoss> | null = null
  private readonly created = new Map<string, Promise<void>>()
  private readonly declared = new Map<string, Omit<QueueOptions, 'name'>>()

  private readonly connection: ConnectionOptions
  private readonly onError: (err: Error) => void
  private readonly log: Log
  /** pg-boss clocks, for tests that cannot wait out a cron check. */
  private readonly tuning: Partial<ConstructorOptions>

  constructor (
    connection: ConnectionOptions,
    onError: (err: Error) => void,
    log: Log = { info () {}, warn () {} },
    tuning: Partial<ConstructorOptions> = {}
  ) {
    this.connection = connection
    this.onError = onError
    this.log = log
    this.tuning = tuning
  }

  /** The started pg-boss instance; the carry-over from pg-boss 10 has run when it resolves. */
  boss (): Promise<PgBoss> {
    this.starting ??= (async () => {
      // pg-boss's default pass (every 60 s) would add a minute to recovering a killed
      // worker's job once it expires.
      const boss = new PgBoss({
        ...this.connection,
        schema: QUEUE_SCHEMA,
        max: 4,
        superviseIntervalSeconds: SUPERVISE_SECONDS,
        monitorIntervalSeconds: SUPERVISE_SECONDS,
        useListenNotify: true,
        ...this.tuning
      })
      boss.on('error', this.onError)
      await boss.start()
      try {
        const db = boss.getDb()
        await carryOverLegacyJobs(this.connection, QUEUE_SCHEMA, this.log, { query: async (sql, params) => await db.executeSql(sql, params) as never })
      } catch (err) {
        await boss.stop({ graceful: false }).catch(() => {})
        throw err
      }
      return boss
    })()
    this.starting.catch(() => { this.starting = null })
    return this.starting
  }

  /**
   * Declares a queue's options (retries, expiry, policy). Every process declares the same
   * ones at registration, so whichever creates the queue first creates it right: pg-boss
   * keeps the options of the first creation, and a send to an undeclared queue would
   * otherwise quietly create it with defaults.
   */
  declare (name: string, options: Omit<QueueOptions, 'name'>): void {
    if (this.declared.has(name)) throw new Error(`queue ${name} is declared twice`)
    this.declared.set(name, options)
  }

  private optionsOf (name: string): Omit<QueueOptions, 'name'> {
    const options = this.declared.get(name)
    if (!options) throw new Error(`queue ${name} is not declared (app.jobs.define)`)
    return options
  }

  /**
   * Creates the declared queue once per process, its dead-letter queue first. A queue that
   * exists (an earlier version made it) is brought to the declared options, since pg-boss
   * would keep the first creation's: that is how queues gain heartbeats and dead letters.
   */
  createQueue (name: string): Promise<void> {
    let p = this.created.get(name)
    if (!p) {
      const options = this.optionsOf(name)
      p = (async () => {
        const boss = await this.boss()
        if (options.deadLetter) await this.createQueue(options.deadLetter)
        await boss.createQueue(name, { notify: true, ...options })
        const { policy: _policy, partition: _partition, ...changeable } = options
        await boss.updateQueue(name, { notify: true, ...changeable })
      })()
      p.catch(() => this.created.delete(name))
      this.created.set(name, p)
    }
    return p
  }

  /** Sends to a declared queue (created on first use); null when pg-boss drops a duplicate singleton. */
  async send (name: string, data: object, options: SendOptions = {}): Promise<string | null> {
    this.optionsOf(name)
    const boss = await this.boss()
    await this.createQueue(name)
    return await boss.send(name, data, options)
  }

  /** Registers `concurrency` pg-boss workers for the queue. Returns the worker ids. */
  async work<T> (name: string, options: WorkOptions, handler: (job: JobWithMetadata<T>) => Promise<unknown>): Promise<string[]> {
    const boss = await this.boss()
    await this.createQueue(name)
    const polling = options.pollingIntervalSeconds ?? 2
    const ids: string[] = []
    for (let i = 0; i < (options.concurrency ?? 1); i++) {
      let workerId = ''
      // notifyPollingIntervalSeconds: retries after a delay send no notification, so the
      // backstop poll stays as frequent as without LISTEN/NOTIFY (pg-boss's default is 30 s).
      workerId = await boss.work(name, { batchSize: 1, includeMetadata: true, pollingIntervalSeconds: polling, notifyPollingIntervalSeconds: polling }, async ([job]: JobWithMetadata<T>[]) => {
        try {
          return await handler(job!)
        } finally {
          // pg-boss sleeps out the polling interval after every batch of one unless notified,
          // which capped a backlog at one job per worker per poll: look again at once after a
          // job; only an empty fetch waits for the next poll.
          if (workerId) boss.notifyWorker(workerId)
        }
      })
      ids.push(workerId)
    }
    return ids
  }

  get started (): boolean { return this.starting !== null }

  async stop (): Promise<void> {
    if (!this.starting) return
    const boss = await this.starting.catch(() => null)
    await boss?.stop({ graceful: true, timeout: 10_000 })
  }
}
