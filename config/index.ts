// Every setting cvgen reads, validated once at start-up. Nothing else reads process.env:
// the kernel and plugins receive the typed Config built here.
import { randomBytes } from 'node:crypto'
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as p from './parse.ts'
import { findPluginSettings, setting, type PluginValues, type Setting } from './plugin-settings.ts'
import { loadTiers, type Tier, type TierLimits } from './tiers.ts'

export type { Tier, TierLimits } from './tiers.ts'
export { TIER_NAMES } from './tiers.ts'
export { definePluginSettings, pluginSettings, type PluginSettings, type PluginValues } from './plugin-settings.ts'

/** Our plugins' folder, whose settings.ts files are read with the operators'. */
const PLUGINS_DIR = fileURLToPath(new URL('../plugins', import.meta.url))

const s = setting

const MIN = 60_000
const DAY = 86_400_000

/**
 * The kernel's settings. Plugins declare theirs in their own settings.ts (plugin-settings.ts);
 * settingTables() lists both, and a compose file may set only names from them.
 */
export const SETTINGS = {
  PORT: s(p.int(0, 65535), 'HTTP port', '3000'),
  HOST: s(p.str, 'address to listen on (0.0.0.0 in containers)', '127.0.0.1'),
  PUBLIC_URL: s(p.url(['http:', 'https:']), "the API's external origin, used in links it hands out (signed upload URLs); default http://localhost:PORT"),
  APP_DOMAIN: s(p.hostname, 'the app domain; portfolios live on <sub>.APP_DOMAIN', 'cvgen.localhost'),
  LOG_LEVEL: s(p.oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), 'pino log level', 'info'),
  DATA_DIR: s(p.str, 'embedded database, generated secrets, local uploads', './data'),
  DATABASE_URL: s(p.url(['postgres:', 'postgresql:']), 'PostgreSQL URL; unset: embedded database under DATA_DIR'),
  MIGRATE_ON_START: s(p.bool, 'apply pending migrations at start-up', 'true'),
  REDIS_URL: s(p.url(['redis:', 'rediss:']), 'Redis URL; unset: in-process cache and pub/sub'),
  REDIS_PREFIX: s(p.str, 'prefix of every Redis key (several deployments can share one Redis)', 'cvgen:'),
  JWT_SECRET: s(p.str, 'signs access tokens (>= 32 chars); unset: generated once and kept in DATA_DIR'),
  ACCESS_TOKEN_TTL: s(p.duration(10_000, DAY), 'access token lifetime', '15m'),
  REFRESH_TOKEN_TTL: s(p.duration(MIN, 365 * DAY), 'refresh token lifetime (each rotation renews it)', '30d'),
  ARGON2_MEMORY_KIB: s(p.int(1024, 4_194_304), 'argon2id memory per hash (OWASP minimum 19456)', '19456'),
  ARGON2_TIME_COST: s(p.int(1, 20), 'argon2id iterations (OWASP minimum 2 at 19 MiB)', '2'),
  ARGON2_PARALLELISM: s(p.int(1, 16), 'argon2id lanes', '1'),
  AUTH_RATE_LIMIT_MAX: s(p.int(1, 1_000_000), 'requests per window per client IP on each auth route', '20'),
  AUTH_RATE_LIMIT_WINDOW: s(p.duration(1000, DAY), 'window of AUTH_RATE_LIMIT_MAX', '1m'),
  LOGIN_FAILURES_MAX: s(p.int(1, 1_000_000), 'failed logins per (email, client address) before 429 for that pair', '10'),
  LOGIN_FAILURES_WINDOW: s(p.duration(1000, DAY), 'window of LOGIN_FAILURES_MAX, and of the per-email attempts LOGIN_DELAY_AFTER counts', '15m'),
  LOGIN_DELAY_AFTER: s(p.int(0, 1_000_000), 'login attempts per email (from any address, without a device token) before each further one waits 1 s, 2 s, 4 s, ...', '3'),
  LOGIN_DELAY_MAX: s(p.duration(1000, 10 * MIN), 'longest such wait (Retry-After)', '30s'),
  DEVICE_TOKEN_TTL: s(p.duration(MIN, 365 * DAY), 'lifetime of the known-device token a login hands out (it waives the per-email wait)', '90d'),
  BODY_LIMIT: s(p.int(1024, 100 * 1024 * 1024), 'largest JSON body in bytes', String(1024 * 1024)),
  CORS_ORIGINS: s(p.origins, "the dashboard's origins, comma separated", ''),
  TRUST_PROXY: s(p.trustProxy, "the gateway's addresses/CIDRs (or a hop count) so logs and limits see the client", ''),
  ROLE: s(p.oneOf(['all', 'api', 'worker']), 'all: API and jobs; api: HTTP only; worker: jobs only', 'all'),
  CVGEN_PLUGIN_DIRS: s(p.list, "operators' plugin folders, comma separated, loaded after plugins/", ''),
  CVGEN_THEME_DIRS: s(p.list, "operators' theme folders, comma separated", ''),
  CVGEN_PROMPTS_DIR: s(p.str, 'folder of prompt files that add to or override prompts/'),
  TIERS_FILE: s(p.str, 'JSON file overriding plan limits per tier'),
  STORAGE_DRIVER: s(p.str, 'where files live: local (disk under DATA_DIR), s3, or an operator\'s driver (storage.ts in a plugin folder); unset: s3 when S3_BUCKET is set, else local'),
  S3_ENDPOINT: s(p.url(['http:', 'https:']), 'S3-protocol endpoint (MinIO, R2, ...)'),
  S3_BUCKET: s(p.str, 'bucket; unset: local-disk storage under DATA_DIR'),
  S3_REGION: s(p.str, 'S3 region', 'us-east-1'),
  S3_ACCESS_KEY_ID: s(p.str, 'S3 access key'),
  S3_SECRET_ACCESS_KEY: s(p.str, 'S3 secret key'),
  S3_FORCE_PATH_STYLE: s(p.bool, 'path-style bucket URLs (MinIO)', 'false'),
  AI_PROVIDER: s(p.str, 'heuristic, openai, anthropic or an operator plugin', 'heuristic'),
  AI_MODEL: s(p.str, 'model for the LLM provider; unset: gpt-4.1-mini (openai), claude-haiku-4-5 (anthropic)'),
  AI_TIMEOUT: s(p.duration(100, 10 * MIN), 'longest wait for one LLM answer before the heuristic result is used', '60s'),
  ANALYSIS_TIMEOUT: s(p.duration(100, 10 * MIN), 'time the rules of one analysis may take in their worker thread (256 MB heap) before that attempt fails', '30s'),
  AI_PROMPT_VERSIONS: s(p.versionPins, 'pinned prompt versions, e.g. resume-analysis=1,portfolio-analysis=2; unpinned: the highest', ''),
  DNS_PROVIDER: s(p.str, 'DNS lookup provider', 'system'),
  GATEWAY_IPS: s(p.ipList, "the gateway's public IPs for apex A records", ''),
  TLS_ASK_TOKEN: s(p.str, "shared token Caddy's on-demand TLS ask must present"),
  TLS_ASK_SOURCES: s(p.cidrList, 'addresses/CIDRs allowed to call GET /internal/tls/ask (the gateway)', '127.0.0.0/8,::1/128,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7'),
  TLS_PROBE_ADDRESS: s(p.hostPort, "where the TLS probe reaches the gateway's HTTPS port (host:port); unset: the domain itself on 443"),
  TLS_PROBE_PRIVATE: s(p.bool, 'let the TLS probe connect to a domain that resolves to a loopback, private or link-local address (tests; a gateway on a private network sets TLS_PROBE_ADDRESS instead)', 'false'),
  TLS_PROBE_CA_FILE: s(p.str, "PEM file of a CA the TLS probe trusts besides the system's (a gateway with an internal CA)"),
  DOMAIN_PENDING_DAYS: s(p.int(1, 365), 'days a pending custom domain may wait for DNS', '30'),
  CHROMIUM_PATH: s(p.str, 'Chromium for PDF and thumbnails', '/usr/bin/chromium'),
  PARSE_MAX_BYTES: s(p.int(1024, 100 * 1024 * 1024), "largest resume file POST /resumes/parse accepts (the plan's upload size applies too)", String(5 * 1024 * 1024)),
  PARSE_TIMEOUT: s(p.duration(1000, 10 * MIN), 'time one file may take to parse before the job fails', '30s'),
  PARSE_MEMORY_MB: s(p.int(256, 16384), 'resident memory (MB) one parser process may reach before it is killed and its job fails', '512'),
  REMOTE_IMAGES: s(p.oneOf(['off', 'https']), 'images on public pages and exports from other hosts: off (only files stored by cvgen: uploads) or https (any https URL, which lets a page owner see who views it)', 'off'),
  THUMBNAILS: s(p.bool, 'render a PNG preview of a resume or portfolio after each change (needs Chromium)', 'true')
} as const

