// The prompt engineer's CLI: `prompts eval` runs two versions side by side over the fixtures
// through the real provider (OpenAI SDK -> local fake), `prompts diff` shows the text diff.
import t from 'tap'
import { testEnv } from './helper.ts'
import { startFakeLlm } from './llm-fake.ts'
import { runCli } from './process.ts'

t.test('prompts eval and prompts diff', async (t) => {
  const fake = await startFakeLlm()
  t.teardown(() => fake.close())
  const env = await testEnv(t, { OPENAI_BASE_URL: `${fake.url}/v1`, OPENAI_API_KEY: 'sk-test', AI_MODEL: 'gpt-eval' })

  // The first fixture's v1 answer is invalid twice: its row shows the fallback.
  fake.script({ text: 'Here you go: not json' }, { text: 'still not json' })
  const res = await runCli(['prompts', 'eval', 'resume-analysis', '--version', '2', '--against', 'v1', '--provider', 'openai'], env)
  t.equal(res.code, 0, res.stderr)
  const out = res.stdout
  t.comment(out)
  t.match(out, /^prompts eval resume-analysis: v1 \(baseline\) vs v2, provider openai, model gpt-eval-2026-01-01, 4 resume fixtures/)
  t.match(out, /fixture\s+rules\s+v1 score\s+claim\s+Δ\s+valid\s+ms\s+flags\s+v2 score\s+claim\s+Δ\s+valid\s+ms\s+flags/)
  for (const f of ['analysis/weak.resume.json', 'full.resume.json', 'jsonresume/sample.resume.json +job']) t.match(out, f)
  t.match(out, /analysis\/strong\.resume\.json\s+\d+\s+\d+\s+-\s+-\s+fallback\s+\d+\s+-\s+\d+\s+\d+\s+[\d.]+\s+first/)
  t.equal(fake.requests.length, 9, 'four fixtures, two versions, one answer each, plus the one retry')
  t.equal(fake.requests.filter((r) => r.user.includes('<rule_scores>')).length, 4, 'only v2 shows the model the rule scores')
  const row = (label: string) => out.split('\n').find((l) => l.startsWith(label))!.slice(label.length).trim().split(/\s{2,}/)
  t.same(row('schema-valid, first answer'), ['3/4 75%', '4/4 100%'])
  t.same(row('schema-valid after one retry'), ['3/4 75%', '4/4 100%'])
  const [a1, a2] = row('agreement with rules (claims within ±15)').map((s) => Number(/(\d+)%/.exec(s)![1]))
  t.ok(a2! > a1!, `v2 agrees with the rules more than v1 (${a2}% > ${a1}%)`)
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
