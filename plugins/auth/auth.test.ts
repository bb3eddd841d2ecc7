import { wrap } from '@mikro-orm/core'
import t from 'tap'
import { User } from './entities.ts'
import { bearer, build, rand, register } from '../../test/helper.ts'

const json = (res: { json (): any }) => res.json()

t.test('auth', async (t) => {
  const app = await build(t, { BODY_LIMIT: '4096', AUTH_RATE_LIMIT_MAX: '10000' })
  const post = (url: string, payload: unknown, headers = {}) => app.inject({ method: 'POST', url, payload: payload as object, headers })
  // count(*) without group by always yields exactly one row.
  const countUsers = async () => Number((await app.db.fork().execute<[{ n: number }]>('select count(*)::int as n from users'))[0].n)

  t.test('register', async (t) => {
    const res = await post('/auth/register', { email: '  Mixed.Case@Example.COM ', password: 'correct horse battery', full_name: ' Alex Doe ' })
    t.equal(res.statusCode, 400, 'a padded email is not an email; the client trims')
    const ok = await post('/auth/register', { email: 'Mixed.Case@Example.COM', password: 'correct horse battery', full_name: ' Alex Doe ' })
    t.equal(ok.statusCode, 201)
    const { data } = json(ok)
    t.match(data, { user: { email: 'mixed.case@example.com', full_name: 'Alex Doe', subscription_tier: 'free', is_admin: false, avatar_url: null }, access_token: String, refresh_token: String, device_token: String, token_type: 'Bearer', expires_in: 900 })
    t.match(ok.headers['set-cookie'], /^cvgen_device=/, 'a new account is a known device of its own')
    t.notOk('password_hash' in data.user, 'the hash never leaves the server')
    t.notMatch(ok.body, /argon2/)
    const [row] = await app.db.fork().execute<{ password_hash: string }[]>('select password_hash from users where id = ?', [data.user.id])
    const hash = row?.password_hash ?? '' // no row: the assertions below fail, not a TypeError
    t.match(hash, /^\$argon2id\$v=19\$/, 'stored as argon2id')
    const params = Object.fromEntries((hash.split('$')[3] ?? '').split(',').map((kv) => kv.split('=')))
    t.same(params, { m: '1024', t: '1', p: '1' }, 'with the configured cost')
    // The entity: password_hash is lazy (left out of selects unless populated) and hidden.
    const plain = await app.db.fork().findOneOrFail(User, { id: data.user.id })
    t.equal(plain.password_hash, undefined, 'not loaded unless asked for')
    const full = await app.db.fork().findOneOrFail(User, { id: data.user.id }, { populate: ['password_hash'] })
    t.match(full.password_hash, /^\$argon2id\$/, 'loaded when populated')
    t.notOk('password_hash' in wrap(full).toObject(), 'hidden from serialization')
    t.notMatch(JSON.stringify(full), /argon2/)

    const dup = await post('/auth/register', { email: 'MIXED.case@example.com', password: 'another good password', full_name: 'B' })
    t.equal(dup.statusCode, 409)
    t.equal(json(dup).error.code, 'AUTH_EMAIL_TAKEN')
  })

  t.test('register refuses bad input with 400 and writes nothing', async (t) => {
    const before = await countUsers()
    const cases: [string, unknown, string][] = [
      ['short password', { email: 'x1@example.com', password: 'short', full_name: 'X' }, '/password'],
      ['257-char password', { email: 'x2@example.com', password: 'p'.repeat(257), full_name: 'X' }, '/password'],
      ['password is the email', { email: 'x3@example.com', password: 'x3@example.com', full_name: 'X' }, '/password'],
      ['spaces-only password', { email: 'x4@example.com', password: ' '.repeat(12), full_name: 'X' }, '/password'],
      ['missing name', { email: 'x5@example.com', password: 'good password here' }, '/full_name'],
      ['blank name', { email: 'x6@example.com', password: 'good password here', full_name: '   ' }, '/full_name'],
      ['bad email', { email: 'not-an-email', password: 'good password here', full_name: 'X' }, '/email'],
      ['email as number', { email: 42, password: 'good password here', full_name: 'X' }, '/email'],
      ['unknown field', { email: 'x7@example.com', password: 'good password here', full_name: 'X', is_admin: true }, '/is_admin'],
      ['tier smuggling', { email: 'x8@example.com', password: 'good password here', full_name: 'X', subscription_tier: 'enterprise' }, '/subscription_tier']
    ]
    for (const [name, body, path] of cases) {
      const res = await post('/auth/register', body)
      t.equal(res.statusCode, 400, name)
      t.match(json(res).error, { code: /VALIDATION_FAILED|AUTH_WEAK_PASSWORD/, details: [{ path }] }, `${name}: names ${path}`)
    }
    // Ten different ones: ten of one emoji is a repeat, too weak (strength.test.ts).
    const emoji = await post('/auth/register', { email: 'emoji@example.com', password: '🔑🌵🎻🦊🚲🍋🧭🪁🐙🎈', full_name: 'E' })
    t.equal(emoji.statusCode, 201, 'length counts characters, not UTF-16 units')
    t.equal(await countUsers(), before + 1, 'only the valid registration wrote a row')
  })

  t.test('login', async (t) => {
    const acct = await register(app)
    const before = json(await app.inject({ url: '/auth/me', headers: bearer(acct.access) })).data.last_login
    await new Promise((resolve) => setTimeout(resolve, 5))
    const res = await post('/auth/login', { email: acct.email.toUpperCase(), password: acct.password })
    t.equal(res.statusCode, 200, 'email is case-insensitive')
    const { data } = json(res)
    t.match(data, { user: { id: acct.id }, token_type: 'Bearer', expires_in: 900 })
    t.ok(new Date(data.user.last_login) > new Date(before), 'last_login moves')

    const wrong = await post('/auth/login', { email: acct.email, password: 'wrong password!!' })
    const unknown = await post('/auth/login', { email: `nobody-${rand()}@example.com`, password: 'wrong password!!' })
    t.equal(wrong.statusCode, 401)
    t.equal(unknown.statusCode, 401)
    t.same(json(wrong), json(unknown), 'an unknown email and a wrong password look the same')
    t.equal(json(wrong).error.code, 'AUTH_INVALID_CREDENTIALS')
  })

  t.test('me: GET and POST, tokens checked', async (t) => {
    const a = await register(app)
    const b = await register(app)
    for (const method of ['GET', 'POST'] as const) {
      const res = await app.inject({ method, url: '/auth/me', headers: bearer(a.access) })
      t.equal(res.statusCode, 200)
      t.equal(json(res).data.id, a.id)
      t.notOk('password_hash' in json(res).data)
    }
    t.equal(json(await app.inject({ url: '/auth/me', headers: bearer(b.access) })).data.id, b.id, "each token is its own user's")

    const expectCode = async (headers: Record<string, string>, code: string, name: string) => {
      const res = await app.inject({ url: '/auth/me', headers })
      t.equal(res.statusCode, 401, name)
      t.equal(json(res).error.code, code, name)
    }
    await expectCode({}, 'AUTH_TOKEN_MISSING', 'no header')
    await expectCode({ authorization: a.access }, 'AUTH_TOKEN_MISSING', 'no Bearer scheme')
    const [h, p, s] = a.access.split('.')
    const flipped = s!.slice(0, -2) + (s!.endsWith('AA') ? 'BB' : 'AA')
    await expectCode(bearer(`${h}.${p}.${flipped}`), 'AUTH_TOKEN_INVALID', 'tampered signature')
    const payload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), sub: b.id })).toString('base64url')
    await expectCode(bearer(`${h}.${payload}.${s}`), 'AUTH_TOKEN_INVALID', 'tampered subject')
    const none = Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')
    await expectCode(bearer(`${none}.${p}.`), 'AUTH_TOKEN_INVALID', 'alg none')
    await expectCode(bearer(a.refresh), 'AUTH_TOKEN_INVALID', 'a refresh token is not an access token')
    await expectCode(bearer('garbage'), 'AUTH_TOKEN_INVALID', 'garbage')
    const notAccess = app.jwt.sign({ sub: a.id, typ: 'refresh' as 'access' })
    await expectCode(bearer(notAccess), 'AUTH_TOKEN_INVALID', 'wrong token type')

    const short = app.jwt.sign({ sub: a.id, typ: 'access' }, { expiresIn: 1 })
    await new Promise((resolve) => setTimeout(resolve, 1100))
    await expectCode(bearer(short), 'AUTH_TOKEN_EXPIRED', 'expired')

    await app.db.fork().execute('delete from users where id = ?', [b.id])
    await expectCode(bearer(b.access), 'AUTH_USER_NOT_FOUND', 'account deleted')
  })

  t.test('PUT /auth/me', async (t) => {
    const a = await register(app)
    const res = await app.inject({ method: 'PUT', url: '/auth/me', headers: bearer(a.access), payload: { full_name: 'Renamed Person' } })
    t.equal(res.statusCode, 200)
    t.equal(json(res).data.full_name, 'Renamed Person')
    t.equal(json(await app.inject({ url: '/auth/me', headers: bearer(a.access) })).data.full_name, 'Renamed Person', 'stored')
    for (const [name, body] of [['empty', {}], ['blank name', { full_name: ' ' }], ['email change', { email: 'x@y.z' }], ['tier', { subscription_tier: 'pro' }], ['admin', { is_admin: true }], ['avatar not a URL', { avatar_url: 'not a url' }]] as const) {
      const bad = await app.inject({ method: 'PUT', url: '/auth/me', headers: bearer(a.access), payload: body })
      t.equal(bad.statusCode, 400, name)
    }
    // Only the URL of one of the user's own uploads is accepted (plugins/uploads tests the whole flow).
    for (const url of ['https://x/y.png', app.storage.publicUrl(`users/${a.id}/avatar/00000000-0000-4000-8000-000000000000.png`)]) {
      const foreign = await app.inject({ method: 'PUT', url: '/auth/me', headers: bearer(a.access), payload: { avatar_url: url } })
      t.equal(foreign.statusCode, 400, `avatar ${url}`)
      t.match(foreign.json().error, { code: 'AUTH_AVATAR_NOT_OWNED', details: [{ path: '/avatar_url' }] })
    }
    t.equal(json(await app.inject({ url: '/auth/me', headers: bearer(a.access) })).data.avatar_url, null, 'no avatar was set')
    t.equal((await app.inject({ method: 'PUT', url: '/auth/me', payload: { full_name: 'X' } })).statusCode, 401)
  })

  t.test('refresh rotates; reuse revokes the family', async (t) => {
    const a = await register(app)
    const other = json(await post('/auth/login', { email: a.email, password: a.password })).data // a second device

    const r1 = await post('/auth/refresh', { refresh_token: a.refresh })
    t.equal(r1.statusCode, 200)
    const pair1 = json(r1).data
    t.match(pair1, { access_token: String, refresh_token: String, token_type: 'Bearer', expires_in: 900 })
    t.not(pair1.refresh_token, a.refresh, 'a new refresh token')
    t.equal(json(await app.inject({ url: '/auth/me', headers: bearer(pair1.access_token) })).data.id, a.id)

    const r2 = await post('/auth/refresh', { refresh_token: pair1.refresh_token })
    t.equal(r2.statusCode, 200, 'the rotated token works once')
    const pair2 = json(r2).data

    const reuse = await post('/auth/refresh', { refresh_token: a.refresh })
    t.equal(reuse.statusCode, 401)
    t.equal(json(reuse).error.code, 'AUTH_REFRESH_TOKEN_REUSED')
    const afterTheft = await post('/auth/refresh', { refresh_token: pair2.refresh_token })
    t.equal(afterTheft.statusCode, 401, 'the newest token of the family is dead too')
    t.equal(json(afterTheft).error.code, 'AUTH_REFRESH_TOKEN_REVOKED')

    const otherDevice = await post('/auth/refresh', { refresh_token: other.refresh_token })
    t.equal(otherDevice.statusCode, 200, 'another session (family) is untouched')
  })

  t.test('two racing refreshes with one token: one wins, the family dies', async (t) => {
    const a = await register(app)
    const results = await Promise.all([post('/auth/refresh', { refresh_token: a.refresh }), post('/auth/refresh', { refresh_token: a.refresh })])
    t.same(results.map((r) => r.statusCode).sort(), [200, 401])
  })

  t.test('unknown and expired refresh tokens', async (t) => {
    const unknown = await post('/auth/refresh', { refresh_token: 'x'.repeat(43) })
    t.equal(unknown.statusCode, 401)
    t.equal(json(unknown).error.code, 'AUTH_REFRESH_TOKEN_INVALID')
    const a = await register(app)
    await app.db.fork().execute("update refresh_tokens set expires_at = now() - interval '1 second' where user_id = ?", [a.id])
    const expired = await post('/auth/refresh', { refresh_token: a.refresh })
    t.equal(expired.statusCode, 401)
    t.equal(json(expired).error.code, 'AUTH_REFRESH_TOKEN_EXPIRED')
    const [{ n }] = await app.db.fork().execute<[{ n: number }]>('select count(*)::int as n from refresh_tokens where token_hash = ?', [a.refresh])
    t.equal(n, 0, 'tokens are stored only as hashes')
  })

  t.test('logout revokes the family', async (t) => {
    const a = await register(app)
    const rotated = json(await post('/auth/refresh', { refresh_token: a.refresh })).data
    const res = await post('/auth/logout', { refresh_token: rotated.refresh_token })
    t.equal(res.statusCode, 204)
    t.equal(res.body, '')
    const after = await post('/auth/refresh', { refresh_token: rotated.refresh_token })
    t.equal(after.statusCode, 401)
    t.equal(json(after).error.code, 'AUTH_REFRESH_TOKEN_REVOKED')
    t.equal((await post('/auth/logout', { refresh_token: rotated.refresh_token })).statusCode, 204, 'idempotent')
    t.equal((await post('/auth/logout', { refresh_token: 'y'.repeat(43) })).statusCode, 204, 'an unknown token reveals nothing')
    t.equal((await post('/auth/logout', {})).statusCode, 400)
  })

  t.test('no input makes a 5xx', async (t) => {
    const bodies: unknown[] = [
      undefined, '', 'null', '[]', '"str"', '123', '{"email":', '{"email":{}}', '{"email":["a@b.co"]}',
      JSON.stringify({ email: 'a@b.co', password: null }), JSON.stringify({ refresh_token: 12345678901234567000 }),
      JSON.stringify({ email: 'a@b.co', password: 'x'.repeat(3000) }), JSON.stringify({ email: `${'a'.repeat(300)}@b.co`, password: 'abcdefghijk' }),
      JSON.stringify({ email: 'a@b.co', password: 'abcdefghijk', full_name: 'n'.repeat(10_000) }),
      '{"email":"\u0000@b.co","password":"\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000","full_name":"\u0000"}'
    ]
    for (const url of ['/auth/register', '/auth/login', '/auth/refresh', '/auth/logout']) {
      for (const body of bodies) {
        const res = await app.inject({ method: 'POST', url, payload: body as string, headers: { 'content-type': 'application/json' } })
        t.ok(res.statusCode >= 400 && res.statusCode < 500, `${url} ${String(body).slice(0, 40)} -> ${res.statusCode}`)
        t.type(json(res).error.code, 'string')
      }
      const xml = await app.inject({ method: 'POST', url, payload: '<a/>', headers: { 'content-type': 'application/xml' } })
      t.equal(xml.statusCode, 415, `${url} xml`)
    }
    const huge = await post('/auth/register', { email: 'h@example.com', password: 'good password here', full_name: 'n'.repeat(5000) })
    t.equal(huge.statusCode, 413)
  })
})

