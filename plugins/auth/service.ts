// Accounts and sessions. No Fastify here: the CLI and workers use this class as the routes do.
import { createHash, randomUUID } from 'node:crypto'
import { UniqueConstraintViolationException } from '@mikro-orm/core'
import type { EntityManager } from '@mikro-orm/postgresql'
import type { Tier } from '../../config/index.ts'
import type { Cache } from '../../kernel/cache.ts'
import type { Database } from '../../kernel/db.ts'
import type { AppErrorConstructor } from '../../kernel/errors.ts'
import { User, type UserRow } from './entities.ts'
import { AuthErrors } from './errors.ts'
import type { Passwords } from './passwords.ts'
import { hashToken, newRefreshToken } from './tokens.ts'

export interface PublicUser {
  id: string
  email: string
  full_name: string
  avatar_url: string | null
  subscription_tier: Tier
  is_admin: boolean
  created_at: Date
  last_login: Date | null
}

export interface Session { user: PublicUser, access_token: string, refresh_token: string }

export interface AuthOptions {
  refreshTokenTtlMs: number
  loginFailures: { max: number, windowMs: number }
  /** Signs a short-lived access token for a user id. */
  signAccess (userId: string): string
}

export function normalizeEmail (email: string): string {
  return email.trim().toLowerCase()
}

function toPublic (u: UserRow): PublicUser {
  return {
    id: u.id,
    email: u.email,
    full_name: u.full_name,
    avatar_url: u.avatar_url ?? null,
    subscription_tier: u.subscription_tier as Tier,
    is_admin: u.is_admin,
    created_at: u.created_at,
    last_login: u.last_login ?? null
  }
}

type TokenRow = { id: string, user_id: string, family_id: string, revoked_at: Date | null, replaced_by: string | null }

export class AuthService {
  private readonly db: Database
  private readonly cache: Cache
  private readonly passwords: Passwords
  private readonly opts: AuthOptions

  constructor (
    db: Database,
    cache: Cache,
    passwords: Passwords,
    opts: AuthOptions
  ) {
    this.db = db
    this.cache = cache
    this.passwords = passwords
    this.opts = opts
  }