export type SettingName = keyof typeof SETTINGS
type Parsed<K extends SettingName> = ReturnType<typeof SETTINGS[K]['parse']>
type Env = Record<string, string | undefined>

export interface Config {
  port: number
  host: string
  /** The API's external origin without a trailing slash. */
  publicUrl: string
  appDomain: string
  logLevel: Parsed<'LOG_LEVEL'>
  dataDir: string
  /** null: run the embedded database under dataDir */
  databaseUrl: string | null
  migrateOnStart: boolean
  redisUrl: string | null
  redisPrefix: string
  jwtSecret: string
  accessTokenTtlMs: number
  refreshTokenTtlMs: number
  argon2: { memoryCost: number, timeCost: number, parallelism: number }
  authRateLimit: { max: number, windowMs: number }
  loginFailures: { max: number, windowMs: number }
  loginDelay: { after: number, maxMs: number }
  deviceTokenTtlMs: number
  bodyLimit: number
  corsOrigins: string[]
  trustProxy: boolean | number | string[]
  role: Parsed<'ROLE'>
  pluginDirs: string[]
  themeDirs: string[]
  promptsDir: string | null
  tiers: Record<Tier, TierLimits>
  /** The storage driver's name (STORAGE_DRIVER, or s3/local from S3_BUCKET). */
  storageDriver: string
  s3: { endpoint: string | null, bucket: string | null, region: string, accessKeyId: string | null, secretAccessKey: string | null, forcePathStyle: boolean }
  ai: { provider: string, model: string | null, timeoutMs: number, analysisTimeoutMs: number, promptVersions: Record<string, number> }
  dns: {
    provider: string
    gatewayIps: string[]
    tlsAskToken: string | null
    tlsAskSources: string[]
    tlsProbeAddress: { host: string, port: number } | null
    tlsProbeCaFile: string | null
    tlsProbePrivate: boolean
    pendingDays: number
  }
  chromiumPath: string
  parse: { maxBytes: number, timeoutMs: number, memoryMb: number }
  /** Images from other hosts on rendered pages: off (stored by cvgen only) or https. */
  remoteImages: 'off' | 'https'
  thumbnails: boolean
  /** The values of every plugin's own settings.ts; read them with pluginSettings(config, definition). */
  pluginValues: PluginValues
}

