// Every theme in real headless Chromium (Debian's, driven by playwright-core): the page loads
// with no console error, no request the CSP blocks, no failed request to our origin, and its
// fonts actually load. The CSP is strict (no script, hashed inline style), so a theme that
// adds an inline handler, an external stylesheet or an unhashed style fails here first.
import { readFileSync } from 'node:fs'
import t from 'tap'
import { chromium, type Browser, type Page } from 'playwright-core'
import { build, created, register } from '../../test/helper.ts'
import { CHROMIUM_ARGS } from '../../kernel/chromium.ts'

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../samples/${name}`, import.meta.url), 'utf8')) as Record<string, any>

/** The fixtures link images on example hosts, which this closed network cannot reach: drop them. */
function withoutRemoteImages<T> (value: T): T {
  return JSON.parse(JSON.stringify(value), (key, v) => (key === 'image' || key === 'image_url') ? undefined : v)
}

interface Visit { status: number, problems: string[], fontsLoaded: number, direction: string, title: string }

/** Loads a page and collects everything the browser complained about. */
async function visit (page: Page, url: string, origin: string): Promise<Visit> {
  const problems: string[] = []
  const onConsole = (m: { type (): string, text (): string }) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`) }
  const onPageError = (e: Error) => { problems.push(`page error: ${e.message}`) }
  const onFailed = (r: { url (): string, failure (): { errorText: string } | null }) => { problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`) }
  const onResponse = (r: { url (): string, status (): number }) => {
    if (r.url().startsWith(origin) && r.status() >= 400 && r.url() !== url) problems.push(`HTTP ${r.status()}: ${r.url()}`)
  }
  page.on('console', onConsole)
  page.on('pageerror', onPageError)
  page.on('requestfailed', onFailed)
  page.on('response', onResponse)
  try {
    const res = await page.goto(url, { waitUntil: 'networkidle' })
    const facts = await page.evaluate(async () => {
      await document.fonts.ready
      return {
        fontsLoaded: [...document.fonts].filter((f) => f.status === 'loaded').length,
        direction: getComputedStyle(document.body).direction,
        title: document.title
      }
    })
    return { status: res?.status() ?? 0, problems, ...facts }
  } finally {
    page.off('console', onConsole)
    page.off('pageerror', onPageError)
    page.off('requestfailed', onFailed)
    page.off('response', onResponse)
  }
}

t.test('themes in headless Chromium under the CSP', async (t) => {
  const app = await build(t)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  if (!address || typeof address === 'string') throw new Error('no port')
  const origin = `http://127.0.0.1:${address.port}`

  const browser: Browser = await chromium.launch({ executablePath: app.config.chromiumPath, args: CHROMIUM_ARGS })
  t.teardown(() => browser.close())
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } })

  const ada = await register(app)
  const resume = withoutRemoteImages(fixture('full.resume.json'))
  const portfolio = withoutRemoteImages(fixture('analysis/portfolio.strong.json'))
  const themes = (await app.inject({ url: '/themes' })).json().data as { id: string }[]
  t.ok(themes.length >= 3, 'the shipped themes are listed')

  for (const { id } of themes) {
    await t.test(`${id}: resume`, async (t) => {
      const r = await created(app, ada.access, '/resumes', { title: `CV ${id}`, template_id: id, is_public: true, slug: `cv-${id}`, content: resume })
      const v = await visit(page, `${origin}/r/${r.slug}`, origin)
      t.equal(v.status, 200)
      t.same(v.problems, [], 'no console errors, CSP violations or failed requests')
      t.ok(v.fontsLoaded >= 1, `web fonts loaded (${v.fontsLoaded} faces)`)
      t.match(v.title, resume.basics.name)
      t.equal(v.direction, 'ltr')
    })

    await t.test(`${id}: portfolio`, async (t) => {
      const p = await created(app, ada.access, '/portfolios', { title: `Works ${id}`, template_id: id, is_published: true, subdomain: `works-${id}`, content: portfolio })
      const v = await visit(page, `${origin}/p/${p.subdomain}`, origin)
      t.equal(v.status, 200)
      t.same(v.problems, [], 'no console errors, CSP violations or failed requests')
      t.ok(v.fontsLoaded >= 1, `web fonts loaded (${v.fontsLoaded} faces)`)
    })

    await t.test(`${id}: right-to-left and CJK content`, async (t) => {
      const content = {
        basics: { name: 'ليلى حداد', label: 'مهندسة برمجيات', summary: 'أبني أنظمة سريعة وآمنة. 我也会说中文。 🚀' },
        work: [{ name: 'شركة المثال', position: 'مهندسة', startDate: '2020-01', highlights: ['خفضت زمن الاستجابة بنسبة 40٪'] }]
      }
      const r = await created(app, ada.access, '/resumes', { title: `RTL ${id}`, template_id: id, is_public: true, slug: `rtl-${id}`, content })
      const v = await visit(page, `${origin}/r/${r.slug}`, origin)
      t.equal(v.status, 200)
      t.same(v.problems, [], 'no console errors, CSP violations or failed requests')
      t.equal(v.direction, 'rtl', 'Arabic content lays out right to left')
    })
  }

  await t.test('a CSP violation would be caught', async (t) => {
    // The negative control: the same listener sees a blocked inline script on a page that
    // carries our CSP, so an empty problem list above means something.
    await page.route(`${origin}/control`, (route) => route.fulfill({
      status: 200,
      headers: { 'content-type': 'text/html', 'content-security-policy': "default-src 'none'" },
      body: '<!doctype html><title>x</title><script>document.title = "ran"</script><style>body{color:red}</style>'
    }))
    const v = await visit(page, `${origin}/control`, origin)
    t.ok(v.problems.some((p) => /Content Security Policy/i.test(p)), 'blocked inline script/style reported')
    t.equal(v.title, 'x', 'the script did not run')
  })
})
