// Unit tests of the JSON Resume content check: no database, no app.
import { readFileSync } from 'node:fs'
import t, { type Test } from 'tap'
import { CONTENT_LIMITS, validateResumeContent } from './content.ts'

type Json = any // fixtures and hand-built documents of any shape

const read = (url: URL): Json => JSON.parse(readFileSync(url, 'utf8'))
const sample = (): Json => read(new URL('../../samples/jsonresume/sample.resume.json', import.meta.url))
const full = (): Json => read(new URL('../../samples/full.resume.json', import.meta.url))
const schema: Json = read(new URL('./json-resume.schema.json', import.meta.url))

const DATE_MESSAGE = 'must be a date like 2024, 2024-06 or 2024-06-29'

/** Validates and checks that the document came back untouched. */
function check (t: Test, doc: Json, prefix?: string) {
  const before = structuredClone(doc)
  const details = validateResumeContent(doc, prefix)
  t.strictSame(doc, before, 'the document is not mutated')
  return details
}

t.test('limits are the documented ones', async (t) => {
  t.strictSame({ ...CONTENT_LIMITS }, { maxBytes: 262144, maxDepth: 12, maxStringLength: 20000, maxArrayItems: 500, maxObjectKeys: 200 })
})

t.test('the schema is the JSON Resume one, unmodified', async (t) => {
  const original = readFileSync(new URL('../../samples/jsonresume/schema.json', import.meta.url), 'utf8')
  t.equal(readFileSync(new URL('./json-resume.schema.json', import.meta.url), 'utf8'), original)
  const license = readFileSync(new URL('./JSON-RESUME-LICENSE.md', import.meta.url), 'utf8')
  t.match(license, /MIT License/)
  t.match(license, /JSON Resume/)
})

t.test('the JSON Resume sample passes and is not mutated', async (t) => {
  const doc = sample()
  t.strictSame(check(t, doc), [])
  t.strictSame(check(t, doc, '/content'), [])
})

t.test('a resume using every section and every field passes', async (t) => {
  const doc = full()

  // The fixture really covers the schema: every property of every section is present and filled.
  const missing: string[] = []
  const filled = (v: unknown) => v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0)
  const cover = (node: Json, value: Json, path: string) => {
    if (node.$ref) node = schema.definitions.iso8601
    if (node.type === 'object' && node.properties) {
      for (const [key, sub] of Object.entries<Json>(node.properties)) {
        if (!filled(value?.[key])) missing.push(`${path}/${key}`)
        else cover(sub, value[key], `${path}/${key}`)
      }
    } else if (node.type === 'array' && node.items?.properties) {
      // each field filled in at least one item
      for (const [key, sub] of Object.entries<Json>(node.items.properties)) {
        const item = (value as Json[]).find((it) => filled(it?.[key]))
        if (!item) missing.push(`${path}/*/${key}`)
        else cover(sub, item[key], `${path}/*/${key}`)
      }
    }
  }
  cover(schema, doc, '')
  t.strictSame(missing, [], 'no schema field left out of samples/full.resume.json')

  const dates: string[] = []
  const collect = (v: Json, key = '') => {
    if (typeof v === 'string' && /date$/i.test(key)) dates.push(v)
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) collect(x, Array.isArray(v) ? key : k)
  }
  collect(doc)
  t.ok(dates.some((d) => /^\d{4}$/.test(d)), 'a YYYY date')
  t.ok(dates.some((d) => /^\d{4}-\d{2}$/.test(d)), 'a YYYY-MM date')
  t.ok(dates.some((d) => /^\d{4}-\d{2}-\d{2}$/.test(d)), 'a YYYY-MM-DD date')

  t.strictSame(check(t, doc), [])
})

t.test('unknown sections and fields of any JSON type pass and are kept as they are', async (t) => {
  const doc = sample()
  doc.basics.pronouns = 'he/him'
  doc.basics.age = 34
  doc.basics.relocate = true
  doc.basics.middleName = null
  doc.basics.location.coordinates = [[37.77, -122.42], [[0]], []]
  doc.work[0].rating = 4.5
  doc.work[0].remote = false
  doc.work[0].team = { size: 12, tags: ['compression', 7, null, { deep: [true] }] }
  doc.skills[0].years = 10
  doc.meta.theme = 'elegant'
  doc.meta.flags = { draft: false, revision: 3 }
  doc.portfolio = [{ title: 'Middle-out', year: 2014, images: ['a.png', 'b.png'], featured: true }]
  doc.x_custom = 42
  doc.x_nothing = null
  doc.x_list = [1, 'two', false, null, [3, [4]], { five: 5 }]
  const expected = structuredClone(doc)

  t.strictSame(check(t, doc, '/content'), [])
  t.strictSame(doc, expected)
  t.equal(doc.basics.age, 34, 'numbers stay numbers')
  t.equal(typeof doc.x_custom, 'number')
  t.equal(doc.x_nothing, null)
  t.strictSame(JSON.parse(JSON.stringify(doc)), expected, 'serializes back to the same document')
})

