// SIGTERM to the server as operators start it — on PostgreSQL + Redis, and on the embedded
// default (no DATABASE_URL, no REDIS_URL) — with a request in flight, an upload in progress,
// an open event stream and a job running: the request and the upload complete, the stream
// ends cleanly, no new connection is taken, the running job is handed back (its next attempt
// starts as soon as a server is up again, not after its expiry), and the process exits 0
// within 15 s (compose gives 20).
import { request } from 'node:http'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { createDatabase, rand, REDIS_URL, sleep, tempDir } from '../helper.ts'
import { embeddedDataDir } from '../embedded-helper.ts'
import { startServer } from '../process.ts'

const SLOW_AI = fileURLToPath(new URL('../fixtures/plugins', import.meta.url))
async function call (base: string, method: string, path: string, token?: string, body?: unknown) {
  const res = await fetch(base + path, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined
  })
  const text = await res.text()
  return { status: res.status, json: text.startsWith('{') ? JSON.parse(text) : null }
}

/** A PUT (or POST) whose body arrives in two parts, the second `lateMs` later: still in flight when the signal comes. */
function slowSend (url: URL, method: string, headers: Record<string, string>, body: Buffer, lateMs: number): Promise<{ status: number, body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path: url.pathname + url.search, headers: { ...headers, 'content-length': String(body.length) } }, (res) => {
      let text = ''
      res.on('data', (d) => { text += d })
      res.on('end', () => resolve({ status: res.statusCode!, body: text }))
    })
    req.on('error', reject)
    const half = Math.floor(body.length / 2)
    req.write(body.subarray(0, half))
    setTimeout(() => req.end(body.subarray(half)), lateMs)
  })
}

/** A PNG the upload check accepts: its signature, then padding up to `size`. */
const png = (size: number) => Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(size - 16, 7)])

for (const database of ['PostgreSQL and Redis', 'the embedded default'] as const) {
  t.test(`SIGTERM on ${database}: a request and an upload in flight, an event stream open, a job running`, { timeout: 240_000 }, async (t) => {
    const base = {
      CVGEN_PLUGIN_DIRS: SLOW_AI,
      AI_PROVIDER: 'slow-test',
      ARGON2_MEMORY_KIB: '1024',
      ARGON2_TIME_COST: '1',
      THUMBNAILS: 'false'
    }
    const env: Record<string, string> = database === 'the embedded default'
      ? { ...base, DATA_DIR: embeddedDataDir(t) }
      : { ...base, DATABASE_URL: await createDatabase(t), REDIS_URL, REDIS_PREFIX: `cvgen-test-${rand()}:`, JWT_SECRET: rand(24), DATA_DIR: tempDir(t) }
    const server = await startServer(env, 90_000)
    t.teardown(() => server.kill())
    const url = new URL(server.url)
    const reg = await call(server.url, 'POST', '/auth/register', undefined, { email: `u${rand()}@example.com`, password: 'correct horse battery staple', full_name: 'Ada' })
    const token = reg.json.data.access_token as string
    // 5 steps of 6 s: the job is still running when the signal comes and past pg-boss's 10 s grace.
    const resume = await call(server.url, 'POST', '/resumes', token, { title: 'CV', template_id: 'classic', content: { basics: { name: 'Ada' }, meta: { delay_ms: 6000 } } })
    const jobId = (await call(server.url, 'POST', '/ai/analyze', token, { target_id: resume.json.data.id, type: 'resume' })).json.data.job_id as string
    for (let i = 0; i < 100 && (await call(server.url, 'GET', `/ai/analyze/${jobId}/status`, token)).json.data.status !== 'processing'; i++) await sleep(100)

    // The event stream, read as a browser's EventSource would.
    const stream = await fetch(`${server.url}/ai/analyze/${jobId}/events`, { headers: { authorization: `Bearer ${token}` } })
    const reader = stream.body!.getReader()
    const streamEnded = (async () => { let text = ''; for (;;) { const { done, value } = await reader.read(); if (done) return text; text += Buffer.from(value).toString() } })()

    // A request in flight: its body arrives slowly, the last part after the signal.
    const body = Buffer.from(JSON.stringify({ title: 'Sent slowly', template_id: 'classic' }))
    const inFlight = slowSend(new URL('/resumes', url), 'POST', { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body, 1500)
    // An upload in progress (local storage: the PUT comes to this server), 1 MB, half of it after the signal.
    const image = png(1024 * 1024)
    const signed = (await call(server.url, 'POST', '/uploads/presigned-url', token, { purpose: 'avatar', content_type: 'image/png', size: image.length })).json.data
    // The URL carries PUBLIC_URL's origin; the path and signature are what count.
    const uploading = slowSend(new URL(new URL(signed.url).pathname + new URL(signed.url).search, url), 'PUT', signed.headers, image, 2000)
    await sleep(300)

    const signalled = Date.now()
    const exited = server.stop('SIGTERM')
    t.equal((await inFlight).status, 201, 'the request in flight completes')
    const uploaded = await uploading
    t.ok(uploaded.status >= 200 && uploaded.status < 300, `the upload in progress completes (${uploaded.status} ${uploaded.body.slice(0, 200)})`)
    const text = await streamEnded
    t.match(text, /data: /, 'the stream had sent events, then ended cleanly')
    await sleep(200)
    const refused = await fetch(`${server.url}/healthz`).then(() => 'answered', (err: Error) => (err.cause as { code?: string })?.code ?? err.message)
    t.equal(refused, 'ECONNREFUSED', 'no new connections once shutting down')
    const code = await exited
    const took = Date.now() - signalled
    console.log(`# SIGTERM -> exit (${database}): ${took} ms`)
    t.equal(code, 0, 'exit code 0')
    t.ok(took < 15_000, `exited within 15 s (${took} ms)`)

    // Up again: the running job was handed back, so its next attempt starts at once, and the
    // upload was stored whole (the avatar check reads its bytes).
    const again = await startServer(env, 90_000)
    t.teardown(() => again.kill())
    const upAt = Date.now()
    let restarted = Infinity
    for (let end = Date.now() + 30_000; Date.now() < end; await sleep(100)) {
      const report = (await call(again.url, 'GET', `/ai/reports/${jobId}`, token)).json.data
      if (report.attempts >= 2) { restarted = Date.now() - upAt; break }
    }
    console.log(`# server up -> handed-back job's next attempt (${database}): ${restarted} ms`)
    t.ok(restarted < 5000, `the next attempt started ${restarted} ms after a server came up (not after the expiry)`)
    const avatar = await call(again.url, 'PUT', '/auth/me', token, { avatar_url: signed.public_url })
    t.equal(avatar.status, 200, `the uploaded file is whole: the avatar check accepts it (${JSON.stringify(avatar.json?.error ?? '')})`)
    const served = await fetch(signed.public_url.replace(/^https?:\/\/[^/]+/, again.url))
    t.equal(Buffer.from(await served.arrayBuffer()).equals(image), true, 'and serves every byte')
    t.equal(await again.stop('SIGTERM'), 0)
  })
}
