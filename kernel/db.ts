// app.db: MikroORM on PostgreSQL (or the embedded database). Plugins add their entities
// with app.db.registerEntities() and get a fresh EntityManager per unit of work from fork().
import { pluginFiles } from '../config/plugin-folders.ts'
import { fileURLToPath } from 'node:url'
import { MikroORM, PostgreSqlConnection, type EntityManager, type EntitySchema } from '@mikro-orm/postgresql'
import { Migrator } from '@mikro-orm/migrations'
import type { Config } from '../config/index.ts'
import { startEmbeddedDatabase, type EmbeddedDatabase } from './embedded-db.ts'
import { applicationName } from './embedded/processes.ts'

export type ConnectionOptions = (
  | { connectionString: string }
  | { host: string, port: number, user: string, password: string, database: string }
) & {
  /** "cvgen:<pid>:<start>" on every connection, so pg_stat_activity tells which process holds it. */
  application_name?: string
}

/**
 * "2026-11-25 18:04:43.442123+00" (PostgreSQL's text form) -> "2026-11-25T18:04:43.442123+00:00",
 * RFC 3339 as the API's `format: date-time` promises, microseconds kept. Infinity and
 * anything unexpected pass through unchanged.
 */
export function rfc3339 (text: string): string {
  const m = /^(\d{4,}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?)([+-]\d\d)(?::?(\d\d))?(?::?(\d\d))?$/.exec(text)
  if (!m || m[5]) return text // a seconds offset (historic zones) has no RFC 3339 form
  return `${m[1]}T${m[2]}${m[3]}:${m[4] ?? '00'}`
}

// MikroORM keeps timestamptz as PostgreSQL's text (no precision lost to Date), and raw
// queries hand that text straight to clients, where Safari's Date cannot parse it. Its
// connection builds the pg type overrides per pool (mapOptions, which turns the connection
// settings into pg.Pool's options); this one addition makes the text RFC 3339 for the ORM
// (which parses either) and every raw query alike.
const mapOptions = PostgreSqlConnection.prototype.mapOptions
PostgreSqlConnection.prototype.mapOptions = function (this: PostgreSqlConnection, overrides) {
  const options = mapOptions.call(this, overrides)
  const types = options.types as { setTypeParser?: (oid: number, parse: (text: string) => unknown) => void } | undefined
  if (typeof types?.setTypeParser !== 'function') throw new Error('MikroORM no longer hands pg.Pool its type overrides: the timestamptz patch in kernel/db.ts needs a new home')
  types.setTypeParser(1184, rfc3339)
  return options
}

/**
 * Parameters of a raw query (em.execute). MikroORM 7 inlines them into the SQL text and
 * writes JavaScript undefined as the bare word `undefined` (PostgreSQL: column "undefined"
 * does not exist), where v6 wrote NULL: pass null. The type keeps undefined out; em.execute
 * itself takes any[], so call sites with optional values spell `?? null` themselves.
 */
export type SqlParams = Array<{} | null>

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN'])
// SQLSTATE 08: connection exception; 57P01-03: the server is shutting down, crashed or starting;
// 53300: too many connections.
const UNAVAILABLE_STATES = /^(08...|57P0[123]|53300)$/
// A socket error can reach us with its code lost on the way ("write EPIPE" as the message of
// a driver exception with no code): the message names it. ENOENT only for PostgreSQL's unix
// socket, gone while the server restarts (a missing file elsewhere is no outage).
const UNAVAILABLE_MESSAGES = /Connection terminated|Connection ended unexpectedly|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed and is not queryable|the database system is (starting up|shutting down|in recovery mode|not yet accepting connections)|\b(?:write|read|connect) (?:EPIPE|ECONNRESET|ECONNREFUSED)\b|\bconnect ENOENT\b.*\.s\.PGSQL/i

/**
 * Whether an error means the database cannot be reached right now (stopped, restarting,
 * unreachable), as opposed to a query it refused: those are answered 503 with Retry-After.
 * Drivers wrap and aggregate (an address tried over IPv4 and IPv6), so causes are walked.
 */
export function isDatabaseUnavailable (err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 5) return false
  const e = err as { code?: unknown, message?: unknown, cause?: unknown, errors?: unknown }
  if (typeof e.code === 'string' && (NETWORK_CODES.has(e.code) || UNAVAILABLE_STATES.test(e.code))) return true
  if (typeof e.message === 'string' && UNAVAILABLE_MESSAGES.test(e.message)) return true
  if (Array.isArray(e.errors) && e.errors.some((inner) => isDatabaseUnavailable(inner, depth + 1))) return true
  return isDatabaseUnavailable(e.cause, depth + 1)
}

