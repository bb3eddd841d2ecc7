// Unit tests of the theme renderer (no server, no database): the ATS criteria of the JSON
// Resume project's validator on every shipped theme's resume and portfolio pages, escaping
// and sanitizing of hostile content, right-to-left and CJK/emoji handling, template caching
// and render time.
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import t, { type Test } from 'tap'
import { parseDocument } from 'htmlparser2'
import type { ChildNode, Element } from 'domhandler'
import { BUILTIN_THEMES_DIR, loadTheme, type ThemeManifest } from '../themes/registry.ts'
import { fontFilePath } from './fonts.ts'
import { renderMarkdown } from './markdown.ts'
import { dateRange, formatDate } from '../../kernel/dates.ts'
import { safeUrl, ThemeRenderer } from './render.ts'

const THEMES = ['classic', 'compact', 'modern']
const fixture = (p: string) => JSON.parse(readFileSync(new URL(`../../samples/${p}`, import.meta.url), 'utf8'))
const SAMPLE = fixture('jsonresume/sample.resume.json')
const FULL = fixture('full.resume.json')
const manifest = (id: string): ThemeManifest => loadTheme(join(BUILTIN_THEMES_DIR, id), id, 'builtin').manifest
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v))

const PORTFOLIO = {
  about: '# Hi, I am Amélie\n\nI build **reliable** backends. See [my blog](https://blog.example.com).\n\n### Now\n\n- Payments\n- Logistics\n\n![Architecture diagram](https://images.example.com/arch.png)',
  projects: [
    { title: 'pg-outbox', description: 'Outbox pattern on PostgreSQL.\n\n## Results\n\nUsed by *three* companies.', url: 'https://github.example.com/pg-outbox', image: 'https://images.example.com/outbox.png', tags: ['PostgreSQL', 'TypeScript'] },
    { title: 'Router', description: 'Incremental route planning.', url: '', image: null, tags: [] }
  ],
  contact: { email: 'amelie@example.com', location: 'Lyon, France', links: [{ label: 'GitHub', url: 'https://github.example.com/afontaine' }] }
}

// --- a small DOM toolkit over htmlparser2 ----------------------------------------------------

const isEl = (n: ChildNode): n is Element => n.type === 'tag' || n.type === 'script' || n.type === 'style'
function all (root: { children: ChildNode[] }, out: Element[] = []): Element[] {
  for (const n of root.children) {
    if (isEl(n)) {
      out.push(n)
      all(n, out)
    }
  }
  return out
}
function text (n: ChildNode): string {
  if (n.type === 'text') return (n as unknown as { data: string }).data
  return isEl(n) ? n.children.map(text).join('') : ''
}
const parse = (html: string) => {
  const doc = parseDocument(html)
  return { doc, els: all(doc) }
}

// --- CSS checks -------------------------------------------------------------------------------

const GENERIC = new Set(['serif', 'sans-serif', 'monospace', 'cursive', 'fantasy', 'system-ui', 'ui-serif', 'ui-sans-serif', 'ui-monospace', 'ui-rounded', 'math', 'emoji', 'fangsong'])

/** The smallest px size any font-size in `css` can compute to, with font_scale at its minimum. */
function smallestFontPx (css: string, scaleMin: number): { px: number, decl: string } {
  const roots = [...css.matchAll(/html\{[^}]*font-size:calc\((\d+(?:\.\d+)?)(px|pt) \* var\(--scale\)\)/g)]
    .map((m) => Number(m[1]) * (m[2] === 'pt' ? 4 / 3 : 1) * scaleMin)
  const rootMin = Math.min(...roots)
  let worst = { px: Infinity, decl: '' }
  for (const m of css.matchAll(/font-size:\s*([^;}]+)/g)) {
    const v = m[1]!.trim() // group 1 is not optional
    let px: number
    let n: RegExpExecArray | null
    if (/^calc\(\d+(?:\.\d+)?(px|pt) \* var\(--scale\)\)$/.test(v)) continue // the root itself, counted above
    else if ((n = /^(\d*\.?\d+)(rem|em)$/.exec(v))) px = Number(n[1]) * rootMin // em only ever under >= 1rem text
    else if ((n = /^(\d*\.?\d+)px$/.exec(v))) px = Number(n[1])
    else if ((n = /^(\d*\.?\d+)pt$/.exec(v))) px = Number(n[1]) * 4 / 3
    else if (v === 'inherit') continue
    else throw new Error(`unexpected font-size value ${v}`)
    if (px < worst.px) worst = { px, decl: m[0] }
  }
  return worst
}