t.test('types are never coerced', async (t) => {
  t.strictSame(check(t, { basics: { name: 123 } }), [{ path: '/basics/name', message: 'must be a string' }])
  t.strictSame(check(t, { basics: { name: 123 } }, '/content'), [{ path: '/content/basics/name', message: 'must be a string' }])
  t.strictSame(check(t, { basics: { name: true } }, '/content'), [{ path: '/content/basics/name', message: 'must be a string' }])
  t.strictSame(check(t, { basics: { name: null } }), [{ path: '/basics/name', message: 'must be a string' }])
  t.strictSame(check(t, { basics: { profiles: [{ username: 42 }] } }), [{ path: '/basics/profiles/0/username', message: 'must be a string' }])
  t.strictSame(check(t, { skills: [{ keywords: 'HTML' }] }), [{ path: '/skills/0/keywords', message: 'must be an array' }])
  const doc = { education: [{ score: 4.0 }] }
  t.strictSame(check(t, doc), [{ path: '/education/0/score', message: 'must be a string' }])
  t.equal(doc.education[0]!.score, 4, 'still a number after validation')
})

t.test('dates follow the schema pattern, loose parts included', async (t) => {
  const withStart = (d: string) => ({ work: [{ name: 'Hooli', startDate: d }] })
  for (const d of ['2024', '2024-06', '2024-06-29', '1999-12-31']) {
    t.strictSame(check(t, withStart(d)), [], `${d} is accepted`)
  }
  // The pattern checks digit shapes, not the calendar: month [0-1][0-9], day [0-3][0-9].
  for (const d of ['2024-13-39', '2024-02-30', '2024-00-00']) {
    t.strictSame(check(t, withStart(d)), [], `${d} is accepted, as JSON Resume accepts it`)
  }
  for (const d of ['June 2020', '2024-13-45', '2024-6', '2024-06-1', '2024/06/29', '2024-06-29T10:00:00', '0999', '3000', 'present', '']) {
    t.strictSame(check(t, withStart(d)), [{ path: '/work/0/startDate', message: DATE_MESSAGE }], `${JSON.stringify(d)} is rejected`)
  }
  t.strictSame(check(t, withStart('June 2020'), '/content'), [{ path: '/content/work/0/startDate', message: DATE_MESSAGE }])

  const everyDate = {
    work: [{ endDate: 'now' }],
    volunteer: [{ startDate: 'x' }],
    education: [{ endDate: '2014-1' }],
    awards: [{ date: 'Nov 2014' }],
    certificates: [{ date: '14/11/2014' }],
    publications: [{ releaseDate: '20141001' }],
    projects: [{ startDate: 'summer' }]
  }
  t.strictSame(check(t, everyDate).map((d) => d.path).sort(), [
    '/awards/0/date', '/certificates/0/date', '/education/0/endDate', '/projects/0/startDate',
    '/publications/0/releaseDate', '/volunteer/0/startDate', '/work/0/endDate'
  ])
  t.ok(check(t, everyDate).every((d) => d.message === DATE_MESSAGE))
  t.strictSame(check(t, { work: [{ startDate: 2014 }] }), [{ path: '/work/0/startDate', message: 'must be a string' }])
})

t.test('emails and URLs are checked with the formats JSON Resume uses', async (t) => {
  for (const email of ['richard at mail.com', 'richard@', '@mail.com', 'a@localhost', 'jörg@example.de']) {
    t.strictSame(check(t, { basics: { email } }), [{ path: '/basics/email', message: 'must match format "email"' }], `${email} is rejected`)
  }
  t.strictSame(check(t, { basics: { email: 'richard.hendriks+cv@mail.example.com' } }), [])

  const doc = { basics: { url: 'not a url', profiles: [{ network: 'Twitter', url: 'twitter.com/neutralthoughts' }] } }
  t.strictSame(check(t, doc, '/content'), [
    { path: '/content/basics/url', message: 'must match format "uri"' },
    { path: '/content/basics/profiles/0/url', message: 'must match format "uri"' }
  ])
  for (const url of ['', 'www.example.com', 'https://example.com/a b', 'https://example.com/ü']) {
    t.strictSame(check(t, { work: [{ url }] }), [{ path: '/work/0/url', message: 'must match format "uri"' }], `${JSON.stringify(url)} is rejected`)
  }
  for (const url of ['http://en.wikipedia.org/wiki/Silicon_Valley_(TV_series)', 'https://example.com/a?b=c#d', 'mailto:richard@example.com', 'https://xn--r8jz45g.jp/']) {
    t.strictSame(check(t, { projects: [{ url }] }), [], `${url} is accepted`)
  }
  t.strictSame(check(t, { meta: { canonical: 'resume.json' } }), [{ path: '/meta/canonical', message: 'must match format "uri"' }])
  t.strictSame(check(t, { $schema: 'schema.json' }), [{ path: '/$schema', message: 'must match format "uri"' }])
  t.strictSame(check(t, { basics: { image: '' } }), [], 'image carries no format')
})