export class ConfigError extends Error {
  readonly problems: string[]

  constructor (problems: string[]) {
    super(`Invalid settings:\n  ${problems.join('\n  ')}`)
    this.problems = problems
    this.name = 'ConfigError'
  }
}

/**
 * Builds the Config from an environment (process.env by default), with every plugin
 * folder's settings.ts (ours and CVGEN_PLUGIN_DIRS'). Every problem is collected, so one
 * start-up names every bad variable at once, before any plugin loads.
 */
export async function loadConfig (env: Env = process.env): Promise<Config> {
  const problems: string[] = []
  const values: Record<string, unknown> = {}
  for (const [name, setting] of Object.entries(SETTINGS) as [SettingName, Setting<unknown>][]) parseSetting(name, setting, env, values, problems)
  const v = values as { [K in SettingName]: Parsed<K> | null }
  const dataDir = resolve(v.DATA_DIR ?? './data')

  let tiers: Record<Tier, TierLimits> | undefined
  try { tiers = loadTiers(v.TIERS_FILE ?? undefined) } catch (err) { problems.push(`TIERS_FILE: ${(err as Error).message}`) }

  if (v.JWT_SECRET !== null && v.JWT_SECRET.length < 32) problems.push('JWT_SECRET: must be at least 32 characters')
  let jwtSecret = v.JWT_SECRET
  if (jwtSecret === null) {
    try {
      jwtSecret = persistentSecret(dataDir, 'jwt-secret')
    } catch (err) {
      problems.push(`DATA_DIR: cannot keep the generated JWT secret in ${dataDir} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); make it writable by this user, or set DATA_DIR (or JWT_SECRET)`)
    }
  }
  if (v.STORAGE_DRIVER === 's3' && !v.S3_BUCKET) problems.push('STORAGE_DRIVER: s3 needs S3_BUCKET (and its keys)')
  if (v.S3_BUCKET && (!v.S3_ACCESS_KEY_ID || !v.S3_SECRET_ACCESS_KEY)) {
    problems.push('S3_BUCKET: needs S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY as well')
  }
  const pluginDirs = (v.CVGEN_PLUGIN_DIRS ?? []).map((d) => resolve(d))
  const pluginValues = await loadPluginValues([PLUGINS_DIR, ...pluginDirs], env, problems)
  if (problems.length > 0) throw new ConfigError(problems)

  return {
    port: v.PORT!,
    host: v.HOST!,
    publicUrl: (v.PUBLIC_URL ?? `http://localhost:${v.PORT}`).replace(/\/+$/, ''),
    appDomain: v.APP_DOMAIN!,
    logLevel: v.LOG_LEVEL!,
    dataDir,
    databaseUrl: v.DATABASE_URL,
    migrateOnStart: v.MIGRATE_ON_START!,
    redisUrl: v.REDIS_URL,
    redisPrefix: v.REDIS_PREFIX!,
    jwtSecret: jwtSecret!,
    accessTokenTtlMs: v.ACCESS_TOKEN_TTL!,
    refreshTokenTtlMs: v.REFRESH_TOKEN_TTL!,
    argon2: { memoryCost: v.ARGON2_MEMORY_KIB!, timeCost: v.ARGON2_TIME_COST!, parallelism: v.ARGON2_PARALLELISM! },
    authRateLimit: { max: v.AUTH_RATE_LIMIT_MAX!, windowMs: v.AUTH_RATE_LIMIT_WINDOW! },
    loginFailures: { max: v.LOGIN_FAILURES_MAX!, windowMs: v.LOGIN_FAILURES_WINDOW! },
    loginDelay: { after: v.LOGIN_DELAY_AFTER!, maxMs: v.LOGIN_DELAY_MAX! },
    deviceTokenTtlMs: v.DEVICE_TOKEN_TTL!,
    bodyLimit: v.BODY_LIMIT!,
    corsOrigins: v.CORS_ORIGINS ?? [],
    trustProxy: v.TRUST_PROXY ?? false,
    role: v.ROLE!,
    pluginDirs,
    themeDirs: (v.CVGEN_THEME_DIRS ?? []).map((d) => resolve(d)),
    promptsDir: v.CVGEN_PROMPTS_DIR ? resolve(v.CVGEN_PROMPTS_DIR) : null,
    tiers: tiers!,
    storageDriver: v.STORAGE_DRIVER ?? (v.S3_BUCKET ? 's3' : 'local'),
    s3: {
      endpoint: v.S3_ENDPOINT,
      bucket: v.S3_BUCKET,
      region: v.S3_REGION!,
      accessKeyId: v.S3_ACCESS_KEY_ID,
      secretAccessKey: v.S3_SECRET_ACCESS_KEY,
      forcePathStyle: v.S3_FORCE_PATH_STYLE!
    },
    ai: {
      provider: v.AI_PROVIDER!,
      model: v.AI_MODEL,
      timeoutMs: v.AI_TIMEOUT!,
      analysisTimeoutMs: v.ANALYSIS_TIMEOUT!,
      promptVersions: v.AI_PROMPT_VERSIONS ?? {}
    },
    dns: {
      provider: v.DNS_PROVIDER!,
      gatewayIps: v.GATEWAY_IPS ?? [],
      tlsAskToken: v.TLS_ASK_TOKEN,
      tlsAskSources: v.TLS_ASK_SOURCES ?? [],
      tlsProbeAddress: v.TLS_PROBE_ADDRESS,
      tlsProbePrivate: v.TLS_PROBE_PRIVATE!,
      tlsProbeCaFile: v.TLS_PROBE_CA_FILE ? resolve(v.TLS_PROBE_CA_FILE) : null,
      pendingDays: v.DOMAIN_PENDING_DAYS!
    },
    chromiumPath: v.CHROMIUM_PATH!,
    parse: { maxBytes: v.PARSE_MAX_BYTES!, timeoutMs: v.PARSE_TIMEOUT!, memoryMb: v.PARSE_MEMORY_MB! },
    remoteImages: v.REMOTE_IMAGES!,
    thumbnails: v.THUMBNAILS!,
    pluginValues
  }
}

