import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Ajv } from 'ajv'
import addFormats from 'ajv-formats'
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { build, tempDir } from '../../test/helper.ts'
import { ThemeRegistry } from './registry.ts'

const SHIPPED = ['classic', 'compact', 'modern']
const SUMMARY_KEYS = ['defaults', 'description', 'fonts', 'id', 'name', 'options', 'supports', 'version']

const jsonResumeSchema = JSON.parse(readFileSync(new URL('../../samples/jsonresume/schema.json', import.meta.url), 'utf8'))
const builtinManifest = (id: string) => JSON.parse(readFileSync(new URL(`../../themes/${id}/theme.json`, import.meta.url), 'utf8'))

/** Writes <root>/<folder>/theme.json. */
function writeTheme (root: string, folder: string, manifest: unknown): string {
  mkdirSync(join(root, folder), { recursive: true })
  const file = join(root, folder, 'theme.json')
  writeFileSync(file, typeof manifest === 'string' ? manifest : JSON.stringify(manifest, null, 2))
  return file
}

t.test('themes', async (t) => {
  const app = await build(t)

  t.test('GET /themes lists the shipped themes, public, without dir or starter', async (t) => {
    const res = await app.inject('/themes')
    t.equal(res.statusCode, 200, 'no token needed')
    t.match(res.headers['cache-control'], /max-age=\d+/)
    const { data } = res.json()
    t.same(data.map((d: { id: string }) => d.id), SHIPPED, 'sorted by id')
    for (const theme of data) {
      t.same(Object.keys(theme).sort(), SUMMARY_KEYS, `${theme.id}: exactly the summary fields`)
      t.same(theme.supports.sort(), ['portfolio', 'resume'])
      t.match(theme.version, /^\d+\.\d+\.\d+/)
      t.ok(theme.fonts.length > 0)
      for (const font of theme.fonts) t.match(font, { family: String, package: /^@fontsource\//, fallback: /(serif|sans-serif)$/ })
      t.match(theme.options, { type: 'object', additionalProperties: false, properties: { primary_color: { pattern: String } } }, 'options schema kept whole')
      const manifest = builtinManifest(theme.id)
      t.same(theme.options, manifest.options, `${theme.id}: options serialized without loss`)
      t.same(theme.defaults, manifest.defaults, `${theme.id}: defaults serialized without loss`)
    }
    t.notMatch(res.body, /"dir"|"starter"|"source"/)
    t.notMatch(res.body, new RegExp(process.cwd().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), 'no server path leaks')
  })

  t.test('?kind filters, and a bad kind is a 400', async (t) => {
    t.same((await app.inject('/themes?kind=resume')).json().data.map((d: { id: string }) => d.id), SHIPPED)
    t.same((await app.inject('/themes?kind=portfolio')).json().data.map((d: { id: string }) => d.id), SHIPPED)
    const bad = await app.inject('/themes?kind=letter')
    t.equal(bad.statusCode, 400)
    t.match(bad.json().error, { code: 'VALIDATION_FAILED', details: [{ path: '/kind' }] })
    t.equal((await app.inject('/themes?sort=name')).statusCode, 400, 'unknown query parameters are refused')
  })

  t.test('GET /themes/:id carries the starter; unknown id is a 404 in the envelope', async (t) => {
    const res = await app.inject('/themes/modern')
    t.equal(res.statusCode, 200)
    const { data } = res.json()
    t.same(Object.keys(data).sort(), [...SUMMARY_KEYS, 'starter'].sort())
    const manifest = builtinManifest('modern')
    t.same(data.starter, manifest.starter, 'starter serialized without loss')
    t.equal(data.starter.resume.basics.name, 'Your Name')

    const missing = await app.inject('/themes/nope')
    t.equal(missing.statusCode, 404)
    t.match(missing.json(), { error: { code: 'THEMES_NOT_FOUND', message: /nope/ } })
    const weird = await app.inject('/themes/%E2%80%AE..%2F..%2Fetc')
    t.equal(weird.statusCode, 404, 'any other string is simply not a theme')
    t.equal((await app.inject(`/themes/${'x'.repeat(65)}`)).statusCode, 400, 'longer than any theme id')
  })

  t.test('the routes are in the OpenAPI document', async (t) => {
    const doc = (await app.inject('/docs/json')).json()
    t.ok(doc.paths['/themes'], '/themes')
    t.ok(doc.paths['/themes/{id}'], '/themes/{id}')
  })

  t.test('shipped starters and defaults are valid', async (t) => {
    const ajv = new Ajv({ coerceTypes: false, useDefaults: false, removeAdditional: false, allErrors: true, strict: false })
    addFormats.default(ajv)
    const validateResume = ajv.compile(jsonResumeSchema)
    for (const id of SHIPPED) {
      const manifest = builtinManifest(id)
      const resume = app.themes.starter(id, 'resume')
      t.ok(validateResume(resume), `${id}: starter resume is a JSON Resume document`) || t.comment(validateResume.errors)
      t.equal((resume.basics as { name: string }).name, 'Your Name')
      t.ok((resume.work as unknown[]).length > 0 && (resume.education as unknown[]).length > 0 && (resume.skills as unknown[]).length > 0)
      t.same(app.themes.validateConfig(id, manifest.defaults), [], `${id}: defaults validate against options`)
      t.same(app.themes.defaults(id), manifest.defaults)
      const portfolio = app.themes.starter(id, 'portfolio')
      t.match(portfolio, { about: String, projects: [{ title: String, description: String, tags: Array }], contact: { links: Array } })
      const families = manifest.fonts.map((f: { family: string }) => f.family)
      t.same(manifest.options.properties.font_family.enum, families, `${id}: font_family offers the theme's fonts`)
    }
    const starters = SHIPPED.map((id) => JSON.stringify(builtinManifest(id).starter.resume))
    t.equal(new Set(starters).size, 3, 'each theme has its own starter')
  })

  t.test('defaults() and starter() hand out copies', async (t) => {
    const d = app.themes.defaults('classic')
    d.primary_color = '#000000'
    t.not(app.themes.defaults('classic').primary_color, '#000000')
    const s = app.themes.starter('classic', 'resume') as { basics: { name: string } }
    s.basics.name = 'Changed'
    t.equal((app.themes.starter('classic', 'resume') as { basics: { name: string } }).basics.name, 'Your Name')
    t.ok(Object.isFrozen(app.themes.get('classic')!.defaults), 'the registry itself is frozen')
    t.throws(() => app.themes.starter('nope', 'resume'), { code: 'THEMES_NOT_FOUND' })
    t.throws(() => app.themes.defaults('nope'), { code: 'THEMES_NOT_FOUND' })
    t.equal(app.themes.supports('classic', 'portfolio'), true)
    t.equal(app.themes.supports('nope', 'resume'), false)
  })

  t.test('validateConfig', async (t) => {
    const v = (config: unknown, prefix?: string) => app.themes.validateConfig('modern', config, prefix)
    const good = { layout_id: 'accent-rail', primary_color: '#0A0B0C', accent_color: '#ff8800', font_family: 'Noto Sans', font_scale: 1.1, margin_mm: 5, show_photo: false }
    t.same(v(good), [])
    t.same(v({}), [], 'every option is optional')
    t.same(v({ ...good, template_id: 'modern' }), [], 'template_id is ignored')
    t.same(v({ template_id: 42 }), [], 'whatever its value: the caller checks the theme choice')

    const cases: [string, unknown, string[]][] = [
      ['bad hex color', { primary_color: 'red' }, ['/theme_config/primary_color']],
      ['short hex color', { accent_color: '#fff' }, ['/theme_config/accent_color']],
      ['font not in the list', { font_family: 'Comic Sans MS' }, ['/theme_config/font_family']],
      ['margin too small', { margin_mm: 4 }, ['/theme_config/margin_mm']],
      ['margin too large', { margin_mm: 31 }, ['/theme_config/margin_mm']],
      ['margin as a string (no coercion)', { margin_mm: '10' }, ['/theme_config/margin_mm']],
      ['boolean as a string', { show_photo: 'true' }, ['/theme_config/show_photo']],
      ['unknown key', { bogus: 1 }, ['/theme_config/bogus']],
      ['every error at once', { primary_color: 'red', margin_mm: 100, bogus: 1 }, ['/theme_config/bogus', '/theme_config/margin_mm', '/theme_config/primary_color']]
    ]
    for (const [name, config, paths] of cases) {
      const problems = v(config)
      t.same(problems.map((p) => p.path).sort(), paths, name)
      t.ok(problems.every((p) => typeof p.message === 'string' && p.message.length > 0), `${name}: messages`)
    }
    t.match(v({ font_family: 'Comic Sans MS' })[0]!.message, /Inter/, 'an enum error names the choices')
    t.same(v({ bogus: 1 })[0], { path: '/theme_config/bogus', message: 'is not an allowed property' })
    t.same(v({ 'a/b~c': 1 })[0]!.path, '/theme_config/a~1b~0c', 'keys are escaped as JSON Pointer')
    t.same(v({ primary_color: 'red' }, '/content/config'), [{ path: '/content/config/primary_color', message: 'must be a hex color, e.g. "#1a2b3c"' }], 'custom prefix')

    for (const bad of [null, 'x', 3, [], [{ primary_color: '#000000' }], true]) {
      t.same(v(bad), [{ path: '/theme_config', message: 'must be an object' }], `non-object ${JSON.stringify(bad)}`)
    }
    t.same(app.themes.validateConfig('nope', {}), [{ path: '/theme_config', message: 'no theme "nope" is installed' }])

    const input = { primary_color: 'red', template_id: 'modern', bogus: { deep: [1] } }
    const copy = structuredClone(input)
    v(input)
    t.same(input, copy, 'input not mutated')
    const withDefaultsSchema = { margin_mm: 12 }
    v(withDefaultsSchema)
    t.same(withDefaultsSchema, { margin_mm: 12 }, 'no defaults filled in')
  })

  t.test('list(kind) and get()', async (t) => {
    t.same(app.themes.list().map((m) => m.id), SHIPPED)
    t.same(app.themes.list('portfolio').map((m) => m.id), SHIPPED)
    const classic = app.themes.get('classic')!
    t.equal(classic.source, 'builtin')
    t.match(classic.dir, /themes[/\\]classic$/)
    t.equal(app.themes.get('nope'), undefined)
  })
})

t.test('operator themes add to and override the built-in ones', async (t) => {
  const dir = tempDir(t)
  const classic = builtinManifest('classic')
  writeTheme(dir, 'classic', { ...classic, name: 'Classic (Acme edition)', version: '2.0.0' })
  const agency = {
    ...builtinManifest('modern'),
    id: 'agency',
    name: 'Agency',
    description: 'A portfolio-only theme',
    supports: ['portfolio'],
    starter: { portfolio: builtinManifest('modern').starter.portfolio }
  }
  writeTheme(dir, 'agency', agency)
  mkdirSync(join(dir, '_shared')) // not a theme: skipped
  writeFileSync(join(dir, 'README.md'), 'not a theme either')

  const app = await build(t, { CVGEN_THEME_DIRS: dir })
  const { data } = (await app.inject('/themes')).json()
  t.same(data.map((d: { id: string }) => d.id), ['agency', 'classic', 'compact', 'modern'])
  t.equal(data.find((d: { id: string }) => d.id === 'classic').name, 'Classic (Acme edition)', 'the override wins')
  t.equal(app.themes.get('classic')!.source, 'operator')
  t.equal(app.themes.get('classic')!.dir, join(dir, 'classic'))
  t.equal(app.themes.get('modern')!.source, 'builtin')
  t.same((await app.inject('/themes?kind=resume')).json().data.map((d: { id: string }) => d.id), ['classic', 'compact', 'modern'])
  t.equal(app.themes.supports('agency', 'resume'), false)
  t.throws(() => app.themes.starter('agency', 'resume'), { code: 'THEMES_KIND_UNSUPPORTED' })
  t.equal((await app.inject('/themes/agency')).json().data.starter.resume, undefined)
})

/**
 * build() for an app that must fail to start. buildApp() does not close what it opened
 * when a plugin throws (the process exits in production), so the test closes the
 * half-built instance itself, found through Fastify's initialization channel.
 */
async function buildFailure (t: Parameters<typeof build>[0], env: Record<string, string>): Promise<Error & { code?: string }> {
  const instances: FastifyInstance[] = []
  const onInit = (message: unknown) => { instances.push((message as { fastify: FastifyInstance }).fastify) }
  subscribe('fastify.initialization', onInit)
  try {
    await build(t, env)
  } catch (err) {
    return err as Error & { code?: string }
  } finally {
    unsubscribe('fastify.initialization', onInit)
    for (const app of instances) await app.close().catch(() => {})
  }
  throw new Error('build() resolved but should have rejected')
}

t.test('a broken operator manifest stops start-up, naming the file and the path', async (t) => {
  const classic = builtinManifest('classic')
  const cases: [string, string, unknown, RegExp][] = [
    ['supports empty', 'broken', { ...classic, id: 'broken', supports: [] }, /\/supports/],
    ['id differs from the folder', 'folder-name', { ...classic, id: 'other-name' }, /\/id must equal the folder name "folder-name"/],
    ['bad id', 'Bad_Id', { ...classic, id: 'Bad_Id' }, /\/id must be lowercase letters/],
    ['not JSON', 'notjson', '{ "id": "notjson", ', /\/ is not valid JSON/],
    ['version not semver', 'v', { ...classic, id: 'v', version: '1.0' }, /\/version must be a semantic version/],
    ['missing starter for a supported kind', 'nostarter', { ...classic, id: 'nostarter', starter: { resume: classic.starter.resume } }, /\/starter\/portfolio is required/],
    ['defaults invalid for options', 'baddefaults', { ...classic, id: 'baddefaults', defaults: { ...classic.defaults, margin_mm: 99 } }, /\/defaults\/margin_mm/],
    ['options not closed', 'openoptions', { ...classic, id: 'openoptions', options: { ...classic.options, additionalProperties: true } }, /\/options\/additionalProperties/],
    ['options not a schema', 'badschema', { ...classic, id: 'badschema', options: { ...classic.options, properties: { x: { type: 'colour' } } }, defaults: {} }, /\/options is not a valid JSON Schema/],
    ['font option names an unlisted font', 'badfont', { ...classic, id: 'badfont', options: { ...classic.options, properties: { ...classic.options.properties, font_family: { enum: ['Source Serif 4', 'Papyrus'] } } } }, /\/options\/properties\/font_family\/enum\/1/],
    ['CSS in a font fallback', 'css', { ...classic, id: 'css', fonts: [{ ...classic.fonts[0], fallback: 'serif; } body { display: none' }] }, /\/fonts\/0\/fallback/],
    ['unknown manifest field', 'typo', { ...classic, id: 'typo', suports: ['resume'] }, /\/suports is not an allowed property/]
  ]
  for (const [name, folder, manifest, pattern] of cases) {
    const dir = tempDir(t)
    const file = writeTheme(dir, folder, manifest)
    const err = await buildFailure(t, { CVGEN_THEME_DIRS: dir })
    t.equal(err.code, 'THEMES_INVALID_MANIFEST', name)
    t.ok(err.message.includes(file), `${name}: names ${file}`)
    t.match(err.message, pattern, `${name}: names the path`)
  }
})

t.test('a missing operator theme folder stops start-up', async (t) => {
  const missing = join(tempDir(t), 'nowhere')
  t.match(await buildFailure(t, { CVGEN_THEME_DIRS: missing }), { code: 'THEMES_DIR_UNREADABLE', message: new RegExp(missing) })
})

t.test('ThemeRegistry.load without Fastify', async (t) => {
  const registry = ThemeRegistry.load()
  t.same(registry.list().map((m) => m.id), SHIPPED)
  const dir = tempDir(t)
  mkdirSync(join(dir, 'empty'))
  t.throws(() => ThemeRegistry.load({ operatorDirs: [dir] }), { code: 'THEMES_INVALID_MANIFEST', message: /empty[/\\]theme\.json: \/ cannot be read/ }, 'a folder without theme.json is an error, not a silent skip')
})