// All from one address, so the per-(email, address) budget; lockout.test.ts covers the rest.
t.test('failed logins per email and address are limited', async (t) => {
  const app = await build(t, { LOGIN_FAILURES_MAX: '3' })
  const a = await register(app)
  const b = await register(app)
  const login = (email: string, password: string) => app.inject({ method: 'POST', url: '/auth/login', payload: { email, password } })
  for (let i = 0; i < 3; i++) t.equal((await login(a.email, 'wrong password!')).statusCode, 401)
  const locked = await login(a.email, a.password)
  t.equal(locked.statusCode, 429, 'even the right password waits once the budget is spent')
  t.equal(locked.json().error.code, 'AUTH_TOO_MANY_ATTEMPTS')
  t.ok(Number(locked.headers['retry-after']) > 800, 'Retry-After counts the rest of the 15-minute window')
  t.equal((await login(b.email, b.password)).statusCode, 200, 'other accounts are unaffected')

  const ghost = `ghost-${rand()}@example.com`
  for (let i = 0; i < 3; i++) await login(ghost, 'wrong password!')
  t.equal((await login(ghost, 'wrong password!')).statusCode, 429, 'unknown emails are limited alike (no enumeration)')

  for (let i = 0; i < 2; i++) await login(b.email, 'wrong password!')
  t.equal((await login(b.email, b.password)).statusCode, 200)
  for (let i = 0; i < 2; i++) await login(b.email, 'wrong password!')
  t.equal((await login(b.email, 'wrong password!')).statusCode, 401, 'a success resets the count')
})

