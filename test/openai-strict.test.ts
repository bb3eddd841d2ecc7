// The fake's copy of OpenAI's strict-mode schema rules (openai-strict.ts): the guide's own examples
// pass, each broken rule is caught, the analysis schemas we send are strict-valid, and the fake
// answers a broken strict schema as the vendor does (HTTP 400, invalid_request_error) through
// the real OpenAI SDK, while the same schema without strict: true is answered.
import { readFileSync } from 'node:fs'
import OpenAI from 'openai'
import t from 'tap'
import { OUTPUT_SCHEMAS } from '../plugins/ai-llm/schemas.ts'
import { startFakeLlm } from './llm-fake.ts'
import { strictProblems } from './openai-strict.ts'

const object = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ type: 'object', properties, required: Object.keys(properties), additionalProperties: false, ...extra })

t.test('the guide\'s examples pass', async (t) => {
  // "Supported schemas": a nullable enum, $defs with $ref, root recursion, anyOf of objects.
  t.same(strictProblems(object({ location: { type: 'string' }, unit: { type: ['string', 'null'], enum: ['F', 'C'] }, value: { type: 'number', minimum: -130, maximum: 130 } })), [])
  t.same(strictProblems(object({ steps: { type: 'array', items: { $ref: '#/$defs/step' } }, final_answer: { type: 'string' } }, { $defs: { step: object({ explanation: { type: 'string' }, output: { type: 'string' } }) } })), [])
  t.same(strictProblems(object({ type: { type: 'string', enum: ['div', 'button'] }, children: { type: 'array', items: { $ref: '#' } } })), [])
  t.same(strictProblems(object({ item: { anyOf: [object({ name: { type: 'string' } }), object({ number: { type: 'string' } })] } })), [])
  t.same(strictProblems(object({ email: { type: 'string', format: 'email' }, username: { type: 'string', pattern: '^@[a-zA-Z0-9_]+$' } })), [])
})

t.test('each broken rule is caught', async (t) => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['root anyOf', { anyOf: [object({ a: { type: 'string' } })] }, /root schema must be an object/],
    ['root array', { type: 'array', items: { type: 'string' } }, /root schema must be an object/],
    ['open object', { ...object({ a: { type: 'string' } }), additionalProperties: true }, /^In context=\(\), 'additionalProperties' is required to be supplied and to be false/],
    ['nested open object', object({ b: { type: 'object', properties: {}, required: [] } }), /^In context=\('properties', 'b'\), 'additionalProperties'/],
    ['optional property', { ...object({ a: { type: 'string' }, b: { type: 'string' } }), required: ['a'] }, /Missing 'b'/],
    ['required names no property', { ...object({ a: { type: 'string' } }), required: ['a', 'z'] }, /Extra required key 'z'/],
    ['allOf', object({ a: { allOf: [{ type: 'string' }] } }), /'allOf' is not permitted/],
    ['default', object({ a: { type: 'string', default: 'x' } }), /'default' is not permitted/],
    ['format uri', object({ a: { type: 'string', format: 'uri' } }), /format 'uri' is not supported/],
    ['external $ref', object({ a: { $ref: 'https://example.com/s.json' } }), /reference 'https:\/\/example.com\/s.json' must be/],
    ['definitions (not $defs)', object({ a: { $ref: '#/definitions/d' } }, { definitions: { d: { type: 'string' } } }), /'definitions' is not permitted/],
    ['array without items', object({ a: { type: 'array' } }), /array schema missing items/],
    ['no type', object({ a: { description: 'anything' } }), /must have a 'type' key/],
    ['tuple keyword', object({ a: { type: 'array', items: { type: 'string' }, additionalItems: false } }), /'additionalItems' is not permitted/]
  ]
  for (const [name, schema, problem] of cases) t.match(strictProblems(schema).join('\n'), problem, name)

  let deep: Record<string, unknown> = object({ leaf: { type: 'string' } })
  for (let i = 0; i < 10; i++) deep = object({ next: deep })
  t.match(strictProblems(deep), ['11 levels of nesting exceeds limit of 10.'])
  const wide = object(Object.fromEntries(Array.from({ length: 5001 }, (_, i) => [`p${i}`, { type: 'string' }])))
  t.match(strictProblems(wide), ['5001 object properties exceeds limit of 5000.'])
})

t.test('the analysis schemas we send in strict mode are strict-valid', async (t) => {
  for (const [name, { schema }] of Object.entries(OUTPUT_SCHEMAS)) t.same(strictProblems(schema), [], name)
})

t.test('the fake refuses a broken strict schema as OpenAI does, through the real SDK', async (t) => {
  const fake = await startFakeLlm()
  t.teardown(() => fake.close())
  const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${fake.url}/v1`, maxRetries: 0 })
  const jsonResume = JSON.parse(readFileSync(new URL('../plugins/resumes/json-resume.schema.json', import.meta.url), 'utf8'))
  const ask = (strict: boolean) => client.chat.completions.create({
    model: 'gpt-test',
    messages: [{ role: 'user', content: 'hi' }],
    response_format: { type: 'json_schema', json_schema: { name: 'json_resume', schema: jsonResume, strict } }
  })
  fake.script({ answer: { basics: { name: 'A' } } })
  const err = await ask(true).then(() => null, (e: unknown) => e) as InstanceType<typeof OpenAI.BadRequestError>
  t.type(err, OpenAI.BadRequestError)
  t.equal(err.status, 400)
  t.match(err.error, { message: /^Invalid schema for response_format 'json_resume': In context=\(\), '\$schema' is not permitted\.$/, type: 'invalid_request_error', param: 'response_format', code: 'invalid_json_schema' })
  const answered = await ask(false)
  t.same(JSON.parse(answered.choices[0]!.message.content!), { basics: { name: 'A' } }, 'without strict the schema is not checked, and the scripted answer was not used up by the refusal')
  t.equal(fake.requests.length, 2)
})
