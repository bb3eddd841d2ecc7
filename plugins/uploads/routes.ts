// /uploads routes: one call into app.uploads each, wrapped in the envelope.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { errors, ok } from '../../kernel/schemas.ts'
import { PresignBody } from './schemas.ts'

export default async function uploadRoutes (fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  app.post('/presigned-url', {
    preHandler: app.requireUser,
    // Counted per user after the token check (the hook runs after requireUser), so users
    // behind one NAT do not share a budget and anonymous calls spend none.
    config: { rateLimit: { max: 60, timeWindow: 60_000, hook: 'preHandler', keyGenerator: (request: FastifyRequest) => `uploads:${request.user.id}` } },
    schema: {
      tags: ['uploads'],
      operationId: 'createUploadUrl',
      summary: 'A URL to upload one image to, straight to storage',
      description: 'PUT the file to `url` with exactly `headers` (no Authorization) within `expires_in` seconds, then use `public_url` (as avatar_url or a project image): that first reference checks the bytes against the type (422 UPLOADS_NOT_AN_IMAGE) and publishes it, after which the PUT URL can no longer change it. 415 UPLOADS_UNSUPPORTED_TYPE for anything but PNG, JPEG, WebP or GIF; 403 PLAN_LIMIT_UPLOAD_SIZE above the plan\'s upload size.',
      security: [{ bearer: [] }],
      body: PresignBody,
      response: { 200: ok({ $ref: 'PresignedUpload#' }), ...errors(400, 401, 403, 413, 415, 429) }
    }
  }, async (request) => ({ data: await app.uploads.presign(request.user.id, request.body) }))
}
