// Accounts and sessions. No Fastify here: the CLI and workers use this class as the routes do.
import { randomUUID } from 'node:crypto'
import { UniqueConstraintViolationException } from '@mikro-orm/core'
import type { EntityManager } from '@mikro-orm/postgresql'
import type { Tier, TierLimits } from '../../config/index.ts'
import type { Database } from '../../kernel/db.ts'
import type { AppErrorConstructor } from '../../kernel/errors.ts'
import type { DeviceTokens } from './device.ts'
import { User, type UserRow } from './entities.ts'
import { AuthErrors } from './errors.ts'
import type { LoginLimiter } from './limiter.ts'
import type { Passwords } from './passwords.ts'
import type { ChangePasswordInput, LoginInput, ProfileChanges, RegisterInput } from './schemas.ts'
import { Plans } from './plans.ts'
import { weakness } from './strength.ts'
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

export interface Session { user: PublicUser, access_token: string, refresh_token: string, device_token: string }

/** Who is asking: the client address the limits count, and its known-device token if any. */
export interface Client { address: string, deviceToken?: string }

export interface AuthOptions {
  refreshTokenTtlMs: number
  /** Signs a short-lived access token for a user id and its session (refresh-token family). */
  signAccess (userId: string, sessionId: string): string
  tiers: Record<Tier, TierLimits>
}

async function refuseWeak (password: string, person: { email: string, fullName: string }, path: string): Promise<void> {
  const problem = await weakness(password, person)
  if (problem) throw new AuthErrors.WEAK_PASSWORD(problem).withDetails([{ path, message: problem }])
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

/** The canonical form of a URL of one of the user's own uploads, or null. */
export type AvatarOwner = (userId: string, url: string) => Promise<{ url: string } | null>

type TokenRow = { id: string, user_id: string, family_id: string, revoked_at: Date | null, replaced_by: string | null }

export class AuthService {
  private readonly db: Database
  private readonly limiter: LoginLimiter
  private readonly passwords: Passwords
  private readonly devices: DeviceTokens
  private readonly opts: AuthOptions
  /** Plan limits: other plugins lock and count through this, never the users table. */
  readonly plans: Plans
  private avatarOwner: AvatarOwner | null = null

  constructor (db: Database, limiter: LoginLimiter, passwords: Passwords, devices: DeviceTokens, opts: AuthOptions) {
    this.plans = new Plans(opts.tiers)
    this.db = db
    this.limiter = limiter
    this.passwords = passwords
    this.devices = devices
    this.opts = opts
  }

  async register (input: RegisterInput): Promise<Session> {
    const email = normalizeEmail(input.email)
    const fullName = input.full_name.trim()
    await refuseWeak(input.password, { email, fullName }, '/password')
    const em = this.db.fork()
    const user = em.create(User, {
      email,
      password_hash: await this.passwords.hash(input.password),
      full_name: fullName,
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

  /** No strength rule here: accounts made under an older policy must still get in. */
  async login (input: LoginInput, client: Client): Promise<Session> {
    const email = normalizeEmail(input.email)
    const em = this.db.fork()
    const user = await em.findOne(User, { email }, { populate: ['password_hash'] })
    const attempt = { email, address: client.address, knownDevice: user !== null && this.devices.verify(client.deviceToken, user.id) }
    await this.limiter.admit(attempt)
    // Unknown email and wrong password take the same path and about the same time.
    const valid = await this.passwords.verify(user?.password_hash ?? null, input.password)
    if (!user || !valid) {
      await this.limiter.failed(attempt)
      throw new AuthErrors.INVALID_CREDENTIALS()
    }
    await this.limiter.succeeded(attempt)
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
    type Outcome = { error: AppErrorConstructor } | { userId: string, sessionId: string, refreshToken: string }
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
      return { userId: consumed.user_id, sessionId: consumed.family_id, refreshToken: next.token }
    })
    // Thrown after the transaction so the family revocation above is committed, not rolled back.
    if ('error' in outcome) {
      const Refusal = outcome.error // an error class (@fastify/error), instantiated here
      throw new Refusal()
    }
    return { access_token: this.opts.signAccess(outcome.userId, outcome.sessionId), refresh_token: outcome.refreshToken }
  }

  /**
   * Checks the current password under the login limits (a stolen access token must not
   * become a way to guess it), stores the new one, and ends every other session: whoever
   * else held a refresh token of this account is logged out; the caller's session goes on.
   * Returns how many sessions were ended.
   */
  async changePassword (userId: string, sessionId: string | undefined, input: ChangePasswordInput, client: Client): Promise<number> {
    const em = this.db.fork()
    const user = await em.findOne(User, { id: userId }, { populate: ['password_hash'] })
    if (!user) throw new AuthErrors.USER_NOT_FOUND()
    // Before the current password is tried, so a weak choice costs no attempt.
    await refuseWeak(input.new_password, { email: user.email, fullName: user.full_name }, '/new_password')
    const attempt = { email: user.email, address: client.address, knownDevice: this.devices.verify(client.deviceToken, user.id) }
    await this.limiter.admit(attempt)
    if (!await this.passwords.verify(user.password_hash, input.current_password)) {
      await this.limiter.failed(attempt)
      throw new AuthErrors.CURRENT_PASSWORD_WRONG()
    }
    await this.limiter.succeeded(attempt)
    const hash = await this.passwords.hash(input.new_password)
    return em.transactional(async (tx) => {
      await tx.nativeUpdate(User, { id: user.id }, { password_hash: hash })
      // An access token from before sessions were named in it (sid) keeps no session: all end.
      const ended = await tx.execute<{ family_id: string }[]>(
        `update refresh_tokens set revoked_at = now()
          where user_id = ? and revoked_at is null and family_id is distinct from ?::uuid returning family_id`, [user.id, sessionId ?? null])
      return new Set(ended.map((r) => r.family_id)).size
    })
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

  /**
   * Registration, at boot: how to tell whether a URL is one of the user's own uploaded images
   * (the uploads plugin registers it; auth cannot depend on uploads, which depends on auth).
   */
  useAvatarOwner (owner: AvatarOwner): void {
    if (this.avatarOwner) throw new Error('an avatar owner is already registered')
    this.avatarOwner = owner
  }

  /** The canonical URL of one of the user's uploads, or null (also when no uploads plugin is loaded). */
  async ownedAvatar (userId: string, url: string): Promise<string | null> {
    return this.avatarOwner ? (await this.avatarOwner(userId, url))?.url ?? null : null
  }

  /** avatar_url must already be checked (ownedAvatar). */
  async updateProfile (id: string, changes: ProfileChanges): Promise<PublicUser | null> {
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
    const family = randomUUID()
    const refresh = await this.insertRefreshToken(em, user.id, family)
    await em.flush()
    return {
      user: toPublic(user),
      access_token: this.opts.signAccess(user.id, family),
      refresh_token: refresh.token,
      device_token: this.devices.issue(user.id)
    }
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
