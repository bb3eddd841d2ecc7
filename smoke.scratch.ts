import t from 'tap'
import { readFileSync } from 'node:fs'
import { build } from './test/helper.js'
import { startFakeLlm } from './test/llm-fake.js'
t.test('smoke', async (t) => {
  const fake = await startFakeLlm()
  t.teardown(() => fake.close())
  for (const [prov, env] of [['openai', { OPENAI_BASE_URL: fake.url + '/v1', OPENAI_API_KEY: 'k' }], ['anthropic', { ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: 'k' }]] as const) {
    const app = await build(t, { AI_PROVIDER: prov, AI_MODEL: 'm1', ...env })
    const content = JSON.parse(readFileSync('./test/fixtures/analysis/weak.resume.json', 'utf8'))
    const out = await app.ai.current().analyze({ type: 'resume', content, title: 'x' }, { signal: new AbortController().signal, onProgress: async () => {} })
    console.log(prov, out.overall_score, out.model_used, out.prompt_id, out.prompt_version, JSON.stringify((out.metrics as any).llm), JSON.stringify((out.metrics as any).sources))
    console.log(out.detailed_report.slice(0, 1500))
  }
  console.log(fake.requests[0]!.user.slice(0, 3000))
})
