// The real server's log, read as an operator would: a bearer token sent as ?access_token=,
// an upload or download signature, AWS-style presign credentials and the Authorization and
// Cookie headers never appear in it, whatever the route answered.
import t from 'tap'
import { rand, testEnv } from './helper.ts'
import { startServer } from './process.ts'
import { redactUrl } from '../kernel/log.ts'

t.test('credentials in URLs and headers never reach the log', async (t) => {
  const env = await testEnv(t, { LOG_LEVEL: 'info' })
  const server = await startServer(env)
  t.teardown(() => server.stop())
  const secret = () => `SECRET${rand(8)}`
  const secrets: string[] = []
  const hit = async (path: string, headers: Record<string, string> = {}) => {
    await fetch(server.url + path, { headers }).then((r) => r.arrayBuffer())
  }
  const token = secret(); secrets.push(token)
  await hit(`/ai/analyze/00000000-0000-4000-8000-000000000000/events?access_token=${token}`)
  const sig = secret(); secrets.push(sig)
  await hit(`/storage/download/private/exports/u/x.pdf?expires=1&name=cv.pdf&sig=${sig}`)
  const amz = [secret(), secret(), secret()]; secrets.push(...amz)
  await hit(`/storage/files/users/u/a.png?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${amz[0]}&X-Amz-Signature=${amz[1]}&x-amz-security-token=${amz[2]}`)
  const encoded = secret(); secrets.push(encoded)
  await hit(`/healthz?%61ccess_token=${encoded}`) // a percent-encoded name is the same parameter
  const bearer = secret(); const cookie = secret(); secrets.push(bearer, cookie)
  await hit('/auth/me', { authorization: `Bearer ${bearer}`, cookie: `session=${cookie}` })
  await new Promise((resolve) => setTimeout(resolve, 300)) // the last lines reach stdout

  const log = server.output()
  t.match(log, /"url":"\/ai\/analyze\/[^"]+\/events\?access_token=\[redacted\]"/, 'the request is logged, its token is not')
  t.match(log, /sig=\[redacted\]/)
  t.match(log, /X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=\[redacted\]/, 'harmless parameters stay readable')
  for (const s of secrets) t.notOk(log.includes(s), `${s.slice(0, 10)}... is not in the log`)
})

t.test('redactUrl: names in any case or encoding, values of any shape', async (t) => {
  t.equal(redactUrl('/a?access_token=x&b=1'), '/a?access_token=[redacted]&b=1')
  t.equal(redactUrl('/a?ACCESS_TOKEN=x'), '/a?ACCESS_TOKEN=[redacted]')
  t.equal(redactUrl('/a?sig'), '/a?sig=[redacted]')
  t.equal(redactUrl('/a?%zz=1&token=a%20b'), '/a?%zz=1&token=[redacted]', 'a malformed escape elsewhere does not stop it')
  t.equal(redactUrl('/plain/path'), '/plain/path')
})
