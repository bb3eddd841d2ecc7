// buildApp(config): the kernel. Loads in waves — infrastructure (database, cache, queue,
// HTTP concerns) awaited first, then every folder of plugins/, then the operators' plugin
// folders — so a plugin can rely on every shared decorator existing when it registers.
import { randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify'
import autoload from '@fastify/autoload'
import cors from '@fastify/cors'
import rateLimit from '@fastify/rate-limit'
import type { Config } from '../config/index.ts'
import { createCache, type Cache } from './cache.ts'
import { secureDataDir } from './data-dir.ts'
import { Database, pluginMigrations } from './db.ts'
import { loggerOptions } from './log.ts'
import { postgresUser } from './embedded-db.ts'
import { installEarlyAnswers, type EarlyResponder } from './early-answers.ts'
import { sendError, registerErrorHandling } from './error-handler.ts'
import { KernelErrors } from './errors.ts'
import { healthRoutes } from './health.ts'
import { registerOpenApi } from './openapi.ts'
import { Jobs } from './jobs.ts'
import { Queue } from './queue.ts'
import { sharedSchemas } from './schemas.ts'
import { isPlainJson, unstorable } from './storable.ts'
import { createStorage, registerStorage, type StorageDriver } from './storage/index.ts'
import { buildValidator } from './validation.ts'

declare module 'fastify' {
  interface FastifyInstance {
    config: Config
    db: Database
    cache: Cache
    queue: Queue
    jobs: Jobs
    storage: StorageDriver
    /** Answers given before routing (kernel/early-answers.ts): a fresh cached page, say. */
    earlyAnswers: { add (responder: EarlyResponder): void }
  }
}

/** Our plugins' folder; operators add theirs with CVGEN_PLUGIN_DIRS. */
export const PLUGINS_DIR = fileURLToPath(new URL('../plugins', import.meta.url))

export interface BuildOptions {
  /** Pino options or false; defaults to JSON logs at config.logLevel. */
  logger?: FastifyServerOptions['logger']
}

export async function buildApp (config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    // Credentials in URLs and headers never reach a log line, whoever configured the logger.
    logger: options.logger === false ? false : loggerOptions(typeof options.logger === 'object' ? options.logger : { level: config.logLevel }),
    // A number (hop count) is valid at run time; Fastify's types omit it.
    trustProxy: config.trustProxy as boolean | string[],
    bodyLimit: config.bodyLimit,
    genReqId: () => randomUUID(),
    // Collections are written without a trailing slash (POST /resumes, as the OpenAPI document
    // says); the slash form, which the document once had, still answers for older clients.
    routerOptions: { ignoreTrailingSlash: true },
    // Autoload counts as one plugin: all of them, migrations and theme compilation included,
    // must fit. Fastify's 10 s default failed start-up on a 2-core box under load.
    pluginTimeout: 60_000,
    schemaController: { compilersFactory: { buildValidator } },
    // Errors raised before routing (a malformed URL, say) take the same envelope.
    frameworkErrors: (err, request, reply) => sendError(err, request, reply.header('x-request-id', request.id))
  })
  app.decorate('config', config)
  const early = installEarlyAnswers(app.server, app.log)
  app.decorate('earlyAnswers', { add: early.add })
  registerErrorHandling(app)
  for (const schema of sharedSchemas) app.addSchema(schema)
  // The request id rides on every answer (support finds the log line by it). Set on arrival,
  // not in onSend: headers survive the error handler, and a route without onSend hooks skips
  // Fastify's onSend pipeline altogether (public pages have none).
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id)
    done()
  })
  // The storable-JSON check, attached only to routes that can receive a body (Fastify never
  // parses one for GET and HEAD): reads, public pages included, skip the preValidation stage.
  const storableBody = (request: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void) => {
    // Parsed JSON only: a route whose parser hands over a Buffer or a stream is not walked.
    if (!isPlainJson(request.body)) return done()
    const details = unstorable(request.body)
    if (details.length > 0) return done(new KernelErrors.VALIDATION_FAILED().withDetails(details.map((d) => ({ ...d, in: 'body' as const }))))
    done()
  }
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    if (methods.every((m) => m === 'GET' || m === 'HEAD')) return
    route.preValidation = [storableBody, ...(Array.isArray(route.preValidation) ? route.preValidation : route.preValidation ? [route.preValidation] : [])]
  })

  // Closing, Node's server closes the keep-alive connections idle at that moment, but one
  // whose request was still in flight stays open after its answer until the client or the
  // keep-alive timeout (72 s) ends it, and close() waits for it. So keep closing idle ones
  // until the server is done; nothing of this runs on the request path.
  app.addHook('preClose', (done) => {
    early.stop()
    const timer = setInterval(() => app.server.closeIdleConnections(), 50).unref()
    app.server.once('close', () => clearInterval(timer))
    done()
  })

  // Wave 1: infrastructure. DATA_DIR first: the embedded database lives in it.
  secureDataDir(config.dataDir, app.log, { postgresUid: config.databaseUrl ? null : postgresUser()?.uid ?? null })
  const db = await Database.open(config, app.log)
  app.decorate('db', db)
  let cache: Cache
  try {
    cache = await createCache(config.redisUrl, config.redisPrefix, (err, msg) => app.log.warn({ err }, msg))
  } catch (err) {
    await db.close()
    throw err
  }
  app.decorate('cache', cache)
  app.decorate('queue', new Queue(db.connection, (err) => app.log.error({ err }, 'queue error'), {
    info: (msg) => app.log.info(msg), warn: (msg) => app.log.warn(msg)
  }))
  app.decorate('jobs', new Jobs(app.queue, app.log, config.role === 'all' || config.role === 'worker'))
  // After every plugin has defined its jobs: the workers take jobs once the app is ready.
  app.addHook('onReady', async () => { await app.jobs.start() })
  let storage: StorageDriver
  try {
    storage = await createStorage(config)
  } catch (err) {
    await db.close()
    await cache.close()
    throw err
  }
  app.decorate('storage', storage)
  const closeInfrastructure = async () => {
    await app.queue.stop()
    await db.close()
    await cache.close()
  }
  app.addHook('onClose', closeInfrastructure)
  try {
    await loadWaves(app, config, cache)
  } catch (err) {
    // A plugin that fails to load must not leave pools and sockets open behind the error.
    await closeInfrastructure().catch(() => {})
    throw err
  }
  return app
}

