// The in-process cache in front of "is this host a live portfolio host?", which the
// renderer asks on every custom-domain request and Caddy's on-demand TLS asks on every new
// handshake. Entries live a short while (positive and negative alike) and are dropped at
// once on change: locally, and on every other instance through a channel of app.cache
// pub/sub (the worker verifies, the API serves).
import { LRUCache } from 'lru-cache'
import type { PubSub } from '../../kernel/cache.ts'

export interface HostEntry {
  /** The custom_domains row; null for a subdomain of APP_DOMAIN. */
  domain_id: string | null
  portfolio_id: string
  ssl_status: string | null
}

const NONE = Symbol('none')
type Cached = HostEntry | typeof NONE

/** `pubsub` is app.cache, which prefixes the channel with REDIS_PREFIX. */
export interface LookupCacheOptions { pubsub: PubSub, ttlMs?: number, log: { warn (obj: object, msg: string): void } }

export class LookupCache {
  private readonly lru: LRUCache<string, Cached>
  private readonly inflight = new Map<string, Promise<HostEntry | null>>()
  /** Bumped by invalidate(): a load that started before must not store its answer. */
  private generation = 0
  private unsubscribe: (() => Promise<void>) | null = null
  private readonly channel = 'domains:invalidate'

  private readonly opts: LookupCacheOptions

  constructor (opts: LookupCacheOptions) {
    this.opts = opts
    // A count bound through maxSize: with `max`, lru-cache allocates its arrays for all 100,000
    // entries up front (~4 MB of every process's heap, most of it never used); this way they grow.
    this.lru = new LRUCache<string, Cached>({ maxSize: 100_000, sizeCalculation: () => 1, ttl: opts.ttlMs ?? 30_000 })
  }

  /** Subscribes to invalidations (our own come back too: dropping twice is harmless). */
  async start (): Promise<void> {
    try {
      this.unsubscribe = await this.opts.pubsub.subscribe(this.channel, (message) => this.drop(message.split('\n')))
    } catch (err) {
      this.opts.log.warn({ err }, 'domains: cannot subscribe to invalidations; other instances see changes after the cache TTL')
    }
  }

  async close (): Promise<void> {
    const unsubscribe = this.unsubscribe
    this.unsubscribe = null
    await unsubscribe?.()
  }

  /** The cached answer, else load() once however many callers wait. */
  get (host: string, load: () => Promise<HostEntry | null>): Promise<HostEntry | null> | HostEntry | null {
    const hit = this.lru.get(host)
    if (hit !== undefined) return hit === NONE ? null : hit
    let p = this.inflight.get(host)
    if (!p) {
      const generation = this.generation
      p = load().then((entry) => {
        if (generation === this.generation) this.lru.set(host, entry ?? NONE)
        return entry
      }).finally(() => this.inflight.delete(host))
      this.inflight.set(host, p)
    }
    return p
  }

  private drop (hosts: string[]): void {
    this.generation++
    for (const h of hosts) this.lru.delete(h)
  }

  /** Forgets the hosts here and on every other instance. */
  async invalidate (hosts: string[]): Promise<void> {
    if (hosts.length === 0) return
    this.drop(hosts)
    await this.opts.pubsub.publish(this.channel, hosts.join('\n')) // best effort: app.cache logs a failure
  }
}