/** Parses one setting from the environment into `into`; a bad value becomes a problem line. */
function parseSetting (name: string, setting: Setting<unknown>, env: Env, into: Record<string, unknown>, problems: string[]): void {
  const raw = env[name] === '' ? undefined : env[name]
  const source = raw ?? setting.default
  if (source === undefined) { into[name] = null; return }
  try {
    into[name] = setting.parse(source)
  } catch (err) {
    problems.push(`${name}: ${(err as Error).message}`)
  }
}

/** Every plugin folder's settings.ts, validated into one map; problems join the kernel's. */
async function loadPluginValues (dirs: string[], env: Env, problems: string[]): Promise<PluginValues> {
  const values: PluginValues = new Map()
  let found
  try { found = await findPluginSettings(dirs) } catch (err) { problems.push(`CVGEN_PLUGIN_DIRS: ${(err as Error).message}`); return values }
  const owners = new Map<string, string>(Object.keys(SETTINGS).map((name) => [name, 'the kernel']))
  for (const { plugin, definition } of found) {
    const mine: Record<string, unknown> = {}
    const before = problems.length
    for (const [name, setting] of Object.entries(definition.settings)) {
      const owner = owners.get(name)
      if (owner) { problems.push(`${name}: declared by ${owner} and by the ${plugin} plugin`); continue }
      owners.set(name, `the ${plugin} plugin`)
      parseSetting(name, setting, env, mine, problems)
    }
    // A cross-setting check only sees values that parsed.
    if (problems.length === before && definition.check) problems.push(...definition.check(mine as never, env))
    values.set(definition, mine)
  }
  return values
}

