// The S3 server unreachable (the tests' own s3rver, stopped): presigning still answers (it is
// computed here), what must read or write the storage answers 503 STORAGE_UNAVAILABLE, an
// export retries and then fails with a readable reason, and nothing answers 500.
import type { InjectOptions } from 'fastify'
import t from 'tap'
import { bearer, build, register, sleep } from '../helper.ts'
import { startS3 } from '../s3.ts'

t.test('S3 unreachable: presign works, storage calls 503, an export fails readably, no 500', { timeout: 180_000 }, async (t) => {
  const s3 = await startS3(t)
  const app = await build(t, { ...s3.env, THUMBNAILS: 'false' })
  const user = await register(app)
  const resume = await app.inject({ method: 'POST', url: '/resumes', headers: bearer(user.access), payload: { title: 'CV', template_id: 'classic', content: { basics: { name: 'Ada' } } } })
  t.equal(resume.statusCode, 201)
  const statuses: number[] = []
  const inject = async (opts: InjectOptions) => { const res = await app.inject(opts); statuses.push(res.statusCode); return res }

  await s3.stop()

  const presign = await inject({ method: 'POST', url: '/uploads/presigned-url', headers: bearer(user.access), payload: { purpose: 'avatar', content_type: 'image/png', size: 100 } })
  t.equal(presign.statusCode, 200, 'presigning needs no round trip to S3')
  const avatar = await inject({ method: 'PUT', url: '/auth/me', headers: bearer(user.access), payload: { avatar_url: presign.json().data.public_url } })
  t.equal(avatar.statusCode, 503, 'checking the upload needs S3: 503')
  t.equal(avatar.json().error.code, 'STORAGE_UNAVAILABLE')

  const queued = await inject({ method: 'POST', url: `/resumes/${resume.json().data.id}/export`, headers: bearer(user.access), payload: { format: 'pdf' } })
  t.equal(queued.statusCode, 202)
  let row
  const seen = new Set<string>()
  for (let end = Date.now() + 120_000; Date.now() < end; await sleep(200)) {
    row = (await inject({ method: 'GET', url: `/exports/${queued.json().data.export_id}`, headers: bearer(user.access) })).json().data
    if (row?.error) seen.add(row.error)
    if (row?.status === 'completed' || row?.status === 'failed') break
  }
  t.match(row, { status: 'failed', error: 'The file storage is unavailable', attempts: 4 }, 'retried, then failed with a reason the user can read')
  t.ok(seen.has('The file storage is unavailable'), 'the reason was on the row while it retried')
  t.notOk(statuses.includes(500), `no 500 (saw ${[...new Set(statuses)].join(', ')})`)
})
