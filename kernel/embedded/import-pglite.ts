// `npm run cli -- db import-pglite`: the one-time carry-over from the embedded engine of
// earlier versions (PGlite, PostgreSQL in WebAssembly, in DATA_DIR/pglite) into the embedded
// PostgreSQL 16. PGlite is no longer a dependency: the operator installs it for this step.
//
// The new database gets the same schema the old one had (our migrations up to the last one
// it applied), then every row of every table is copied
// as JSON (row types, not text dumps, so no PostgreSQL 17 dump syntax meets a 16 server),
// with foreign keys and triggers off during the copy (session_replication_role = replica).
// The jobs still waiting in the old pg-boss 10 schema are carried into pg-boss 12's the way
// start-up carries them in place (queue-legacy.ts). The old folder is kept, renamed, for the
// operator to delete.
import { existsSync, renameSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import { PgBoss } from 'pg-boss'
import type { Config } from '../../config/index.ts'
import { secureDataDir } from '../data-dir.ts'
import { Database } from '../db.ts'
import { QUEUE_SCHEMA } from '../queue.ts'
import { readLegacy, writeLegacy } from '../queue-legacy.ts'
import { StartupError } from '../startup-error.ts'
import { postgresUser } from './binaries.ts'
import { inspect, layout } from './postgres.ts'

/** The PGlite release earlier cvgen versions wrote DATA_DIR/pglite with. */
export const PGLITE_VERSION = '0.5.14'
const BATCH = 500

interface Source { query<T> (sql: string, params?: unknown[]): Promise<{ rows: T[] }>, close (): Promise<void> }
interface Log { info (msg: string): void, warn (msg: string): void }

export async function importPglite (config: Config, log: Log): Promise<string> {
  if (config.databaseUrl) throw new StartupError('db import-pglite fills the embedded database: unset DATABASE_URL')
  const old = join(config.dataDir, 'pglite')
  if (!existsSync(old)) throw new StartupError(`there is no ${old} to import`)
  if (inspect(layout(config.dataDir)) !== 'empty') throw new StartupError(`${layout(config.dataDir).pgdata} already holds a database; the import only fills a new one (move that folder away first)`)

  let PGlite: { create (dir: string): Promise<Source> }
  try {
    ({ PGlite } = await import('@electric-sql/pglite' as string) as { PGlite: typeof PGlite })
  } catch {
    throw new StartupError(`this one-time step reads ${old} with PGlite, which cvgen no longer installs: run \`npm install --no-save @electric-sql/pglite@${PGLITE_VERSION}\`, then this command again`)
  }
  const source = await PGlite.create(old)
  try {
    secureDataDir(config.dataDir, { warn: (_obj, msg) => log.warn(msg) }, { postgresUid: postgresUser()?.uid ?? null })
    const db = await Database.open({ ...config, migrateOnStart: false }, log, { allowOldEngine: true })
    let summary: string
    try {
      summary = await copyAll(source, db, log)
    } catch (err) {
      // The database was new, made by this command: remove it, so neither a retry nor
      // start-up meets half an import.
      await db.close()
      rmSync(layout(config.dataDir).pgdata, { recursive: true, force: true })
      throw err
    }
    await db.close()
    return `${summary}; the old folder is kept as ${retireOldFolder(config.dataDir)} (delete it once you are satisfied)`
  } finally {
    await source.close()
  }
}

async function copyAll (source: Source, db: Database, log: Log): Promise<string> {
  // 1. Our schema, as far as the old database had come; start-up applies the rest.
  const applied = await source.query<{ name: string }>('select name from mikro_orm_migrations order by name').catch(() => ({ rows: [] as { name: string }[] }))
  const last = applied.rows.at(-1)?.name
  if (last) await db.orm.migrator.up({ to: last })

  const target = new pg.Client(db.connection)
  await target.connect()
  try {
    // 2. pg-boss 12's schema, empty, for the jobs carried over in step 3.
    const boss = new PgBoss({ ...db.connection, schema: QUEUE_SCHEMA, max: 1, supervise: false, schedule: false })
    await boss.start()
    await boss.stop({ graceful: false })

    // 3. Every row, foreign keys and triggers off, in one transaction: all or nothing.
    const tables = await source.query<{ schema: string, name: string }>(`
      select table_schema as schema, table_name as name from information_schema.tables
      where table_type = 'BASE TABLE' and table_schema = 'public' and table_name <> 'mikro_orm_migrations'
      order by 1, 2`)
    await target.query('begin')
    await target.query('set local session_replication_role = replica')
    let rows = 0
    for (const { schema, name } of tables.rows) {
      const qualified = `${ident(schema)}.${ident(name)}`
      for (let offset = 0; ; offset += BATCH) {
        const batch = await source.query<{ j: string }>(`select to_jsonb(t)::text as j from ${qualified} t order by ctid limit ${BATCH} offset ${offset}`)
        if (batch.rows.length === 0) break
        await target.query(`insert into ${qualified} select * from jsonb_populate_recordset(null::${qualified}, $1::jsonb)`, [`[${batch.rows.map((r) => r.j).join(',')}]`])
        rows += batch.rows.length
        if (batch.rows.length < BATCH) break
      }
    }
    const sequences = await source.query<{ schema: string, name: string, value: string | null }>("select schemaname as schema, sequencename as name, last_value::text as value from pg_sequences where schemaname = 'public'")
    for (const s of sequences.rows) {
      if (s.value !== null) await target.query(`select setval('${ident(s.schema)}.${ident(s.name)}', $1)`, [s.value])
    }
    const legacy = await readLegacy(source, log)
    const jobs = legacy ? `; ${await writeLegacy(target, QUEUE_SCHEMA, legacy)}` : ''
    await target.query('commit')
    log.info(`copied ${rows} rows of ${tables.rows.length} tables from PGlite${jobs}`)
    return `imported ${rows} rows of ${tables.rows.length} tables (migrations up to ${last ?? 'none'})${jobs}`
  } catch (err) {
    await target.query('rollback').catch(() => {})
    throw err
  } finally {
    await target.end()
  }
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`

/** After a successful import the old folder is kept under a name start-up does not look for. */
export function retireOldFolder (dataDir: string): string {
  const to = join(dataDir, `pglite.imported-${new Date().toISOString().slice(0, 10)}`)
  renameSync(join(dataDir, 'pglite'), to)
  return to
}