function fontFamilies (css: string): string[] {
  // Every group in these patterns is mandatory: a match has them all.
  const vars = new Map([...css.matchAll(/(--[\w-]+):([^;}]+)/g)].map((m) => [m[1]!, m[2]!.trim()]))
  return [...css.matchAll(/(?<![-\w])font-family:([^;}]+)/g)]
    .map((m) => m[1]!.trim())
    .filter((v) => !/^'[^']+'$/.test(v)) // inside @font-face: the family being declared
    .map((v) => v.replace(/var\((--[\w-]+)\)/g, (_, name: string) => vars.get(name) ?? ''))
}

// --- the ATS criteria ---------------------------------------------------------------------------

function checkAts (t: Test, html: string, m: ThemeManifest, opts: { name: string, sections: string[], contact: string | RegExp }): void {
  const { els } = parse(html)
  const htmlEl = els.find((e) => e.name === 'html')
  t.ok(htmlEl?.attribs.lang, 'lang attribute on <html>')
  const headings = els.filter((e) => /^h[1-6]$/.test(e.name))
  const h1s = headings.filter((e) => e.name === 'h1')
  t.equal(h1s.length, 1, 'exactly one h1')
  t.equal(h1s[0] && text(h1s[0]).trim(), opts.name, 'the h1 is the name')
  t.equal(headings[0]?.name, 'h1', 'the h1 comes first')
  let prev = 1
  const skips: string[] = []
  for (const h of headings) {
    const level = Number(h.name[1])
    if (level > prev + 1) skips.push(`h${prev} -> ${h.name} "${text(h).trim()}"`)
    prev = level
  }
  t.same(skips, [], 'no skipped heading levels')
  const header = els.find((e) => e.name === 'header')
  t.ok(header, 'a <header>')
  t.match(header ? text(header) : '', opts.contact, 'the header holds the contact details')
  t.ok(header && all(header).some((e) => e.name === 'h1'), 'the name is in the header')
  const h2s = headings.filter((e) => e.name === 'h2')
  t.ok(h2s.length >= 3, `at least three section headings (${h2s.length})`)
  for (const id of opts.sections) {
    const section = els.find((e) => e.name === 'section' && e.attribs.id === id)
    const h2 = section && all(section).find((e) => e.name === 'h2')
    t.ok(h2 && text(h2).trim().length >= 5, `section "${id}" with a descriptive h2 (${h2 ? text(h2).trim() : 'none'})`)
  }
  t.notOk(els.some((e) => e.name === 'table'), 'no layout tables')
  const inline = els.flatMap((e) => Object.keys(e.attribs).filter((a) => a === 'style' || /^on/i.test(a)).map((a) => `${e.name}[${a}]`))
  t.same(inline, [], 'no inline style or event-handler attributes')
  t.notOk(els.some((e) => e.name === 'script'), 'no scripts')
  const imgs = els.filter((e) => e.name === 'img')
  t.ok(imgs.every((e) => (e.attribs.alt ?? '').trim().length > 0), `every image has alt text (${imgs.length})`)
  const styles = els.filter((e) => e.name === 'style')
  t.equal(styles.length, 1, 'one <style> element holds all the CSS')
  t.notOk(els.some((e) => e.name === 'link' && /stylesheet/i.test(e.attribs.rel ?? '')), 'no external stylesheets')
  const css = styles.map(text).join('\n')
  const scaleMin = (m.options.properties as Record<string, { minimum?: number }>).font_scale?.minimum ?? 1
  const smallest = smallestFontPx(css, scaleMin)
  t.ok(smallest.px >= 10, `no text under 10px at font_scale ${scaleMin}: smallest ${smallest.px.toFixed(2)}px (${smallest.decl})`)
  const stacks = fontFamilies(css)
  t.ok(stacks.length > 0, 'font-family declared')
  for (const stack of stacks) {
    const last = stack.split(',').pop()!.trim().replace(/['"]/g, '')
    t.ok(GENERIC.has(last), `font stack ends with a generic family: ${stack}`)
  }
  t.match(stacks.join(' '), /'(Source Serif 4|Merriweather|Inter|Noto Sans|IBM Plex Sans|Roboto)'/, 'the theme font comes first')
  // Every font URL is one the /fonts route serves.
  const allowed = m.fonts.map((f) => f.package!).filter(Boolean)
  const urls = [...css.matchAll(/url\(([^)]+)\)/g)].map((u) => u[1]!) // the group is mandatory
  t.ok(urls.length > 0, 'fonts referenced')
  for (const u of urls) {
    const [, pkg, version, name] = /^\/fonts\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(u) ?? []
    const file = pkg && version && name ? fontFilePath(allowed, pkg, version, name) : undefined
    if (!file || !existsSync(file)) t.fail(`font URL ${u} is not served`)
  }
}

const SECTION_KEYS = ['work', 'volunteer', 'education', 'awards', 'certificates', 'publications', 'skills', 'languages', 'interests', 'references', 'projects']
const presentSections = (resume: Record<string, unknown>) =>
  [...((resume.basics as { summary?: string }).summary ? ['summary'] : []), ...SECTION_KEYS.filter((k) => Array.isArray(resume[k]) && (resume[k] as unknown[]).length > 0)]

t.test('helpers', async (t) => {
  t.equal(formatDate('2024-06'), 'Jun 2024')
  t.equal(formatDate('2021-03-15'), 'Mar 2021')
  t.equal(formatDate('2016'), '2016')
  t.equal(formatDate('2024-06-29T10:15:00'), 'Jun 2024')
  t.equal(formatDate('summer 2020'), 'summer 2020', 'free text as given')
  t.equal(dateRange('2021-03', undefined), 'Mar 2021 – Present')
  t.equal(dateRange('2016', '2021-02-28'), '2016 – Feb 2021')
  t.equal(dateRange('2016-08-24', '2016-08-24'), 'Aug 2016')
  t.equal(dateRange(undefined, undefined), '')
  t.equal(safeUrl('https://example.com/a?b=1'), 'https://example.com/a?b=1')
  t.equal(safeUrl('mailto:a@example.com'), 'mailto:a@example.com')
  for (const bad of ['javascript:alert(1)', ' JaVaScRiPt:alert(1)', 'java\tscript:alert(1)', 'data:text/html,<script>', 'vbscript:x', '//evil.example', '/relative', 'ftp://x.example', 'tel:123', '']) {
    t.equal(safeUrl(bad), '', `refuses ${JSON.stringify(bad)}`)
  }
})

t.test('Markdown: headings under the page outline, sanitized', async (t) => {
  t.equal(renderMarkdown('# A\n\n### B\n\n## C'), '<h3>A</h3>\n<h5>B</h5>\n<h4>C</h4>\n'.replace('<h5>B</h5>', '<h4>B</h4>'), 'h1,h3,h2 -> h3,h4,h4')
  t.match(renderMarkdown('### Only\n\ntext', 4), /^<h4>Only<\/h4>/, 'first heading at the given top level')
  const out = renderMarkdown('<script>alert(1)</script> <b onclick="x()">b</b> [x](javascript:alert(1)) [y](JAVASCRIPT:alert(1)) <iframe src=x></iframe> ![ok](https://i.example/a.png) ![](https://i.example/b.png) ![t](http://i.example/c.png) [m](mailto:a@b.example) [p](//evil.example)')
  t.notMatch(out, /<script|<iframe|<b |<[^>]*onclick=|href="javascript|href="\/\//i)
  t.match(out, /<img src="https:\/\/i\.example\/a\.png" alt="ok" \/>/, 'https image with alt kept')
  t.notMatch(out, /b\.png|c\.png/, 'images without alt or over http dropped')
  t.match(out, /<a href="mailto:a@b\.example" rel="nofollow noopener ugc">m<\/a>/)
})

t.test('the page description is the About text, escaped once', async (t) => {
  const html = new ThemeRenderer().renderPortfolio(manifest('modern'), { title: 'P', content: { about: 'Builds **A & B** tools <b>, `x < y`\n\n- fast\n- safe ![pic](https://i.example/a.png)' } })
  t.match(html, /<meta name="description" content="Builds A &amp; B tools &lt;b&gt;, x &lt; y fast safe">/)
})

for (const id of THEMES) {
  t.test(`${id}: ATS criteria`, async (t) => {
    const m = manifest(id)
    const r = new ThemeRenderer()
    for (const [label, resume] of [['sample', SAMPLE], ['full', FULL], ['starter', m.starter.resume]] as const) {
      const res = resume as Record<string, unknown>
      for (const config of [{}, { show_photo: true, font_scale: 5, margin_mm: 30 }]) {
        const html = r.renderResume(m, { title: 'My resume', content: res, theme_config: config }, {})
        t.test(`resume ${label} ${JSON.stringify(config)}`, async (t) => {
          const basics = res.basics as { name: string, email: string }
          checkAts(t, html, m, { name: basics.name, sections: presentSections(res), contact: basics.email })
        })
      }
    }
    for (const [label, content] of [['example', PORTFOLIO], ['starter', m.starter.portfolio]] as const) {
      const html = r.renderPortfolio(m, { title: 'Amélie Fontaine', content, theme_config: {} })
      t.test(`portfolio ${label}`, async (t) => {
        checkAts(t, html, m, { name: 'Amélie Fontaine', sections: ['about', 'projects', 'contact'], contact: /@example\.com/ })
      })
    }
    // A photo, when shown, has its alt text; font_scale is clamped to the theme's range.
    const withPhoto = r.renderResume(m, { content: FULL, theme_config: { show_photo: true, font_scale: 5 } })
    t.match(withPhoto, /<img class="photo" src="https:\/\/images\.example\.com\/amelie-fontaine\.jpg" alt="Photo of Amélie Fontaine">/)
    const max = (m.options.properties as { font_scale: { maximum: number } }).font_scale.maximum
    t.match(withPhoto, new RegExp(`--scale:${max}[;}]`), 'font_scale clamped to the maximum')
    t.notMatch(r.renderResume(m, { content: FULL, theme_config: { show_photo: false } }), /<img/, 'no photo unless asked')
  })
}

// --- hostile content ----------------------------------------------------------------------------

const PAYLOAD = '<script>alert(1)</script> "><img src=x onerror=alert(1)> \'><svg onload=alert(1)> [x](javascript:alert(1)) <iframe src="javascript:alert(1)"></iframe> </style><script>alert(2)</script>'
const BAD_URL = 'javascript:alert(1)'

function poison (value: unknown, key = ''): unknown {
  if (typeof value === 'string') return /url|image|canonical/i.test(key) ? BAD_URL : `${value} ${PAYLOAD}`
  if (Array.isArray(value)) return value.map((v) => poison(v, key))
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, poison(v, k)]))
  return value
}

