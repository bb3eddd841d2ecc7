// Uploads: presigned PUT URLs for images (avatars, project screenshots) straight to
// app.storage (a private staging key), and app.uploads.resolveOwned, which portfolios (and auth,
// registered at boot) use to accept only URLs of a user's own uploads, and which checks and
// publishes a staged file.
import fp from 'fastify-plugin'
import uploadRoutes from './routes.ts'
import { PresignedUploadSchema } from './schemas.ts'
import { UploadService } from './service.ts'

declare module 'fastify' {
  interface FastifyInstance {
    uploads: UploadService
  }
}

export default fp(async (app) => {
  const service = new UploadService(app.storage, app.config.tiers, async (userId) => {
    return (await app.auth.getUser(userId))?.subscription_tier ?? 'free'
  })
  app.decorate('uploads', service)
  // Auth accepts an avatar_url only if it is one of the user's uploads: told how, at boot.
  app.auth.useAvatarOwner((userId, url) => service.resolveOwned(userId, url))
  app.addSchema(PresignedUploadSchema)
  await app.register(uploadRoutes, { prefix: '/uploads' })
}, { name: 'uploads', fastify: '5.x', dependencies: ['auth'] })