t.test('auth routes are rate limited per client IP', async (t) => {
  const app = await build(t, { AUTH_RATE_LIMIT_MAX: '3' })
  const codes: number[] = []
  for (let i = 0; i < 4; i++) {
    codes.push((await app.inject({ method: 'POST', url: '/auth/login', payload: { email: `r${i}@example.com`, password: 'whatever-pass' } })).statusCode)
  }
  t.same(codes, [401, 401, 401, 429])
  const limited = await app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'r@example.com', password: 'whatever-pass' } })
  t.equal(limited.json().error.code, 'RATE_LIMITED')
  t.ok(Number(limited.headers['retry-after']) > 0)
  const other = await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: 'z'.repeat(43) } })
  t.equal(other.statusCode, 401, 'each route has its own budget')
  const elsewhere = await app.inject({ method: 'POST', url: '/auth/login', remoteAddress: '10.9.8.7', payload: { email: 'r@example.com', password: 'whatever-pass' } })
  t.equal(elsewhere.statusCode, 401, 'another client IP is not limited')
})

t.test('unknown email costs about as much time as a wrong password', async (t) => {
  // Production argon2 cost: with the cheap test cost the difference would drown in noise.
  const app = await build(t, { ARGON2_MEMORY_KIB: '19456', ARGON2_TIME_COST: '2', LOGIN_FAILURES_MAX: '1000', LOGIN_DELAY_AFTER: '1000', AUTH_RATE_LIMIT_MAX: '1000' })
  const a = await register(app)
  const time = async (email: string) => {
    const start = process.hrtime.bigint()
    await app.inject({ method: 'POST', url: '/auth/login', payload: { email, password: 'wrong password!' } })
    return Number(process.hrtime.bigint() - start) / 1e6
  }
  const median = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)]!
  const known: number[] = []
  const unknown: number[] = []
  for (let i = 0; i < 9; i++) {
    known.push(await time(a.email))
    unknown.push(await time(`nobody${i}@example.com`))
  }
  const ratio = median(unknown) / median(known)
  t.ok(ratio > 0.5 && ratio < 2, `unknown/known median ratio ${ratio.toFixed(2)} (${median(unknown).toFixed(1)} ms vs ${median(known).toFixed(1)} ms)`)
})
