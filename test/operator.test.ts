// Extending without forking, shown by an operator folder (test/fixtures/operator): an AI
// provider of two files, a DNS provider, and a plugin with its own table (migrations/) and
// setting (settings.ts). Their settings are validated with the kernel's, all problems at once;
// a provider name no plugin registered stops the start.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { ConfigError, loadConfig } from '../config/index.ts'
import { buildApp } from '../kernel/app.ts'
import { bearer, build, register, sleep, tempDir, testEnv } from './helper.ts'

const OPERATOR = fileURLToPath(new URL('./fixtures/operator', import.meta.url))
const env = { CVGEN_PLUGIN_DIRS: OPERATOR, AI_PROVIDER: 'echo', ECHO_SCORE: '83', DNS_PROVIDER: 'static', STATIC_DNS_TXT: '_cvgen.example.org=token-1', STATIC_DNS_CNAME: 'sites.cvgen.localhost', NOTES_MAX_LENGTH: '12' }

t.test('an operator AI provider, DNS provider and a plugin with its own table and setting', async (t) => {
  const app = await build(t, env)
  const alice = await register(app)
  const bob = await register(app)

  // The AI provider, with its own setting, runs a real analysis job.
  const resume = await app.inject({ method: 'POST', url: '/resumes', headers: bearer(alice.access), payload: { title: 'CV', template_id: 'classic', content: { basics: { name: 'Ada' } } } })
  t.equal(resume.statusCode, 201)
  const queued = await app.inject({ method: 'POST', url: '/ai/analyze', headers: bearer(alice.access), payload: { target_id: resume.json().data.id, type: 'resume' } })
  t.equal(queued.statusCode, 202)
  let report
  for (let until = Date.now() + 20_000; Date.now() < until; await sleep(50)) {
    report = (await app.inject({ method: 'GET', url: `/ai/reports/${queued.json().data.job_id}`, headers: bearer(alice.access) })).json().data
    if (report?.status === 'completed' || report?.status === 'failed') break
  }
  t.match(report, { status: 'completed', overall_score: 83, provider: 'echo', model_used: 'echo-1' })

  // The DNS provider is the one DNS_PROVIDER selects, and answers from its setting.
  t.equal(app.dns.current().name, 'static')
  t.same(await app.dns.current().resolveTxt('_cvgen.example.org'), { status: 'found', values: ['token-1'] })

  // The plugin's table came from its own migration, tracked apart from ours.
  const [tracked] = await app.db.fork().execute<{ name: string }[]>('select name from cvgen_migrations_notes')
  t.match(tracked, { name: /notes$/ })
  t.same(await app.db.migrate([{ plugin: 'notes', dir: `${OPERATOR}/notes/migrations` }]), [], 'a second run applies nothing')
  const note = await app.inject({ method: 'POST', url: '/notes', headers: bearer(alice.access), payload: { body: 'hello' } })
  t.equal(note.statusCode, 201)
  const long = await app.inject({ method: 'POST', url: '/notes', headers: bearer(alice.access), payload: { body: 'far more than twelve' } })
  t.match(long.json(), { error: { code: 'NOTES_TOO_LONG', message: 'A note holds at most 12 characters' } }, 'its setting applies')
  t.equal(long.statusCode, 400)
  t.match((await app.inject({ method: 'GET', url: '/notes', headers: bearer(alice.access) })).json().data, [{ body: 'hello' }])
  t.same((await app.inject({ method: 'GET', url: '/notes', headers: bearer(bob.access) })).json().data, [], "another user's notes stay theirs")
})

t.test("operators' settings are checked with the kernel's, every problem at once, before anything starts", async (t) => {
  const base = await testEnv(t)
  const err = await loadConfig({ ...base, ...env, PORT: 'x', ECHO_SCORE: '101', NOTES_MAX_LENGTH: 'long', STATIC_DNS_CNAME: '' }).then(() => null, (e: unknown) => e)
  t.ok(err instanceof ConfigError)
  t.same((err as ConfigError).problems.map((p) => p.split(':')[0]).sort(), ['ECHO_SCORE', 'NOTES_MAX_LENGTH', 'PORT', 'STATIC_DNS_CNAME'])
  await t.rejects(() => loadConfig({ ...base, OPENAI_API_KEY: 'sk', AI_PROVIDER: 'anthropic' }), /AI_PROVIDER: anthropic needs ANTHROPIC_API_KEY/, 'our own providers declare theirs the same way')
})

t.test('a provider name no plugin registered stops the start, naming those that exist', async (t) => {
  for (const [setting, value, kind] of [['AI_PROVIDER', 'ecko', 'analysis provider'], ['DNS_PROVIDER', 'statik', 'DNS provider']] as const) {
    const config = await loadConfig(await testEnv(t, { ...env, [setting]: value }))
    const app = await buildApp(config, { logger: false })
    t.teardown(() => app.close())
    await t.rejects(async () => { await app.ready() }, new RegExp(`^${setting} is "${value}" but no plugin registered a ${kind} of that name \\(registered: .*(echo|static)`))
  }
})

t.test('an operator storage driver, chosen by STORAGE_DRIVER, holds every file; an unknown driver stops the start', async (t) => {
  const root = tempDir(t)
  const app = await build(t, { ...env, STORAGE_DRIVER: 'mirror', MIRROR_ROOT: root })
  await app.storage.put('users/x/avatar/a.png', Buffer.from('png'), 'image/png')
  t.ok(existsSync(join(root, 'users/x/avatar/a.png')), 'written under its own folder')
  t.same((await app.storage.get('users/x/avatar/a.png'))?.body, Buffer.from('png'))

  const missing = await loadConfig(await testEnv(t, { ...env, STORAGE_DRIVER: 'mirror' })).then(() => null, (e: unknown) => e)
  t.match(missing, { problems: ['MIRROR_ROOT: STORAGE_DRIVER=mirror needs it'] }, "the driver's own setting is checked with the rest")
  const typo = await loadConfig(await testEnv(t, { ...env, STORAGE_DRIVER: 'mirorr' }))
  await t.rejects(buildApp(typo, { logger: false }), /^STORAGE_DRIVER is "mirorr" but no plugin registered a storage driver of that name \(registered: local, mirror, s3\)$/)
})
