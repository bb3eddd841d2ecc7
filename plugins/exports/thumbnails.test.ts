// Previews: rendered by real Chromium after a resume or portfolio changes, debounced (at most
// one waiting and one running job per target), old images removed; public only for a public
// resume or a published portfolio, else private and reached by a signed URL minted per answer.
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { QUEUE_SCHEMA } from '../../kernel/queue.ts'
import { decodePng, download } from '../../test/exports.ts'
import { bearer, build, register, sleep, waitFor, type Account } from '../../test/helper.ts'

/** The row at `url` once `until` holds for it (previews are made by a background job). */
function rowWhen (app: FastifyInstance, a: Account, url: string, until: (row: Record<string, any>) => boolean): Promise<Record<string, any>> {
  return waitFor(`${url} to meet ${until}`, async () => {
    const row = (await app.inject({ method: 'GET', url, headers: bearer(a.access) })).json().data
    return until(row) && row
  }, { timeoutMs: 30_000, intervalMs: 100 })
}

/** The preview itself, whatever signature its URL carries this time. */
const pathOf = (url: string | null) => url === null ? null : new URL(url).pathname

const jobsFor = async (app: FastifyInstance, key: string) => (await app.db.fork().execute<{ state: string }[]>(
  `select state from ${QUEUE_SCHEMA}.job where name = 'exports.thumbnail' and singleton_key = ?`, [key])).map((r) => r.state)

t.test('a resume gets a PNG preview after it is created and after each burst of edits', async (t) => {
  const app = await build(t, { THUMBNAILS: 'true' })
  const a = await register(app)
  const created = await app.inject({ method: 'POST', url: '/resumes', headers: bearer(a.access), payload: { title: 'CV', template_id: 'modern' } })
  const id = created.json().data.id
  t.equal(created.json().data.thumbnail_url, null, 'none yet')
  const first = await rowWhen(app, a, `/resumes/${id}`, (r) => r.thumbnail_url !== null)
  t.match(first.thumbnail_url, /\/storage\/download\/private\/thumbnails\/resumes\/[0-9a-f-]{36}\/[0-9a-f]{20}\.png\?/, 'a private resume: a signed URL')
  t.equal(first.updated_at, created.json().data.updated_at, 'a preview is not an edit')
  const image = await download(app, first.thumbnail_url)
  t.equal(image.status, 200)
  t.equal(image.headers['content-type'], 'image/png')
  t.match(decodePng(image.body), { width: 318, height: 449 }, 'A4 at 0.4 scale')

  // Five edits in a burst: jobs are keyed by resume, so at most one waits while one runs.
  for (let i = 0; i < 5; i++) {
    const res = await app.inject({ method: 'PUT', url: `/resumes/${id}`, headers: bearer(a.access), payload: { content: { basics: { name: `Name number ${i}`, summary: 'x '.repeat(50 * i) } } } })
    t.equal(res.statusCode, 200)
  }
  await sleep(50)
  const states = await jobsFor(app, `resume:${id}`)
  t.ok(states.filter((s) => s === 'created' || s === 'retry').length <= 1, `at most one waiting job (${states.join(', ')})`)
  const second = await rowWhen(app, a, `/resumes/${id}`, (r) => pathOf(r.thumbnail_url) !== pathOf(first.thumbnail_url))
  t.not(pathOf(second.thumbnail_url), pathOf(first.thumbnail_url), 'a new image under a new URL')
  // The job points the row at the new image first, then deletes the old one (a client never
  // sees a URL to nothing): the old one is gone moments after the new URL appears.
  const old = await waitFor('the old image to go', async () => { const { status } = await download(app, first.thumbnail_url); return status !== 200 && status }, { timeoutMs: 5000 })
  t.equal(old, 404, 'the old image is deleted')
  t.equal((await download(app, second.thumbnail_url)).status, 200)
  const all = await jobsFor(app, `resume:${id}`)
  t.ok(all.length <= 3, `${all.length} jobs for 1 create + 5 edits`)
})

