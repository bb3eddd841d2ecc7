import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import openAiSettings from '../plugins/ai-openai/settings.ts'
import dnsSettings from '../plugins/dns/settings.ts'
import { ConfigError, loadConfig, pluginSettings } from './index.ts'
import { startServer } from '../test/process.ts'

const dir = mkdtempSync(join(tmpdir(), 'cvgen-config-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
const base = { DATA_DIR: dir, JWT_SECRET: 's'.repeat(32) }

t.test('defaults', async (t) => {
  const c = await loadConfig(base)
  t.match(c, { port: 3000, host: '127.0.0.1', appDomain: 'cvgen.localhost', databaseUrl: null, redisUrl: null, accessTokenTtlMs: 900_000, refreshTokenTtlMs: 30 * 86_400_000, role: 'all', trustProxy: false })
  t.same(c.argon2, { memoryCost: 19456, timeCost: 2, parallelism: 1 }, "OWASP's minimum in production")
  t.same(c.authRateLimit, { max: 20, windowMs: 60_000 })
  t.same(c.loginFailures, { max: 10, windowMs: 900_000 })
  t.same(c.loginDelay, { after: 3, maxMs: 30_000 }, 'the per-email wait is seconds, never minutes')
  t.equal(c.deviceTokenTtlMs, 90 * 86_400_000)
  t.match(c.tiers, { free: { resumes: 10, portfolios: 3, analysesPerDay: 20, customDomains: 1 }, enterprise: { resumes: null } })
})

t.test('bad settings are refused, naming every variable', async (t) => {
  const bad: [Record<string, string>, RegExp][] = [
    [{ PORT: 'abc' }, /PORT: must be a whole number/],
    [{ PORT: '70000' }, /PORT: must be between/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL: must use postgres:/],
    [{ REDIS_URL: 'not a url' }, /REDIS_URL: must be a URL/],
    [{ ACCESS_TOKEN_TTL: '15 minutes' }, /ACCESS_TOKEN_TTL: must be a duration/],
    [{ ACCESS_TOKEN_TTL: '1s' }, /ACCESS_TOKEN_TTL: must be between/],
    [{ ROLE: 'boss' }, /ROLE: must be one of all, api, worker/],
    [{ TRUST_PROXY: '10.0.0.0/99' }, /TRUST_PROXY: "10.0.0.0\/99" is not an address or CIDR range/],
    [{ CORS_ORIGINS: 'https://a.example.com/path' }, /CORS_ORIGINS: .* is not an origin/],
    [{ JWT_SECRET: 'short' }, /JWT_SECRET: must be at least 32 characters/],
    [{ MIGRATE_ON_START: 'perhaps' }, /MIGRATE_ON_START: must be true or false/],
    [{ ARGON2_MEMORY_KIB: '8' }, /ARGON2_MEMORY_KIB: must be between/],
    [{ APP_DOMAIN: 'http://x.com' }, /APP_DOMAIN: must be a host name/],
    [{ DNS_SERVERS: '127.0.0.1:99999' }, /DNS_SERVERS/],
    [{ GATEWAY_IPS: '1.2.3' }, /GATEWAY_IPS/],
    [{ S3_BUCKET: 'b' }, /S3_BUCKET: needs S3_ACCESS_KEY_ID/],
    [{ TIERS_FILE: join(dir, 'missing.json') }, /TIERS_FILE: cannot read/],
    [{ AI_PROMPT_VERSIONS: 'resume-analysis' }, /AI_PROMPT_VERSIONS: "resume-analysis" is not prompt-id=version/],
    [{ AI_PROMPT_VERSIONS: 'resume-analysis=0' }, /AI_PROMPT_VERSIONS/],
    [{ AI_TIMEOUT: '10ms' }, /AI_TIMEOUT: must be between/],
    [{ OPENAI_RESPONSE_FORMAT: 'xml' }, /OPENAI_RESPONSE_FORMAT: must be one of json_schema, json_object, none/],
    [{ AI_PROVIDER: 'openai' }, /AI_PROVIDER: openai needs OPENAI_API_KEY \(or OPENAI_BASE_URL/],
    [{ AI_PROVIDER: 'anthropic' }, /AI_PROVIDER: anthropic needs ANTHROPIC_API_KEY/]
  ]
  for (const [env, message] of bad) {
    await t.rejects(() => loadConfig({ ...base, ...env }), message, Object.keys(env).join(', '))
  }
  try {
    await loadConfig({ ...base, PORT: 'x', ROLE: 'y' })
    t.fail('should throw')
  } catch (err) {
    t.ok(err instanceof ConfigError)
    t.equal((err as ConfigError).problems.length, 2, 'all problems at once')
  }
})

t.test('parsed values', async (t) => {
  const c = await loadConfig({ ...base, TRUST_PROXY: '10.0.0.0/8, 127.0.0.1', CORS_ORIGINS: 'https://app.example.com/,http://localhost:5173', ACCESS_TOKEN_TTL: '5m', REFRESH_TOKEN_TTL: '7d', DNS_SERVERS: '127.0.0.1:5353,[::1]:53' })
  t.same(c.trustProxy, ['10.0.0.0/8', '127.0.0.1'])
  t.same(c.corsOrigins, ['https://app.example.com', 'http://localhost:5173'])
  t.equal(c.accessTokenTtlMs, 300_000)
  t.equal(c.refreshTokenTtlMs, 7 * 86_400_000)
  t.equal((await loadConfig({ ...base, TRUST_PROXY: '1' })).trustProxy, 1)
  const withOpenAi = await loadConfig({ ...base, AI_PROVIDER: 'openai', OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1', AI_PROMPT_VERSIONS: 'resume-analysis=1, portfolio-analysis=v2', AI_TIMEOUT: '90s' })
  const ai = withOpenAi.ai
  t.match(ai, { provider: 'openai', timeoutMs: 90_000 })
  // The provider's own settings come from its settings.ts, typed, with their defaults.
  t.same(pluginSettings(withOpenAi, openAiSettings), { OPENAI_API_KEY: null, OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1', OPENAI_RESPONSE_FORMAT: 'json_schema' })
  t.same(pluginSettings(c, dnsSettings).DNS_SERVERS, ['127.0.0.1:5353', '[::1]:53'].map((x) => x), 'DNS_SERVERS parsed by the dns plugin')
  t.same(ai.promptVersions, { 'resume-analysis': 1, 'portfolio-analysis': 2 })
  t.match((await loadConfig(base)).ai, { provider: 'heuristic', timeoutMs: 60_000, promptVersions: {} })
})

t.test('TIERS_FILE overrides plan limits', async (t) => {
  const file = join(dir, 'tiers.json')
  writeFileSync(file, JSON.stringify({ free: { resumes: 5, analysesPerDay: null }, pro: { uploadBytes: 1024 } }))
  const c = await loadConfig({ ...base, TIERS_FILE: file })
  t.equal(c.tiers.free.resumes, 5)
  t.equal(c.tiers.free.analysesPerDay, null)
  t.equal(c.tiers.free.portfolios, 3, 'untouched limits keep their defaults')
  t.equal(c.tiers.pro.uploadBytes, 1024)
  writeFileSync(file, JSON.stringify({ gold: {} }))
  await t.rejects(() => loadConfig({ ...base, TIERS_FILE: file }), /unknown tier "gold"/)
  writeFileSync(file, JSON.stringify({ free: { resumes: -1 } }))
  await t.rejects(() => loadConfig({ ...base, TIERS_FILE: file }), /free.resumes must be a whole number/)
})

t.test('JWT_SECRET unset: generated once, kept in DATA_DIR', async (t) => {
  const own = mkdtempSync(join(tmpdir(), 'cvgen-secret-'))
  t.teardown(() => rmSync(own, { recursive: true, force: true }))
  const a = await loadConfig({ DATA_DIR: own })
  const b = await loadConfig({ DATA_DIR: own })
  t.equal(a.jwtSecret, b.jwtSecret)
  t.ok(a.jwtSecret.length >= 48)
  t.equal(readFileSync(join(own, 'jwt-secret'), 'utf8').trim(), a.jwtSecret)
  t.equal(statSync(join(own, 'jwt-secret')).mode & 0o777, 0o600)
})

t.test('the server refuses to start on a bad setting and says which', async (t) => {
  const err = await startServer({ PORT: 'eighty', DATA_DIR: dir }).then(() => null, (e: Error) => e.message)
  t.match(err, /exited with 78/)
  t.match(err, /PORT: must be a whole number \(got "eighty"\)/)
})