t.test('wrong types are named by path', async (t) => {
  t.strictSame(check(t, { work: { name: 'Hooli' } }), [{ path: '/work', message: 'must be an array' }])
  t.strictSame(check(t, { work: [{ highlights: ['Won Disrupt', 42] }] }), [{ path: '/work/0/highlights/1', message: 'must be a string' }])
  t.strictSame(check(t, { basics: [] }, '/content'), [{ path: '/content/basics', message: 'must be an object' }])
  t.strictSame(check(t, { basics: null }), [{ path: '/basics', message: 'must be an object' }])
  t.strictSame(check(t, { basics: { location: 'Palo Alto' } }), [{ path: '/basics/location', message: 'must be an object' }])
  t.strictSame(check(t, { work: ['Hooli'] }), [{ path: '/work/0', message: 'must be an object' }])
  t.strictSame(check(t, { meta: { version: 1 } }), [{ path: '/meta/version', message: 'must be a string' }])
  const many = check(t, { basics: { name: 1, email: 2 }, work: 3, skills: [{ keywords: [4] }] })
  t.strictSame(many.map((d) => d.path).sort(), ['/basics/email', '/basics/name', '/skills/0/keywords/0', '/work'], 'all errors, not just the first')
})

t.test('the root must be a JSON object', async (t) => {
  for (const doc of [[], [{}], null, 'resume', 42, true, undefined]) {
    t.strictSame(validateResumeContent(doc), [{ path: '/', message: 'must be a JSON object' }], `${JSON.stringify(doc)} is rejected`)
    t.strictSame(validateResumeContent(doc, '/content'), [{ path: '/content', message: 'must be a JSON object' }])
  }
  t.strictSame(validateResumeContent({}), [], 'no field is required')
})

