// Open event streams are capped per user and per analysis, over real HTTP: each one holds a
// subscription, timers and a database poll, so a client opening them in a loop must get 429s
// rather than exhaust the process. ROLE=api: no worker runs, so the analyses stay queued and
// their streams stay open for as long as the test holds them.
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { bearer, build, created, queueAnalysis, rand, register, waitFor, type Account } from '../../test/helper.ts'
import { STREAM_LIMITS } from './routes.ts'

async function analysis (app: FastifyInstance, acct: Account): Promise<string> {
  const resume = await created(app, acct.access, '/resumes', { title: 'CV ' + rand(2), template_id: 'classic', content: { basics: { name: 'Ada Lovelace', summary: 'Engineer' } } })
  return queueAnalysis(app, acct.access, { target_id: resume.id, type: 'resume' })
}

t.test('at most 3 open streams per analysis and 10 per user; a closed stream frees its slot', async (t) => {
  const app = await build(t, { ROLE: 'api' })
  const base = await app.listen({ port: 0, host: '127.0.0.1' })
  const alice = await register(app)
  const bob = await register(app)
  const held: AbortController[] = []
  t.teardown(() => { for (const c of held) c.abort() })
  const open = async (acct: Account, job: string) => {
    const c = new AbortController()
    const res = await fetch(`${base}/ai/analyze/${job}/events`, { headers: bearer(acct.access), signal: c.signal })
    if (res.status === 200) held.push(c)
    return { res, close: () => c.abort() }
  }

  const jobs = [] as string[]
  for (let i = 0; i < 4; i++) jobs.push(await analysis(app, alice))
  const first = [] as Awaited<ReturnType<typeof open>>[]
  for (let i = 0; i < STREAM_LIMITS.perJob; i++) first.push(await open(alice, jobs[0]!))
  t.same(first.map((s) => s.res.status), [200, 200, 200])

  const over = await open(alice, jobs[0]!)
  t.equal(over.res.status, 429, 'a 4th stream on the same analysis')
  t.equal(over.res.headers.get('retry-after'), '5')
  const body = await over.res.json() as { error: { code: string, details: unknown } }
  t.equal(body.error.code, 'ANALYSIS_TOO_MANY_STREAMS')
  t.same(body.error.details, { limit: 3, per: 'analysis' })

  // The slot comes back once the server sees the client go.
  first[0]!.close()
  const again = await waitFor('the slot to come back', async () => { const { status } = (await open(alice, jobs[0]!)).res; return status === 200 && status }, { timeoutMs: 2500 })
  t.equal(again, 200, 'a closed stream frees its slot')

  // 3 + 3 + 3 + 1 = 10 for alice; the 11th is refused whatever the analysis.
  for (const job of [jobs[1]!, jobs[1]!, jobs[1]!, jobs[2]!, jobs[2]!, jobs[2]!, jobs[3]!]) t.equal((await open(alice, job)).res.status, 200)
  const eleventh = await open(alice, jobs[3]!)
  t.equal(eleventh.res.status, 429, 'an 11th stream for the user')
  t.same(((await eleventh.res.json()) as { error: { details: unknown } }).error.details, { limit: 10, per: 'user' })

  // Another user is not affected, and still cannot see alice's analysis.
  const bobs = await analysis(app, bob)
  t.equal((await open(bob, bobs)).res.status, 200)
  t.equal((await open(bob, jobs[3]!)).res.status, 404)
})