function checkSafe (t: Test, html: string): void {
  const { els } = parse(html)
  t.notOk(els.some((e) => e.name === 'script'), 'no <script> element')
  t.notMatch(html, /<script/i, 'no "<script" anywhere')
  t.notOk(els.some((e) => ['iframe', 'svg', 'object', 'embed'].includes(e.name)), 'no iframe, svg, object or embed')
  const handlers = els.flatMap((e) => Object.keys(e.attribs).filter((a) => /^on/i.test(a) || a === 'style').map((a) => `${e.name}[${a}]`))
  t.same(handlers, [], 'no event handler or style attributes')
  // The one data: URL a theme may carry: the empty favicon that spares a /favicon.ico 404.
  const emptyIcon = (e: { name: string, attribs: Record<string, string> }) => e.name === 'link' && e.attribs.rel === 'icon' && e.attribs.href === 'data:,'
  const urls = els.filter((e) => !emptyIcon(e)).flatMap((e) => ['href', 'src', 'action', 'formaction'].map((a) => e.attribs[a]).filter((v) => v !== undefined))
  t.same(urls.filter((u) => !/^(https?:|mailto:|\/)/i.test(u.trim())), [], 'every href/src is http(s), mailto or a path')
  t.equal(html.match(/<\/style/gi)?.length, 1, 'the style element is never closed early')
  t.equal(els.filter((e) => e.name === 'img' && e.attribs.src === 'x').length, 0, 'no injected images')
}

