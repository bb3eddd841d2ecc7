// Pub/sub for app.cache (publish/subscribe). With Redis: ONE subscriber connection per
// process, however many channels and listeners, because a connection that has SUBSCRIBEd
// can run nothing else, and one per plugin (or per SSE stream) would multiply connections.
// Listeners are counted per channel, so N listeners on one channel cost one SUBSCRIBE and the
// last one leaving sends the UNSUBSCRIBE. Without Redis: the same registry, delivering in this
// process only (one process is all memory mode supports). Channels carry REDIS_PREFIX like
// keys do, so deployments sharing a Redis do not hear each other.
//
// Delivery is at most once, as Redis pub/sub is: a message published while a subscriber is
// disconnected is lost to it. Every user here treats messages as hints (purges, invalidations,
// progress) backed by a TTL or a database poll, so publish() never throws and never waits
// long: when Redis is down it drops the message and reports it (onError) at once.
import type { Redis } from 'ioredis'

export type Listener = (message: string) => void
/** Where pub/sub failures go: they are logged, never thrown at a publisher or listener. */
export type OnError = (err: unknown, msg: string) => void

export interface PubSub {
  /** Best effort (see above): resolves, never rejects; drops the message when Redis is down. */
  publish (channel: string, message: string): Promise<void>
  /**
   * Resolves once the subscription is live (rejects when Redis cannot take it); the returned
   * function ends it. A listener that throws is reported and does not stop the others.
   */
  subscribe (channel: string, listener: Listener): Promise<() => Promise<void>>
}

interface Channel {
  /** One object per subscribe() call, so the same function subscribed twice counts twice. */
  readonly entries: Set<{ listener: Listener }>
  /** The SUBSCRIBE reply; every subscriber of the channel waits for the same one. */
  readonly live: Promise<void>
}

/** Stops waiting after `ms` (the command itself goes on); pub/sub never stalls its caller. */
function bounded<T> (p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms)
    p.then((v) => { clearTimeout(timer); resolve(v) }, (err: unknown) => { clearTimeout(timer); reject(err) })
  })
}

/** The listeners by (prefixed) channel, and the one place messages are handed to them. */
class Registry {
  readonly channels = new Map<string, Channel>()
  private readonly onError: OnError

  constructor (onError: OnError) { this.onError = onError }

  deliver (channel: string, message: string): void {
    const ch = this.channels.get(channel)
    if (!ch) return // unsubscribed meanwhile, or an UNSUBSCRIBE that Redis never got
    for (const { listener } of [...ch.entries]) {
      try { listener(message) } catch (err) { this.onError(err, `pub/sub: a listener of ${channel} failed`) }
    }
  }

  /**
   * Adds a listener; `start` runs for the channel's first one. Resolves with the function that
   * removes it again, which calls `stop` after the channel's last one.
   */
  async add (channel: string, listener: Listener, start: () => Promise<void>, stop: () => Promise<void>): Promise<() => Promise<void>> {
    let ch = this.channels.get(channel)
    if (!ch) {
      ch = { entries: new Set(), live: start() }
      this.channels.set(channel, ch)
    }
    const entry = { listener }
    ch.entries.add(entry)
    const remove = (): boolean => {
      ch.entries.delete(entry)
      if (ch.entries.size > 0 || this.channels.get(channel) !== ch) return false
      this.channels.delete(channel)
      return true
    }
    try {
      await ch.live
    } catch (err) {
      // Nothing to UNSUBSCRIBE: the SUBSCRIBE failed, or timed out and may still land, in
      // which case deliver() finds no listener and the next subscriber's SUBSCRIBE is a no-op.
      remove()
      throw err
    }
    let ended = false
    return async () => {
      if (ended) return
      ended = true
      if (remove()) await stop()
    }
  }
}

/** The client name of the subscriber connection, so CLIENT LIST shows whose it is. */
export function subscriberName (prefix: string): string {
  return `cvgen-sub:${prefix.replace(/[^\x21-\x7e]/g, '_')}` // CLIENT SETNAME takes no spaces
}

export class MemoryPubSub implements PubSub {
  private readonly registry: Registry
  private readonly prefix: string

  constructor (prefix: string, onError: OnError) {
    this.prefix = prefix
    this.registry = new Registry(onError)
  }

  // Delivered before publish() resolves, as the in-process bus always did.
  async publish (channel: string, message: string) { this.registry.deliver(this.prefix + channel, message) }
  subscribe (channel: string, listener: Listener) {
    return this.registry.add(this.prefix + channel, listener, async () => {}, async () => {})
  }

  close (): void { this.registry.channels.clear() }
}

export class RedisPubSub implements PubSub {
  private readonly redis: Redis
  private readonly prefix: string
  private readonly onError: OnError
  private readonly registry: Registry
  private readonly timeoutMs: number
  private subscriber: Redis | null = null
  private closed = false

  constructor (redis: Redis, prefix: string, onError: OnError, timeoutMs = 1000) {
    this.redis = redis
    this.prefix = prefix
    this.onError = onError
    this.registry = new Registry(onError)
    this.timeoutMs = timeoutMs
  }

  async publish (channel: string, message: string) {
    // The offline queue would hold the message until Redis is back or the retries run out,
    // stalling the caller meanwhile; a hint that late is worth less than the wait.
    if (this.redis.status !== 'ready') {
      this.onError(new Error(`Redis is ${this.redis.status}`), `pub/sub: Redis not connected; message on ${channel} dropped`)
      return
    }
    try {
      await bounded(this.redis.publish(this.prefix + channel, message), this.timeoutMs)
    } catch (err) {
      this.onError(err, `pub/sub: publish on ${channel} failed; message dropped`)
    }
  }

  async subscribe (channel: string, listener: Listener) {
    if (this.closed) throw new Error('pub/sub: the cache is closed')
    const name = this.prefix + channel
    const sub = this.connection()
    return this.registry.add(name, listener, async () => { await bounded(sub.subscribe(name), this.timeoutMs * 5) }, async () => {
      if (this.closed) return
      // Should this fail, Redis keeps sending the channel's messages; deliver() drops them.
      await bounded(sub.unsubscribe(name), this.timeoutMs).catch((err: unknown) => this.onError(err, `pub/sub: unsubscribe from ${channel} failed`))
    })
  }

  /**
   * Made on first use: a process that subscribes to nothing opens no second connection. On
   * reconnect ioredis SUBSCRIBEs again to every channel it holds (autoResubscribe), so a
   * dropped connection heals by itself; messages published in between are lost.
   */
  private connection (): Redis {
    if (!this.subscriber) {
      // The subscriber queues while it connects (it is made on first use, so its first SUBSCRIBE
      // always waits for the connection; the timeout above bounds that). The main client has no
      // offline queue, so cache commands fail fast during an outage.
      const sub = this.redis.duplicate({ connectionName: subscriberName(this.prefix), autoResubscribe: true, enableOfflineQueue: true })
      sub.on('error', (err) => this.onError(err, 'pub/sub: subscriber connection error'))
      sub.on('message', (channel: string, message: string) => this.registry.deliver(channel, message))
      this.subscriber = sub
    }
    return this.subscriber
  }

  async close (): Promise<void> {
    this.closed = true
    this.registry.channels.clear()
    const sub = this.subscriber
    this.subscriber = null
    if (!sub) return
    if (sub.status === 'ready') await bounded(sub.quit(), this.timeoutMs).catch(() => sub.disconnect())
    else sub.disconnect()
  }
}
