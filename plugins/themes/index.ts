// The theme registry, app.themes: built-in themes plus the operators' (CVGEN_THEME_DIRS),
// loaded and validated once at start-up. Resumes, portfolios and the renderer ask it which
// themes exist, validate theme_config with it and take starter content from it.
import fp from 'fastify-plugin'
import { ThemeRegistry } from './registry.ts'
import themeRoutes from './routes.ts'
import { ThemeDetailSchema, ThemeSummarySchema } from './schemas.ts'

export type { ThemeKind, ThemeManifest, ThemeFont, ConfigProblem } from './registry.ts'
export { ThemeRegistry } from './registry.ts'

declare module 'fastify' {
  interface FastifyInstance {
    themes: ThemeRegistry
  }
}

export default fp(async (app) => {
  const themes = ThemeRegistry.load({ operatorDirs: app.config.themeDirs })
  app.log.info({ themes: themes.list().map((t) => `${t.id}@${t.version} (${t.source})`) }, 'themes loaded')
  app.decorate('themes', themes)
  app.addSchema(ThemeSummarySchema)
  app.addSchema(ThemeDetailSchema)
  await app.register(themeRoutes, { prefix: '/themes' })
}, { name: 'themes', fastify: '5.x' })
