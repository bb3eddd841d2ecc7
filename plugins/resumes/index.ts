// Resumes: JSON Resume documents with a theme, CRUD, soft delete, duplicate, slugs,
// import/export. app.resumes is the service; other plugins (renderer, exports, analysis)
// read through it.
import fp from 'fastify-plugin'
import resumeRoutes from './routes.ts'
import { ResumeSchema } from './schemas.ts'
import { ResumeService } from './service.ts'

declare module 'fastify' {
  interface FastifyInstance {
    resumes: ResumeService
  }
}

export default fp(async (app) => {
  app.decorate('resumes', new ResumeService(app.db, app.themes, app.auth.plans, app.storage, app.log))
  app.addSchema(ResumeSchema)
  await app.register(resumeRoutes, { prefix: '/resumes' })
}, { name: 'resumes', fastify: '5.x', dependencies: ['auth', 'themes'] })
