// Analysis: queued jobs (pg-boss `analysis.run`) that run the selected AI provider over a
// resume or portfolio, with progress on the row and live over SSE, results written once.
// The API only enqueues; processes with ROLE=all or ROLE=worker run the jobs (app.jobs).
import fp from 'fastify-plugin'
import { CacheBus, type EventBus } from './bus.ts'
import analysisRoutes from './routes.ts'
import { AnalysisReport, AnalysisSummary, JobStatus } from './schemas.ts'
import { AnalysisService } from './service.ts'
import { defineAnalysisJob } from './worker.ts'

declare module 'fastify' {
  interface FastifyInstance {
    analysis: AnalysisService
  }
}

export default fp(async (app) => {
  const bus: EventBus = new CacheBus(app.cache, (err) => app.log.warn({ err }, 'analysis event bus: bad message'))
  const service = new AnalysisService(app.db, bus, app.auth.plans)
  app.decorate('analysis', service)
  app.addSchema(JobStatus)
  app.addSchema(AnalysisSummary)
  app.addSchema(AnalysisReport)
  // Defined in every process (the API enqueues); app.jobs starts its workers where ROLE says.
  const job = defineAnalysisJob(app, service)
  await app.register(analysisRoutes, { prefix: '/ai', service, job })
  app.addHook('onClose', async () => { await bus.close() })
}, { name: 'analysis', fastify: '5.x', dependencies: ['auth', 'resumes', 'portfolios', 'ai'] })
