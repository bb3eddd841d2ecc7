// "Known device" tokens: proof that this client logged in to this account before, so the
// per-email login delay (limiter.ts), which an attacker can run up from anywhere, does not
// slow its owner. It only waives that delay: the password is still checked, and the
// per-(email, address) limit still applies.
//
// `<user id>.<expiry, unix seconds>.<HMAC-SHA256>`; the browser gets it as an HttpOnly
// cookie, API clients from the login answer's `device_token`, sent back as X-Device-Token.
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto'

export const DEVICE_COOKIE = 'cvgen_device'
export const DEVICE_HEADER = 'x-device-token'

export class DeviceTokens {
  private readonly key: Buffer
  private readonly ttlMs: number

  constructor (serverSecret: string, ttlMs: number) {
    // A key of its own, so these tokens and the access tokens signed with the secret itself
    // can never be passed off as one another.
    this.key = Buffer.from(hkdfSync('sha256', serverSecret, 'cvgen', 'device-token v1', 32))
    this.ttlMs = ttlMs
  }

  issue (userId: string, now = Date.now()): string {
    const exp = Math.floor((now + this.ttlMs) / 1000)
    return `${userId}.${exp}.${this.mac(userId, exp)}`
  }

  /** True when the token is ours, unexpired, and was made for this account. */
  verify (token: string | undefined, userId: string, now = Date.now()): boolean {
    const [id, exp, mac, ...extra] = (token ?? '').split('.')
    if (!id || !exp || !mac || extra.length > 0 || id !== userId || !/^\d{1,12}$/.test(exp)) return false
    if (Number(exp) * 1000 <= now) return false
    const want = Buffer.from(this.mac(id, Number(exp)))
    const got = Buffer.from(mac)
    return got.length === want.length && timingSafeEqual(got, want)
  }

  /** The token a request presents: the header first, else the cookie. */
  static fromHeaders (headers: Record<string, string | string[] | undefined>): string | undefined {
    const header = headers[DEVICE_HEADER]
    if (typeof header === 'string' && header.length > 0) return header
    const cookies = typeof headers.cookie === 'string' ? headers.cookie : ''
    for (const pair of cookies.split(';')) {
      const [name, ...value] = pair.trim().split('=')
      if (name === DEVICE_COOKIE) return value.join('=')
    }
    return undefined
  }

  private mac (userId: string, exp: number): string {
    return createHmac('sha256', this.key).update(`${userId}|${exp}`).digest('base64url')
  }
}

/**
 * SameSite=None: the dashboard may be served from another site (CORS_ORIGINS). That is safe
 * here because the cookie only waives a delay, and /auth takes JSON bodies only, which no
 * cross-site form can send without a CORS preflight.
 */
export function deviceCookie (token: string, ttlMs: number): string {
  return `${DEVICE_COOKIE}=${token}; Max-Age=${Math.floor(ttlMs / 1000)}; Path=/auth; HttpOnly; Secure; SameSite=None`
}
