// Portfolios: project showcases with a theme, served publicly on <subdomain>.APP_DOMAIN or
// a verified custom domain. CRUD, soft delete, duplicate, subdomains. app.portfolios is the
// service; the renderer and domains plugins read and attach domains through it.
import fp from 'fastify-plugin'
import portfolioRoutes from './routes.ts'
import { PortfolioSchema } from './schemas.ts'
import { PortfolioService } from './service.ts'

declare module 'fastify' {
  interface FastifyInstance {
    portfolios: PortfolioService
  }
}

export default fp(async (app) => {
  app.decorate('portfolios', new PortfolioService(app.db, app.themes, app.uploads, {
    plans: app.auth.plans,
    appDomain: app.config.appDomain,
    storage: app.storage,
    log: app.log
  }))
  app.addSchema(PortfolioSchema)
  await app.register(portfolioRoutes, { prefix: '/portfolios' })
}, { name: 'portfolios', fastify: '5.x', dependencies: ['auth', 'themes', 'uploads'] })