t.test('bounds', async (t) => {
  t.test('a 300 KB document is rejected before anything else runs', async (t) => {
    const doc = sample()
    doc.basics.name = 123 // would be a schema error, but the size check comes first
    doc.attachments = Array.from({ length: 20 }, (_, i) => `${i}`.padEnd(15_000, 'x'))
    const details = check(t, doc, '/content')
    t.equal(details.length, 1)
    t.equal(details[0]!.path, '/content')
    t.match(details[0]!.message, /too large: \d+ bytes serialized, at most 262144 allowed/)
    t.match(check(t, doc)[0], { path: '/' })
  })

  t.test('size counts UTF-8 bytes', async (t) => {
    const doc = { notes: Array.from({ length: 10 }, () => '€'.repeat(10_000)) } // 30 KB per string in UTF-8
    t.match(check(t, doc), [{ path: '/', message: /too large/ }])
  })

  t.test('a 25000-character string', async (t) => {
    const doc = sample()
    doc.work[0].summary = 'a'.repeat(25_000)
    t.strictSame(check(t, doc, '/content'), [{ path: '/content/work/0/summary', message: 'must be at most 20000 characters long (is 25000)' }])
    t.strictSame(check(t, { custom: { notes: ['ok', 'b'.repeat(20_001)] } }), [{ path: '/custom/notes/1', message: 'must be at most 20000 characters long (is 20001)' }])
    t.strictSame(check(t, { basics: { summary: 'c'.repeat(20_000) } }), [], 'exactly at the limit passes')
    t.strictSame(check(t, { basics: { summary: '😀'.repeat(20_000) } }), [], 'characters are code points, not UTF-16 units')
    t.strictSame(check(t, { custom: { ['k'.repeat(20_001)]: 1 } }).map((d) => d.message), ['property name must be at most 20000 characters long (is 20001)'])
  })

  t.test('600 array items', async (t) => {
    const doc = sample()
    doc.skills = Array.from({ length: 600 }, (_, i) => ({ name: `Skill ${i}` }))
    t.strictSame(check(t, doc, '/content'), [{ path: '/content/skills', message: 'must have at most 500 items (has 600)' }])
    t.strictSame(check(t, { custom: Array.from({ length: 600 }, (_, i) => i) }), [{ path: '/custom', message: 'must have at most 500 items (has 600)' }])
    t.strictSame(check(t, { skills: Array.from({ length: 500 }, (_, i) => ({ name: `Skill ${i}` })) }), [], 'exactly at the limit passes')
  })

  t.test('nesting depth 20', async (t) => {
    const nest = (levels: number): Json => {
      let v: Json = 'leaf'
      for (let i = 0; i < levels; i++) v = { a: v }
      return v
    }
    // root is level 1, /x level 2, so /x/a/.../a (11 times) is level 13: the first too deep.
    const doc = { basics: { name: 'Deep' }, x: nest(19) }
    t.strictSame(check(t, doc, '/content'), [{ path: `/content/x${'/a'.repeat(11)}`, message: 'nests deeper than 12 levels' }])
    t.strictSame(check(t, { x: nest(11) }), [], '12 levels pass')
    t.strictSame(check(t, { x: nest(12) }), [{ path: `/x${'/a'.repeat(11)}`, message: 'nests deeper than 12 levels' }], '13 levels do not')
    let arrays: Json = [1]
    for (let i = 0; i < 19; i++) arrays = [arrays]
    t.strictSame(check(t, { custom: arrays }), [{ path: `/custom${'/0'.repeat(11)}`, message: 'nests deeper than 12 levels' }])
  })

  t.test('nesting far beyond the engine stack is reported, not thrown', async (t) => {
    let v: Json = {}
    for (let i = 0; i < 200_000; i++) v = { a: v }
    const details = validateResumeContent({ x: v })
    t.strictSame(details, [{ path: `/x${'/a'.repeat(11)}`, message: 'nests deeper than 12 levels' }])
  })

  t.test('250 keys', async (t) => {
    const doc = sample()
    doc.meta = Object.fromEntries(Array.from({ length: 250 }, (_, i) => [`k${i}`, i]))
    t.strictSame(check(t, doc, '/content'), [{ path: '/content/meta', message: 'must have at most 200 properties (has 250)' }])
    const root = Object.fromEntries(Array.from({ length: 250 }, (_, i) => [`section${i}`, []]))
    t.strictSame(check(t, root, '/content'), [{ path: '/content', message: 'must have at most 200 properties (has 250)' }])
    t.strictSame(check(t, { meta: Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`k${i}`, i])) }), [], 'exactly at the limit passes')
  })

  t.test('bounds and schema errors are reported together', async (t) => {
    const details = check(t, { basics: { name: 1 }, custom: 'z'.repeat(20_001) })
    t.strictSame(details, [
      { path: '/custom', message: 'must be at most 20000 characters long (is 20001)' },
      { path: '/basics/name', message: 'must be a string' }
    ])
  })
})

t.test('at most 20 details', async (t) => {
  const doc = { work: Array.from({ length: 50 }, () => ({ startDate: 'soon', highlights: [1] })) }
  const details = check(t, doc, '/content')
  t.equal(details.length, 20)
  t.ok(details.every((d) => d.path.startsWith('/content/work/')))
  const long = { custom: Array.from({ length: 30 }, () => Array.from({ length: 501 }, () => 0)) }
  const bounded = check(t, long)
  t.equal(bounded.length, 20)
  t.strictSame(bounded.slice(0, 2).map((d) => d.path), ['/custom/0', '/custom/1'], 'in document order')
})

t.test('keys with / and ~ are escaped in paths (RFC 6901)', async (t) => {
  const doc = { 'a/b': { '~x': 'y'.repeat(20_001) }, 'c~/d': [{ '/': Array.from({ length: 501 }, () => 0) }] }
  t.strictSame(check(t, doc, '/content'), [
    { path: '/content/a~1b/~0x', message: 'must be at most 20000 characters long (is 20001)' },
    { path: '/content/c~0~1d/0/~1', message: 'must have at most 500 items (has 501)' }
  ])
})

t.test('values that are not JSON are rejected', async (t) => {
  t.strictSame(validateResumeContent({ a: undefined }), [{ path: '/a', message: 'is not a JSON value' }])
  t.strictSame(validateResumeContent({ a: [() => 1] }), [{ path: '/a/0', message: 'is not a JSON value' }])
  t.strictSame(validateResumeContent({ a: { b: 10n } }), [{ path: '/a/b', message: 'is not a JSON value' }])
  t.strictSame(validateResumeContent({ a: Number.NaN }), [{ path: '/a', message: 'must be a finite number' }])
  const circular: Json = { basics: { name: 'Loop' } }
  circular.basics.self = circular
  t.match(validateResumeContent(circular), [{ path: /^\/basics\/self/, message: 'nests deeper than 12 levels' }])
})
