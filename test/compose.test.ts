// The deployment files against the code: docker-compose.yml may set only settings the app
// accepts (api and worker), and every value it sets must pass loadConfig; minio gets its
// bucket, caddy its Caddyfile (adapted by the real caddy binary here) and volumes; the
// Dockerfile must start kernel/server.ts as the process that receives SIGTERM. No Docker
// daemon is needed.
import { spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { parse } from 'yaml'
import { ConfigError, loadConfig, settingTables } from '../config/index.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8')

type Environment = Record<string, string | number | boolean | null> | string[]
interface Service {
  image?: string
  ports?: string[]
  expose?: string[]
  volumes?: string[]
  command?: string[]
  entrypoint?: string[]
  build?: unknown
  environment?: Environment
  depends_on?: string[] | Record<string, { condition?: string }>
  healthcheck?: { test?: string | string[] }
}
interface ComposeFile { services: Record<string, Service>, volumes?: Record<string, unknown> }

/** Compose accepts a map or a list of KEY=VALUE; a bare KEY passes the host's value (null here). */
function environmentOf (service: Service): Record<string, string | null> {
  const env = service.environment ?? {}
  const out: Record<string, string | null> = {}
  if (Array.isArray(env)) {
    for (const item of env) {
      const i = item.indexOf('=')
      if (i === -1) out[item] = null
      else out[item.slice(0, i)] = item.slice(i + 1)
    }
  } else {
    for (const [key, value] of Object.entries(env)) out[key] = value === null ? null : String(value)
  }
  return out
}

function dependenciesOf (service: Service): Record<string, string | undefined> {
  const deps = service.depends_on ?? []
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((d) => [d, undefined]))
  return Object.fromEntries(Object.entries(deps).map(([name, d]) => [name, d?.condition]))
}

/**
 * Compose's interpolation: $$, $VAR, ${VAR}, ${VAR:-default}, ${VAR-default},
 * ${VAR:?error}, ${VAR?error}, ${VAR:+alt}, ${VAR+alt}. A required variable missing from
 * `vars` throws, as `docker compose` would refuse to start.
 */
function interpolate (value: string, vars: Record<string, string>): string {
  return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (match, braced: string | undefined, colon: string | undefined, op: string | undefined, arg: string | undefined, bare: string | undefined) => {
      if (match === '$$') return '$'
      const name = (braced ?? bare)!
      const set = colon === ':' ? Boolean(vars[name]) : vars[name] !== undefined
      if (op === '-') return set ? vars[name]! : arg!
      if (op === '?') {
        if (!set) throw new Error(`required variable ${name} is missing: ${arg}`)
        return vars[name]!
      }
      if (op === '+') return set ? arg! : ''
      return vars[name] ?? ''
    })
}

// The kernel's settings and every plugin's own (settings.ts).
const KNOWN = new Set((await settingTables()).flatMap((table) => Object.keys(table.settings)))
const unknownSettings = (names: string[]): string[] => names.filter((n) => !KNOWN.has(n))

// What an operator would export before `docker compose up`.
const HOST_VARS = { JWT_SECRET: 'compose-test-secret-0123456789abcdefghij', POSTGRES_PASSWORD: 'compose-test-pw', MINIO_ROOT_PASSWORD: 'compose-minio-pw', TLS_ASK_TOKEN: 'compose-ask-token' }

// Compose supports YAML merge keys (<<: *anchor): the api and worker share one definition.
const compose = parse(read('docker-compose.yml'), { merge: true }) as ComposeFile
const services = compose.services ?? {}
const app = services.api ?? {}
const worker = services.worker ?? {}
const rawEnv = environmentOf(app)
const resolvedEnv = (service: Service, vars: Record<string, string> = HOST_VARS): Record<string, string | undefined> =>
  Object.fromEntries(Object.entries(environmentOf(service)).map(([k, v]) => [k, v === null ? vars[k] : interpolate(v, vars)]))

