// /domains against a real DNS server (dns2 on 127.0.0.1): claim, instructions, a failing
// check with its reason, records added -> verified and served, the worker's re-check and
// expiry, takeover attempts, other users' access, invalid names, malformed input.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { bearer, build, created, register, waitFor, type Account } from '../../test/helper.ts'
import { startDnsServer, type DnsServer } from '../../test/dns-server.ts'
import { sweep } from './jobs.ts'

const APP = 'cvgen.test'

async function setup (t: { teardown (fn: () => unknown): void }, env: Record<string, string> = {}) {
  const dns = await startDnsServer()
  t.teardown(() => dns.close())
  const app = await build(t, { APP_DOMAIN: APP, DNS_SERVERS: dns.address, DNS_TIMEOUT: '1500ms', GATEWAY_IPS: '203.0.113.10', ROLE: 'api', ...env })
  return { app, dns }
}

async function portfolio (app: FastifyInstance, user: Account, subdomain?: string): Promise<string> {
  return (await created(app, user.access, '/portfolios', { title: 'Works of Ada', template_id: 'modern', is_published: true, ...(subdomain ? { subdomain } : {}) })).id
}

const claim = (app: FastifyInstance, user: Account, domainName: unknown, portfolioId: unknown) =>
  app.inject({ method: 'POST', url: '/domains', headers: bearer(user.access), payload: { domain_name: domainName, portfolio_id: portfolioId } })
const verify = (app: FastifyInstance, user: Account, id: string) => app.inject({ method: 'POST', url: `/domains/${id}/verify`, headers: bearer(user.access) })

function addRecords (dns: DnsServer, domain: { domain_name: string, instructions: { type: string, host: string, value: string }[] }) {
  for (const i of domain.instructions) {
    if (i.type === 'TXT') dns.zone.txt.set(i.host, [i.value])
    if (i.type === 'CNAME') dns.zone.cname.set(i.host, i.value)
    if (i.type === 'A') dns.zone.a.set(i.host, [...(dns.zone.a.get(i.host) ?? []), i.value])
  }
}

