// Every timestamp the API hands out is RFC 3339 (`format: date-time`), whether it came
// through the ORM or a raw query: PostgreSQL's own text form ("2026-11-25 18:04:43+00")
// is not, and Safari's Date cannot parse it.
import t from 'tap'
import { rfc3339 } from '../kernel/db.ts'
import { bearer, build, register } from './helper.ts'

const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$/

t.test('rfc3339', async (t) => {
  t.equal(rfc3339('2026-11-25 18:04:43.442+00'), '2026-11-25T18:04:43.442+00:00')
  t.equal(rfc3339('2026-11-25 18:04:43.123456-07'), '2026-11-25T18:04:43.123456-07:00', 'microseconds kept')
  t.equal(rfc3339('2026-11-25 18:04:43+05:30'), '2026-11-25T18:04:43+05:30')
  t.equal(rfc3339('infinity'), 'infinity', 'no RFC 3339 form: unchanged')
  t.equal(new Date(rfc3339('2026-11-25 18:04:43.442+00')).getTime(), Date.UTC(2026, 10, 25, 18, 4, 43, 442))
})

t.test('timestamps over the API', async (t) => {
  const app = await build(t)
  const ada = await register(app)
  const resume = await app.inject({ method: 'POST', url: '/resumes', headers: bearer(ada.access), payload: { title: 'CV', template_id: 'classic' } })
  t.equal(resume.statusCode, 201)
  const { data } = resume.json()
  t.match(data.created_at, RFC3339, 'resume created_at')
  t.match(data.updated_at, RFC3339, 'resume updated_at')
  const list = await app.inject({ url: '/resumes', headers: bearer(ada.access) })
  t.match(list.json().data[0].created_at, RFC3339, 'listed resume')
  const folio = await app.inject({ method: 'POST', url: '/portfolios', headers: bearer(ada.access), payload: { title: 'P', template_id: 'modern' } })
  t.match(folio.json().data.created_at, RFC3339, 'portfolio created_at')
  const queued = await app.inject({ method: 'POST', url: '/ai/analyze', headers: bearer(ada.access), payload: { type: 'resume', target_id: data.id } })
  t.equal(queued.statusCode, 202)
  const history = await app.inject({ url: '/ai/history', headers: bearer(ada.access) })
  t.match(history.json().data[0].created_at, RFC3339, 'analysis (a raw query)')
  const me = await app.inject({ url: '/auth/me', headers: bearer(ada.access) })
  t.match(me.json().data.created_at, RFC3339, 'account')
})