t.test('services: postgres 16, redis, minio, caddy, and api and worker built from this folder', async (t) => {
  t.same(Object.keys(services).sort(), ['api', 'caddy', 'minio', 'minio-init', 'postgres', 'redis', 'worker'])
  t.ok(worker.build, 'worker has build')
  t.equal(environmentOf(app).ROLE, 'api')
  t.equal(environmentOf(worker).ROLE, 'worker')
  t.equal((await loadConfig(resolvedEnv(worker))).role, 'worker')
  t.equal((await loadConfig(resolvedEnv(app))).role, 'api')
  t.ok(services.postgres, 'postgres service')
  t.match(services.postgres?.image, /^postgres:16(\b|$)/, 'postgres image is PostgreSQL 16')
  t.ok(services.redis, 'redis service')
  t.match(services.redis?.image, /^redis:/, 'redis image')
  t.ok(app.build, 'app has build')
  t.ok(services.postgres?.healthcheck?.test, 'postgres has a healthcheck')
  t.ok(services.redis?.healthcheck?.test, 'redis has a healthcheck')
})

t.test('api and worker wait for healthy postgres and redis and for the bucket', async (t) => {
  for (const service of [app, worker]) {
    const deps = dependenciesOf(service)
    t.same(Object.keys(deps).sort(), ['minio-init', 'postgres', 'redis'])
    t.equal(deps.postgres, 'service_healthy')
    t.equal(deps.redis, 'service_healthy')
    t.equal(deps['minio-init'], 'service_completed_successfully')
  }
})

t.test('api and worker set only names from SETTINGS', async (t) => {
  const names = Object.keys(rawEnv)
  t.ok(names.length > 0, 'app has an environment')
  t.same(unknownSettings(names), [], 'every api variable is a setting')
  t.same(unknownSettings(Object.keys(environmentOf(worker))), [], 'every worker variable is a setting')
  // The check above is live: a name the app does not read is reported.
  t.same(unknownSettings(['PORT', 'POSTGRES_PASSWORD', 'NODE_ENV']), ['POSTGRES_PASSWORD', 'NODE_ENV'])
})

t.test('JWT_SECRET comes from the operator, never from the file', async (t) => {
  t.match(rawEnv.JWT_SECRET, /^\$\{JWT_SECRET:\?[^}]*\}$/, 'required interpolation')
  t.throws(() => resolvedEnv(app, { ...HOST_VARS, JWT_SECRET: '' }), /JWT_SECRET is missing/, 'compose would refuse to start without it')
  t.throws(() => resolvedEnv(app, { ...HOST_VARS, TLS_ASK_TOKEN: '' }), /TLS_ASK_TOKEN is missing/, 'nor without the ask token')
})

t.test('DATABASE_URL and REDIS_URL point at the compose services', async (t) => {
  const env = resolvedEnv(app)
  const db = new URL(env.DATABASE_URL!)
  t.equal(db.hostname, 'postgres')
  t.ok(services[db.hostname], 'the database host is a service')
  const pg = resolvedEnv(services.postgres ?? {})
  t.equal(decodeURIComponent(db.username), pg.POSTGRES_USER, 'user matches POSTGRES_USER')
  t.equal(decodeURIComponent(db.password), pg.POSTGRES_PASSWORD, 'password matches POSTGRES_PASSWORD')
  t.equal(db.pathname, `/${pg.POSTGRES_DB}`, 'database matches POSTGRES_DB')
  const redis = new URL(env.REDIS_URL!)
  t.equal(redis.hostname, 'redis')
  t.ok(services[redis.hostname], 'the Redis host is a service')
})

