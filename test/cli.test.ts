import { fileURLToPath } from 'node:url'
import t from 'tap'
import { bearer, build, register, testEnv } from './helper.ts'
import { runCli } from './process.ts'

const PROBE_DIR = fileURLToPath(new URL('./fixtures/plugins', import.meta.url))

t.test('operator CLI: users set-tier, grant-admin, revoke-admin', async (t) => {
  const env = await testEnv(t, { CVGEN_PLUGIN_DIRS: PROBE_DIR })
  const app = await build(t, env)
  const a = await register(app)
  const me = async () => (await app.inject({ url: '/auth/me', headers: bearer(a.access) })).json().data
  const admin = async () => (await app.inject({ url: '/probe/admin', headers: bearer(a.access) })).statusCode

  t.equal(await admin(), 403, 'not an admin yet')
  t.equal((await app.inject({ url: '/probe/admin' })).statusCode, 401)

  const tier = await runCli(['users', 'set-tier', a.email.toUpperCase(), 'pro'], env)
  t.equal(tier.code, 0, tier.stderr)
  t.equal((await me()).subscription_tier, 'pro')

  const grant = await runCli(['users', 'grant-admin', a.email], env)
  t.equal(grant.code, 0, grant.stderr)
  t.equal((await me()).is_admin, true)
  t.equal(await admin(), 200, 'the admin guard lets an operator through')

  t.equal((await runCli(['users', 'revoke-admin', a.email], env)).code, 0)
  t.equal(await admin(), 403)

  const badTier = await runCli(['users', 'set-tier', a.email, 'platinum'], env)
  t.equal(badTier.code, 1)
  t.match(badTier.stderr, /unknown tier "platinum"/)
  const nobody = await runCli(['users', 'grant-admin', 'nobody@example.com'], env)
  t.equal(nobody.code, 1)
  t.match(nobody.stderr, /no account with email nobody@example.com/)
  const unknown = await runCli(['users', 'delete-everything'], env)
  t.equal(unknown.code, 64)
  t.match(unknown.stderr, /unknown command/)
  const usage = await runCli(['users', 'set-tier', a.email], env)
  t.equal(usage.code, 64)
})