t.test('a portfolio gets a preview too; a deleted target is skipped', async (t) => {
  const app = await build(t, { THUMBNAILS: 'true' })
  const a = await register(app)
  const created = await app.inject({ method: 'POST', url: '/portfolios', headers: bearer(a.access), payload: { title: 'Work', template_id: 'classic' } })
  t.equal(created.statusCode, 201, created.body)
  const id = created.json().data.id
  const row = await rowWhen(app, a, `/portfolios/${id}`, (r) => r.thumbnail_url !== null)
  t.match(row.thumbnail_url, /\/storage\/download\/private\/thumbnails\/portfolios\//, 'unpublished: a signed URL')
  t.match(decodePng((await download(app, row.thumbnail_url)).body), { width: 318, height: 449 })

  const gone = await app.inject({ method: 'POST', url: '/resumes', headers: bearer(a.access), payload: { title: 'Gone', template_id: 'classic' } })
  await app.inject({ method: 'DELETE', url: `/resumes/${gone.json().data.id}`, headers: bearer(a.access) })
  await waitFor('the job for the deleted resume to end', async () => {
    const states = await jobsFor(app, `resume:${gone.json().data.id}`)
    return states.length > 0 && states.every((s) => s === 'completed')
  }, { timeoutMs: 10_000, intervalMs: 100 })
  t.same(await jobsFor(app, `resume:${gone.json().data.id}`), ['completed'], 'the job ends quietly, no retry')
  const [{ n }] = await app.db.fork().execute<{ n: number }[]>('select count(*)::int as n from resumes where id = ? and thumbnail_key is not null', [gone.json().data.id]) as [{ n: number }]
  t.equal(n, 0, 'no preview written for a deleted resume')
})

for (const type of ['resume', 'portfolio'] as const) {
  const [path, visibility, body] = type === 'resume'
    ? ['/resumes', 'is_public', { title: 'CV', template_id: 'modern', content: { basics: { name: 'Ada Lovelace', email: 'ada@example.com', phone: '+44 20 7946 0000' } } }]
    : ['/portfolios', 'is_published', { title: 'Work', template_id: 'classic', content: { contact: { email: 'ada@example.com', phone: '+44 20 7946 0000' } } }]

  t.test(`a private ${type}'s preview is reached only by a fresh signed URL, and hidden at once when it turns private or is deleted`, async (t) => {
    const app = await build(t, { THUMBNAILS: 'true' })
    const a = await register(app)
    const b = await register(app)
    const created = await app.inject({ method: 'POST', url: path, headers: bearer(a.access), payload: body })
    t.equal(created.statusCode, 201, created.body)
    const id = created.json().data.id
    const url = `${path}/${id}`
    const first = (await rowWhen(app, a, url, (r) => r.thumbnail_url !== null)).thumbnail_url as string
    const signed = new URL(first)
    t.match(signed.pathname, new RegExp(`^/storage/download/private/thumbnails/${type}s/${id}/[0-9a-f]{20}\\.png$`), 'under the private prefix')
    const expires = Number(signed.searchParams.get('expires'))
    t.ok(expires >= Date.now() / 1000 + 299 && expires <= Date.now() / 1000 + 302, 'expires in 300 s')
    t.equal((await download(app, first)).status, 200, 'the signed URL serves it')
    const key = signed.pathname.replace('/storage/download/', '')
    for (const bare of [`/storage/download/${key}`, `/storage/files/${key}`, `/storage/files/${key.replace('private/', '')}`]) {
      t.ok((await app.inject({ method: 'GET', url: bare })).statusCode >= 400, `${bare} without a signature is refused`)
    }
    const forged = new URL(first)
    forged.searchParams.set('expires', String(expires + 3600))
    t.equal((await download(app, forged.toString())).status, 403, 'a longer expiry breaks the signature')
    const short = await app.storage.presignGet(key, { expiresIn: 1, filename: 'preview.png' })
    await sleep(2100)
    const expired = await download(app, short)
    t.equal(expired.status, 403, 'an expired signature is refused')
    t.equal(JSON.parse(expired.body.toString()).error.code, 'STORAGE_DOWNLOAD_EXPIRED')
    t.not((await app.inject({ method: 'GET', url, headers: bearer(a.access) })).json().data.thumbnail_url, first, 'minted again for every answer')
    t.equal((await app.inject({ method: 'GET', url, headers: bearer(b.access) })).statusCode, 404, 'another user gets 404')

    // Made public: the next preview is public (publishing it is allowed).
    t.equal((await app.inject({ method: 'PUT', url, headers: bearer(a.access), payload: { [visibility]: true } })).statusCode, 200)
    const open = (await rowWhen(app, a, url, (r) => /\/storage\/files\/thumbnails\//.test(r.thumbnail_url ?? ''))).thumbnail_url as string
    t.equal((await download(app, open)).status, 200, 'a public preview is public')

    // Private again: the public URL dies with this very request, no render awaited.
    const hidden = await app.inject({ method: 'PUT', url, headers: bearer(a.access), payload: { [visibility]: false } })
    t.equal(hidden.statusCode, 200)
    t.equal((await download(app, open)).status, 404, 'the public URL is dead at once')
    const moved = hidden.json().data.thumbnail_url as string
    t.match(new URL(moved).pathname, /^\/storage\/download\/private\/thumbnails\//, 'the answer already has the private copy')
    t.equal((await download(app, moved)).status, 200)
    const other = await app.inject({ method: 'PUT', url, headers: bearer(b.access), payload: { [visibility]: true } })
    t.equal(other.statusCode, 404, 'another user cannot publish it')

    // Deleted: the preview goes with the request.
    const latest = (await app.inject({ method: 'GET', url, headers: bearer(a.access) })).json().data.thumbnail_url as string
    t.equal((await app.inject({ method: 'DELETE', url, headers: bearer(b.access) })).statusCode, 404, 'another user cannot delete it')
    t.equal((await app.inject({ method: 'DELETE', url, headers: bearer(a.access) })).statusCode, 204)
    t.equal((await download(app, latest)).status, 404, 'unreachable once deleted, even with a valid signature')
    const [{ n }] = await app.db.fork().execute<{ n: number }[]>(`select count(*)::int as n from ${type}s where id = ? and thumbnail_key is not null`, [id]) as [{ n: number }]
    t.equal(n, 0)
  })
}

t.test('Chromium killed during a thumbnail: that render fails, the pool starts a new browser, the job retries and the preview arrives', async (t) => {
  const app = await build(t, { THUMBNAILS: 'true' })
  const a = await register(app)
  const { pool } = app.exports
  let killed: number | null = null
  pool.once('render', () => { void pool.pid().then((pid) => { killed = pid; if (pid) process.kill(pid, 'SIGKILL') }) })
  const created = await app.inject({ method: 'POST', url: '/resumes', headers: bearer(a.access), payload: { title: 'CV', template_id: 'modern' } })
  const id = created.json().data.id
  const row = await rowWhen(app, a, `/resumes/${id}`, (r) => r.thumbnail_url !== null)
  t.ok(killed, `the browser (pid ${killed}) was killed during the thumbnail`)
  t.equal(pool.launches, 2, 'a new browser was started')
  t.not(await pool.pid(), killed)
  const states = await jobsFor(app, `resume:${id}`)
  t.ok(states.includes('completed'), `the job completed on a later attempt (${states.join(', ')})`)
  const [job] = await app.db.fork().execute<{ retry_count: number }[]>(`select retry_count from ${QUEUE_SCHEMA}.job where name = 'exports.thumbnail' and singleton_key = ? and state = 'completed'`, [`resume:${id}`])
  t.equal(job?.retry_count, 1, 'after one retry')
  t.equal((await download(app, row.thumbnail_url)).status, 200, 'the preview is there')
})
