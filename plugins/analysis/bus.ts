// Progress events of analyses, for live clients (SSE), over app.cache pub/sub: across
// processes through Redis when REDIS_URL is set (a worker process publishes, any API process
// forwards), in this process otherwise. One channel per analysis; app.cache shares one
// subscriber connection and one SUBSCRIBE per channel however many streams watch it.
import type { PubSub } from '../../kernel/cache.ts'

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

export class CacheBus implements EventBus {
  private readonly pubsub: PubSub
  private readonly onError: (err: unknown) => void
  /** The subscriptions still open, ended by close(). */
  private readonly open = new Set<() => Promise<void>>()

  constructor (pubsub: PubSub, onError: (err: unknown) => void) {
    this.pubsub = pubsub
    this.onError = onError
  }

  private channel (jobId: string) { return `analysis:${jobId}` }

  // Best effort: app.cache never throws here; a lost event is made up by the stream's poll.
  publish (event: ProgressEvent) { return this.pubsub.publish(this.channel(event.job_id), JSON.stringify(event)) }

  async subscribe (jobId: string, listener: (event: ProgressEvent) => void) {
    const off = await this.pubsub.subscribe(this.channel(jobId), (message) => {
      let event: ProgressEvent
      try { event = JSON.parse(message) as ProgressEvent } catch (err) { this.onError(err); return }
      listener(event)
    })
    const end = async () => {
      if (!this.open.delete(end)) return
      await off()
    }
    this.open.add(end)
    return end
  }

  async close () { await Promise.all([...this.open].map((end) => end())) }
}
