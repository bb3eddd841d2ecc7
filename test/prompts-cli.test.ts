// The prompt engineer's CLI: `prompts eval` runs two versions side by side over the fixtures
// through the real provider (OpenAI SDK -> local fake), `prompts diff` shows the text diff.
import t from 'tap'
import { testEnv } from './helper.ts'
import { plausibleAnswer, schemaOf, startFakeLlm, type FakeRequest, type Step } from './llm-fake.ts'
import { runCli } from './process.ts'

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
const pct = (n: number, d: number) => `${n}/${d} ${Math.round(100 * n / d)}%`

/** The <rule_scores> a v2 request shows the model (overall_score first); null in a v1 request. */
function ruleScores (req: FakeRequest): Record<string, number> | null {
  const m = /<rule_scores>(.*?)<\/rule_scores>/s.exec(req.user)
  return m ? JSON.parse(m[1]!) : null
}

/** A valid answer claiming claim(rule score or undefined, i) for overall_score (i = 0), then each sub-score. */
function claiming (claim: (rule: number | undefined, i: number) => number): Step {
  return {
    answer: (req: FakeRequest) => {
      const rules = ruleScores(req)
      const keys = ['overall_score', ...Object.keys(schemaOf(req.body).properties.scores.properties)]
      const [overall, ...scores] = keys.map((k, i) => claim(rules?.[k], i))
      return plausibleAnswer(req, { overall_score: overall, scores: Object.fromEntries(keys.slice(1).map((k, i) => [k, scores[i]])) })
    }
  }
}

