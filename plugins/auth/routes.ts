// /auth routes: one call into app.auth each, wrapped in the envelope.
import type { FastifyInstance } from 'fastify'
import { NoContent, errors, ok } from '../../kernel/schemas.ts'
import { AuthErrors } from './errors.ts'
import { LoginBody, RefreshBody, RegisterBody, SessionSchema, TokenPairSchema, UpdateMeBody } from './schemas.ts'

interface Credentials { email: string, password: string }

export default async function authRoutes (app: FastifyInstance): Promise<void> {
  const { max, windowMs } = app.config.authRateLimit
  // Per client IP and per route (the store keys by route), as DESIGN.md asks.
  const rateLimit = { max, timeWindow: windowMs }
  const expiresIn = Math.floor(app.config.accessTokenTtlMs / 1000)
  const bearer = [{ bearer: [] }]

  app.post<{ Body: Credentials & { full_name: string } }>('/register', {
    config: { rateLimit },
    schema: {
      tags: ['auth'],
      summary: 'Create an account and start a session',
      body: RegisterBody,
      response: { 201: ok(SessionSchema), ...errors(400, 409, 413, 415, 429) }
    }
  }, async (request, reply) => {
    const session = await app.auth.register(request.body)
    return reply.code(201).send({ data: { ...session, token_type: 'Bearer', expires_in: expiresIn } })
  })

  app.post<{ Body: Credentials }>('/login', {
    config: { rateLimit },
    schema: {
      tags: ['auth'],
      summary: 'Log in with email and password',
      description: 'Unknown email and wrong password give the same 401. Ten failures per email in 15 minutes answer 429.',
      body: LoginBody,
      response: { 200: ok(SessionSchema), ...errors(400, 401, 413, 415, 429) }
    }
  }, async (request) => {
    const session = await app.auth.login(request.body)
    return { data: { ...session, token_type: 'Bearer', expires_in: expiresIn } }
  })

  app.post<{ Body: { refresh_token: string } }>('/refresh', {
    config: { rateLimit },
    schema: {
      tags: ['auth'],
      summary: 'Trade a refresh token for a new pair (the old one stops working)',
      description: 'Presenting an already-rotated token revokes every token of its family (theft detection).',
      body: RefreshBody,
      response: { 200: ok(TokenPairSchema), ...errors(400, 401, 413, 415, 429) }
    }
  }, async (request) => {
    const pair = await app.auth.refresh(request.body.refresh_token)
    return { data: { ...pair, token_type: 'Bearer', expires_in: expiresIn } }
  })

  app.post<{ Body: { refresh_token: string } }>('/logout', {
    config: { rateLimit },
    schema: {
      tags: ['auth'],
      summary: "Revoke the refresh token's family (this device's session)",
      body: RefreshBody,
      response: { 204: NoContent, ...errors(400, 413, 415, 429) }
    }
  }, async (request, reply) => {
    await app.auth.logout(request.body.refresh_token)
    return reply.code(204).send()
  })

  /** The canonical URL of one of the user's uploads (via the uploads plugin, looked up at request time). */
  const ownedAvatar = async (userId: string, url: string): Promise<string> => {
    const owned = app.hasDecorator('uploads') ? await app.uploads.resolveOwned(userId, url) : null
    if (!owned) {
      throw new AuthErrors.AVATAR_NOT_OWNED().withDetails([{ path: '/avatar_url', message: 'is not one of your uploaded images (POST /uploads/presigned-url)' }])
    }
    return owned.url
  }

  const me = async (request: { user: { id: string } }) => {
    const user = await app.auth.getUser(request.user.id)
    if (!user) throw new AuthErrors.USER_NOT_FOUND()
    return { data: user }
  }
  const meSchema = { tags: ['auth'], summary: 'The current user', security: bearer, response: { 200: ok({ $ref: 'User#' }), ...errors(401) } }
  app.get('/me', { preHandler: app.requireUser, schema: meSchema }, me)
  app.post('/me', { preHandler: app.requireUser, schema: meSchema }, me)

  app.put<{ Body: { full_name?: string, avatar_url?: string | null } }>('/me', {
    preHandler: app.requireUser,
    schema: {
      tags: ['auth'],
      summary: 'Update the profile',
      description: 'avatar_url must be the public_url of one of your own uploaded images (400 AUTH_AVATAR_NOT_OWNED otherwise); null clears it.',
      security: bearer,
      body: UpdateMeBody,
      response: { 200: ok({ $ref: 'User#' }), ...errors(400, 401, 413, 415) }
    }
  }, async (request) => {
    const changes = { ...request.body }
    if (typeof changes.avatar_url === 'string') changes.avatar_url = await ownedAvatar(request.user.id, changes.avatar_url)
    const user = await app.auth.updateProfile(request.user.id, changes)
    if (!user) throw new AuthErrors.USER_NOT_FOUND()
    return { data: user }
  })
}