t.test('loadConfig accepts every value the compose file sets', async (t) => {
  const env = resolvedEnv(app)
  const config = await loadConfig(env)
  t.equal(config.host, '0.0.0.0')
  t.equal(config.port, 3000)
  t.equal(config.dataDir, '/data')
  t.equal(config.databaseUrl, env.DATABASE_URL)
  t.equal(config.redisUrl, env.REDIS_URL)
  t.equal(config.jwtSecret, HOST_VARS.JWT_SECRET)
  // Live: the same environment with one bad value is refused, naming the variable.
  await t.rejects(() => loadConfig({ ...env, PORT: 'abc' }), ConfigError)
  await t.rejects(() => loadConfig({ ...env, PORT: 'abc' }), /PORT: must be a whole number/)
  await t.rejects(() => loadConfig({ ...env, JWT_SECRET: 'short' }), /JWT_SECRET: must be at least 32 characters/)
})

t.test('minio holds the bucket S3_BUCKET names, with the keys the app uses', async (t) => {
  const env = resolvedEnv(app)
  const minio = resolvedEnv(services.minio ?? {})
  t.equal(new URL(env.S3_ENDPOINT!).hostname, 'minio')
  t.equal(env.S3_ACCESS_KEY_ID, minio.MINIO_ROOT_USER)
  t.equal(env.S3_SECRET_ACCESS_KEY, minio.MINIO_ROOT_PASSWORD)
  t.ok(services.minio?.healthcheck?.test, 'minio has a healthcheck')
  t.match((services['minio-init']?.entrypoint ?? []).join(' '), new RegExp(`mc mb --ignore-existing local/${env.S3_BUCKET}\\b`), 'the init job creates that bucket')
  t.ok(services.minio?.volumes?.some((v) => v.endsWith(':/data')), 'minio data on a volume')
  const config = await loadConfig(env)
  t.equal(config.s3.bucket, 'cvgen')
  t.equal(config.s3.forcePathStyle, true)
})