for (const id of THEMES) {
  t.test(`${id}: hostile content is escaped or dropped`, async (t) => {
    const m = manifest(id)
    const r = new ThemeRenderer()
    const evilConfig = {
      primary_color: '#fff;}</style><script>alert(1)</script>',
      accent_color: 'red;background:url(javascript:alert(1))',
      font_scale: '1;}</style><script>alert(1)</script>',
      margin_mm: Infinity,
      layout_id: '"><script>alert(1)</script>',
      font_family: "x';}</style><script>alert(1)</script>",
      show_photo: true
    }
    const opts = { lang: '"><script>alert(1)</script>', baseUrl: 'javascript:alert(1)//' }
    for (const [label, resume] of [['sample', SAMPLE], ['full', FULL]] as const) {
      const evil = poison(clone(resume)) as Record<string, unknown>
      ;(evil.basics as Record<string, unknown>).email = 'x@example.com"><script>alert(1)</script>'
      const html = r.renderResume(m, { title: PAYLOAD, content: evil, theme_config: evilConfig }, opts)
      t.test(`resume ${label}`, async (t) => {
        checkSafe(t, html)
        t.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/, 'the payload is shown as text')
        t.match(html, /<html lang="en" dir="ltr">/, 'a bad lang hint is ignored')
      })
    }
    const evilPortfolio = poison(clone(PORTFOLIO)) as Record<string, unknown>
    evilPortfolio.about = `# Hi\n\n${PAYLOAD}\n\n<a href="javascript:alert(1)">raw</a> [md](javascript:alert(1)) [enc](&#106;avascript:alert(1)) ![x](javascript:alert(1)) <img src=x onerror=alert(1)>\n\n[ok](https://example.com)`
    const html = r.renderPortfolio(m, { title: PAYLOAD, content: evilPortfolio, theme_config: evilConfig }, opts)
    t.test('portfolio', async (t) => {
      checkSafe(t, html)
      t.match(html, /<a href="https:\/\/example\.com" rel="nofollow noopener ugc">ok<\/a>/, 'a safe Markdown link survives')
    })
  })
}

