// build(t): a full app on its own fresh PostgreSQL database and Redis key prefix, so test
// files run in parallel without seeing each other's rows. Closed and dropped on teardown.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import pg from 'pg'
import { loadConfig } from '../config/index.ts'
import { buildApp } from '../kernel/app.ts'

// Waiting, requests and ports: in test/support/, offered here with the rest.
export * from './support/net.ts'
export * from './support/requests.ts'
export * from './support/wait.ts'

interface TestContext { teardown (fn: () => unknown): void }

/** The real services. CI and this machine have them on the default ports. */
export const PG_ADMIN_URL = process.env.CVGEN_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
export const REDIS_URL = process.env.CVGEN_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

export const rand = (n = 6) => randomBytes(n).toString('hex')

export async function createDatabase (t: TestContext): Promise<string> {
  const name = `cvgen_test_${rand()}`
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  t.teardown(async () => {
    const c = new pg.Client({ connectionString: PG_ADMIN_URL })
    await c.connect()
    await c.query(`drop database if exists ${name} with (force)`)
    await c.end()
  })
  const url = new URL(PG_ADMIN_URL)
  url.pathname = `/${name}`
  return url.toString()
}

export function tempDir (t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'cvgen-test-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** Settings for tests: real services, cheap argon2 (never in production), quiet logs. */
export async function testEnv (t: TestContext, env: Record<string, string> = {}): Promise<Record<string, string>> {
  return {
    DATABASE_URL: await createDatabase(t),
    REDIS_URL,
    REDIS_PREFIX: `cvgen-test-${rand()}:`,
    JWT_SECRET: rand(24),
    DATA_DIR: tempDir(t),
    ARGON2_MEMORY_KIB: '1024',
    ARGON2_TIME_COST: '1',
    LOG_LEVEL: 'silent',
    // Previews launch Chromium after every resume write: only the exports tests want that.
    THUMBNAILS: 'false',
    ...env
  }
}

export async function build (t: TestContext, env: Record<string, string> = {}): Promise<FastifyInstance> {
  const app = await buildApp(await loadConfig(await testEnv(t, env)), { logger: false })
  t.teardown(() => app.close())
  await app.ready()
  return app
}

export interface Account { id: string, email: string, password: string, access: string, refresh: string }

/** Registers a fresh account and returns its tokens. */
export async function register (app: FastifyInstance, email = `u${rand()}@example.com`): Promise<Account> {
  const password = 'correct horse battery staple'
  const res = await app.inject({ method: 'POST', url: '/auth/register', payload: { email, password, full_name: 'Test User' } })
  if (res.statusCode !== 201) throw new Error(`register failed: ${res.statusCode} ${res.body}`)
  const { data } = res.json()
  return { id: data.user.id, email, password, access: data.access_token, refresh: data.refresh_token }
}

/**
 * Makes the database refuse the final write of a job (an update setting status 'completed'
 * on `table`), so a test can drive the server-side failure path of a worker.
 */
export async function refuseCompletion (app: FastifyInstance, table: string): Promise<void> {
  await app.db.fork().execute(`create function cvgen_test_refuse () returns trigger language plpgsql as $$
    begin raise exception 'refused by the test trigger on %', tg_table_name; end $$`)
  await app.db.fork().execute(`create trigger cvgen_test_refuse before update on ${table} for each row
    when (new.status = 'completed') execute function cvgen_test_refuse()`)
}
