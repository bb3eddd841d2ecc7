// The default provider end to end: resume -> POST /ai/analyze -> worker -> report, on the
// real PostgreSQL queue, with the offline heuristic rules (no LLM, no key).
import { readFileSync } from 'node:fs'
import t from 'tap'
import { bearer, build, queueAnalysis, register, waitForStatus } from './helper.ts'

const fixture = (path: string) => JSON.parse(readFileSync(new URL(`../samples/${path}`, import.meta.url), 'utf8'))

t.test('heuristic analysis through the API', async (t) => {
  const app = await build(t)
  const a = await register(app)
  const jd = JSON.stringify(fixture('jsonresume/sample.job.json'))

  const analyse = async (doc: object, type: 'resume' | 'portfolio', withJd: boolean) => {
    const created = type === 'resume'
      ? await app.inject({ method: 'POST', url: '/resumes/import', headers: bearer(a.access), payload: doc })
      : await app.inject({ method: 'POST', url: '/portfolios', headers: bearer(a.access), payload: { title: 'P', template_id: 'modern', content: doc } })
    t.equal(created.statusCode, 201, created.body)
    const id = await queueAnalysis(app, a.access, { target_id: created.json().data.id, type, ...(withJd ? { job_description: jd } : {}) })
    await waitForStatus(app, `/ai/analyze/${id}/status`, a.access)
    return (await app.inject({ url: `/ai/reports/${id}`, headers: bearer(a.access) })).json().data
  }

  const strong = await analyse(fixture('analysis/strong.resume.json'), 'resume', true)
  // The unit fixture keeps a "Summer 2017" date for the ATS rules; the API refuses it as JSON Resume.
  const weakDoc = fixture('analysis/weak.resume.json')
  weakDoc.work[1].startDate = '2017'
  const weak = await analyse(weakDoc, 'resume', true)
  for (const report of [strong, weak]) {
    t.match(report, { status: 'completed', progress: 100, provider: 'heuristic', model_used: 'heuristic-rules', prompt_id: 'heuristic-rules', prompt_version: String })
    t.match(report.metrics, { ats_score: Number, impact_score: Number, brevity_score: Number, grammar_score: Number, keyword_match: Number })
    t.match(report.detailed_report, /^#/m, 'a Markdown report')
  }
  t.ok(strong.overall_score >= weak.overall_score + 20, `strong ${strong.overall_score} clearly above weak ${weak.overall_score}`)
  t.ok(weak.improvements.some((s: string) => /education/i.test(s)), 'the missing Education section is an improvement')
  t.ok(weak.improvements.some((s: string) => /responsible for/i.test(s)), 'a weak phrase is quoted')

  const portfolio = await analyse(fixture('analysis/portfolio.weak.json'), 'portfolio', false)
  t.match(portfolio, { status: 'completed', provider: 'heuristic' })
  t.match(portfolio.metrics, { star_score: Number, tag_relevance_score: Number, completeness_score: Number })
})