async function loadWaves (app: FastifyInstance, config: Config, cache: Cache): Promise<void> {
  if (config.migrateOnStart) {
    const applied = await app.db.migrate(pluginMigrations(config.pluginDirs))
    if (applied.length > 0) app.log.info({ applied }, 'migrations applied')
  }

  // Without configured origins CORS stays closed, and its hook (which would run on every
  // request to answer nothing) is not registered at all.
  if (config.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: config.corsOrigins,
      credentials: true,
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      exposedHeaders: ['x-request-id', 'retry-after', 'content-disposition'],
      maxAge: 600
    })
  }
  await app.register(rateLimit, {
    global: false, // routes opt in with config.rateLimit
    redis: cache.redis ?? undefined,
    nameSpace: `${config.redisPrefix}rl:`,
    skipOnError: true, // a Redis outage must not lock everyone out of login
    errorResponseBuilder: (_req, ctx) => {
      const seconds = Math.max(1, Math.ceil(ctx.ttl / 1000))
      return new KernelErrors.RATE_LIMITED(seconds).withHeaders({ 'retry-after': String(seconds) })
    }
  })
  await registerOpenApi(app)
  await app.register(healthRoutes)
  await registerStorage(app) // after OpenAPI and rate limits, which only see later routes

  // Wave 2 and 3: our plugins, then the operators'. Each folder's index is one plugin;
  // fastify-plugin `dependencies` order them.
  const pluginFolders = [PLUGINS_DIR, ...config.pluginDirs]
  for (const dir of pluginFolders) {
    await app.register(autoload, {
      dir,
      maxDepth: 1,
      indexPattern: /^index\.(ts|js|mjs)$/,
      // A folder is a plugin only through its index; helper modules beside it never load as plugins.
      matchFilter: (path: string) => /^\/[^/]+\/index\.(ts|js|mjs)$/.test(path),
      ignorePattern: /(^|\/)(.*\.test\.(ts|js)|.*\.d\.ts|test|fixtures)$/,
      forceESM: true,
      dirNameRoutePrefix: false // each plugin names its own prefix
    })
  }
}
