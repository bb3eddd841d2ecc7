// app.cache: Redis when REDIS_URL is set, else an in-process map with the same behaviour
// (one process only). Keys are prefixed with REDIS_PREFIX so deployments can share a Redis.
// Pub/sub (publish, subscribe) lives in pubsub.ts: one subscriber connection per process.
import { Redis } from 'ioredis'
import { MemoryPubSub, RedisPubSub, type Listener, type OnError, type PubSub } from './pubsub.ts'

export type { Listener, OnError, PubSub } from './pubsub.ts'

export interface Cache extends PubSub {
  /** The raw client, for libraries that take one (rate-limit store); null in memory mode. */
  readonly redis: Redis | null
  readonly prefix: string
  get (key: string): Promise<string | null>
  set (key: string, value: string, ttlMs?: number): Promise<void>
  del (key: string): Promise<void>
  /** Fixed-window counter: increments and, on the first hit, starts the window. */
  incr (key: string, windowMs: number): Promise<{ count: number, ttlMs: number }>
  /** Reads a counter made by incr without counting: {count: 0} when absent. */
  peek (key: string): Promise<{ count: number, ttlMs: number }>
  ping (): Promise<boolean>
  /** Ends the subscriber connection too; subscriptions end with it. */
  close (): Promise<void>
}

// INCR and PEXPIRE in one round trip, atomically, so a crash never leaves a counter without expiry.
const INCR_WINDOW = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}`

class RedisCache implements Cache {
  readonly redis: Redis
  readonly prefix: string
  readonly pubsub: RedisPubSub

  constructor (redis: Redis, prefix: string, onError: OnError) {
    this.redis = redis
    this.prefix = prefix
    this.pubsub = new RedisPubSub(redis, prefix, onError)
  }

  publish (channel: string, message: string) { return this.pubsub.publish(channel, message) }
  subscribe (channel: string, listener: Listener) { return this.pubsub.subscribe(channel, listener) }
  get (key: string) { return this.redis.get(this.prefix + key) }
  async set (key: string, value: string, ttlMs?: number) {
    if (ttlMs) await this.redis.set(this.prefix + key, value, 'PX', ttlMs)
    else await this.redis.set(this.prefix + key, value)
  }

  async del (key: string) { await this.redis.del(this.prefix + key) }
  async incr (key: string, windowMs: number) {
    const [count, ttlMs] = await this.redis.eval(INCR_WINDOW, 1, this.prefix + key, windowMs) as [number, number]
    return { count, ttlMs }
  }

  async peek (key: string) {
    const [[, value], [, ttl]] = await this.redis.multi().get(this.prefix + key).pttl(this.prefix + key).exec() as [[unknown, string | null], [unknown, number]]
    return { count: Number(value ?? 0), ttlMs: Math.max(0, ttl) }
  }

  async ping () {
    try { return (await this.redis.ping()) === 'PONG' } catch { return false }
  }

  async close () {
    await this.pubsub.close()
    await this.redis.quit().catch(() => this.redis.disconnect())
  }
}

class MemoryCache implements Cache {
  readonly redis = null
  private readonly entries = new Map<string, { value: string, expires: number }>()
  private readonly sweeper: NodeJS.Timeout

  readonly prefix: string
  private readonly maxEntries
  private readonly pubsub: MemoryPubSub

  constructor (prefix: string, onError: OnError, maxEntries = 100_000) {
    this.prefix = prefix
    this.maxEntries = maxEntries
    this.pubsub = new MemoryPubSub(prefix, onError)
    this.sweeper = setInterval(() => this.sweep(), 30_000).unref()
  }

  publish (channel: string, message: string) { return this.pubsub.publish(channel, message) }
  subscribe (channel: string, listener: Listener) { return this.pubsub.subscribe(channel, listener) }

  private live (key: string) {
    const e = this.entries.get(key)
    if (e && e.expires <= Date.now()) { this.entries.delete(key); return undefined }
    return e
  }

  private sweep () {
    const now = Date.now()
    for (const [k, e] of this.entries) if (e.expires <= now) this.entries.delete(k)
  }

  async get (key: string) { return this.live(key)?.value ?? null }
  async set (key: string, value: string, ttlMs?: number) {
    // Bounded: the oldest insertion goes first, like an LRU without the bookkeeping.
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!)
    this.entries.set(key, { value, expires: ttlMs ? Date.now() + ttlMs : Infinity })
  }

  async del (key: string) { this.entries.delete(key) }
  async incr (key: string, windowMs: number) {
    const e = this.live(key)
    if (!e) {
      await this.set(key, '1', windowMs)
      return { count: 1, ttlMs: windowMs }
    }
    e.value = String(Number(e.value) + 1)
    return { count: Number(e.value), ttlMs: e.expires - Date.now() }
  }

  async peek (key: string) {
    const e = this.live(key)
    return { count: Number(e?.value ?? 0), ttlMs: e ? e.expires - Date.now() : 0 }
  }

  async ping () { return true }
  async close () { clearInterval(this.sweeper); this.entries.clear(); this.pubsub.close() }
}

/** `onError` hears pub/sub failures (logged by the app); without it they go unreported. */
export async function createCache (redisUrl: string | null, prefix: string, onError: OnError = () => {}): Promise<Cache> {
  if (!redisUrl) return new MemoryCache(prefix, onError)
  // No offline queue: while Redis is unreachable a command fails at once, so callers (rate
  // limits, the page cache, counters) take their fallback instead of holding the request for
  // ioredis's reconnect attempts (0.3-10 s each, measured). ioredis still reconnects by itself.
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: false })
  await redis.connect()
  return new RedisCache(redis, prefix, onError)
}