/** Every setting with its owner (for the settings reference): the kernel's, then each plugin's. */
export async function settingTables (pluginDirs: string[] = []): Promise<{ owner: string, settings: Record<string, Setting<unknown>> }[]> {
  return [
    { owner: 'kernel', settings: SETTINGS as unknown as Record<string, Setting<unknown>> },
    ...(await findPluginSettings([PLUGINS_DIR, ...pluginDirs])).map((f) => ({ owner: f.plugin, settings: f.definition.settings }))
  ]
}

/**
 * Creates DATA_DIR (0700) and any missing folder above it. Those are not DATA_DIR: they are
 * made passable (0711, not listable), since running as root the embedded PostgreSQL's own
 * user must pass through them. Returns whether anything was created.
 */
export function createDataDir (dataDir: string): boolean {
  const created = mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  if (!created) return false
  for (let dir = dirname(dataDir); dir.length >= created.length; dir = dirname(dir)) chmodSync(dir, 0o711)
  return true
}

/**
 * A secret generated on first start and kept (0600) in DATA_DIR/<name>, reused after: the
 * JWT secret (restarts keep sessions valid) and the embedded PostgreSQL's password.
 */
export function persistentSecret (dataDir: string, name: string): string {
  const file = join(dataDir, name)
  try {
    return readFileSync(file, 'utf8').trim()
  } catch {
    createDataDir(dataDir)
    const secret = randomBytes(48).toString('base64url')
    try {
      writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' })
    } catch (err) {
      // Another process (the CLI, a worker) created it first: use theirs.
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim()
      throw err
    }
    return secret
  }
}
