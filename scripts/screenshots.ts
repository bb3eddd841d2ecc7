// `npm run screenshots`: renders each shipped theme (resume and portfolio, from the sample
// documents in samples/) in Debian's Chromium and writes small PNGs to docs/screenshots/ for
// README.md and plugins/renderer/README.md.
// No database: the renderer is called directly and font requests are answered from the
// @fontsource packages on disk, as the /fonts route would.
import { mkdirSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { loadConfig } from '../config/index.ts'
import { fontFilePath } from '../plugins/renderer/fonts.ts'
import { ThemeRenderer } from '../plugins/renderer/render.ts'
import { BUILTIN_THEMES_DIR, loadTheme } from '../plugins/themes/registry.ts'
import { CHROMIUM_ARGS } from '../kernel/chromium.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const OUT = join(ROOT, 'docs', 'screenshots')

const fixture = (name: string) => JSON.parse(readFileSync(join(ROOT, 'samples', name), 'utf8'), (key, v) => (key === 'image' || key === 'image_url') ? undefined : v)

async function main () {
  const config = await loadConfig()
  mkdirSync(OUT, { recursive: true })
  const renderer = new ThemeRenderer()
  const resume = fixture('full.resume.json')
  const portfolio = fixture('analysis/portfolio.strong.json')
  const browser = await chromium.launch({ executablePath: config.chromiumPath, args: CHROMIUM_ARGS })
  try {
    const page = await browser.newPage({ viewport: { width: 1000, height: 1250 }, deviceScaleFactor: 0.6 })
    for (const id of readdirSync(BUILTIN_THEMES_DIR).sort()) {
      const { manifest } = loadTheme(join(BUILTIN_THEMES_DIR, id), id, 'builtin')
      const packages = manifest.fonts.map((f) => f.package).filter((p): p is string => !!p)
      await page.unroute('**/*')
      await page.route('**/*', async (route) => {
        const m = /\/fonts\/([^/]+)\/([^/]+)\/([^/?]+)$/.exec(new URL(route.request().url()).pathname)
        const file = m ? fontFilePath(packages, m[1]!, m[2]!, m[3]!) : undefined
        if (file) return route.fulfill({ status: 200, contentType: 'font/woff2', body: readFileSync(file) })
        if (route.request().url() === 'http://cvgen.localhost/') return route.continue()
        return route.abort()
      })
      const pages = [
        ['resume', renderer.renderResume(manifest, { title: resume.basics.name, content: resume })],
        ['portfolio', renderer.renderPortfolio(manifest, { title: 'Clinic, shop and dashboard work', content: portfolio })]
      ] as const
      for (const [kind, html] of pages) {
        await page.route('http://cvgen.localhost/', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: html }))
        await page.goto('http://cvgen.localhost/', { waitUntil: 'networkidle' })
        await page.evaluate(() => document.fonts.ready)
        const file = join(OUT, `${id}-${kind}.png`)
        await page.screenshot({ path: file, type: 'png' })
        console.log(file)
      }
    }
  } finally {
    await browser.close()
  }
}

main().catch((err) => { console.error(err); process.exit(1) })
