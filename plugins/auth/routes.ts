// /auth routes: one call into app.auth each, wrapped in the envelope.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { NoContent, errors, ok } from '../../kernel/schemas.ts'
import { DeviceTokens, deviceCookie } from './device.ts'
import { AuthErrors } from './errors.ts'
import {
  ChangePasswordBody, DeviceHeaders, LoginBody, PasswordChangedSchema, RefreshBody, RegisterBody, SessionSchema, TokenPairSchema, UpdateMeBody
} from './schemas.ts'
import type { Session } from './service.ts'

export default async function authRoutes (fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { max, windowMs } = app.config.authRateLimit
  // Per client IP and per route (the store keys by route).
  const rateLimit = { max, timeWindow: windowMs }
  const expiresIn = Math.floor(app.config.accessTokenTtlMs / 1000)
  const bearer = [{ bearer: [] }]
  const client = (request: FastifyRequest) => ({ address: request.ip, deviceToken: DeviceTokens.fromHeaders(request.headers) })
  const started = (reply: FastifyReply, session: Session) => {
    reply.header('set-cookie', deviceCookie(session.device_token, app.config.deviceTokenTtlMs))
    return { data: { ...session, token_type: 'Bearer', expires_in: expiresIn } }
  }

  app.post('/register', {
    config: { rateLimit },
    schema: {
      tags: ['auth'],
      operationId: 'register',
      security: [],
      summary: 'Create an account and start a session',
      body: RegisterBody,
      response: { 201: ok(SessionSchema), ...errors(400, 409, 413, 415, 429) }
    }
  }, async (request, reply) => {
    const session = await app.auth.register(request.body)
    return reply.code(201).send(started(reply, session))
  })

  app.post('/login', {
    config: { rateLimit },
    schema: {
      tags: ['auth'],
      operationId: 'login',
      security: [],
      summary: 'Log in with email and password',
      description: 'Unknown email and wrong password give the same 401. LOGIN_FAILURES_MAX failures per email and client address answer 429 AUTH_TOO_MANY_ATTEMPTS for that pair; ' +
        'repeated attempts for one email from anywhere answer 429 AUTH_LOGIN_DELAYED with a Retry-After of seconds, unless a device token of an earlier login of the account is sent.',
      headers: DeviceHeaders,
      body: LoginBody,
      response: { 200: ok(SessionSchema), ...errors(400, 401, 413, 415, 429) }
    }
  }, async (request, reply) => started(reply, await app.auth.login(request.body, client(request))))

  app.put('/password', {
    preHandler: app.requireUser,
    config: { rateLimit },
    schema: {
      tags: ['auth'],
      operationId: 'changePassword',
      summary: "Change the password; every other session of the account ends, the caller's goes on",
      description: 'A wrong current_password is 403 AUTH_CURRENT_PASSWORD_WRONG and counts as a failed login (the same limits apply); a weak new_password is 400 AUTH_WEAK_PASSWORD.',
      security: bearer,
      headers: DeviceHeaders,
      body: ChangePasswordBody,
      response: { 200: ok(PasswordChangedSchema), ...errors(400, 401, 403, 413, 415, 429) }
    }
  }, async (request) => {
    const revoked = await app.auth.changePassword(request.user.id, request.user.sid, request.body, client(request))
    return { data: { revoked_sessions: revoked } }
  })

  app.post('/refresh', {
    config: { rateLimit },
    schema: {
      tags: ['auth'],
      operationId: 'refreshSession',
      security: [],
      summary: 'Trade a refresh token for a new pair (the old one stops working)',
      description: 'Presenting an already-rotated token revokes every token of its family (theft detection).',
      body: RefreshBody,
      response: { 200: ok(TokenPairSchema), ...errors(400, 401, 413, 415, 429) }
    }
  }, async (request) => {
    const pair = await app.auth.refresh(request.body.refresh_token)
    return { data: { ...pair, token_type: 'Bearer', expires_in: expiresIn } }
  })

  app.post('/logout', {
    config: { rateLimit },
    schema: {
      tags: ['auth'],
      operationId: 'logout',
      security: [],
      summary: "Revoke the refresh token's family (this device's session)",
      body: RefreshBody,
      response: { 204: NoContent, ...errors(400, 413, 415, 429) }
    }
  }, async (request, reply) => {
    await app.auth.logout(request.body.refresh_token)
    return reply.code(204).send()
  })

  /** The canonical URL of one of the user's uploads (the uploads plugin registers the check). */
  const ownedAvatar = async (userId: string, url: string): Promise<string> => {
    const owned = await app.auth.ownedAvatar(userId, url)
    if (!owned) {
      throw new AuthErrors.AVATAR_NOT_OWNED().withDetails([{ path: '/avatar_url', message: 'is not one of your uploaded images (POST /uploads/presigned-url)' }])
    }
    return owned
  }

  const me = async (request: { user: { id: string } }) => {
    const user = await app.auth.getUser(request.user.id)
    if (!user) throw new AuthErrors.USER_NOT_FOUND()
    return { data: user }
  }
  const meSchema = { tags: ['auth'], summary: 'The current user', security: bearer, response: { 200: ok({ $ref: 'User#' }), ...errors(401) } }
  // Two operations, so two operationIds: one schema object would give both the same.
  app.get('/me', { preHandler: app.requireUser, schema: { ...meSchema, operationId: 'getMe' } }, me)
  app.post('/me', { preHandler: app.requireUser, schema: { ...meSchema, operationId: 'postMe' } }, me)

  app.put('/me', {
    preHandler: app.requireUser,
    schema: {
      tags: ['auth'],
      operationId: 'updateMe',
      summary: 'Update the profile',
      description: 'avatar_url must be the public_url of one of your own uploaded images (400 AUTH_AVATAR_NOT_OWNED otherwise; 422 UPLOADS_NOT_AN_IMAGE when the file is not the image its type claims); null clears it.',
      security: bearer,
      body: UpdateMeBody,
      response: { 200: ok({ $ref: 'User#' }), ...errors(400, 401, 413, 415, 422) }
    }
  }, async (request) => {
    const changes = { ...request.body }
    if (typeof changes.avatar_url === 'string') changes.avatar_url = await ownedAvatar(request.user.id, changes.avatar_url)
    const user = await app.auth.updateProfile(request.user.id, changes)
    if (!user) throw new AuthErrors.USER_NOT_FOUND()
    return { data: user }
  })
}
