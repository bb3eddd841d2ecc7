// Resume parsing: POST /resumes/parse takes a PDF or DOCX, a parse.run job turns it into a
// JSON Resume draft with a confidence per field, GET /resumes/parse/:job_id hands it out;
// the client reviews it and creates the resume with POST /resumes/import. The API only
// stores and queues; processes with ROLE=all or ROLE=worker parse, in watched child processes (sandbox.ts).
import fp from 'fastify-plugin'
import type { CorpusChoice, Evaluation } from './eval.ts'
import parseRoutes from './routes.ts'
import { ParserPool } from './sandbox.ts'
import { ParseStatus } from './schemas.ts'
import { ParseService } from './service.ts'
import { CONCURRENCY, defineParseJob } from './worker.ts'

export interface Parsing {
  jobs: ParseService
  /** The accuracy harness (`npm run cli -- parse eval [--corpus all|themes|external]`): the themes need Chromium. */
  evaluate (corpus?: CorpusChoice): Promise<Evaluation>
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
  app.decorate('parse', { jobs: service, evaluate: async (corpus?: CorpusChoice) => (await import('./eval.ts')).evaluate(app, corpus) })
  app.addSchema(ParseStatus)
  // Workers (ROLE=all or worker) parse in watched child processes; the API only enqueues.
  const works = config.role === 'all' || config.role === 'worker'
  const pool = works ? new ParserPool(CONCURRENCY, { timeoutMs: config.parse.timeoutMs, memoryMb: config.parse.memoryMb }) : null
  const job = defineParseJob(app, service, pool)
  await app.register(parseRoutes, { prefix: '/resumes/parse', service, job })
  // A job still parsing then fails with a plain error, which pg-boss retries elsewhere.
  if (pool) app.addHook('onClose', async () => { await pool.close() })
}, { name: 'parse', fastify: '5.x', dependencies: ['auth', 'resumes', 'themes', 'renderer', 'ai-llm'] })