// --- scripts and direction -------------------------------------------------------------------------

t.test('right-to-left content', async (t) => {
  const m = manifest('modern')
  const r = new ThemeRenderer()
  const hebrew = clone(SAMPLE)
  hebrew.basics.name = 'דנה כהן'
  hebrew.basics.label = 'מהנדסת תוכנה'
  hebrew.basics.summary = 'מהנדסת תוכנה עם עשר שנות ניסיון בבניית מערכות תשלומים ב-TypeScript ו-PostgreSQL.'
  let html = r.renderResume(m, { content: hebrew })
  t.match(html, /<html lang="he" dir="rtl">/, 'Hebrew resume: dir=rtl, lang=he')
  t.match(html, /dir-rtl/, 'body class for RTL tweaks')
  t.match(html, /<meta name="cvgen-font-warning" content="[^"]*Hebrew/, 'Inter has no Hebrew: warned')
  t.match(html, /--font:'Inter', 'Noto Sans Hebrew'/, 'Hebrew system fonts before the fallback')
  html = r.renderPortfolio(m, { title: 'ليلى حداد', content: { about: 'مهندسة برمجيات في عمّان. أبني أنظمة موثوقة.' } })
  t.match(html, /<html lang="ar" dir="rtl">/, 'Arabic portfolio: dir=rtl')
  html = r.renderResume(m, { content: SAMPLE }, { lang: 'fa-IR' })
  t.match(html, /<html lang="fa-IR" dir="rtl">/, 'an RTL lang hint wins')
  const mostlyEnglish = clone(SAMPLE)
  mostlyEnglish.basics.summary += ' (שלום)'
  t.match(r.renderResume(m, { content: mostlyEnglish }), /<html lang="en" dir="ltr">/, 'a Hebrew word in English text stays LTR')
  // The stylesheets use logical properties only, so RTL pages mirror by themselves.
  for (const id of THEMES) {
    const css = readFileSync(join(BUILTIN_THEMES_DIR, id, 'style.css'), 'utf8') + readFileSync(join(BUILTIN_THEMES_DIR, id, 'print.css'), 'utf8')
    t.notMatch(css, /(margin|padding|border)-(left|right)|(?<![-\w])(left|right):|float:(left|right)|text-align:(left|right)/, `${id}: no physical left/right in the CSS`)
  }
})