t.test('minio lets anyone read the public prefixes only: no listing, no private exports', async (t) => {
  const init = services['minio-init'] ?? {}
  const mount = (init.volumes ?? []).map((v) => v.split(':')).find(([src]) => src === './deploy/minio-public-read.json')
  t.ok(mount, 'the policy file is mounted into minio-init')
  const script = (init.entrypoint ?? []).join(' ')
  t.match(script, new RegExp(`mc anonymous set-json ${mount?.[1]} local/cvgen\\b`), 'and applied to the bucket')
  t.notMatch(script, /anonymous set (download|public)/, 'not the canned policies, which grant s3:ListBucket')

  const policy = JSON.parse(read('deploy/minio-public-read.json')) as { Statement: { Effect: string, Principal: unknown, Action: string[] | string, Resource: string[] | string }[] }
  const statements = policy.Statement
  t.equal(statements.length, 1)
  const [s] = statements
  t.equal(s!.Effect, 'Allow')
  t.same(s!.Principal, { AWS: ['*'] }, 'anonymous')
  t.same([s!.Action].flat(), ['s3:GetObject'], 'only reading objects: no s3:ListBucket')
  const resources = [s!.Resource].flat()
  t.same(resources.sort(), ['arn:aws:s3:::cvgen/thumbnails/*', 'arn:aws:s3:::cvgen/users/*'], 'exactly the public prefixes of bucket cvgen')

  // The prefixes against the keys the code makes: an upload and a preview are public, an export is not.
  const covers = (key: string) => resources.some((r) => new RegExp('^' + r.replace('arn:aws:s3:::cvgen/', '').replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*') + '$').test(key))
  const uuid = '0b9f6a8e-1f2d-4c3b-9a7e-5d6c4b3a2f1e'
  const { UPLOAD_KEY } = await import('../kernel/storage/keys.ts')
  const upload = `users/${uuid}/avatar/${uuid}.png`
  t.ok(UPLOAD_KEY.test(upload), 'an upload key the code accepts')
  t.ok(covers(upload), 'uploads are readable')
  t.match(read('plugins/exports/worker.ts'), /`thumbnails\/\$\{type\}s\//, 'previews are stored under thumbnails/')
  t.ok(covers(`thumbnails/resumes/${uuid}/abc.png`), 'previews are readable')
  t.match(read('plugins/exports/worker.ts'), /`private\/exports\//, 'exports are stored under private/')
  t.notOk(covers(`private/exports/${uuid}/${uuid}.pdf`), 'exports are not')
})

t.test('caddy: public ports, the Caddyfile, persistent certificates, the same ask token as the api', async (t) => {
  const caddy = services.caddy ?? {}
  t.match(caddy.image, /^caddy:2/)
  t.same([...(caddy.ports ?? [])].sort(), ['443:443', '80:80'])
  t.ok(caddy.volumes?.includes('./Caddyfile:/etc/caddy/Caddyfile:ro'), 'mounts the repository Caddyfile')
  t.ok(caddy.volumes?.some((v) => /^caddy_data:\/data$/.test(v)), 'certificates on a named volume')
  for (const v of [...(caddy.volumes ?? []), ...(services.postgres?.volumes ?? []), ...(app.volumes ?? [])]) {
    const name = v.split(':')[0]!
    if (!name.startsWith('.')) t.ok(compose.volumes && name in compose.volumes, `volume ${name} is declared`)
  }
  t.equal(resolvedEnv(caddy).TLS_ASK_TOKEN, resolvedEnv(app).TLS_ASK_TOKEN)
  t.equal(resolvedEnv(caddy).APP_DOMAIN, resolvedEnv(app).APP_DOMAIN)
  t.notOk(app.ports, 'the api is not published: the public goes through caddy')
  t.same(dependenciesOf(caddy), { api: 'service_healthy' })
})

t.test('the Caddyfile adapts with caddy and asks the api, refusing /internal/* from the public', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'cvgen-caddy-'))
  const env = { PATH: process.env.PATH ?? '/usr/bin', HOME: home, ...resolvedEnv(services.caddy ?? {}) } as Record<string, string>
  const out = spawnSync('/usr/bin/caddy', ['adapt', '--config', join(ROOT, 'Caddyfile'), '--adapter', 'caddyfile'], { env, encoding: 'utf8' })
  t.equal(out.status, 0, out.stderr)
  const json = JSON.parse(out.stdout)
  t.equal(json.apps.tls.automation.on_demand.ask, `http://api:3000/internal/tls/ask?token=${HOST_VARS.TLS_ASK_TOKEN}`)
  t.ok(json.apps.tls.automation.policies.some((p: { on_demand?: boolean }) => p.on_demand), 'on-demand TLS for other names')
  const text = JSON.stringify(json.apps.http)
  t.match(text, '"host":["cvgen.localhost","hosting.cvgen.localhost"]')
  t.match(text, '{"handle":[{"handler":"static_response","status_code":404}],"match":[{"path":["/internal/*"]}]}')
  t.match(text, '"upstreams":[{"dial":"api:3000"}]')
  t.notMatch(text, 'headers', 'no Host rewriting: the api routes by the original Host')
})

// ---- Dockerfile ----

interface Instruction { op: string, args: string }
function instructions (text: string): Instruction[] {
  return text.replace(/\\\r?\n/g, ' ').split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const m = /^(\S+)\s*(.*)$/.exec(line)!
      return { op: m[1]!.toUpperCase(), args: m[2]! }
    })
}

/** Exec form (a JSON array) or null for shell form. */
function execForm (args: string): string[] | null {
  if (!args.startsWith('[')) return null
  try { return JSON.parse(args) as string[] } catch { return null }
}

