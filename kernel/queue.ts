// app.queue: pg-boss on the same database. It starts on first use so an app that runs no
// jobs (tests of one plugin, ROLE=api without producers) pays nothing for it.
//
// Fast start across processes: send() also runs `NOTIFY cvgen_jobs, '<queue>'`; a process
// that works a queue LISTENs on a dedicated connection and wakes its pg-boss workers with
// notifyWorker(), so a job starts in milliseconds instead of at the next poll. Polling stays
// the backstop (a lost notification, a listener reconnecting).
import pg from 'pg'
import PgBoss from 'pg-boss'
import type { ConnectionOptions } from './db.js'

export const JOBS_CHANNEL = 'cvgen_jobs'

export interface WorkOptions {
  /** How many jobs of this queue run at once in this process (one pg-boss worker each). */
  concurrency?: number
  pollingIntervalSeconds?: number
}

export class Queue {
  private starting: Promise<PgBoss> | null = null
  private readonly created = new Map<string, Promise<void>>()
  private readonly workers = new Map<string, string[]>()
  private listener: pg.Client | null = null
  private listening: Promise<void> | null = null
  private reconnectTimer: NodeJS.Timeout | null = null
  private stopped = false

  constructor (private readonly connection: ConnectionOptions, private readonly onError: (err: Error) => void) {}

  /** The started pg-boss instance. */
  boss (): Promise<PgBoss> {
    this.starting ??= (async () => {
      // Maintenance is what expires the job of a killed worker so it can be retried; pg-boss's
      // default (every 120 s) would add up to two minutes to that recovery.
      const boss = new PgBoss({ ...this.connection, max: 4, maintenanceIntervalSeconds: 15 })
      boss.on('error', this.onError)
      await boss.start()
      return boss
    })()
    return this.starting
  }

  /**
   * Creates the queue once per process with its options (retries, expiry). pg-boss keeps
   * the options of the first creation; call this before send/work.
   */
  createQueue (name: string, options: Omit<PgBoss.Queue, 'name'> = {}): Promise<void> {
    let p = this.created.get(name)
    if (!p) {
      p = (async () => { await (await this.boss()).createQueue(name, { name, ...options }) })()
      p.catch(() => this.created.delete(name))
      this.created.set(name, p)
    }
    return p
  }

  /** Creates the queue if needed (pg-boss drops sends to a missing queue silently), sends, and wakes listeners. */
  async send (name: string, data: object, options: PgBoss.SendOptions = {}): Promise<string> {
    const boss = await this.boss()
    await this.createQueue(name)
    const id = await boss.send(name, data, options)
    if (!id) throw new Error(`queue ${name} refused the job`)
    // Best effort: polling picks the job up anyway.
    await boss.getDb().executeSql('select pg_notify($1, $2)', [JOBS_CHANNEL, name]).catch((err: Error) => this.onError(err))
    this.wake(name)
    return id
  }

  /**
   * Registers `concurrency` pg-boss workers for the queue and LISTENs for sends from any
   * process. Returns the worker ids.
   */
  async work<T> (name: string, options: WorkOptions, handler: (job: PgBoss.JobWithMetadata<T>) => Promise<unknown>): Promise<string[]> {
    const boss = await this.boss()
    await this.createQueue(name)
    const ids: string[] = []
    for (let i = 0; i < (options.concurrency ?? 1); i++) {
      let workerId = ''
      workerId = await boss.work<T>(name, { batchSize: 1, includeMetadata: true, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2 }, async ([job]) => {
        try {
          return await handler(job!)
        } finally {
          // pg-boss sleeps out the polling interval after every job unless notified, which
          // capped a backlog at one job per worker per poll: look again at once after a job;
          // only an empty fetch waits for the next poll.
          if (workerId) boss.notifyWorker(workerId)
        }
      })
      ids.push(workerId)
    }
    this.workers.set(name, [...(this.workers.get(name) ?? []), ...ids])
    await this.listen()
    return ids
  }

  private wake (name: string): void {
    const ids = this.workers.get(name)
    if (!ids || !this.starting) return
    void this.starting.then((boss) => { for (const id of ids) boss.notifyWorker(id) }).catch(() => {})
  }

  private listen (): Promise<void> {
    this.listening ??= this.connectListener().catch((err) => {
      this.onError(err as Error)
      this.scheduleReconnect()
    })
    return this.listening
  }

  private async connectListener (): Promise<void> {
    const client = new pg.Client(this.connection)
    client.on('notification', (msg) => { if (msg.channel === JOBS_CHANNEL && msg.payload) this.wake(msg.payload) })
    client.on('error', (err) => {
      this.onError(err)
      if (this.listener === client) this.scheduleReconnect()
    })
    client.on('end', () => { if (this.listener === client) this.scheduleReconnect() })
    await client.connect()
    if (this.stopped) { await client.end().catch(() => {}); return }
    await client.query(`listen ${JOBS_CHANNEL}`)
    this.listener = client
  }

  private scheduleReconnect (): void {
    const old = this.listener
    this.listener = null
    this.listening = null
    old?.end().catch(() => {})
    if (this.stopped || this.reconnectTimer) return
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null
      if (!this.stopped) void this.listen()
    }, 1000)
    this.reconnectTimer.unref()
  }

  get started (): boolean { return this.starting !== null }

  async stop (): Promise<void> {
    this.stopped = true
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer)
    await this.listening?.catch(() => {})
    const listener = this.listener
    this.listener = null
    await listener?.end().catch(() => {})
    if (!this.starting) return
    const boss = await this.starting.catch(() => null)
    await boss?.stop({ graceful: true, wait: true, timeout: 10_000 })
  }
}
