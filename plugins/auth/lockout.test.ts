// Finding 4: failed logins must not let anyone lock an account's owner out (plugins/auth/README.md).
import { spawn } from 'node:child_process'
import { createHmac } from 'node:crypto'
import { once } from 'node:events'
import t from 'tap'
import { DeviceTokens } from './device.ts'
import { delayMs } from './limiter.ts'
import { build, freePort, register, sleep } from '../../test/helper.ts'

type App = Awaited<ReturnType<typeof build>>
const loginAs = (app: App) => (email: string, password: string, remoteAddress: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/auth/login', remoteAddress, headers, payload: { email, password } })

t.test("an attacker's failures from one address do not lock the owner out elsewhere", async (t) => {
  // The per-email wait is tested below; out of the way here so only the pair budget counts.
  const app = await build(t, { AUTH_RATE_LIMIT_MAX: '10000', LOGIN_DELAY_AFTER: '1000' })
  const login = loginAs(app)
  const owner = await register(app)
  for (let i = 0; i < 10; i++) t.equal((await login(owner.email, `wrong guess ${i}`, '203.0.113.7')).statusCode, 401)
  const locked = await login(owner.email, owner.password, '203.0.113.7')
  t.equal(locked.statusCode, 429, 'the attacking address is stopped after 10 failures, even with the right password')
  t.equal(locked.json().error.code, 'AUTH_TOO_MANY_ATTEMPTS')
  t.ok(Number(locked.headers['retry-after']) > 800, 'for the rest of its 15-minute window')
  const spoofed = await login(owner.email, owner.password, '203.0.113.7', { 'x-forwarded-for': '198.51.100.1' })
  t.equal(spoofed.statusCode, 429, 'X-Forwarded-For is not believed without TRUST_PROXY')

  const home = await login(owner.email, owner.password, '192.0.2.10')
  t.equal(home.statusCode, 200, 'the owner, from another address, gets in')
  t.equal((await login(owner.email, owner.password, '2001:db8:1:2::77')).statusCode, 200, 'and from IPv6')
  for (let i = 0; i < 10; i++) await login(owner.email, `wrong guess ${i}`, '2001:db8:1:2::1')
  t.equal((await login(owner.email, owner.password, '2001:db8:1:2::99')).statusCode, 429, 'an IPv6 /64 counts as one address')
})

t.test('the per-email wait: seconds, growing, waived by a device token', async (t) => {
  const app = await build(t, { AUTH_RATE_LIMIT_MAX: '10000' })
  const login = loginAs(app)
  const owner = await register(app)
  const other = await register(app)
  const device = (await login(owner.email, owner.password, '192.0.2.10')).json().data.device_token as string
  t.match(device, /^[0-9a-f-]{36}\.\d+\.[\w-]{43}$/, 'a successful login hands out a device token')

  let n = 0
  const attacker = () => login(owner.email, 'wrong guess!', `198.51.100.${++n}`) // a new address every time
  for (let i = 0; i < 4; i++) t.equal((await attacker()).statusCode, 401, `attempt ${i + 1} is answered`)
  const waits: number[] = []
  for (let round = 0; round < 3; round++) {
    const held = await attacker()
    t.equal(held.statusCode, 429, `round ${round}: the next attempt from anywhere waits`)
    t.equal(held.json().error.code, 'AUTH_LOGIN_DELAYED')
    waits.push(Number(held.headers['retry-after']))
    await sleep(waits.at(-1)! * 1000 + 100)
    t.equal((await attacker()).statusCode, 401, `round ${round}: answered once the wait is over`)
  }
  t.same(waits, [1, 2, 4], 'Retry-After is seconds and doubles')

  const cookieLogin = await login(owner.email, owner.password, '203.0.113.50', { cookie: `theme=dark; cvgen_device=${device}` })
  t.equal(cookieLogin.statusCode, 200, 'the device cookie skips the wait')
  t.match(cookieLogin.headers['set-cookie'], /^cvgen_device=[^;]+; Max-Age=\d+; Path=\/auth; HttpOnly; Secure; SameSite=None$/)
  t.equal((await login(owner.email, owner.password, '203.0.113.51', { 'x-device-token': device })).statusCode, 200, 'so does the X-Device-Token header')

  const secret = app.config.jwtSecret
  const [, exp] = device.split('.')
  const refused: [string, string][] = [
    ['a token of another account', (await login(other.email, other.password, '192.0.2.11')).json().data.device_token],
    ['a tampered token', device.slice(0, -2) + (device.endsWith('AA') ? 'BB' : 'AA')],
    ['an expired token', new DeviceTokens(secret, 60_000).issue(owner.id, Date.now() - 120_000)],
    ['a token signed with the JWT secret itself', `${owner.id}.${exp}.${createHmac('sha256', secret).update(`${owner.id}|${exp}`).digest('base64url')}`]
  ]
  for (const [name, token] of refused) {
    const res = await login(owner.email, owner.password, '203.0.113.60', { 'x-device-token': token })
    t.equal(res.statusCode, 429, `${name} does not waive the wait`)
  }
  // The attacker's last answered attempt opened an 8 s wait, still running. Without a token
  // the owner gets in too, once the wait (seconds) is over.
  const held = await login(owner.email, owner.password, '203.0.113.61')
  t.equal(held.statusCode, 429)
  const wait = Number(held.headers['retry-after'])
  t.ok(wait >= 1 && wait <= 30, `a short wait (${wait} s)`)
  await sleep(wait * 1000 + 100)
  t.equal((await login(owner.email, owner.password, '203.0.113.61')).statusCode, 200, 'then the owner gets in')
})

t.test('the wait grows from 1 s and is capped', async (t) => {
  t.same([1, 3, 4, 5, 6, 7, 8, 9, 10, 50].map((n) => delayMs(n, 3, 30_000)), [0, 0, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000])
})

t.test('a Redis outage does not open the per-address limit', { timeout: 180_000 }, async (t) => {
  const port = await freePort()
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'inherit'] })
  t.teardown(() => { redis.kill('SIGKILL') })
  let out = ''
  for await (const chunk of redis.stdout) if ((out += chunk).includes('Ready to accept connections')) break
  const app = await build(t, { REDIS_URL: `redis://127.0.0.1:${port}`, AUTH_RATE_LIMIT_MAX: '10000', LOGIN_FAILURES_MAX: '4', LOGIN_DELAY_AFTER: '1000' })
  const login = loginAs(app)
  const owner = await register(app)
  for (let i = 0; i < 3; i++) t.equal((await login(owner.email, 'wrong guess!', '203.0.113.9')).statusCode, 401, 'Redis up')
  t.ok((await app.cache.redis!.keys(`${app.config.redisPrefix}auth:fail:pair:*`)).length > 0, 'the counts are in Redis')

  redis.kill('SIGKILL')
  await once(redis, 'exit')
  t.equal((await login(owner.email, 'wrong guess!', '203.0.113.9')).statusCode, 401, 'Redis down: the fourth failure is answered, and counted')
  const locked = await login(owner.email, owner.password, '203.0.113.9')
  t.equal(locked.statusCode, 429, 'the budget, counted before and during the outage, has run out')
  t.equal(locked.json().error.code, 'AUTH_TOO_MANY_ATTEMPTS')
  t.equal((await login(owner.email, owner.password, '192.0.2.10')).statusCode, 200, 'the owner elsewhere still gets in')
})
