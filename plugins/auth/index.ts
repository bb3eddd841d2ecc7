// Accounts, sessions and the guards every other plugin uses: app.requireUser (any signed-in
// user, sets request.user.id) and app.requireAdmin (operators).
import type { FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import jwt from '@fastify/jwt'
import { createCache } from '../../kernel/cache.ts'
import { Counters } from './counters.ts'
import { DeviceTokens } from './device.ts'
import { RefreshToken, User } from './entities.ts'
import { AuthErrors } from './errors.ts'
import { LoginLimiter } from './limiter.ts'
import { Passwords } from './passwords.ts'
import authRoutes from './routes.ts'
import { UserSchema } from './schemas.ts'
import { AuthService } from './service.ts'

export type { PlanOwner } from './plans.ts'

declare module '@fastify/jwt' {
  interface FastifyJWT {
    /** sid: the session (refresh-token family) the token was issued for. */
    payload: { sub: string, typ: 'access', sid?: string }
    user: { id: string, sid?: string }
  }
}

/** The access token of an `Authorization: Bearer <token>` header, or null. */
function bearerToken (request: FastifyRequest): string | null {
  return /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1] ?? null
}

declare module 'fastify' {
  interface FastifyInstance {
    auth: AuthService
    /** preHandler: 401 unless a valid access token is presented. */
    requireUser (request: FastifyRequest): Promise<void>
    /** preHandler: requireUser, then 403 unless the user is an operator. */
    requireAdmin (request: FastifyRequest): Promise<void>
    /** Verifies an access token from elsewhere than the header (e.g. ?access_token= for SSE). */
    verifyAccessToken (token: string): { id: string, sid?: string }
    /**
     * A rate-limit keyGenerator: `<prefix>:u:<user id>` for a request with a valid access
     * token, else `<prefix>:ip:<address>`. Rate limits run before the auth hook, so the
     * token is checked here.
     */
    userRateKey (prefix: string): (request: FastifyRequest) => string
  }
}

export default fp(async (app) => {
  const { config } = app
  app.db.registerEntities([User, RefreshToken])
  await app.register(jwt, {
    secret: config.jwtSecret,
    sign: { expiresIn: Math.floor(config.accessTokenTtlMs / 1000), algorithm: 'HS256' },
    verify: { algorithms: ['HS256'] }
  })

  const local = await createCache(null, '')
  app.addHook('onClose', () => local.close())
  const counters = new Counters(app.cache, local, (err) => app.log.warn({ err }, 'Redis failed; login limits use this process\'s own counts'))
  const limiter = new LoginLimiter(counters, { pair: config.loginFailures, delay: config.loginDelay })
  app.decorate('auth', new AuthService(app.db, limiter, new Passwords(config.argon2), new DeviceTokens(config.jwtSecret, config.deviceTokenTtlMs), {
    refreshTokenTtlMs: config.refreshTokenTtlMs,
    tiers: config.tiers,
    signAccess: (userId, sessionId) => app.jwt.sign({ sub: userId, typ: 'access', sid: sessionId })
  }))

  app.decorate('verifyAccessToken', (token: string) => {
    let payload: { sub?: unknown, typ?: unknown, sid?: unknown }
    try {
      payload = app.jwt.verify(token)
    } catch (err) {
      if ((err as { code?: string }).code === 'FAST_JWT_EXPIRED') throw new AuthErrors.TOKEN_EXPIRED()
      throw new AuthErrors.TOKEN_INVALID()
    }
    if (payload.typ !== 'access' || typeof payload.sub !== 'string') throw new AuthErrors.TOKEN_INVALID()
    return typeof payload.sid === 'string' ? { id: payload.sub, sid: payload.sid } : { id: payload.sub }
  })

  app.decorate('requireUser', async (request: FastifyRequest) => {
    const token = bearerToken(request)
    if (!token) throw new AuthErrors.TOKEN_MISSING()
    request.user = app.verifyAccessToken(token)
  })

  app.decorate('userRateKey', (prefix: string) => (request: FastifyRequest) => {
    const token = bearerToken(request)
    if (token) { try { return `${prefix}:u:${app.verifyAccessToken(token).id}` } catch { /* an invalid token counts by address */ } }
    return `${prefix}:ip:${request.ip}`
  })

  app.decorate('requireAdmin', async (request: FastifyRequest) => {
    await app.requireUser(request)
    const user = await app.auth.getUser(request.user.id)
    if (!user?.is_admin) throw new AuthErrors.ADMIN_REQUIRED()
  })

  app.addSchema(UserSchema)
  await app.register(authRoutes, { prefix: '/auth' })
}, { name: 'auth', fastify: '5.x' })
