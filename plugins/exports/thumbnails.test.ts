// Previews: rendered by real Chromium after a resume or portfolio changes, debounced (at most
// one waiting and one running job per target), stored publicly, old images removed.
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { QUEUE_SCHEMA } from '../../kernel/queue.ts'
import { decodePng, download } from '../../test/exports.ts'
import { bearer, build, register, type Account } from '../../test/helper.ts'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function waitFor (app: FastifyInstance, a: Account, url: string, until: (row: Record<string, any>) => boolean): Promise<Record<string, any>> {
  for (let i = 0; i < 300; i++) {
    const row = (await app.inject({ method: 'GET', url, headers: bearer(a.access) })).json().data
    if (until(row)) return row
    await sleep(100)
  }
  throw new Error(`${url}: condition not met in 30 s`)
}

const jobsFor = async (app: FastifyInstance, key: string) => (await app.db.fork().execute<{ state: string }[]>(
  `select state from ${QUEUE_SCHEMA}.job where name = 'exports.thumbnail' and singleton_key = ?`, [key])).map((r) => r.state)

t.test('a resume gets a PNG preview after it is created and after each burst of edits', async (t) => {
  const app = await build(t, { THUMBNAILS: 'true' })
  const a = await register(app)
  const created = await app.inject({ method: 'POST', url: '/resumes', headers: bearer(a.access), payload: { title: 'CV', template_id: 'modern' } })
  const id = created.json().data.id
  t.equal(created.json().data.thumbnail_url, null, 'none yet')
  const first = await waitFor(app, a, `/resumes/${id}`, (r) => r.thumbnail_url !== null)
  t.match(first.thumbnail_url, /\/storage\/files\/thumbnails\/resumes\/[0-9a-f-]{36}\/[0-9a-f]{20}\.png$/)
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
  const second = await waitFor(app, a, `/resumes/${id}`, (r) => r.thumbnail_url !== first.thumbnail_url)
  t.not(second.thumbnail_url, first.thumbnail_url, 'a new image under a new URL')
  // The job points the row at the new image first, then deletes the old one (a client never
  // sees a URL to nothing): the old one is gone moments after the new URL appears.
  let old = 200
  for (let i = 0; i < 100 && old === 200; i++) {
    old = (await download(app, first.thumbnail_url)).status
    if (old === 200) await sleep(50)
  }
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
  const row = await waitFor(app, a, `/portfolios/${id}`, (r) => r.thumbnail_url !== null)
  t.match(decodePng((await download(app, row.thumbnail_url)).body), { width: 318, height: 449 })

  const gone = await app.inject({ method: 'POST', url: '/resumes', headers: bearer(a.access), payload: { title: 'Gone', template_id: 'classic' } })
  await app.inject({ method: 'DELETE', url: `/resumes/${gone.json().data.id}`, headers: bearer(a.access) })
  for (let i = 0; i < 100; i++) {
    const states = await jobsFor(app, `resume:${gone.json().data.id}`)
    if (states.length > 0 && states.every((s) => s === 'completed')) break
    await sleep(100)
  }
  t.same(await jobsFor(app, `resume:${gone.json().data.id}`), ['completed'], 'the job ends quietly, no retry')
  const [{ n }] = await app.db.fork().execute<{ n: number }[]>('select count(*)::int as n from resumes where id = ? and thumbnail_url is not null', [gone.json().data.id]) as [{ n: number }]
  t.equal(n, 0, 'no preview written for a deleted resume')
})
