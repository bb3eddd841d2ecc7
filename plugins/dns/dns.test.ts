// The DNS providers against real servers: `system` against dns2 on 127.0.0.1, `doh` against
// a local HTTP server speaking the dns-json format. Every outcome is a value, never a throw.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { startDnsServer } from '../../test/dns-server.ts'
import { DohDnsProvider, txtValue } from './doh.ts'
import { SystemDnsProvider } from './system.ts'

t.test('system provider: found, nxdomain, nodata, servfail, timeout', async (t) => {
  const dns = await startDnsServer()
  t.teardown(() => dns.close())
  dns.zone.txt.set('_v.ada.com', ['cvgen-verify=abc', 'other'])
  dns.zone.cname.set('www.ada.com', 'Hosting.CVGEN.test.')
  dns.zone.a.set('ada.com', ['192.0.2.1', '192.0.2.2'])
  dns.zone.servfail.add('broken.com')
  dns.zone.silent.add('slow.com')
  // Generous for answers (a loaded CI machine), short only where a timeout is the point.
  const p = new SystemDnsProvider({ servers: [dns.address], timeoutMs: 3000 })
  const quick = new SystemDnsProvider({ servers: [dns.address], timeoutMs: 400 })
  t.same(await p.resolveTxt('_v.ada.com'), { status: 'found', values: ['cvgen-verify=abc', 'other'] })
  t.same(await p.resolveCname('www.ada.com'), { status: 'found', values: ['hosting.cvgen.test'] }, 'lowercased, no trailing dot')
  t.same(await p.resolveA('ada.com'), { status: 'found', values: ['192.0.2.1', '192.0.2.2'] })
  t.same(await p.resolveTxt('ada.com'), { status: 'nodata' })
  t.same(await p.resolveTxt('nobody.com'), { status: 'nxdomain' })
  t.match(await p.resolveTxt('broken.com'), { status: 'servfail' })
  const started = Date.now()
  t.match(await quick.resolveTxt('slow.com'), { status: 'timeout' })
  t.ok(Date.now() - started < 2000, 'the timeout is bounded')
})

t.test('doh provider speaks the dns-json API', async (t) => {
  const seen: { url: string, accept?: string }[] = []
  const answers: Record<string, unknown> = {
    'TXT _v.ada.com': { Status: 0, Answer: [{ name: '_v.ada.com.', type: 16, data: '"cvgen-verify=" "abc"' }, { name: '_v.ada.com.', type: 16, data: '"other"' }] },
    'CNAME www.ada.com': { Status: 0, Answer: [{ name: 'www.ada.com.', type: 5, data: 'Hosting.cvgen.test.' }] },
    'A www.ada.com': { Status: 0, Answer: [{ name: 'www.ada.com.', type: 5, data: 'hosting.cvgen.test.' }, { name: 'hosting.cvgen.test.', type: 1, data: '192.0.2.1' }] },
    'TXT ada.com': { Status: 0, Answer: [] },
    'TXT nobody.com': { Status: 3 },
    'TXT broken.com': { Status: 2 }
  }
  const server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x')
    seen.push({ url: req.url!, accept: req.headers.accept })
    const name = url.searchParams.get('name')!
    if (name === 'slow.com') return // never answers
    if (name === 'garbage.com') { res.end('<html>'); return }
    if (name === 'down.com') { res.statusCode = 502; res.end(); return }
    res.setHeader('content-type', 'application/dns-json')
    res.end(JSON.stringify(answers[`${url.searchParams.get('type')} ${name}`] ?? { Status: 3 }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { server.closeAllConnections(); server.close() })
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dns-query`
  const p = new DohDnsProvider({ baseUrl: base, timeoutMs: 3000 })
  const quick = new DohDnsProvider({ baseUrl: base, timeoutMs: 300 })
  t.same(await p.resolveTxt('_v.ada.com'), { status: 'found', values: ['cvgen-verify=abc', 'other'] }, 'quoted chunks joined')
  t.same(seen[0], { url: '/dns-query/resolve?name=_v.ada.com&type=TXT', accept: 'application/dns-json' })
  t.same(await p.resolveCname('www.ada.com'), { status: 'found', values: ['hosting.cvgen.test'] })
  t.same(await p.resolveA('www.ada.com'), { status: 'found', values: ['192.0.2.1'] }, 'the CNAME chain is skipped')
  t.same(await p.resolveTxt('ada.com'), { status: 'nodata' })
  t.same(await p.resolveTxt('nobody.com'), { status: 'nxdomain' })
  t.match(await p.resolveTxt('broken.com'), { status: 'servfail', message: 'DNS rcode 2' })
  t.match(await p.resolveTxt('down.com'), { status: 'servfail', message: /HTTP 502/ })
  t.match(await p.resolveTxt('garbage.com'), { status: 'servfail' })
  t.match(await quick.resolveTxt('slow.com'), { status: 'timeout' })
  const refused = new DohDnsProvider({ baseUrl: 'http://127.0.0.1:1', timeoutMs: 300 })
  t.match(await refused.resolveTxt('ada.com'), { status: 'servfail', message: /request failed/ })
  t.equal(txtValue('"a\\"b" "c"'), 'a"bc')
})
