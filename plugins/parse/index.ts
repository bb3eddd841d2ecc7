// Resume parsing: POST /resumes/parse takes a PDF or DOCX, a parse.run job turns it into a
// JSON Resume draft with a confidence per field, GET /resumes/parse/:job_id hands it out;
// the client reviews it and creates the resume with POST /resumes/import. The API only
// stores and queues; processes with ROLE=all or ROLE=worker parse, in watched child processes (sandbox.ts).
import fp from 'fastify-plugin'
import type { Evaluation } from './eval.ts'
import parseRoutes from './routes.ts'
import { ParserPool } from './sandbox.ts'
import { ParseStatus } from './schemas.ts'
import { ParseService } from './service.ts'
import { CONCURRENCY, PARSE_QUEUE, QUEUE_OPTIONS, parseHandler, type ParseJob } from './worker.ts'

export interface Parsing {
  jobs: ParseService
  /** The accuracy harness (`npm run cli -- parse eval`): needs Chromium. */
  evaluate (): Promise<Evaluation>
}

declare module 'fastify' {
  interface FastifyInstance {
    parse: Parsing
  }
}

export default fp(async (app) => {
  const { config } = app
  const service = new ParseService(app.db)
  // Loaded on demand: the harness pulls in Chromium's driver and the PDF library, which an
  // API process never needs.
  app.decorate('parse', { jobs: service, evaluate: async () => (await import('./eval.ts')).evaluate(app) })
  app.addSchema(ParseStatus)
  await app.register(parseRoutes, { prefix: '/resumes/parse', service })

  if (config.role === 'all' || config.role === 'worker') {
    const pool = new ParserPool(CONCURRENCY, { timeoutMs: config.parse.timeoutMs, memoryMb: config.parse.memoryMb })
    app.addHook('onReady', async () => {
      await app.queue.createQueue(PARSE_QUEUE, QUEUE_OPTIONS)
      await app.queue.work<ParseJob>(PARSE_QUEUE, { concurrency: CONCURRENCY, pollingIntervalSeconds: 2 }, parseHandler(app, service, pool))
      app.log.info({ queue: PARSE_QUEUE, concurrency: CONCURRENCY }, 'parse worker started')
    })
    // A job still parsing then fails with a plain error, which pg-boss retries elsewhere.
    app.addHook('onClose', async () => { await pool.close() })
  }
}, { name: 'parse', fastify: '5.x', dependencies: ['auth', 'resumes', 'themes', 'renderer'] })
