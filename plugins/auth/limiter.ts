// Login throttling that an attacker cannot turn against the account's owner (plugins/auth/README.md):
// - per (email, client address): LOGIN_FAILURES_MAX failures per LOGIN_FAILURES_WINDOW, then
//   429 for that pair only; another address is not locked out by it.
// - per email, across all addresses: after LOGIN_DELAY_AFTER attempts in the window, each
//   attempt holds the next one off for 1 s, 2 s, 4 s, ... up to LOGIN_DELAY_MAX (a 429 with
//   Retry-After, never a server-side sleep). A client with a valid device token skips it.
import { createHash } from 'node:crypto'
import type { Counters } from './counters.ts'
import { AuthErrors } from './errors.ts'

export interface LimiterOptions {
  pair: { max: number, windowMs: number }
  delay: { after: number, maxMs: number }
}

export interface Attempt { email: string, address: string, knownDevice: boolean }

// Keyed by digests so the cache never holds emails or addresses in clear.
const digest = (...parts: string[]) => createHash('sha256').update(parts.join('\0')).digest('hex')
const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000))

/** The wait an attempt opens for the next one, given the attempts counted so far (this one included). */
export function delayMs (attempts: number, after: number, maxMs: number): number {
  if (attempts <= after) return 0
  return Math.min(maxMs, 1000 * 2 ** Math.min(30, attempts - after - 1))
}

/**
 * One IPv6 client usually holds a whole /64, so it counts as one address; an IPv4-mapped
 * address is its IPv4 address.
 */
export function clientKey (ip: string): string {
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)
  if (v4) return v4[1]!
  if (!ip.includes(':')) return ip
  const [head = '', tail] = ip.replace(/%.*$/, '').split('::')
  const left = head ? head.split(':') : []
  const right = tail ? tail.split(':') : []
  const groups = tail === undefined ? left : [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
  return groups.slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, '')).join(':') + '::/64'
}

export class LoginLimiter {
  private readonly counters: Counters
  private readonly opts: LimiterOptions

  constructor (counters: Counters, opts: LimiterOptions) {
    this.counters = counters
    this.opts = opts
  }

  private keys (a: Attempt) {
    const email = digest(a.email)
    return { pair: `auth:fail:pair:${digest(a.email, clientKey(a.address))}`, email: `auth:fail:email:${email}`, wait: `auth:wait:${email}` }
  }

  /** Throws a 429 when this attempt may not check a password now; otherwise counts it. */
  async admit (a: Attempt): Promise<void> {
    const keys = this.keys(a)
    const { windowMs } = this.opts.pair
    const before = await this.counters.peek(keys.pair)
    if (before.count >= this.opts.pair.max) throw tooMany(before.ttlMs)
    if (!a.knownDevice) {
      const waiting = await this.counters.peek(keys.wait)
      if (waiting.count > 0) throw delayed(waiting.ttlMs)
      const { count } = await this.counters.incr(keys.email, windowMs)
      const wait = delayMs(count, this.opts.delay.after, this.opts.delay.maxMs)
      // The claim is atomic: of attempts racing past the check above, only the first proceeds.
      if (wait > 0) {
        const claim = await this.counters.incr(keys.wait, wait)
        if (claim.count > 1) throw delayed(claim.ttlMs)
      }
    }
    const counted = await this.counters.incr(keys.pair, windowMs)
    if (counted.count > this.opts.pair.max) throw tooMany(counted.ttlMs)
  }

  async failed (a: Attempt): Promise<void> {
    // A known device's attempts were not counted on the way in; its failures still are.
    if (a.knownDevice) await this.counters.incr(this.keys(a).email, this.opts.pair.windowMs)
  }

  async succeeded (a: Attempt): Promise<void> {
    const keys = this.keys(a)
    await this.counters.del(keys.pair)
    await this.counters.del(keys.email)
  }
}

function tooMany (ttlMs: number) {
  const s = seconds(ttlMs)
  return new AuthErrors.TOO_MANY_ATTEMPTS(s).withHeaders({ 'retry-after': String(s) })
}

function delayed (ttlMs: number) {
  const s = seconds(ttlMs)
  return new AuthErrors.LOGIN_DELAYED(s).withHeaders({ 'retry-after': String(s) })
}