t.test('CJK and emoji', async (t) => {
  const r = new ThemeRenderer()
  const cjk = clone(SAMPLE)
  cjk.basics.name = '山田 太郎'
  cjk.basics.summary = 'ソフトウェアエンジニア。分散システムとデータベースの設計が得意です。🚀'
  for (const id of THEMES) {
    const html = r.renderResume(manifest(id), { content: cjk })
    const warning = /<meta name="cvgen-font-warning" content="([^"]*)">/.exec(html)?.[1] ?? ''
    t.match(warning, /Japanese/, `${id}: Japanese uncovered -> warned`)
    t.match(warning, /Emoji/, `${id}: emoji uncovered -> warned`)
    t.match(html, /<html lang="ja"/, `${id}: lang detected`)
    t.match(html, /--font:'[^']+', 'Noto Sans CJK JP'.*'Noto Color Emoji', [^;]*(serif|sans-serif);/, `${id}: system fallbacks, generic family last`)
  }
  const plain = new ThemeRenderer().renderResume(manifest('classic'), { content: FULL })
  t.notMatch(plain, /cvgen-font-warning/, 'Latin text: no warning')
  const cyr = clone(SAMPLE)
  cyr.basics.summary = 'Инженер-программист из Москвы.'
  const html = r.renderResume(manifest('classic'), { content: cyr })
  t.notMatch(html, /cvgen-font-warning/, 'Source Serif 4 covers Cyrillic: no warning')
  t.match(html, /source-serif-4-cyrillic-400-normal\.woff2/, 'and its Cyrillic subset is declared')
  t.notMatch(plain, /cyrillic/, 'subsets the page does not use are left out')
})

