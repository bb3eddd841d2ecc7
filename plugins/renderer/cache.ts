// The rendered-page cache: an in-process LRU in front of Redis (the LRU alone without Redis).
// An entry is fresh for `freshMs` (60 s), then served STALE for up to `staleMs` (600 s)
// while one revalidation runs: one per process (concurrent requests share it) and one across
// instances (a short Redis lock, SET NX PX). A miss renders once per process however many
// requests wait for it. purge() drops the Redis entries and publishes the keys on a channel
// every instance subscribes to (app.cache pub/sub), so each drops its LRU copy.
//
// The cache never fails a request: a Redis error (or a Redis that is not connected) is
// logged and the page is rendered from the database instead.
import { randomUUID } from 'node:crypto'
import type { Redis } from 'ioredis'
import { LRUCache } from 'lru-cache'
import type { PubSub } from '../../kernel/cache.ts'

export interface Page {
  html: string
  etag: string
  csp: string
}

interface Entry extends Page {
  /** When it was rendered (ms since epoch). */
  t: number
}

export type CacheState = 'HIT' | 'MISS' | 'STALE'

export interface PageCacheOptions {
  redis: Redis | null
  /** Prefix of every Redis key (REDIS_PREFIX); app.cache prefixes the channel itself. */
  prefix: string
  /** app.cache: the purge channel. */
  pubsub: PubSub
  log: { warn (obj: object, msg: string): void, error (obj: object, msg: string): void }
  freshMs?: number
  staleMs?: number
  /** LRU bound, in characters of HTML. */
  maxChars?: number
  /** How long "no such page" is remembered (ms), and for how many keys at most. */
  missingMs?: number
  missingMax?: number
  /** A Redis call slower than this counts as a failure. */
  redisTimeoutMs?: number
  lockMs?: number
}

const RELEASE_LOCK = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end"

