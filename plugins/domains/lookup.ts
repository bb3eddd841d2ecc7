// The in-process cache in front of "is this host a live portfolio host?", which the
// renderer asks on every custom-domain request and Caddy's on-demand TLS asks on every new
// handshake. Entries live a short while (positive and negative alike) and are dropped at
// once on change: locally, and on every other instance through a Redis channel when Redis
// is configured (the worker verifies, the API serves).
import type { Redis } from 'ioredis'
import { LRUCache } from 'lru-cache'

export interface HostEntry {
  /** The custom_domains row; null for a subdomain of APP_DOMAIN. */
  domain_id: string | null
  portfolio_id: string
  ssl_status: string | null
}

const NONE = Symbol('none')
type Cached = HostEntry | typeof NONE

export interface LookupCacheOptions { redis: Redis | null, prefix: string, ttlMs?: number, log: { warn (obj: object, msg: string): void } }

export class LookupCache {
  private readonly lru: LRUCache<string, Cached>
  private readonly inflight = new Map<string, Promise<HostEntry | null>>()
  /** Bumped by invalidate(): a load that started before must not store its answer. */
  private generation = 0
  private subscriber: Redis | null = null
  private readonly channel: string

  private readonly opts: LookupCacheOptions

  constructor (opts: LookupCacheOptions) {
    this.opts = opts
    this.lru = new LRUCache<string, Cached>({ max: 100_000, ttl: opts.ttlMs ?? 30_000 })
    this.channel = `${opts.prefix}domains:invalidate`
  }

  async start (): Promise<void> {
    if (!this.opts.redis) return
    const sub = this.opts.redis.duplicate({ lazyConnect: true, maxRetriesPerRequest: null })
    sub.on('error', (err) => this.opts.log.warn({ err }, 'domains: invalidation subscriber error'))
    sub.on('message', (_channel: string, message: string) => this.drop(message.split('\n')))
    try {
      await sub.connect()
      await sub.subscribe(this.channel)
      this.subscriber = sub
    } catch (err) {
      this.opts.log.warn({ err }, 'domains: cannot subscribe to invalidations; other instances see changes after the cache TTL')
      sub.disconnect()
    }
  }

  async close (): Promise<void> {
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect())
    this.subscriber = null
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
    await this.opts.redis?.publish(this.channel, hosts.join('\n')).catch((err: unknown) => this.opts.log.warn({ err }, 'domains: cannot publish an invalidation'))
  }
}