t.test('font route contract', async (t) => {
  const allowed = ['@fontsource/inter']
  const file = fontFilePath(allowed, 'inter', JSON.parse(readFileSync(new URL('../../node_modules/@fontsource/inter/package.json', import.meta.url), 'utf8')).version, 'inter-latin-400-normal.woff2')
  t.ok(file && existsSync(file), 'serves an installed woff2')
  t.equal(fontFilePath(allowed, 'inter', '0.0.1', 'inter-latin-400-normal.woff2'), undefined, 'other version')
  t.equal(fontFilePath(allowed, 'roboto', '5.3.0', 'roboto-latin-400-normal.woff2'), undefined, 'package not allowed')
  t.equal(fontFilePath(allowed, 'inter', '5.3.0', '../package.json'), undefined, 'no traversal')
  t.equal(fontFilePath(allowed, 'inter', '5.3.0', 'inter-latin-400-normal.woff'), undefined, 'woff2 only')
  const html = new ThemeRenderer().renderResume(manifest('modern'), { content: SAMPLE }, { baseUrl: 'https://app.example.com/' })
  t.match(html, /url\(https:\/\/app\.example\.com\/fonts\/inter\/[\d.]+\/inter-latin-400-normal\.woff2\)/, 'baseUrl prefixes font URLs')
})

t.test('templates are compiled once; an operator theme folder works the same way', async (t) => {
  const dir = t.testdir({})
  cpSync(join(BUILTIN_THEMES_DIR, 'classic'), join(dir, 'classic'), { recursive: true })
  const m = loadTheme(join(dir, 'classic'), 'classic', 'operator').manifest
  const cached = new ThemeRenderer()
  const live = new ThemeRenderer({ reload: true })
  t.match(cached.renderResume(m, { content: SAMPLE }), /Professional Summary/)
  t.match(live.renderResume(m, { content: SAMPLE }), /Professional Summary/)
  const file = join(dir, 'classic', 'resume.hbs')
  writeFileSync(file, readFileSync(file, 'utf8').replace('Professional Summary', 'Profile Overview'))
  const later = new Date(Date.now() + 5000)
  const { utimesSync } = await import('node:fs')
  utimesSync(file, later, later)
  t.match(cached.renderResume(m, { content: SAMPLE }), /Professional Summary/, 'compiled once per process')
  t.match(live.renderResume(m, { content: SAMPLE }), /Profile Overview/, 'reload: true picks up the edit')
})

t.test('every theme gets the shared partials; a theme of its own partial overrides one', async (t) => {
  const dir = t.testdir({})
  cpSync(join(BUILTIN_THEMES_DIR, 'classic'), join(dir, 'classic'), { recursive: true })
  const m = loadTheme(join(dir, 'classic'), 'classic', 'operator').manifest
  const shared = readFileSync(join(BUILTIN_THEMES_DIR, '_shared', 'partials', 'head.hbs'), 'utf8')
  t.match(shared, /<meta/, 'the shared head is a real document head')
  const plain = new ThemeRenderer().renderResume(m, { content: SAMPLE })
  t.match(plain, /<meta charset/i, 'the shared head is used')
  mkdirSync(join(dir, 'classic', 'partials'), { recursive: true })
  writeFileSync(join(dir, 'classic', 'partials', 'head.hbs'), '<meta name="generator" content="operator-head">' + shared)
  t.match(new ThemeRenderer().renderResume(m, { content: SAMPLE }), /content="operator-head"/, "the theme's own head wins")
})

t.test('render time (warm, sample resume)', async (t) => {
  const r = new ThemeRenderer()
  for (const id of THEMES) {
    const m = manifest(id)
    const input = { title: 'Resume', content: SAMPLE, theme_config: {} }
    for (let i = 0; i < 50; i++) r.renderResume(m, input)
    const times: number[] = []
    for (let i = 0; i < 300; i++) {
      const start = performance.now()
      r.renderResume(m, input)
      times.push(performance.now() - start)
    }
    times.sort((a, b) => a - b)
    const median = times[times.length >> 1]! // 300 samples: both indexes are in range
    t.comment(`${id}: median ${median.toFixed(3)} ms, p95 ${times[Math.floor(times.length * 0.95)]!.toFixed(3)} ms per render`)
    t.ok(median < 5, `${id}: median under 5 ms (${median.toFixed(3)} ms)`)
  }
})
