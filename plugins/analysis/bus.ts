// Progress events of analyses, for live clients (SSE). Redis pub/sub when REDIS_URL is set
// (a worker process publishes, any API process forwards), else an in-process bus.
import { EventEmitter } from 'node:events'
import type { Redis } from 'ioredis'

export interface ProgressEvent {
  job_id: string
  status: 'queued' | 'processing' | 'completed' | 'failed'
  progress: number
  step: string | null
  /** Grows with every event of one analysis (the SSE id). */
  seq: number
}

export interface EventBus {
  publish (event: ProgressEvent): Promise<void>
  /** Resolves once the subscription is live; the returned function ends it. */
  subscribe (jobId: string, listener: (event: ProgressEvent) => void): Promise<() => Promise<void>>
  close (): Promise<void>
}

export class MemoryBus implements EventBus {
  private readonly emitter = new EventEmitter().setMaxListeners(0)
  async publish (event: ProgressEvent) { this.emitter.emit(event.job_id, event) }
  async subscribe (jobId: string, listener: (event: ProgressEvent) => void) {
    this.emitter.on(jobId, listener)
    return async () => { this.emitter.off(jobId, listener) }
  }

  async close () { this.emitter.removeAllListeners() }
}

/** One subscriber connection per process, shared by every stream through reference counts. */
export class RedisBus implements EventBus {
  private subscriber: Redis | null = null
  private readonly local = new EventEmitter().setMaxListeners(0)
  private readonly counts = new Map<string, number>()

  private readonly redis: Redis
  private readonly prefix: string
  private readonly onError: (err: Error) => void

  constructor (redis: Redis, prefix: string, onError: (err: Error) => void) {
    this.redis = redis
    this.prefix = prefix
    this.onError = onError
  }

  private channel (jobId: string) { return `${this.prefix}analysis:${jobId}` }

  async publish (event: ProgressEvent) {
    await this.redis.publish(this.channel(event.job_id), JSON.stringify(event))
  }

  private async connection (): Promise<Redis> {
    if (!this.subscriber) {
      const sub = this.redis.duplicate()
      sub.on('error', this.onError)
      sub.on('message', (channel: string, message: string) => {
        try { this.local.emit(channel, JSON.parse(message)) } catch (err) { this.onError(err as Error) }
      })
      this.subscriber = sub
    }
    return this.subscriber
  }

  async subscribe (jobId: string, listener: (event: ProgressEvent) => void) {
    const channel = this.channel(jobId)
    const sub = await this.connection()
    this.local.on(channel, listener)
    const n = (this.counts.get(channel) ?? 0) + 1
    this.counts.set(channel, n)
    if (n === 1) await sub.subscribe(channel)
    let done = false
    return async () => {
      if (done) return
      done = true
      this.local.off(channel, listener)
      const left = (this.counts.get(channel) ?? 1) - 1
      if (left > 0) { this.counts.set(channel, left); return }
      this.counts.delete(channel)
      await sub.unsubscribe(channel).catch(() => {})
    }
  }

  async close () {
    this.local.removeAllListeners()
    const sub = this.subscriber
    this.subscriber = null
    if (sub) await sub.quit().catch(() => sub.disconnect())
  }
}
