// Prompt files: loading and checks, CVGEN_PROMPTS_DIR overrides and additions, version pinning
// (AI_PROMPT_VERSIONS) reaching the model, and GET /ai/prompts for admins only.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { bearer, build, register, tempDir } from '../../test/helper.ts'
import { startFakeLlm } from '../../test/llm-fake.ts'
import { BUILTIN_PROMPTS, parsePrompt, PromptStore } from './store.ts'

const shipped = (id: string, v: number) => readFileSync(join(BUILTIN_PROMPTS, id, `v${v}.md`), 'utf8')
const weak = JSON.parse(readFileSync(new URL('../../samples/analysis/weak.resume.json', import.meta.url), 'utf8'))

/** An operator folder: resume-analysis v2 replaced (with a marker), v3 added, and a new prompt id. */
function operatorDir (t: Parameters<typeof tempDir>[0]): string {
  const dir = tempDir(t)
  mkdirSync(join(dir, 'resume-analysis'))
  writeFileSync(join(dir, 'resume-analysis', 'v2.md'), shipped('resume-analysis', 2).replace('Review this resume.', 'Review this resume. OVERRIDE-MARKER'))
  writeFileSync(join(dir, 'resume-analysis', 'v3.md'), shipped('resume-analysis', 2).replace('version: 2', 'version: 3').replace('Review this resume.', 'Review this resume. V3-MARKER'))
  mkdirSync(join(dir, 'cover-letter'))
  writeFileSync(join(dir, 'cover-letter', 'v1.md'), shipped('resume-analysis', 1).replace('id: resume-analysis', 'id: cover-letter'))
  writeFileSync(join(dir, 'README.txt'), 'not a prompt')
  return dir
}

t.test('the shipped prompts load, with the highest version active', async (t) => {
  const store = new PromptStore(BUILTIN_PROMPTS, null, {})
  t.same(store.ids(), ['portfolio-analysis', 'resume-analysis'])
  t.same(store.versions('resume-analysis'), [1, 2])
  t.equal(store.activeVersion('resume-analysis'), 2)
  const p = store.require('resume-analysis')
  t.match(p, { id: 'resume-analysis', version: 2, target: 'resume', output_schema: 'resume-judgement', temperature: 0.2, source: 'builtin', file: 'prompts/resume-analysis/v2.md' })
  const { system, user } = p.render({ title: 'T', document: '{"a":1}', job_description: 'Node job', rule_scores: '{}', rule_findings: ['fix x'], score_keys: 'a', schema: '{"type":"object"}' })
  t.match(system, /^You are an experienced technical recruiter/)
  t.match(user, /<document>\n\{"a":1\}\n<\/document>/)
  t.match(user, /<job_description>\nNode job\n<\/job_description>/)
  t.match(user, /- fix x/)
  t.notMatch(p.render({ title: 'T', document: '{}', job_description: null, rule_scores: '{}', rule_findings: [], score_keys: 'a', schema: '{}' }).user, /job_description>/, 'no job block without a job')
  t.throws(() => p.render({ title: 'T' }), /not defined/, 'a missing variable is an error, not an empty hole')
  t.equal(store.get('resume-analysis', 9), null)
  t.throws(() => store.require('nope'), /no prompt nope \(have: portfolio-analysis v1, resume-analysis v1\/v2\)/)
})

t.test('CVGEN_PROMPTS_DIR replaces and adds versions; AI_PROMPT_VERSIONS pins one', async (t) => {
  const dir = operatorDir(t)
  const store = new PromptStore(BUILTIN_PROMPTS, dir, {})
  t.same(store.versions('resume-analysis'), [1, 2, 3])
  t.equal(store.activeVersion('resume-analysis'), 3)
  t.equal(store.get('resume-analysis', 2)!.source, 'override')
  t.match(store.get('resume-analysis', 2)!.text, /OVERRIDE-MARKER/)
  t.equal(store.get('resume-analysis', 3)!.source, 'operator')
  t.equal(store.get('resume-analysis', 1)!.source, 'builtin')
  t.same(store.ids(), ['cover-letter', 'portfolio-analysis', 'resume-analysis'])

  const pinned = new PromptStore(BUILTIN_PROMPTS, dir, { 'resume-analysis': 1 })
  t.equal(pinned.activeVersion('resume-analysis'), 1)
  t.equal(pinned.require('resume-analysis').version, 1)
  t.equal(pinned.activeVersion('portfolio-analysis'), 1)
  t.throws(() => new PromptStore(BUILTIN_PROMPTS, null, { 'resume-analysis': 7 }), /AI_PROMPT_VERSIONS pins resume-analysis to v7, which does not exist \(have: v1, v2\)/)
  t.throws(() => new PromptStore(BUILTIN_PROMPTS, join(dir, 'missing'), {}), /CVGEN_PROMPTS_DIR .* does not exist/)
})

