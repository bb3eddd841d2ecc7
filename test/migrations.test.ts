import { readdirSync } from 'node:fs'
import pg from 'pg'
import t from 'tap'
import { loadConfig } from '../config/index.ts'
import { Database } from '../kernel/db.ts'
import { createDatabase } from './helper.ts'
import { runCli } from './process.ts'

const quiet = { info () {}, warn () {} }

t.test('migrations run up from an empty database; a re-run is a no-op', async (t) => {
  const url = await createDatabase(t)
  const db = await Database.open(await loadConfig({ DATABASE_URL: url, JWT_SECRET: 'x'.repeat(32) }), quiet)
  t.teardown(() => db.close())

  const pending = await db.pendingMigrations()
  t.ok(pending.length >= 1, `pending on an empty database: ${pending.join(', ')}`)
  t.same(await db.migrate(), pending, 'applies exactly the pending ones, in order')
  t.same(await db.pendingMigrations(), [])
  t.same(await db.migrate(), [], 'second run applies nothing')

  const tables = (await db.fork().execute<{ table_name: string }[]>("select table_name from information_schema.tables where table_schema = 'public'")).map((r) => r.table_name)
  for (const table of ['users', 'refresh_tokens', 'resumes', 'portfolios']) t.ok(tables.includes(table), `${table} exists`)
  const cols = await db.fork().execute<{ column_name: string, data_type: string }[]>("select column_name, data_type from information_schema.columns where table_name = 'users'")
  const types = Object.fromEntries(cols.map((c) => [c.column_name, c.data_type]))
  t.equal(types.id, 'uuid')
  t.equal(types.created_at, 'timestamp with time zone')
  t.equal(types.last_login, 'timestamp with time zone')
  await t.rejects(db.fork().execute("insert into users (email, password_hash, full_name) values ('UP@x.com', 'h', 'n')"), 'the lowercase-email rule is enforced by the database too')
})

t.test('npm run migrate (the CLI) on a fresh database, then again', async (t) => {
  const url = await createDatabase(t)
  const env = { DATABASE_URL: url, JWT_SECRET: 'y'.repeat(32) }
  const first = await runCli(['migrate'], env)
  t.equal(first.code, 0, first.stderr)
  const files = readdirSync(new URL('../migrations', import.meta.url)).filter((f) => f.endsWith('.ts')).map((f) => f.replace(/\.ts$/, '')).sort()
  t.match(first.stdout, `applied ${files.length}: ${files.join(', ')}`, 'every migration file, in order')
  const second = await runCli(['migrate'], env)
  t.equal(second.code, 0)
  t.match(second.stdout, /database is up to date/)
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  const { rows } = await c.query('select count(*)::int as n from mikro_orm_migrations')
  await c.end()
  t.equal(rows[0].n, files.length, 'each recorded once')
})

t.test('MIGRATE_ON_START=false leaves the database alone', async (t) => {
  const url = await createDatabase(t)
  const db = await Database.open(await loadConfig({ DATABASE_URL: url, JWT_SECRET: 'x'.repeat(32), MIGRATE_ON_START: 'false' }), quiet)
  t.teardown(() => db.close())
  t.ok((await db.pendingMigrations()).length >= 1)
})