  async register (input: { email: string, password: string, full_name: string }): Promise<Session> {
    const email = normalizeEmail(input.email)
    const problem = this.passwords.problem(input.password, email)
    if (problem) throw new AuthErrors.WEAK_PASSWORD(problem).withDetails([{ path: '/password', message: problem }])
    const em = this.db.fork()
    const user = em.create(User, {
      email,
      password_hash: await this.passwords.hash(input.password),
      full_name: input.full_name.trim(),
      last_login: new Date()
    })
    try {
      await em.flush()
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) throw new AuthErrors.EMAIL_TAKEN()
      throw err
    }
    return this.startSession(em, user)
  }

  async login (input: { email: string, password: string }): Promise<Session> {
    const email = normalizeEmail(input.email)
    // Keyed by a digest so the cache never holds addresses in clear.
    const failuresKey = `auth:fail:${createHash('sha256').update(email).digest('hex')}`
    const { max, windowMs } = this.opts.loginFailures
    const seen = await this.cache.peek(failuresKey)
    if (seen.count >= max) {
      const seconds = Math.max(1, Math.ceil(seen.ttlMs / 1000))
      throw new AuthErrors.TOO_MANY_ATTEMPTS(seconds).withHeaders({ 'retry-after': String(seconds) })
    }
    const em = this.db.fork()
    const user = await em.findOne(User, { email }, { populate: ['password_hash'] })
    // Unknown email and wrong password take the same path and about the same time.
    const valid = await this.passwords.verify(user?.password_hash ?? null, input.password)
    if (!user || !valid) {
      await this.cache.incr(failuresKey, windowMs)
      throw new AuthErrors.INVALID_CREDENTIALS()
    }
    await this.cache.del(failuresKey)
    if (this.passwords.needsRehash(user.password_hash)) user.password_hash = await this.passwords.hash(input.password)
    user.last_login = new Date()
    return this.startSession(em, user)
  }

  /**
   * Rotates a refresh token. The old one is consumed atomically (a single UPDATE), so two
   * racing refreshes cannot both win; presenting a consumed token again is treated as
   * theft and revokes its whole family.
   */
  async refresh (token: string): Promise<{ access_token: string, refresh_token: string }> {
    const hash = hashToken(token)
    type Outcome = { error: AppErrorConstructor } | { userId: string, refreshToken: string }
    const outcome = await this.db.fork().transactional(async (em): Promise<Outcome> => {
      const [consumed] = await em.execute<TokenRow[]>(
        `update refresh_tokens set revoked_at = now()
          where token_hash = ? and revoked_at is null and expires_at > now()
          returning id, user_id, family_id`, [hash])
      if (!consumed) {
        const [row] = await em.execute<(TokenRow & { expired: boolean })[]>(
          'select id, family_id, revoked_at, replaced_by, expires_at <= now() as expired from refresh_tokens where token_hash = ?', [hash])
        if (!row) return { error: AuthErrors.REFRESH_TOKEN_INVALID }
        if (row.replaced_by) {
          await em.execute('update refresh_tokens set revoked_at = now() where family_id = ? and revoked_at is null', [row.family_id])
          return { error: AuthErrors.REFRESH_TOKEN_REUSED }
        }
        return { error: row.revoked_at ? AuthErrors.REFRESH_TOKEN_REVOKED : AuthErrors.REFRESH_TOKEN_EXPIRED }
      }
      const next = await this.insertRefreshToken(em, consumed.user_id, consumed.family_id)
      await em.execute('update refresh_tokens set replaced_by = ? where id = ?', [next.id, consumed.id])
      return { userId: consumed.user_id, refreshToken: next.token }
    })
    // Thrown after the transaction so the family revocation above is committed, not rolled back.
    if ('error' in outcome) throw new outcome.error()
    return { access_token: this.opts.signAccess(outcome.userId), refresh_token: outcome.refreshToken }
  }

  /** Revokes the token's family. Unknown tokens are ignored: logout is idempotent. */
  async logout (token: string): Promise<void> {
    await this.db.fork().execute(
      `update refresh_tokens set revoked_at = now()
        where family_id = (select family_id from refresh_tokens where token_hash = ?) and revoked_at is null`,
      [hashToken(token)])
  }

  async getUser (id: string): Promise<PublicUser | null> {
    const user = await this.db.fork().findOne(User, { id })
    return user ? toPublic(user) : null
  }

  /** avatar_url must already be checked (the route resolves it through app.uploads). */
  async updateProfile (id: string, changes: { full_name?: string, avatar_url?: string | null }): Promise<PublicUser | null> {
    const em = this.db.fork()
    const user = await em.findOne(User, { id })
    if (!user) return null
    if (changes.full_name !== undefined) user.full_name = changes.full_name.trim()
    if (changes.avatar_url !== undefined) user.avatar_url = changes.avatar_url
    await em.flush()
    return toPublic(user)
  }

  /** Operator actions (CLI). Return false when no account has that email. */
  async setTier (email: string, tier: Tier): Promise<boolean> {
    const n = await this.db.fork().nativeUpdate(User, { email: normalizeEmail(email) }, { subscription_tier: tier })
    return n > 0
  }

  async setAdmin (email: string, isAdmin: boolean): Promise<boolean> {
    const n = await this.db.fork().nativeUpdate(User, { email: normalizeEmail(email) }, { is_admin: isAdmin })
    return n > 0
  }

  private async startSession (em: EntityManager, user: UserRow): Promise<Session> {
    const refresh = await this.insertRefreshToken(em, user.id, randomUUID())
    await em.flush()
    return { user: toPublic(user), access_token: this.opts.signAccess(user.id), refresh_token: refresh.token }
  }

  private async insertRefreshToken (em: EntityManager, userId: string, familyId: string): Promise<{ id: string, token: string }> {
    const token = newRefreshToken()
    const id = randomUUID()
    await em.execute(
      'insert into refresh_tokens (id, user_id, family_id, token_hash, expires_at) values (?, ?, ?, ?, ?)',
      [id, userId, familyId, hashToken(token), new Date(Date.now() + this.opts.refreshTokenTtlMs)])
    return { id, token }
  }
}