t.test('broken prompt files stop the start with their path', async (t) => {
  const good = shipped('resume-analysis', 1)
  const cases: Array<[string, string, RegExp]> = [
    ['no front matter', '# System\nx\n# User\ny', /must start with YAML front matter/],
    ['bad yaml', good.replace('temperature: 0.2', 'temperature: [0.2'), /front matter is not YAML/],
    ['missing field', good.replace(/^target: .*\n/m, ''), /must have required property 'target'/],
    ['bad temperature', good.replace('temperature: 0.2', 'temperature: 7'), /\/temperature must be <= 2/],
    ['unknown field', good.replace('target: resume', 'target: resume\nmodel: x'), /must NOT have additional properties/],
    ['no user section', good.replace('# User', '## User'), /needs a "# System" section, then a "# User" section/],
    ['bad template', good.replace('{{document}}', '{{#if document}}'), /template does not compile/],
    ['unknown helper', good.replace('{{document}}', '{{lookup document "x"}}{{shout document}}'), /template does not compile/]
  ]
  for (const [name, text, message] of cases) t.throws(() => parsePrompt(text, 'x/v1.md', 'builtin'), message, name)

  const dir = tempDir(t)
  mkdirSync(join(dir, 'resume-analysis'))
  writeFileSync(join(dir, 'resume-analysis', 'v4.md'), good)
  t.throws(() => new PromptStore(BUILTIN_PROMPTS, dir, {}), /resume-analysis\/v4.md: front matter version 1 does not match its file name/)
  writeFileSync(join(dir, 'resume-analysis', 'v4.md'), good.replace('version: 1', 'version: 4').replace('id: resume-analysis', 'id: other'))
  t.throws(() => new PromptStore(BUILTIN_PROMPTS, dir, {}), /id "other" does not match its folder "resume-analysis"/)
})

t.test('through the app: the override and the pin reach the model; results record the version', async (t) => {
  const fake = await startFakeLlm()
  t.teardown(() => fake.close())
  const env = { AI_PROVIDER: 'openai', OPENAI_BASE_URL: `${fake.url}/v1`, OPENAI_API_KEY: 'sk-test', CVGEN_PROMPTS_DIR: operatorDir(t) }
  const run = async (extra: Record<string, string>) => {
    const app = await build(t, { ...env, ...extra })
    fake.reset()
    const out = await app.ai.current().analyze({ type: 'resume', content: weak, title: 'CV' }, { signal: new AbortController().signal, onProgress: async () => {} })
    return { app, out, user: fake.requests[0]!.user }
  }
  const latest = await run({})
  t.equal(latest.out.prompt_version, '3', 'the operator\'s v3 is the highest')
  t.match(latest.user, /V3-MARKER/)
  const override = await run({ AI_PROMPT_VERSIONS: 'resume-analysis=2' })
  t.equal(override.out.prompt_version, '2')
  t.match(override.user, /OVERRIDE-MARKER/, 'the operator\'s file replaced the shipped v2')
  // A local server without structured output: the schema travels in the prompt only.
  const v1 = await run({ AI_PROMPT_VERSIONS: 'resume-analysis=v1', OPENAI_RESPONSE_FORMAT: 'none' })
  t.equal(v1.out.prompt_version, '1')
  t.notMatch(v1.user, /<rule_scores>/, 'v1 does not show the model the rule scores')
  t.equal(fake.requests[0]!.body.response_format, undefined)
  t.match(v1.user, /JSON Schema of the answer:\n\n\{"type":"object","additionalProperties":false/)
  t.match(fake.requests[0]!.body, { max_tokens: 2500, temperature: 0.2 }, 'the prompt\'s settings, as max_tokens for a compatible server')
  t.equal(latest.out.model_used.startsWith('gpt-4.1-mini'), true, 'AI_MODEL unset: the provider\'s default model')
  // The eval CLI pins a version per call.
  fake.reset()
  const pinned = await v1.app.ai.current().analyze({ type: 'resume', content: weak, title: 'CV', promptVersion: 3 }, { signal: new AbortController().signal, onProgress: async () => {} })
  t.equal(pinned.prompt_version, '3')
  t.match(fake.requests[0]!.user, /V3-MARKER/)

  t.test('GET /ai/prompts: admins only', async (t) => {
    const app = latest.app
    t.equal((await app.inject({ url: '/ai/prompts' })).statusCode, 401)
    const user = await register(app)
    const denied = await app.inject({ url: '/ai/prompts', headers: bearer(user.access) })
    t.equal(denied.statusCode, 403)
    t.equal(denied.json().error.code, 'AUTH_ADMIN_REQUIRED')
    await app.auth.setAdmin(user.email, true)
    const res = await app.inject({ url: '/ai/prompts', headers: bearer(user.access) })
    t.equal(res.statusCode, 200)
    const resume = res.json().data.find((p: { id: string }) => p.id === 'resume-analysis')
    t.match(resume, { id: 'resume-analysis', active_version: 3, pinned: false })
    t.same(resume.versions.map((v: any) => [v.version, v.source, v.active]), [[1, 'builtin', false], [2, 'override', false], [3, 'operator', true]])
    t.match(resume.versions[0], { description: String, target: 'resume', output_schema: 'resume-judgement', temperature: 0.2, max_tokens: 2500, file: 'prompts/resume-analysis/v1.md' })
    t.notOk('text' in resume.versions[0], 'the prompt text is not sent')
    const pinnedList = await override.app.inject({ url: '/ai/prompts', headers: bearer((await register(override.app)).access) })
    t.equal(pinnedList.statusCode, 403)
  })
})
