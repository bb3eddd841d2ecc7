// Two cvgen processes on one DATA_DIR (ROLE=api and ROLE=worker) share one embedded
// PostgreSQL, and what cvgen writes in DATA_DIR is private to the user running it.
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { CHEAP_ARGON2, embeddedDataDir, loginAfterRestart, sampleResume } from './embedded-helper.ts'
import { embeddedPostgresPid, http, startServer } from './process.ts'
import { waitForStatus } from './support/wait.ts'

const isRoot = process.getuid?.() === 0

function postgresUid (): number | null {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:'))
  return line ? Number(line.split(':')[2]) : null
}

/** Every entry under dir, with its mode and owner (PostgreSQL's own folder not walked). */
function entries (dir: string): { path: string, mode: number, uid: number, dir: boolean }[] {
  const out: { path: string, mode: number, uid: number, dir: boolean }[] = []
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name)
      const st = lstatSync(path)
      if (st.isSocket()) continue // PostgreSQL's socket, in its own 0700 folder
      out.push({ path, mode: st.mode & 0o777, uid: st.uid, dir: st.isDirectory() })
      if (st.isDirectory()) walk(path)
    }
  }
  walk(dir)
  return out
}

t.test('ROLE=api and ROLE=worker on one DATA_DIR share the embedded PostgreSQL', async (t) => {
  const dataDir = embeddedDataDir(t)
  const env = { DATA_DIR: dataDir, ...CHEAP_ARGON2 }
  const api = await startServer({ ...env, ROLE: 'api' }, 90_000)
  t.teardown(() => api.kill())
  const worker = await startServer({ ...env, ROLE: 'worker' }, 90_000)
  t.teardown(() => worker.kill())
  t.match(worker.output(), new RegExp(`connected to the server of cvgen process ${api.child.pid}`), 'the second process connects to the first one\'s server')

  const reg = await http(api.url, 'POST', '/auth/register', { email: 'roles@example.com', password: 'roles password 1', full_name: 'Ro Les' })
  t.equal(reg.status, 201)
  const token = reg.body.data.access_token
  const resume = await http(api.url, 'POST', '/resumes/import', sampleResume(), token)
  const queued = await http(api.url, 'POST', '/ai/analyze', { target_id: resume.body.data.id, type: 'resume' }, token)
  t.equal(queued.status, 202)
  const job = await waitForStatus(api.url, `/ai/analyze/${queued.body.data.job_id}/status`, token, { timeoutMs: 20_000, intervalMs: 100 })
  t.equal(job.status, 'completed', 'the worker process ran the job the api process queued')

  // The owner leaves first: the server stays up for the worker, which now owns it.
  const pid = embeddedPostgresPid(dataDir)
  t.equal(await api.stop('SIGTERM'), 0)
  t.equal(embeddedPostgresPid(dataDir), pid, 'PostgreSQL keeps running while the worker uses it')
  t.match(api.output(), new RegExp(`left running for cvgen process ${worker.child.pid}`))
  t.equal(JSON.parse(readFileSync(join(dataDir, 'postgres.lock'), 'utf8')).owner.pid, worker.child.pid, 'the lock names the worker now')
  t.equal(await worker.stop('SIGTERM'), 0)
  t.equal(embeddedPostgresPid(dataDir), null, 'the last process out stops it')

  t.same(await loginAfterRestart(t, env, 'roles@example.com', 'roles password 1'), { login: 200, exit: 0 }, 'the data is there on the next start')
})

t.test('DATA_DIR and everything cvgen writes in it are private', async (t) => {
  const dataDir = embeddedDataDir(t)
  // An installation made before: a DATA_DIR and files that anyone could read and write.
  mkdirSync(join(dataDir, 'uploads', 'avatars'), { recursive: true })
  writeFileSync(join(dataDir, 'uploads', 'avatars', 'old.png'), 'x')
  for (const p of [dataDir, join(dataDir, 'uploads'), join(dataDir, 'uploads', 'avatars')]) chmodSync(p, 0o777)
  chmodSync(join(dataDir, 'uploads', 'avatars', 'old.png'), 0o666)

  const server = await startServer({ DATA_DIR: dataDir, ...CHEAP_ARGON2 }, 90_000)
  t.teardown(() => server.kill())
  t.match(server.output(), /DATA_DIR entries were readable by other users: made private/, 'the fix is logged')
  const reg = await http(server.url, 'POST', '/auth/register', { email: 'perm@example.com', password: 'perm password 1', full_name: 'Per M' })
  t.equal(reg.status, 201)

  const top = lstatSync(dataDir)
  const pgUid = isRoot ? postgresUid() : null
  t.equal(top.mode & 0o777, isRoot ? 0o711 : 0o700, isRoot ? 'DATA_DIR 0711: postgres may enter, nobody may list' : 'DATA_DIR 0700')
  const all = entries(dataDir)
  t.ok(all.length > 100, `walked ${all.length} entries`)
  const open = all.filter((e) => (e.mode & 0o077) !== 0)
  t.same(open.map((e) => `${e.path} ${e.mode.toString(8)}`), [], 'nothing under DATA_DIR is readable or writable by group or others')
  const wrongMode = all.filter((e) => e.mode !== (e.dir ? 0o700 : 0o600))
  t.same(wrongMode.map((e) => `${e.path} ${e.mode.toString(8)}`), [], 'folders 0700, files 0600')
  if (pgUid !== null) {
    const pgFiles = all.filter((e) => e.path.startsWith(join(dataDir, 'postgres') + '/') || e.path === join(dataDir, 'postgres'))
    t.ok(pgFiles.every((e) => e.uid === pgUid), 'the database files belong to the postgres user')
    const ours = all.filter((e) => !pgFiles.includes(e) && !e.path.startsWith(join(dataDir, 'run')))
    t.ok(ours.every((e) => e.uid === 0), 'everything else belongs to the user running cvgen')
  }
  t.equal(await server.stop('SIGTERM'), 0)
})