t.test('claim -> records missing -> verify fails with the reason -> records added -> verified and served', async (t) => {
  const { app, dns } = await setup(t)
  const ada = await register(app)
  const pid = await portfolio(app, ada)
  const res = await claim(app, ada, '  CV.Ada-Lovelace.COM. ', pid)
  t.equal(res.statusCode, 201, res.body)
  const d = res.json().data
  t.equal(d.domain_name, 'cv.ada-lovelace.com', 'normalised')
  t.equal(d.verification_status, 'pending')
  t.equal(d.ssl_status, null)
  t.equal(d.record_type, 'CNAME', 'a subdomain routes with a CNAME')
  t.equal(d.portfolio_id, pid)
  t.match(d.instructions[0], { type: 'TXT', host: '_cvgen-verification.cv.ada-lovelace.com', value: /^cvgen-verify=[\w-]{20,}$/ })
  t.same(d.instructions[1], { type: 'CNAME', host: 'cv.ada-lovelace.com', value: `hosting.${APP}` })

  let v = await verify(app, ada, d.id)
  t.equal(v.statusCode, 200)
  t.equal(v.json().data.verification_status, 'pending')
  t.match(v.json().data.last_error, 'TXT record _cvgen-verification.cv.ada-lovelace.com not found')
  t.ok(v.json().data.dns_checked_at)

  dns.zone.txt.set('_cvgen-verification.cv.ada-lovelace.com', ['cvgen-verify=wrong'])
  v = await verify(app, ada, d.id)
  t.match(v.json().data.last_error, /holds "cvgen-verify=wrong", expected "cvgen-verify=/)

  addRecords(dns, d)
  dns.zone.cname.set('cv.ada-lovelace.com', 'elsewhere.example.net')
  v = await verify(app, ada, d.id)
  t.equal(v.json().data.last_error, `CNAME of cv.ada-lovelace.com points to elsewhere.example.net, expected hosting.${APP}`)
  t.equal(v.json().data.verification_status, 'pending')

  t.equal((await app.inject({ url: '/', headers: { host: 'cv.ada-lovelace.com' } })).statusCode, 404, 'not served before verification')
  addRecords(dns, d)
  v = await verify(app, ada, d.id)
  t.equal(v.json().data.verification_status, 'verified', v.body)
  t.equal(v.json().data.last_error, null)
  t.equal(v.json().data.ssl_status, 'issuing')
  const folio = (await app.inject({ url: `/portfolios/${pid}`, headers: bearer(ada.access) })).json().data
  t.equal(folio.custom_domain, 'cv.ada-lovelace.com', 'attached to the portfolio')
  const page = await app.inject({ url: '/', headers: { host: 'cv.ada-lovelace.com' } })
  t.equal(page.statusCode, 200)
  t.match(page.body, 'Works of Ada')
  t.equal(app.domains.lookup('CV.ada-lovelace.com.') !== null, true)

  const list = await app.inject({ url: '/domains', headers: bearer(ada.access) })
  t.equal(list.json().meta.total, 1)
  t.equal(list.json().data[0].verification_status, 'verified')

  // Release: no longer served, the portfolio loses it, the row keeps deleted_at.
  t.equal((await app.inject({ method: 'DELETE', url: `/domains/${d.id}`, headers: bearer(ada.access) })).statusCode, 204)
  t.equal((await app.inject({ url: '/', headers: { host: 'cv.ada-lovelace.com' } })).statusCode, 404)
  t.equal((await app.inject({ url: `/portfolios/${pid}`, headers: bearer(ada.access) })).json().data.custom_domain, null)
  t.equal((await app.inject({ url: `/domains/${d.id}`, headers: bearer(ada.access) })).statusCode, 404)
})

t.test('an apex routes with A records to GATEWAY_IPS; wrong addresses are named', async (t) => {
  const { app, dns } = await setup(t)
  const ada = await register(app)
  const d = (await claim(app, ada, 'ada-lovelace.co.uk', await portfolio(app, ada))).json().data
  t.equal(d.record_type, 'A')
  t.same(d.instructions[1], { type: 'A', host: 'ada-lovelace.co.uk', value: '203.0.113.10' })
  dns.zone.txt.set(d.instructions[0].host, [d.instructions[0].value])
  let v = await verify(app, ada, d.id)
  t.equal(v.json().data.last_error, 'A record ada-lovelace.co.uk not found (expected 203.0.113.10)')
  dns.zone.a.set('ada-lovelace.co.uk', ['198.51.100.7'])
  v = await verify(app, ada, d.id)
  t.equal(v.json().data.last_error, 'A records of ada-lovelace.co.uk point to 198.51.100.7, expected 203.0.113.10')
  dns.zone.a.set('ada-lovelace.co.uk', ['203.0.113.10'])
  v = await verify(app, ada, d.id)
  t.equal(v.json().data.verification_status, 'verified')
})

t.test('without GATEWAY_IPS an apex uses ALIAS and is checked against hosting.APP_DOMAIN', async (t) => {
  const { app, dns } = await setup(t, { GATEWAY_IPS: '' })
  const ada = await register(app)
  const d = (await claim(app, ada, 'ada.dev', await portfolio(app, ada))).json().data
  t.same(d.instructions[1], { type: 'ALIAS', host: 'ada.dev', value: `hosting.${APP}` })
  dns.zone.txt.set(d.instructions[0].host, [d.instructions[0].value])
  dns.zone.a.set(`hosting.${APP}`, ['192.0.2.1'])
  dns.zone.a.set('ada.dev', ['192.0.2.1'])
  t.equal((await verify(app, ada, d.id)).json().data.verification_status, 'verified')
})

t.test('DNS timeouts and SERVFAIL are reasons, not crashes', async (t) => {
  const { app, dns } = await setup(t)
  const ada = await register(app)
  const d = (await claim(app, ada, 'slow.example.org', await portfolio(app, ada))).json().data
  dns.zone.silent.add('_cvgen-verification.slow.example.org')
  let v = await verify(app, ada, d.id)
  t.equal(v.statusCode, 200)
  t.match(v.json().data.last_error, /timed out; will retry/)
  dns.zone.silent.clear()
  dns.zone.servfail.add('_cvgen-verification.slow.example.org')
  v = await verify(app, ada, d.id)
  t.match(v.json().data.last_error, /failed \(ESERVFAIL.*will retry/)
})

t.test('takeover: first to verify wins; a verified name answers 409 to others until released', async (t) => {
  const { app, dns } = await setup(t)
  const [ada, eve] = [await register(app), await register(app)]
  const a = (await claim(app, ada, 'www.shared-name.com', await portfolio(app, ada))).json().data
  const evePid = await portfolio(app, eve)
  const e = (await claim(app, eve, 'www.shared-name.com', evePid)).json().data
  t.not(a.instructions[0].value, e.instructions[0].value, 'each claim has its own token')
  addRecords(dns, e) // the DNS names eve's token: eve wins
  t.equal((await verify(app, eve, e.id)).json().data.verification_status, 'verified')
  dns.zone.txt.set('_cvgen-verification.www.shared-name.com', [a.instructions[0].value, e.instructions[0].value])
  const late = (await verify(app, ada, a.id)).json().data
  t.equal(late.verification_status, 'pending', 'the loser stays pending')
  t.match(late.last_error, 'another account verified this domain first')
  const mallory = await register(app)
  const again = await claim(app, mallory, 'WWW.shared-name.com', await portfolio(app, mallory))
  t.equal(again.statusCode, 409)
  t.equal(again.json().error.code, 'DOMAINS_TAKEN')
  t.equal((await claim(app, eve, 'www.shared-name.com', evePid)).json().error.code, 'DOMAINS_ALREADY_ADDED')
  // Released: claimable again.
  await app.inject({ method: 'DELETE', url: `/domains/${e.id}`, headers: bearer(eve.access) })
  t.equal((await claim(app, mallory, 'www.shared-name.com', await portfolio(app, mallory))).statusCode, 201)
})

t.test("another user's domain is 404 on every route; a foreign portfolio cannot be claimed for", async (t) => {
  const { app } = await setup(t)
  const [ada, eve] = [await register(app), await register(app)]
  const adaPid = await portfolio(app, ada)
  const d = (await claim(app, ada, 'cv.ada-only.com', adaPid)).json().data
  for (const [method, url] of [['GET', `/domains/${d.id}`], ['POST', `/domains/${d.id}/verify`], ['DELETE', `/domains/${d.id}`]] as const) {
    const res = await app.inject({ method, url, headers: bearer(eve.access) })
    t.equal(res.statusCode, 404, `${method} ${url}`)
    t.equal(res.json().error.code, 'DOMAINS_NOT_FOUND')
  }
  t.equal((await app.inject({ url: '/domains', headers: bearer(eve.access) })).json().meta.total, 0)
  const foreign = await claim(app, eve, 'cv.eve.com', adaPid)
  t.equal(foreign.statusCode, 404)
  t.equal(foreign.json().error.code, 'PORTFOLIOS_NOT_FOUND')
  for (const [method, url] of [['GET', '/domains'], ['POST', '/domains'], ['POST', `/domains/${d.id}/verify`], ['DELETE', `/domains/${d.id}`]] as const) {
    t.equal((await app.inject({ method, url })).statusCode, 401, `${method} ${url} without a token`)
  }
})

t.test('invalid names are 400 with the reason', async (t) => {
  const { app } = await setup(t)
  const ada = await register(app)
  const pid = await portfolio(app, ada)
  const cases: [string, RegExp][] = [
    ['https://cv.example.com', /scheme/], ['cv.example.com/path', /path/], ['cv.example.com:8443', /port/],
    ['*.example.com', /wildcard/], ['203.0.113.5', /IP address/], ['[2001:db8::1]', /IP address/], ['localhost', /two labels/],
    ['example', /two labels/], ['co.uk', /public suffix/], ['com.', /two labels/], [`${'a'.repeat(64)}.example.com`, /longer than 63/],
    [`${'abcdefghi.'.repeat(26)}com`, /longer than 253/], ['under_score.example.com', /a-z, 0-9/], ['-dash.example.com', /a-z, 0-9/],
    [APP, /names under cvgen\.test/], [`ada.${APP}`, /names under/], ['printer.local', /not a public top-level domain/],
    ['ada.invalidtld', /not a public top-level domain/], ['a..example.com', /valid|a-z/], ['ada @example.com', /host name/]
  ]
  for (const [name, reason] of cases) {
    const res = await claim(app, ada, name, pid)
    t.equal(res.statusCode, 400, name)
    t.equal(res.json().error.code, 'DOMAINS_INVALID_NAME', name)
    t.match(res.json().error.message, reason, name)
    t.equal(res.json().error.details[0].path, '/domain_name')
  }
  const idn = await claim(app, ada, 'Bücher.example', pid)
  t.equal(idn.statusCode, 400, '.example is reserved, not public')
  const ok = await claim(app, ada, 'CV.Bücher.de', pid)
  t.equal(ok.statusCode, 201, ok.body)
  t.equal(ok.json().data.domain_name, 'cv.xn--bcher-kva.de', 'IDN to punycode')
})

t.test('malformed input never 5xx', async (t) => {
  const { app } = await setup(t)
  const ada = await register(app)
  const pid = await portfolio(app, ada)
  const bodies: unknown[] = [{}, { domain_name: 'a.com' }, { portfolio_id: pid }, { domain_name: 5, portfolio_id: pid }, { domain_name: 'a.com', portfolio_id: 'nope' },
    { domain_name: 'x'.repeat(5000), portfolio_id: pid }, { domain_name: 'a\u0000.com', portfolio_id: pid }, { domain_name: ['a.com'], portfolio_id: pid },
    { domain_name: 'a.com', portfolio_id: pid, extra: 1 }, [], 'text', null, { domain_name: '\ud800.com', portfolio_id: pid }, { domain_name: '..', portfolio_id: pid }]
  for (const payload of bodies) {
    const res = await app.inject({ method: 'POST', url: '/domains', headers: { ...bearer(ada.access), 'content-type': 'application/json' }, payload: JSON.stringify(payload) })
    t.ok(res.statusCode >= 400 && res.statusCode < 500, `${JSON.stringify(payload)?.slice(0, 60)} -> ${res.statusCode}`)
  }
  for (const url of ['/domains/not-a-uuid/verify', '/domains/%00/verify', '/domains/00000000-0000-4000-8000-000000000000/verify']) {
    const res = await app.inject({ method: 'POST', url, headers: bearer(ada.access) })
    t.ok(res.statusCode === 400 || res.statusCode === 404, `${url} -> ${res.statusCode}`)
  }
  for (const url of ['/domains?limit=0', '/domains?limit=abc', '/domains?offset=-1']) t.equal((await app.inject({ url, headers: bearer(ada.access) })).statusCode, 400, url)
  for (const q of ['', '?domain=', `?domain=${'a'.repeat(400)}`, '?domain=%00', '?domain[]=a']) {
    const res = await app.inject({ url: `/internal/tls/ask${q}`, remoteAddress: '127.0.0.1' })
    t.ok(res.statusCode >= 400 && res.statusCode < 500, `ask${q.slice(0, 30)} -> ${res.statusCode}`)
  }
})

t.test('plan limit: free accounts get one custom domain; one live claim per portfolio', async (t) => {
  const { app } = await setup(t)
  const ada = await register(app)
  const pid = await portfolio(app, ada)
  t.equal((await claim(app, ada, 'one.example.com', pid)).statusCode, 201)
  const busy = await claim(app, ada, 'two.example.com', pid)
  t.equal(busy.statusCode, 409)
  const second = await claim(app, ada, 'three.example.com', await portfolio(app, ada))
  t.equal(second.statusCode, 403)
  t.equal(second.json().error.code, 'PLAN_LIMIT_CUSTOM_DOMAINS')
})

t.test('the ask endpoint: verified domains and live subdomains only, gateway sources only, token when set', async (t) => {
  const { app, dns } = await setup(t, { TLS_ASK_TOKEN: 'gateway-secret' })
  const ada = await register(app)
  const pid = await portfolio(app, ada, 'ada-works')
  const d = (await claim(app, ada, 'cv.asker.com', pid)).json().data
  const ask = (domain: string, token = 'gateway-secret', remoteAddress = '127.0.0.1') =>
    app.inject({ url: `/internal/tls/ask?domain=${encodeURIComponent(domain)}&token=${token}`, remoteAddress })
  t.equal((await ask('cv.asker.com')).statusCode, 404, 'pending: refused')
  addRecords(dns, d)
  await verify(app, ada, d.id)
  t.equal((await ask('cv.asker.com')).statusCode, 200, 'verified: allowed')
  t.equal((await ask('CV.ASKER.COM.')).statusCode, 200)
  t.equal((await ask(`ada-works.${APP}`)).statusCode, 200, 'a live subdomain')
  t.equal((await ask(`nobody-here.${APP}`)).statusCode, 404)
  t.equal((await ask(`a.b.${APP}`)).statusCode, 404)
  t.equal((await ask('unknown.example.com')).statusCode, 404)
  t.equal((await ask('cv.asker.com', 'wrong')).statusCode, 403, 'bad token')
  t.equal((await ask('cv.asker.com', 'gateway-secret', '198.51.100.9')).statusCode, 403, 'public source')
  // The app protects itself, whatever the gateway forwards: an encoded path reaches the same
  // route (so a gateway rule on the literal "/internal/" would miss it) and is refused the
  // same way, and a forwarded-for header naming the gateway does not make a client one.
  const sneak = (remoteAddress: string, headers: Record<string, string> = {}) =>
    app.inject({ url: '/%69nternal/tls/ask?domain=cv.asker.com&token=gateway-secret', remoteAddress, headers })
  t.equal((await sneak('127.0.0.1')).statusCode, 200, '/%69nternal/ is the same route')
  t.equal((await sneak('198.51.100.9')).statusCode, 403, 'and refuses a public source')
  t.equal((await sneak('198.51.100.9', { 'x-forwarded-for': '127.0.0.1' })).statusCode, 403, 'X-Forwarded-For is not the source')
  t.equal((await ask('cv.asker.com', 'gateway-secret', '198.51.100.9')).statusCode, 403)
  t.equal((await ask('cv.asker.com', 'gateway-secret', '::ffff:10.1.2.3')).statusCode, 200, 'private source (v4-mapped)')
  t.equal((await ask('cv.asker.com', 'gateway-secret', '::1')).statusCode, 200)
  // A deleted portfolio releases its domain.
  await app.inject({ method: 'DELETE', url: `/portfolios/${pid}`, headers: bearer(ada.access) })
  // Its purge of the host caches runs after the commit.
  const code = await waitFor('the domain to be released', async () => { const { statusCode } = await ask('cv.asker.com'); return statusCode !== 200 && statusCode }, { timeoutMs: 1000, intervalMs: 20 })
  t.equal(code, 404, 'portfolio deleted: domain released')
  t.equal((await ask(`ada-works.${APP}`)).statusCode, 404, 'and its subdomain')
})

t.test('the sweep: verified re-check takes down a domain whose records went; pending claims back off and expire', async (t) => {
  const { app, dns } = await setup(t)
  const [ada, bob] = [await register(app), await register(app)]
  const pid = await portfolio(app, ada)
  const d = (await claim(app, ada, 'cv.sweep.com', pid)).json().data
  addRecords(dns, d)
  t.equal((await verify(app, ada, d.id)).json().data.verification_status, 'verified')
  const pending = (await claim(app, bob, 'cv.never.com', await portfolio(app, bob))).json().data
  const em = app.db.fork()
  const log = app.log
  t.same(await sweep(app.domains.service, log), { expired: 0, checked: 1 }, 'only the pending claim is due')
  const [row] = await em.execute('select check_failures, next_check_at > now() as later from custom_domains where id = ?', [pending.id])
  t.same(row, { check_failures: 1, later: true })

  // A day later the records are gone: the re-check fails it, detaches it, stops serving it.
  dns.zone.txt.clear()
  dns.zone.cname.clear()
  await em.execute("update custom_domains set next_check_at = now() - interval '1 minute'")
  await em.execute("update custom_domains set created_at = now() - interval '31 days' where id = ?", [pending.id])
  t.same(await sweep(app.domains.service, log), { expired: 1, checked: 1 })
  const gone = (await app.inject({ url: `/domains/${d.id}`, headers: bearer(ada.access) })).json().data
  t.equal(gone.verification_status, 'failed')
  t.match(gone.last_error, 'The records were removed or changed: TXT record _cvgen-verification.cv.sweep.com not found')
  t.equal((await app.inject({ url: `/portfolios/${pid}`, headers: bearer(ada.access) })).json().data.custom_domain, null)
  t.equal((await app.inject({ url: '/', headers: { host: 'cv.sweep.com' } })).statusCode, 404)
  const expired = (await app.inject({ url: `/domains/${pending.id}`, headers: bearer(bob.access) })).json().data
  t.equal(expired.verification_status, 'failed')
  t.match(expired.last_error, /^Not verified within 30 days; the last check said: TXT record/)

  // A transient failure does not take a verified domain down.
  addRecords(dns, d)
  t.equal((await verify(app, ada, d.id)).json().data.verification_status, 'verified', 'a failed domain can verify again')
  dns.zone.silent.add('_cvgen-verification.cv.sweep.com')
  await em.execute("update custom_domains set next_check_at = now() - interval '1 minute' where id = ?", [d.id])
  await sweep(app.domains.service, log)
  const still = (await app.inject({ url: `/domains/${d.id}`, headers: bearer(ada.access) })).json().data
  t.equal(still.verification_status, 'verified')
  t.match(still.last_error, /timed out/)
})

t.test('DNS_PROVIDER=doh verifies through a DNS-over-HTTPS JSON server', async (t) => {
  const zone = new Map<string, { type: number, data: string }[]>()
  const server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x')
    const name = url.searchParams.get('name')!
    const type = { TXT: 16, CNAME: 5, A: 1 }[url.searchParams.get('type') as 'A'] ?? 0
    const records = zone.get(name)
    res.setHeader('content-type', 'application/dns-json')
    res.end(JSON.stringify(records ? { Status: 0, Answer: records.filter((r) => r.type === type || r.type === 5).map((r) => ({ name: `${name}.`, ...r })) } : { Status: 3 }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => server.close())
  const { app } = await setup(t, { DNS_PROVIDER: 'doh', DNS_DOH_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, DNS_SERVERS: '' })
  const ada = await register(app)
  const d = (await claim(app, ada, 'cv.doh-user.com', await portfolio(app, ada))).json().data
  t.equal((await verify(app, ada, d.id)).json().data.last_error, 'TXT record _cvgen-verification.cv.doh-user.com not found')
  zone.set('_cvgen-verification.cv.doh-user.com', [{ type: 16, data: JSON.stringify(d.instructions[0].value) }])
  zone.set('cv.doh-user.com', [{ type: 5, data: `hosting.${APP}.` }])
  t.equal((await verify(app, ada, d.id)).json().data.verification_status, 'verified')
})
