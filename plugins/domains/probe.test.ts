// The TLS probe's failures (its success is test/domains-e2e.test.ts, through Caddy): nothing
// listening, and a gateway that accepts the connection but never completes a handshake.
import net from 'node:net'
import t from 'tap'
import { probeTls } from './probe.ts'

t.test('a closed port and a silent gateway are errors, not hangs', async (t) => {
  const closed = net.createServer()
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
  const port = (closed.address() as net.AddressInfo).port
  await new Promise<void>((resolve) => closed.close(() => resolve()))
  await t.rejects(probeTls('cv.example.com', { address: { host: '127.0.0.1', port }, caFile: null, timeoutMs: 2000 }), /ECONNREFUSED/)

  const sockets = new Set<net.Socket>()
  const silent = net.createServer((s) => { sockets.add(s) })
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { for (const s of sockets) s.destroy(); silent.close() })
  const started = Date.now()
  await t.rejects(probeTls('cv.example.com', { address: { host: '127.0.0.1', port: (silent.address() as net.AddressInfo).port }, caFile: null, timeoutMs: 300 }),
    /TLS handshake with the gateway for cv\.example\.com timed out/)
  t.ok(Date.now() - started < 2000)
  await t.rejects(probeTls('cv.example.com', { address: { host: '127.0.0.1', port }, caFile: '/nonexistent/ca.pem', timeoutMs: 300 }), /ENOENT/, 'a missing CA file is an error too')
})

t.test('a domain that resolves to a loopback or private address is not connected to', async (t) => {
  // localhost resolves to 127.0.0.1 and ::1 from /etc/hosts, like a domain pointed at the server itself.
  await t.rejects(probeTls('localhost', { address: null, caFile: null, timeoutMs: 2000 }), /resolves to .*127\.0\.0\.1.*not a public address/)
  // Allowed by the setting, the probe does connect (and, with nothing on 443 here, fails there).
  const listening = net.createServer()
  const on443 = await new Promise<boolean>((resolve) => { listening.once('error', () => resolve(false)); listening.listen(443, '127.0.0.1', () => resolve(true)) })
  if (on443) listening.close()
  const allowed = await probeTls('localhost', { address: null, allowPrivate: true, caFile: null, timeoutMs: 2000 }).then(() => null, (err: Error) => err)
  t.ok(allowed, 'nothing serves TLS on 443 here')
  t.notMatch(allowed?.message, /not a public address/, `it connected: ${allowed?.message}`)
  await t.rejects(probeTls('no-such-name.invalid', { address: null, caFile: null, timeoutMs: 2000 }), /ENOTFOUND|EAI_AGAIN/)
})
