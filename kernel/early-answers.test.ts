// kernel/early-answers.ts on a real socket: answers before routing, or leaves the request to
// the router; a failing responder and stop() leave every request to it.
import { request } from 'node:http'
import t from 'tap'
import Fastify from 'fastify'
import { installEarlyAnswers } from './early-answers.ts'

function get (port: number, path: string): Promise<{ status: number, headers: Record<string, unknown>, body: string }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path }, (res) => {
      let body = ''
      res.setEncoding('utf8').on('data', (d: string) => { body += d }).on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }))
    }).on('error', reject).end()
  })
}

t.test('early answers', async (t) => {
  const app = Fastify()
  const errors: string[] = []
  const early = installEarlyAnswers(app.server, { error: (_obj, msg) => errors.push(msg) })
  let routed = 0
  app.addHook('onRequest', async () => { routed++ })
  app.get('/*', async (req) => `routed ${req.url}`)
  early.add((req) => req.url === '/early' ? { status: 200, headers: { 'content-type': 'text/plain' }, body: Buffer.from('early') } : null)
  early.add((req) => { if (req.url === '/boom') throw new Error('responder bug'); return null })
  early.add((req) => req.url === '/empty' ? { status: 304, headers: { etag: '"x"' }, body: null } : null)
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => app.close())
  const port = (app.server.address() as { port: number }).port

  const a = await get(port, '/early')
  t.same([a.status, a.body, a.headers['content-length'], a.headers['content-type']], [200, 'early', '5', 'text/plain'], 'answered with its bytes and length')
  t.match(a.headers['x-request-id'], /^[0-9a-f-]{36}$/, 'with a request id, as routed answers')
  t.equal(routed, 0, 'without routing or hooks')
  const b = await get(port, '/empty')
  t.same([b.status, b.body, b.headers.etag], [304, '', '"x"'], 'a 304 without a body')
  t.equal(routed, 0)

  t.same([(await get(port, '/other')).body, routed], ['routed /other', 1], 'null leaves it to the router')
  t.same([(await get(port, '/boom')).body, routed, errors], ['routed /boom', 2, ['early answer failed; routing the request']], 'a throwing responder is logged and the router answers')
  early.stop()
  t.same([(await get(port, '/early')).body, routed], ['routed /early', 3], 'after stop() (shutdown) every request is routed')
})

t.test('refuses a server it cannot front', async (t) => {
  const app = Fastify()
  app.server.on('request', () => {})
  t.throws(() => installEarlyAnswers(app.server, { error: () => {} }), /one request listener, found 2/)
})