t.test('prompts eval and prompts diff', async (t) => {
  const fake = await startFakeLlm()
  t.teardown(() => fake.close())
  const env = await testEnv(t, { OPENAI_BASE_URL: `${fake.url}/v1`, OPENAI_API_KEY: 'sk-test', AI_MODEL: 'gpt-eval' })

  // The claims are scripted, so what the eval computes from them is known in advance. v1 sees no
  // rule scores and claims 70 for everything. v2 sees them and claims set distances from them:
  // OFFSETS[0] on the 1st and 3rd fixtures, OFFSETS[1] on the 2nd and 4th (toward 50, so in 0-100).
  const OFFSETS = [[20, 0, 15, 16, 9], [25, 1, 2, 3, 4]] // overall_score, then each sub-score
  const DELTA = ['12.0', '7.0'] // their means
  const WITHIN = [3, 4] // how many are within ±15 (16 is not)
  const away = (rule: number, off: number) => rule >= 50 ? rule - off : rule + off
  const v1 = claiming(() => 70)
  const v2 = (n: number) => claiming((rule, i) => away(rule!, OFFSETS[n % 2]![i]!))
  // Fixtures in order: analysis/strong, analysis/weak, full, jsonresume/sample; v1, then v2, on each.
  // On strong, v1 is invalid twice (a fallback to the rules); v2 is invalid once, then valid (a retry).
  fake.script({ text: 'Here you go: not json' }, { text: 'still not json' }, { answer: { overall_score: 'high' } }, v2(0), v1, v2(1), v1, v2(2), v1, v2(3))
  const res = await runCli(['prompts', 'eval', 'resume-analysis', '--version', '2', '--against', 'v1', '--provider', 'openai'], env)
  t.equal(res.code, 0, res.stderr)
  const out = res.stdout
  t.comment(out)
  t.match(out, /^prompts eval resume-analysis: v1 \(baseline\) vs v2, provider openai, model gpt-eval-2026-01-01, 4 resume fixtures/)
  t.match(out, /fixture\s+rules\s+v1 score\s+claim\s+Δ\s+valid\s+ms\s+flags\s+v2 score\s+claim\s+Δ\s+valid\s+ms\s+flags/)
  t.equal(fake.requests.length, 10, 'four fixtures, two versions, one answer each, plus a retry for each version on the first')
  const v2Requests = fake.requests.filter((r) => ruleScores(r))
  t.equal(v2Requests.length, 5, 'only v2 shows the model the rule scores')

  // What the rules measured on each fixture, as the v2 prompt showed it to the model.
  const measured = new Map(v2Requests.map((r) => [/<title>(.*?)<\/title>/.exec(r.user)![1]!, ruleScores(r)!]))
  const cells = (line: string) => line.trim().split(/\s{2,}/)
  const lines = out.split('\n')
  const first = lines.findIndex((l) => l.startsWith('fixture')) + 2
  const fixtureRows = lines.slice(first, lines.indexOf('', first))
  t.same(fixtureRows.map((l) => cells(l)[0]), ['analysis/strong.resume.json', 'analysis/weak.resume.json', 'full.resume.json', 'jsonresume/sample.resume.json +job'])
  const v1Diffs: number[][] = []
  fixtureRows.forEach((line, i) => {
    const [name, rules, , claim1, delta1, valid1, , , , claim2, delta2, valid2] = cells(line)
    const r = measured.get(name!.replace(/ \+job$/, ''))!
    t.equal(Number(rules), r.overall_score, `${name}: the rules column is the rules' overall score`)
    t.same([Number(claim2), delta2, valid2], [away(r.overall_score!, OFFSETS[i % 2]![0]!), DELTA[i % 2], i === 0 ? 'retry' : 'first'],
      `${name}: v2's Δ is the mean distance of its claims from the rule metrics`)
    if (i === 0) return t.same([claim1, delta1, valid1], ['-', '-', 'fallback'], `${name}: v1 fell back to the rules, with no claim to compare`)
    const diffs = Object.values(r).map((score) => Math.abs(70 - score))
    v1Diffs.push(diffs)
    t.same([claim1, delta1, valid1], ['70', mean(diffs).toFixed(1), 'first'], `${name}: v1's Δ is the mean distance of 70 from the rule metrics`)
  })

  const row = (label: string) => cells(lines.find((l) => l.startsWith(label))!.slice(label.length))
  t.same(row('schema-valid, first answer'), ['3/4 75%', '3/4 75%'], 'each version\'s first answer on strong was invalid')
  t.same(row('schema-valid after one retry'), ['3/4 75%', '4/4 100%'], 'v2\'s retry counts as valid, v1\'s fallback does not')
  t.same(row('agreement with rules (claims within ±15)'), [pct(v1Diffs.flat().filter((d) => d <= 15).length, 15), pct(2 * (WITHIN[0]! + WITHIN[1]!), 20)],
    'claims within ±15 of the rule metrics, 15 itself included, over every compared score')
  t.same(row('mean Δ from rule metrics (points)'), [mean(v1Diffs.map(mean)).toFixed(1), '9.5'], 'the mean of the rows\' Δ')
  t.match(out, /median latency \(ms\)\s+\d+\s+\d+/)
  t.match(out, /fallback reasons:\n {2}- the model's answer failed validation twice/)

  // Mistakes are caught before the app starts.
  const heuristic = await runCli(['prompts', 'eval', 'resume-analysis'], env)
  t.equal(heuristic.code, 1)
  t.match(heuristic.stderr, /the heuristic provider uses no prompt: pass --provider openai/)
  const missing = await runCli(['prompts', 'eval', 'resume-analysis', '--against', '9', '--provider', 'openai'], env)
  t.equal(missing.code, 1)
  t.match(missing.stderr, /no prompt resume-analysis v9 \(have v1, v2\)/)
  t.equal((await runCli(['prompts', 'eval', 'resume-analysis', '--bogus', '1'], env)).code, 64)

  const diff = await runCli(['prompts', 'diff', 'resume-analysis', '1', 'v2'], env)
  t.equal(diff.code, 0, diff.stderr)
  t.match(diff.stdout, /^--- prompts\/resume-analysis\/v1.md \(builtin\)/)
  t.match(diff.stdout, /\n\+\+\+ prompts\/resume-analysis\/v2.md \(builtin\)/)
  t.match(diff.stdout, /\n-version: 1\n/)
  t.match(diff.stdout, /\n\+version: 2\n/)
  t.match(diff.stdout, /\n\+<rule_scores>\{\{rule_scores\}\}<\/rule_scores>\n/)
  const bad = await runCli(['prompts', 'diff', 'resume-analysis', '1', '5'], env)
  t.equal(bad.code, 1)
  t.match(bad.stderr, /no prompt resume-analysis v5/)
})
