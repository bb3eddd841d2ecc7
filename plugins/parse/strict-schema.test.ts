// The strict form of JSON Resume that refinement sends: OpenAI's strict mode takes it (the
// rules the fake LLM enforces, test/openai-strict.ts), and the answers it allows come back, once
// their nulls are dropped, as the same documents and valid JSON Resume.
import { Ajv } from 'ajv'
import addFormats from 'ajv-formats'
import t from 'tap'
import { strictShape } from '../../test/llm-fake.ts'
import { strictProblems } from '../../test/openai-strict.ts'
import { loadFixtures } from './corpus.ts'
import { schema, validateResume } from './result.ts'
import { dropNulls, strictSchema } from './strict-schema.ts'

const strict = strictSchema(schema as Record<string, unknown>)
const ajv = new Ajv({ strict: false, allErrors: true })
addFormats.default(ajv)
const validateStrict = ajv.compile(strict)

t.test('the raw JSON Resume schema is not strict-valid; its strict form is', async (t) => {
  t.ok(strictProblems(schema).length > 10, 'open objects, nothing required, definitions, format uri')
  t.same(strictProblems(strict), [])
  t.match(strict, { type: 'object', additionalProperties: false, required: ['$schema', 'basics', 'work'] })
  const basics = (strict.properties as any).basics.anyOf[0]
  t.match((strict.properties as any).basics.anyOf[1], { type: 'null' }, 'an optional object is a union with null')
  t.same(basics.properties.email, { description: 'e.g. thomas@gmail.com', type: ['string', 'null'], format: 'email' }, 'an optional string is a union with null; email is a strict format')
  t.same(basics.properties.url.type, ['string', 'null'])
  t.notOk('format' in basics.properties.url, 'uri is not a strict format: dropped, validateResume still checks it')
  const work = (strict.properties as any).work.anyOf[0].items
  t.match(work.properties.startDate, { type: ['string', 'null'], pattern: /^\^\(\[1-2\]/ }, 'the iso8601 $ref is inlined with its pattern')
})

t.test('answers the strict form allows come back as the same, valid JSON Resume documents', async (t) => {
  const fixtures = (await loadFixtures()).filter((f) => validateResume(f.content))
  t.ok(fixtures.length >= 3, fixtures.map((f) => f.name).join(', '))
  for (const { name, content } of fixtures) {
    const answer = strictShape(strict, content) as Record<string, unknown>
    t.ok(validateStrict(answer), `${name}: the strict answer matches the strict schema ${JSON.stringify(validateStrict.errors?.slice(0, 3))}`)
    const back = dropNulls(answer)
    t.same(back, content, `${name}: nulls dropped, it is the document again`)
    t.ok(validateResume(back), `${name}: valid JSON Resume`)
  }
  const sparse = strictShape(strict, { basics: { name: 'A' } }) as any
  t.ok(validateStrict(sparse), 'a sparse document: valid in strict form too')
  t.match(sparse, { $schema: null, basics: { name: 'A', email: null, location: null }, work: null }, 'with every absent field null')
  t.same(dropNulls(sparse), { basics: { name: 'A' } })
  t.equal(dropNulls(strictShape(strict, {})), undefined, 'an answer of nulls only is nothing')
  t.same(dropNulls({ basics: { name: 'A', location: { city: null } }, work: [{ name: null }], skills: [] }), { basics: { name: 'A' } }, 'objects and arrays left empty go too')
})

t.test('a schema feature the conversion does not know throws instead of reaching the vendor', async (t) => {
  t.throws(() => strictSchema({ type: 'object', properties: { a: { oneOf: [{ type: 'string' }] } } }), /\$\.a uses oneOf/)
  t.throws(() => strictSchema({ type: 'object', properties: { a: { $ref: 'https://example.com/x.json' } } }), /only references into the schema itself/)
  t.throws(() => strictSchema({ type: 'array', items: { type: 'string' } }), /object at the root/)
})