const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url))

/** An operator plugin's own migrations: `<folder>/migrations/`, tracked in a table of its own. */
export interface MigrationSource { plugin: string, dir: string }

/** The migrations folders of operators' plugins (`<dir>/<plugin>/migrations/`), in folder then name order. */
export function pluginMigrations (pluginDirs: string[]): MigrationSource[] {
  return pluginFiles(pluginDirs, ['migrations']).map(({ plugin, path }) => ({ plugin, dir: path }))
}

function ormOptions (connection: ConnectionOptions, migrations: string, tableName: string, max: number) {
  return {
    ...('connectionString' in connection
      ? { clientUrl: connection.connectionString }
      : { host: connection.host, port: connection.port, user: connection.user, password: connection.password, dbName: connection.database }),
    // A pool that cannot connect gives up after 5 s (pg's default waits forever), so a request
    // during an outage gets its 503 instead of hanging.
    driverOptions: { application_name: connection.application_name, connectionTimeoutMillis: 5000 },
    entities: [],
    discovery: { warnWhenNoEntities: false },
    extensions: [Migrator],
    migrations: {
      path: migrations,
      tableName,
      glob: '!(*.d).{js,ts}',
      emit: 'ts' as const,
      snapshot: false,
      transactional: true,
      allOrNothing: true,
      silent: true // start-up logs what was applied itself
    },
    pool: { min: 0, max },
    forceUtcTimezone: true,
    allowGlobalContext: false,
    debug: false
  }
}

export class Database {
  readonly orm: MikroORM
  /** How pg-boss and other raw clients reach the same database. */
  readonly connection: ConnectionOptions
  readonly embedded: boolean
  private readonly embeddedDb: EmbeddedDatabase | null

  private constructor (
    orm: MikroORM,
    connection: ConnectionOptions,
    embedded: boolean,
    embeddedDb: EmbeddedDatabase | null
  ) {
    this.orm = orm
    this.connection = connection
    this.embedded = embedded
    this.embeddedDb = embeddedDb
  }

  /** allowOldEngine: only for `db import-pglite`, which fills the new database from the old one. */
  static async open (config: Config, log: { info (msg: string): void, warn (msg: string): void }, options: { allowOldEngine?: boolean } = {}): Promise<Database> {
    let embeddedDb: EmbeddedDatabase | null = null
    let connection: ConnectionOptions
    if (config.databaseUrl) {
      connection = { connectionString: config.databaseUrl, application_name: applicationName() }
    } else {
      log.info(`DATABASE_URL unset: using the embedded database in ${config.dataDir}`)
      embeddedDb = await startEmbeddedDatabase(config.dataDir, log, undefined, options)
      connection = { ...embeddedDb.connection, application_name: applicationName() }
    }
    try {
      const orm = await MikroORM.init(ormOptions(connection, MIGRATIONS_DIR, 'mikro_orm_migrations', 10))
      return new Database(orm, connection, embeddedDb !== null, embeddedDb)
    } catch (err) {
      await embeddedDb?.stop()
      throw err
    }
  }

  registerEntities (entities: EntitySchema<any, any>[]): void {
    this.orm.discoverEntity(entities)
  }

  fork (): EntityManager {
    return this.orm.em.fork()
  }

  /**
   * Applies pending migrations, ours first, then each operator plugin's (`sources`) with its
   * own tracking table, so their names never collide with ours or each other's. Returns the
   * names applied (an operator's as `<plugin>/<name>`), empty when up to date.
   */
  async migrate (sources: MigrationSource[] = []): Promise<string[]> {
    const applied = (await this.orm.migrator.up()).map((m) => m.name)
    for (const source of sources) {
      const table = `cvgen_migrations_${source.plugin.toLowerCase().replace(/[^a-z0-9]+/g, '_')}`
      const orm = await MikroORM.init(ormOptions(this.connection, source.dir, table, 1))
      try {
        applied.push(...(await orm.migrator.up()).map((m) => `${source.plugin}/${m.name}`))
      } finally {
        await orm.close()
      }
    }
    return applied
  }

  async pendingMigrations (): Promise<string[]> {
    return (await this.orm.migrator.getPending()).map((m) => m.name)
  }

  async ping (): Promise<boolean> {
    try {
      await this.orm.em.getConnection().execute('select 1')
      return true
    } catch {
      return false
    }
  }

  async close (): Promise<void> {
    await this.orm.close(true)
    await this.embeddedDb?.stop()
  }
}
