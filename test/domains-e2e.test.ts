// The whole custom-domain flow with the real pieces: a DNS server on 127.0.0.1 (dns2), the
// app listening on a port, and Caddy started with a generated Caddyfile (on-demand `tls
// internal`, asking the app). Add -> records missing -> check fails with its reason ->
// records added -> verified -> the TLS probe makes Caddy issue -> HTTPS through Caddy serves
// the portfolio -> records removed -> the scheduled re-check fails it -> ask refuses and the
// app answers 404 for that Host.
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import t from 'tap'
import { bearer, build, freePort, register, tempDir, waitFor } from './helper.ts'
import { httpsGet, readCa, startCaddy } from './caddy.ts'
import { startDnsServer } from './dns-server.ts'

const APP = 'cvgen.test'
const DOMAIN = 'cv.ada-e2e.com'
const until = <T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 30_000) => waitFor(what, fn, { timeoutMs, intervalMs: 100 })

t.test('custom domain end to end through Caddy', async (t) => {
  const dns = await startDnsServer()
  t.teardown(() => dns.close())
  const dir = tempDir(t)
  const ports = { http: await freePort(), https: await freePort() }
  const rootCa = join(dir, 'storage', 'pki', 'authorities', 'local', 'root.crt')
  const app = await build(t, {
    APP_DOMAIN: APP,
    DNS_SERVERS: dns.address,
    GATEWAY_IPS: '127.0.0.1',
    TLS_ASK_TOKEN: 'ask-token-e2e',
    TLS_PROBE_ADDRESS: `127.0.0.1:${ports.https}`,
    TLS_PROBE_CA_FILE: rootCa,
    ROLE: 'all'
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const appPort = (app.server.address() as AddressInfo).port
  const caddy = await startCaddy(dir, appPort, ports, 'ask-token-e2e')
  t.teardown(() => caddy.stop())

  const schedules = await (await app.queue.boss()).getSchedules()
  t.match(schedules.find((s) => s.name === 'domains.verify'), { cron: '*/5 * * * *' }, 'the worker schedules the sweep every 5 minutes')

  const ada = await register(app)
  const folio = await app.inject({ method: 'POST', url: '/portfolios', headers: bearer(ada.access), payload: { title: 'Analytical Engines', template_id: 'classic', is_published: true } })
  const pid = folio.json().data.id
  const created = await app.inject({ method: 'POST', url: '/domains', headers: bearer(ada.access), payload: { domain_name: DOMAIN, portfolio_id: pid } })
  t.equal(created.statusCode, 201)
  const domain = created.json().data
  const verify = async () => (await app.inject({ method: 'POST', url: `/domains/${domain.id}/verify`, headers: bearer(ada.access) })).json().data
  const current = async () => (await app.inject({ url: `/domains/${domain.id}`, headers: bearer(ada.access) })).json().data

  // Records missing: a clear reason, and Caddy refuses the handshake (the ask says no).
  let d = await verify()
  t.equal(d.verification_status, 'pending')
  t.equal(d.last_error, `TXT record _cvgen-verification.${DOMAIN} not found`)
  await t.rejects(httpsGet(caddy.httpsPort, DOMAIN, '/', readCa(rootCa) ?? ''), 'no certificate for a pending domain')

  // Records added: verified, and the probe job makes Caddy issue; ssl_status becomes active.
  const started = Date.now()
  dns.zone.txt.set(domain.instructions[0].host, [domain.instructions[0].value])
  dns.zone.cname.set(DOMAIN, `hosting.${APP}`)
  d = await verify()
  t.equal(d.verification_status, 'verified', JSON.stringify(d))
  t.comment(`records added -> verified in ${Date.now() - started} ms`)
  d = await until('ssl_status active', async () => { const c = await current(); return c.ssl_status === 'active' && c }, 30_000)
  t.equal(d.ssl_status, 'active', caddy.output().slice(-2000))

  const ca = readCa(rootCa)
  t.ok(ca, 'Caddy wrote its local root CA')
  const page = await httpsGet(caddy.httpsPort, DOMAIN, '/', ca!)
  t.equal(page.status, 200)
  t.match(page.body, 'Analytical Engines', 'Caddy proxies to the app, which serves that portfolio for the Host')
  t.match(page.issuer, /Caddy Local Authority/)
  const internal = await httpsGet(caddy.httpsPort, DOMAIN, '/internal/tls/ask?domain=anything.com&token=ask-token-e2e', ca!)
  t.equal(internal.status, 404, 'the gateway refuses /internal/* from the public')
  t.notMatch(internal.body, 'allowed')
  await t.rejects(httpsGet(caddy.httpsPort, 'stranger.example.com', '/', ca!), 'no certificate for an unknown name')

  // Records removed: the scheduled re-check (the same job the 5-minute schedule sends) fails it.
  dns.zone.txt.clear()
  dns.zone.cname.clear()
  await app.db.fork().execute("update custom_domains set next_check_at = now() - interval '1 minute' where id = ?", [domain.id])
  await app.queue.send('domains.verify', {})
  d = await until('verification failed', async () => { const c = await current(); return c.verification_status === 'failed' && c }, 30_000)
  t.match(d.last_error, 'The records were removed or changed')
  // The row turns failed a moment before the caches are dropped and the portfolio detached.
  const ask = await until('the ask to refuse', async () => {
    const res = await app.inject({ url: `/internal/tls/ask?domain=${DOMAIN}&token=ask-token-e2e`, remoteAddress: '127.0.0.1' })
    return res.statusCode !== 200 && res
  }, 5_000)
  t.equal(ask.statusCode, 404, 'ask refuses new certificates')
  await until('the portfolio to lose the domain', async () => (await app.inject({ url: `/portfolios/${pid}`, headers: bearer(ada.access) })).json().data.custom_domain === null, 5_000)
  const after = await httpsGet(caddy.httpsPort, DOMAIN, '/', ca!)
  t.equal(after.status, 404, 'Caddy still holds the certificate, but the app answers 404 for that Host')
  t.notMatch(after.body, 'Analytical Engines')
})
