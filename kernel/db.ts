// app.db: MikroORM on PostgreSQL (or the embedded database). Plugins add their entities
// with app.db.registerEntities() and get a fresh EntityManager per unit of work from fork().
import { fileURLToPath } from 'node:url'
import { MikroORM, type EntityManager, type EntitySchema } from '@mikro-orm/postgresql'
import { Migrator } from '@mikro-orm/migrations'
import type { Config } from '../config/index.js'
import { startEmbeddedDatabase, type EmbeddedDatabase } from './embedded-db.js'

export type ConnectionOptions =
  | { connectionString: string }
  | { host: string, port: number, user: string, database: string }

const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url))

export class Database {
  private constructor (
    readonly orm: MikroORM,
    /** How pg-boss and other raw clients reach the same database. */
    readonly connection: ConnectionOptions,
    readonly embedded: boolean,
    private readonly embeddedDb: EmbeddedDatabase | null
  ) {}

  static async open (config: Config, log: { info (msg: string): void }): Promise<Database> {
    let embeddedDb: EmbeddedDatabase | null = null
    let connection: ConnectionOptions
    if (config.databaseUrl) {
      connection = { connectionString: config.databaseUrl }
    } else {
      log.info(`DATABASE_URL unset: starting the embedded database in ${config.dataDir} (not for production)`)
      embeddedDb = await startEmbeddedDatabase(config.dataDir)
      connection = embeddedDb.connection
    }
    try {
      const orm = await MikroORM.init({
        ...('connectionString' in connection
          ? { clientUrl: connection.connectionString }
          : { host: connection.host, port: connection.port, user: connection.user, dbName: connection.database }),
        entities: [],
        discovery: { warnWhenNoEntities: false },
        extensions: [Migrator],
        migrations: {
          path: MIGRATIONS_DIR,
          glob: '!(*.d).{js,ts}',
          emit: 'ts',
          snapshot: false,
          transactional: true,
          allOrNothing: true,
          silent: true // start-up logs what was applied itself
        },
        // The embedded engine runs one query at a time; a big pool only queues.
        pool: { min: 0, max: embeddedDb ? 4 : 10 },
        forceUtcTimezone: true,
        allowGlobalContext: false,
        debug: false
      })
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

  /** Applies pending migrations; returns the names applied (empty when up to date). */
  async migrate (): Promise<string[]> {
    const applied = await this.orm.getMigrator().up()
    return applied.map((m) => m.name)
  }

  async pendingMigrations (): Promise<string[]> {
    return (await this.orm.getMigrator().getPendingMigrations()).map((m) => m.name)
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