/** ENV A=1 B="2" (and the legacy ENV A 1). */
function envKeys (args: string): string[] {
  if (!args.includes('=')) return [args.split(/\s+/)[0]!]
  return [...args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=(?:"[^"]*"|'[^']*'|\S*)/g)].map((m) => m[1]!)
}

/** The script the container's command runs: node [options] SCRIPT. */
function scriptOf (argv: string[]): string | undefined {
  const [bin, ...rest] = argv
  if (bin === undefined) return undefined
  if (!/(^|\/)node$/.test(bin)) return undefined
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!
    if (['--import', '--require', '-r', '--loader'].includes(a)) { i++; continue }
    if (a.startsWith('-')) continue
    return a
  }
  return undefined
}

t.test('Dockerfile starts kernel/server.ts as the signalled process', async (t) => {
  t.ok(existsSync(join(ROOT, 'Dockerfile')), 'Dockerfile exists')
  const steps = instructions(read('Dockerfile'))
  const bases = steps.filter((s) => s.op === 'FROM').map((s) => s.args)
  t.ok(bases.length > 0 && bases.every((b) => /^node:24-bookworm-slim\b/.test(b)), `every stage is node:24-bookworm-slim (${bases.join('; ')})`)
  const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node
  t.equal(engines, '>=24', 'the same major as package.json\'s engines')
  // argon2 loads a prebuilt native binary: the build must prove it loads, or the image would
  // die on the first login.
  t.ok(steps.some((s) => s.op === 'RUN' && /import\('argon2'\)/.test(s.args)), 'a RUN step loads argon2')
  // DATA_DIR private to the app's user from the start (the embedded database lives there).
  t.ok(steps.some((s) => s.op === 'RUN' && /mkdir -p \/data\b.*chown node:node \/data.*chmod 0?700 \/data/.test(s.args)), '/data is 0700, owned by node')

  const last = (op: string) => steps.filter((s) => s.op === op).at(-1)
  const entrypoint = last('ENTRYPOINT')
  const cmd = last('CMD')
  const argv = [...(entrypoint ? execForm(entrypoint.args) ?? [] : []), ...(cmd ? execForm(cmd.args) ?? [] : [])]
  t.ok(cmd && execForm(cmd.args), 'CMD uses exec form, so no shell sits between Docker and node')
  t.equal(scriptOf(argv), 'kernel/server.ts', `command ${JSON.stringify(argv)} runs kernel/server.ts`)
  t.ok(existsSync(join(ROOT, 'kernel/server.ts')), 'and that file exists')
  // The image runs what `npm start` runs: the same node flags (the V8 heap sizing).
  const start = (JSON.parse(read('package.json')) as { scripts: { start: string } }).scripts.start.split(/\s+/)
  t.same(argv.slice(1), start.slice(start.indexOf('node') + 1), 'the same node flags and script as npm start')
  // Node strips the types itself; a loader would be one more thing the image must carry.
  t.notOk(argv.some((a) => /^--(import|loader|require)\b|^-r$/.test(a)), 'node runs the TypeScript without a loader')
  // The parser is live: npm start (a parent npm process) is not accepted.
  t.equal(scriptOf(['npm', 'start']), undefined)

  t.equal(last('USER')?.args, 'node', 'runs as the non-root node user')
  t.match(last('HEALTHCHECK')?.args, /\/healthz/, 'healthcheck probes /healthz')
  t.match(steps.filter((s) => s.op === 'EXPOSE').map((s) => s.args).join(' '), /\b3000\b/)

  const set = steps.filter((s) => s.op === 'ENV').flatMap((s) => envKeys(s.args))
  t.ok(set.includes('HOST') && set.includes('DATA_DIR'), 'sets HOST and DATA_DIR')
  t.same(unknownSettings(set), [], 'the image sets only names cvgen declares')
})

t.test('.dockerignore keeps local state out of the build context', async (t) => {
  const lines = read('.dockerignore').split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))
  for (const dir of ['node_modules', 'data', '.git', '.tap', 'test', 'bench']) {
    t.ok([dir, `/${dir}`, `**/${dir}`].some((l) => lines.includes(l)), `${dir} excluded`)
  }
})
