// Login counters that do not fail open. With Redis, app.cache throws (after ioredis's
// retries, which can take seconds) while Redis is down, and the kernel's route rate limit
// lets requests through then (skipOnError). Login limits must hold during an outage, so
// every count is also kept in-process, and when Redis is not ready, errs or is slow, this
// process's own counts decide. They count from before the outage too, so an attacker's
// budget is not reset by one.
import type { Cache } from '../../kernel/cache.ts'

export interface Count { count: number, ttlMs: number }

/** Longer than a healthy Redis ever takes, short enough that a hung one does not hold logins. */
const SHARED_TIMEOUT_MS = 500

export class Counters {
  private readonly shared: Cache
  private readonly local: Cache
  private readonly onSharedError: (err: unknown) => void

  constructor (shared: Cache, local: Cache, onSharedError: (err: unknown) => void) {
    this.shared = shared
    this.local = local
    this.onSharedError = onSharedError
  }

  incr (key: string, windowMs: number): Promise<Count> {
    return this.both((c) => c.incr(key, windowMs))
  }

  peek (key: string): Promise<Count> {
    return this.both((c) => c.peek(key))
  }

  async del (key: string): Promise<void> {
    await this.both(async (c) => { await c.del(key); return { count: 0, ttlMs: 0 } })
  }

  private async both (op: (c: Cache) => Promise<Count>): Promise<Count> {
    // In-memory mode: app.cache is itself in-process, there is nothing to fall back from.
    if (this.shared.redis === null) return op(this.shared)
    const local = await op(this.local)
    if (this.shared.redis.status !== 'ready') return local
    try {
      const shared = await withTimeout(op(this.shared), SHARED_TIMEOUT_MS)
      return shared.count >= local.count ? shared : local
    } catch (err) {
      this.onSharedError(err)
      return local
    }
  }
}

async function withTimeout<T> (promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}