function timeout<T> (p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis call timed out after ${ms} ms`)), ms)
    p.then((v) => { clearTimeout(timer); resolve(v) }, (err: unknown) => { clearTimeout(timer); reject(err) })
  })
}

export class PageCache {
  freshMs: number
  staleMs: number
  private readonly lru: LRUCache<string, Entry>
  /**
   * Keys whose render found no page, remembered briefly so a crawler (or an attacker) asking
   * for unknown pages does not cost a query each time. Its own LRU, so a flood of made-up
   * names cannot evict real pages; purge() drops these as well, so a page that appears
   * (published, renamed into place) shows at once.
   */
  private readonly missing: LRUCache<string, true>
  private readonly redis: Redis | null
  private readonly pubsub: PubSub
  private unsubscribe: (() => Promise<void>) | null = null
  private readonly prefix: string
  private readonly channel = 'renderer:purge'
  private readonly log: PageCacheOptions['log']
  private readonly redisTimeoutMs: number
  private readonly lockMs: number
  /** Renders in flight (misses and revalidations), shared by concurrent requests. */
  private readonly inflight = new Map<string, Promise<Entry | null>>()
  /** Bumped by purge(): a render that started before a purge must not store its result. */
  private readonly generations = new Map<string, number>()
  /** Background revalidations by key: at most one per key in this process. */
  private readonly revalidations = new Map<string, Promise<unknown>>()
  /** Copies on their way to Redis: a response does not wait for them (settled() and close() do). */
  private readonly writes = new Set<Promise<void>>()
  /**
   * Redis reads in flight by key, with the generation they started in: when a page goes
   * stale under load, the concurrent requests share one GET (and one JSON.parse of the page)
   * instead of each making their own, but none joins a read that predates a purge.
   */
  private readonly sharedReads = new Map<string, { generation: number, read: Promise<Entry | null> }>()
  private readonly instanceId = randomUUID()

  constructor (opts: PageCacheOptions) {
    this.redis = opts.redis
    this.pubsub = opts.pubsub
    this.prefix = `${opts.prefix}page:`
    this.log = opts.log
    this.freshMs = opts.freshMs ?? 60_000
    this.staleMs = opts.staleMs ?? 600_000
    this.redisTimeoutMs = opts.redisTimeoutMs ?? 250
    this.lockMs = opts.lockMs ?? 10_000
    this.lru = new LRUCache<string, Entry>({
      maxSize: opts.maxChars ?? 64 * 1024 * 1024,
      sizeCalculation: (e) => Math.max(1, e.html.length + e.csp.length),
      ttl: this.freshMs + this.staleMs,
      ttlAutopurge: false
    })
    this.missing = new LRUCache<string, true>({ max: opts.missingMax ?? 10_000, ttl: opts.missingMs ?? 10_000, ttlAutopurge: false })
  }

  /** Subscribes to the purge channel (on the process's one subscriber connection). */
  async start (): Promise<void> {
    if (!this.redis) return // one process: its purges are applied where they are made
    try {
      this.unsubscribe = await this.pubsub.subscribe(this.channel, (message) => this.onPurge(message))
    } catch (err) {
      this.log.error({ err }, 'renderer cache: cannot subscribe to purges; other instances may serve stale pages up to their freshness')
    }
  }

  private onPurge (message: string): void {
    try {
      const { from, keys } = JSON.parse(message) as { from: string, keys: string[] }
      // Our own purges were applied when sent; applying them again on arrival would drop
      // a page rendered (from the changed data) in between.
      if (from === this.instanceId) return
      for (const key of keys) this.dropLocal(key)
    } catch (err) {
      this.log.warn({ err }, 'renderer cache: bad purge message')
    }
  }

  async close (): Promise<void> {
    await this.settled()
    const unsubscribe = this.unsubscribe
    this.unsubscribe = null
    await unsubscribe?.()
    this.lru.clear()
    this.missing.clear()
  }

  /** Resolves once the background revalidations and Redis writes started so far have finished (tests, shutdown). */
  async settled (): Promise<void> {
    while (this.revalidations.size > 0 || this.writes.size > 0) await Promise.allSettled([...this.revalidations.values(), ...this.writes])
  }

  /**
   * The page for `key` when this process holds it fresh, else undefined: the synchronous
   * HIT path (no promise, no Redis); get() covers every other case.
   */
  fresh (key: string): Page | undefined {
    const entry = this.lru.get(key)
    return entry && Date.now() - entry.t < this.freshMs ? entry : undefined
  }

  /**
   * The page for `key`: cached (HIT), cached but old (STALE, and a revalidation starts), or
   * rendered now (MISS). `render` gives null for "no such page" (never cached).
   */
  async get (key: string, render: () => Promise<Page | null>): Promise<{ page: Page, state: CacheState } | null> {
    if (this.missing.get(key)) return null
    let entry = this.lru.get(key)
    // Another instance may have refreshed it: look in Redis before calling it stale or missing
    // (not while this process is refreshing it: Redis then has nothing newer).
    if (!entry || (Date.now() - entry.t >= this.freshMs && !this.refreshing(key))) {
      const shared = await this.readSharedOnce(key)
      entry = this.lru.get(key) // as it is now: a purge or a render may have come meanwhile
      if (shared && (!entry || shared.t > entry.t)) {
        entry = shared
        this.lru.set(key, shared, { ttl: Math.max(1, shared.t + this.freshMs + this.staleMs - Date.now()) })
      }
    }
    const now = Date.now()
    if (entry) {
      const age = now - entry.t
      if (age < this.freshMs) return { page: entry, state: 'HIT' }
      if (age < this.freshMs + this.staleMs) {
        this.revalidate(key, render)
        return { page: entry, state: 'STALE' }
      }
    }
    const fresh = await this.renderOnce(key, render)
    return fresh ? { page: fresh, state: 'MISS' } : null
  }

  /** Drops the keys here, in Redis, and (through the channel) in every other instance. */
  async purge (keys: string[]): Promise<void> {
    if (keys.length === 0) return
    for (const key of keys) this.dropLocal(key)
    if (!this.usable()) return
    try {
      await timeout(this.redis!.del(...keys.map((k) => this.prefix + k)), this.redisTimeoutMs * 4)
    } catch (err) {
      this.log.error({ err, keys }, 'renderer cache: purge in Redis failed; other instances keep their copy until it goes stale')
      return // they would read the old copy back from Redis: telling them is no use
    }
    // Best effort: app.cache logs a message it cannot send, and the copies go stale in time.
    await this.pubsub.publish(this.channel, JSON.stringify({ from: this.instanceId, keys }))
  }

  private dropLocal (key: string): void {
    this.lru.delete(key)
    this.missing.delete(key)
    this.generations.set(key, this.generation(key) + 1)
  }

  private usable (): boolean {
    return this.redis !== null && this.redis.status === 'ready'
  }

  private generation (key: string): number {
    return this.generations.get(key) ?? 0
  }

  private refreshing (key: string): boolean {
    return this.inflight.has(key) || this.revalidations.has(key)
  }

  /** readShared(), one at a time per key and generation; null when purged meanwhile. */
  private readSharedOnce (key: string): Promise<Entry | null> {
    const generation = this.generation(key)
    const running = this.sharedReads.get(key)
    if (running && running.generation === generation) return running.read
    const slot = {
      generation,
      read: this.readShared(key).then((e) => this.generation(key) === generation ? e : null)
    }
    this.sharedReads.set(key, slot)
    void slot.read.finally(() => { if (this.sharedReads.get(key) === slot) this.sharedReads.delete(key) })
    return slot.read
  }

  private async readShared (key: string): Promise<Entry | null> {
    if (!this.usable()) return null
    try {
      const raw = await timeout(this.redis!.get(this.prefix + key), this.redisTimeoutMs)
      if (!raw) return null
      const e = JSON.parse(raw) as Entry
      return typeof e.html === 'string' && typeof e.etag === 'string' && typeof e.csp === 'string' && typeof e.t === 'number' ? e : null
    } catch (err) {
      this.log.warn({ err, key }, 'renderer cache: Redis read failed; rendering from the database')
      return null
    }
  }

  private async writeShared (key: string, entry: Entry): Promise<void> {
    if (!this.usable()) return
    try {
      await timeout(this.redis!.set(this.prefix + key, JSON.stringify(entry), 'PX', this.freshMs + this.staleMs), this.redisTimeoutMs * 4)
    } catch (err) {
      this.log.warn({ err, key }, 'renderer cache: Redis write failed')
    }
  }

  /** One render per key at a time in this process; the result goes to the LRU and Redis. */
  private renderOnce (key: string, render: () => Promise<Page | null>): Promise<Entry | null> {
    const running = this.inflight.get(key)
    if (running) return running
    const generation = this.generation(key)
    const p = (async () => {
      const page = await render()
      if (!page) {
        if (this.generation(key) === generation) this.missing.set(key, true)
        return null
      }
      const entry: Entry = { html: page.html, etag: page.etag, csp: page.csp, t: Date.now() }
      // Purged while rendering: serve this one, but keep no copy that may predate the change.
      if (this.generation(key) === generation) {
        this.lru.set(key, entry)
        // The SET is sent now, so a purge after this point (its DEL) reaches Redis after it;
        // the page is answered without waiting for Redis's reply (a round trip on every miss).
        const write = this.writeShared(key, entry)
        this.writes.add(write)
        void write.finally(() => this.writes.delete(write))
      }
      return entry
    })().finally(() => this.inflight.delete(key))
    this.inflight.set(key, p)
    return p
  }

  /** In the background: at most one per key here, and one across instances (Redis lock). */
  private revalidate (key: string, render: () => Promise<Page | null>): void {
    if (this.refreshing(key)) return
    const job = (async () => {
      const token = randomUUID()
      const lockKey = `${this.prefix}lock:${key}`
      let locked = false
      if (this.usable()) {
        try {
          locked = (await timeout(this.redis!.set(lockKey, token, 'PX', this.lockMs, 'NX'), this.redisTimeoutMs)) === 'OK'
          if (!locked) return // another instance is on it; its result reaches us through Redis
        } catch (err) {
          this.log.warn({ err, key }, 'renderer cache: revalidation lock failed; revalidating here')
        }
      }
      try {
        const entry = await this.renderOnce(key, render)
        if (!entry) await this.purge([key]) // gone since it was cached
      } finally {
        if (locked) {
          await timeout(this.redis!.eval(RELEASE_LOCK, 1, lockKey, token), this.redisTimeoutMs).catch(() => {})
        }
      }
    })().catch((err: unknown) => this.log.error({ err, key }, 'renderer cache: revalidation failed; the stale copy stays'))
    this.revalidations.set(key, job)
    void job.finally(() => this.revalidations.delete(key))
  }
}
