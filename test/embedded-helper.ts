// Shared by the embedded-database tests: a DATA_DIR whose PostgreSQL is stopped before the
// folder is removed (a server killed with -9 leaves its postmaster running, by design).
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { http, startServer, stopEmbeddedPostgres } from './process.ts'

interface TestContext { teardown (fn: () => unknown): void }

/** argon2 cheap enough for tests (never in production). */
export const CHEAP_ARGON2 = { ARGON2_MEMORY_KIB: '4096', ARGON2_TIME_COST: '1' }

export function embeddedDataDir (t: TestContext, parent = tmpdir()): string {
  const root = mkdtempSync(join(parent, 'cvgen-emb-'))
  // mkdtemp makes it 0700; run as root, the postgres user must be able to pass through.
  chmodSync(root, 0o711)
  const dataDir = join(root, 'data')
  t.teardown(async () => {
    await stopEmbeddedPostgres(dataDir)
    rmSync(root, { recursive: true, force: true })
  })
  return dataDir
}

export function sampleResume (): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL('../samples/jsonresume/sample.resume.json', import.meta.url), 'utf8'))
}

/** Starts the server again on env, logs in, stops it cleanly: the login's and the stop's outcome. */
export async function loginAfterRestart (t: TestContext, env: Record<string, string>, email: string, password: string): Promise<{ login: number, exit: number | null }> {
  const again = await startServer(env, 90_000)
  t.teardown(() => again.kill())
  const login = await http(again.url, 'POST', '/auth/login', { email, password })
  return { login: login.status, exit: await again.stop('SIGTERM') }
}
