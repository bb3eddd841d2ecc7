// `npm run bench` (fourth), or `node bench/llm.ts [--samples N]`: what the LLM pipeline adds on
// top of the rules, apart from the model's own thinking time. Each LLM provider runs through its
// real SDK against the local fake server (test/llm-fake.ts, answering at once), so the figures
// are: the heuristic rules + prompt rendering + HTTP + SDK + JSON parse + Ajv validation +
// merge and report. Baseline: the heuristic provider alone, measured in the same run,
// interleaved. Also the retry path (an invalid answer, then a valid one).
import os from 'node:os'
import { readFileSync } from 'node:fs'
import type { FastifyBaseLogger } from 'fastify'
import type { AnalysisProvider } from '../plugins/ai/index.ts'
import { ProviderRegistry } from '../kernel/providers.ts'
import { AnthropicCompleter } from '../plugins/ai-anthropic/completer.ts'
import { HeuristicProvider } from '../plugins/ai-heuristic/provider.ts'
import { LlmAnalysisProvider } from '../plugins/ai-llm/provider.ts'
import { OpenAiCompleter } from '../plugins/ai-openai/completer.ts'
import { BUILTIN_PROMPTS, PromptStore } from '../plugins/prompts/store.ts'
import { startFakeLlm } from '../test/llm-fake.ts'
import { formatTable } from './lib.ts'

const argSamples = process.argv.indexOf('--samples')
const SAMPLES = argSamples > 0 ? Number(process.argv[argSamples + 1]) : 60
const resume = JSON.parse(readFileSync(new URL('../samples/analysis/strong.resume.json', import.meta.url), 'utf8'))
const ctx = () => ({ signal: new AbortController().signal, onProgress: async () => {} })
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)]! }
const p90 = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(0.9 * (s.length - 1))]! }

const fake = await startFakeLlm()
try {
  const ai = new ProviderRegistry<AnalysisProvider>('analysis provider', 'AI_PROVIDER', 'heuristic')
  ai.register(new HeuristicProvider())
  const deps = { ai, prompts: new PromptStore(BUILTIN_PROMPTS, null, {}), settings: { model: 'bench-model', timeoutMs: 30_000 }, log: { warn () {} } as unknown as FastifyBaseLogger }
  const openai = new LlmAnalysisProvider(new OpenAiCompleter({ apiKey: 'sk-bench', baseUrl: `${fake.url}/v1`, responseFormat: 'json_schema' }), deps)
  const anthropic = new LlmAnalysisProvider(new AnthropicCompleter('sk-bench', fake.url), deps)
  const cases: Array<{ name: string, provider: AnalysisProvider, before?: () => void }> = [
    { name: 'heuristic (baseline)', provider: ai.get('heuristic')! },
    { name: 'openai via SDK, valid answer', provider: openai },
    { name: 'anthropic via SDK, valid answer', provider: anthropic },
    { name: 'openai, invalid then valid (retry)', provider: openai, before: () => fake.script({ text: 'not json' }) }
  ]
  const times = new Map<string, number[]>(cases.map((c) => [c.name, []]))
  for (const c of cases) for (let i = 0; i < 5; i++) { c.before?.(); await c.provider.analyze({ type: 'resume', content: resume, title: 'warm-up' }, ctx()) }
  for (let i = 0; i < SAMPLES; i++) {
    for (const c of cases) {
      c.before?.()
      const started = performance.now()
      const out = await c.provider.analyze({ type: 'resume', content: resume, title: 'bench' }, ctx())
      times.get(c.name)!.push(performance.now() - started)
      if (c.provider !== cases[0]!.provider && out.model_used === 'heuristic-rules') throw new Error(`${c.name} fell back: ${JSON.stringify((out.metrics.llm as { fallback: unknown }).fallback)}`)
    }
  }
  const base = median(times.get(cases[0]!.name)!)
  console.log(formatTable(['analysis of strong.resume.json', 'samples', 'p50 ms', 'p90 ms', 'p50 / heuristic'],
    cases.map((c) => { const t = times.get(c.name)!; return [c.name, String(t.length), median(t).toFixed(1), p90(t).toFixed(1), `${(median(t) / base).toFixed(2)}x`] })))
  console.log(`LLM pipeline overhead over the rules (p50, openai): ${(median(times.get(cases[1]!.name)!) - base).toFixed(1)} ms; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} on ${os.availableParallelism()} cores`)
} finally {
  await fake.close()
}
