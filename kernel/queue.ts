// app.queue: pg-boss on the same database. It starts on first use so an app that runs no
// jobs (tests of one plugin, ROLE=api without producers) pays nothing for it.
import PgBoss from 'pg-boss'
import type { ConnectionOptions } from './db.js'

export class Queue {
  private starting: Promise<PgBoss> | null = null

  constructor (private readonly connection: ConnectionOptions, private readonly onError: (err: Error) => void) {}

  /** The started pg-boss instance. */
  boss (): Promise<PgBoss> {
    this.starting ??= (async () => {
      const boss = new PgBoss({ ...this.connection, max: 4 })
      boss.on('error', this.onError)
      await boss.start()
      return boss
    })()
    return this.starting
  }

  /** Creates the queue if needed (pg-boss drops sends to a missing queue silently) and sends. */
  async send (name: string, data: object, options: PgBoss.SendOptions = {}): Promise<string> {
    const boss = await this.boss()
    await boss.createQueue(name)
    const id = await boss.send(name, data, options)
    if (!id) throw new Error(`queue ${name} refused the job`)
    return id
  }

  get started (): boolean { return this.starting !== null }

  async stop (): Promise<void> {
    if (!this.starting) return
    const boss = await this.starting.catch(() => null)
    await boss?.stop({ graceful: true, wait: true, timeout: 10_000 })
  }
}
