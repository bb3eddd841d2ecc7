// The test corpus of the parser: every fixture resume rendered with every resume theme and
// printed to PDF, and written to DOCX. Used by the accuracy harness (`parse eval`), the tests
// and bench/parse.ts.
//
// PDF: HTML from app.renderer.themes, printed by Debian's Chromium through playwright-core.
// This is the one place to switch to the exports plugin once it lands: replace PdfPrinter.
// Fonts: the page asks for /fonts/<pkg>/<version>/<file>; each request is fulfilled from the
// installed @fontsource package (app.renderer.fonts.file), so the PDFs carry the theme's real fonts.
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'
import { chromium, type Browser, type Page } from 'playwright-core'
import type { RendererFonts } from '../renderer/index.ts'
import type { ThemeManifest } from '../themes/index.ts'
import { buildDocx } from './corpus-docx.ts'
import { CHROMIUM_ARGS } from '../../kernel/chromium.ts'

const FIXTURES = fileURLToPath(new URL('../../samples/', import.meta.url))
/** The sample resumes, relative to samples/ (shipped in the image, so `parse eval` runs there). */
export const FIXTURE_FILES = ['jsonresume/sample.resume.json', 'full.resume.json', 'analysis/strong.resume.json', 'analysis/weak.resume.json']

export interface Fixture { name: string, content: Record<string, unknown> }

export async function loadFixtures (): Promise<Fixture[]> {
  return Promise.all(FIXTURE_FILES.map(async (f) => ({
    name: f.replace(/^.*\//, '').replace(/\.resume\.json$/, ''),
    content: JSON.parse(await readFile(FIXTURES + f, 'utf8')) as Record<string, unknown>
  })))
}

/** Prints HTML to PDF with one warm browser page; fonts come from the installed packages. */
const ORIGIN = 'http://cvgen.invalid/'
const PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mP8/x8AAwMCAO+ip1sAAAAASUVORK5CYII=', 'base64')

export class PdfPrinter {
  private html = ''
  private readonly browser: Browser
  private readonly page: Page

  private constructor (browser: Browser, page: Page) {
    this.browser = browser
    this.page = page
  }

  /** `fontFile`: app.renderer.fonts.file, or none for pages that need no web fonts. */
  static async launch (executablePath: string, fontFile: RendererFonts['file'] = () => undefined): Promise<PdfPrinter> {
    const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS })
    try {
      const page = await browser.newPage()
      await page.route('**/*', async (route) => {
        if (route.request().url() === ORIGIN) return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: printer.html })
        const url = new URL(route.request().url())
        const m = /^\/fonts\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(url.pathname)
        const path = m ? fontFile(m[1]!, m[2]!, m[3]!) : undefined
        if (path) return route.fulfill({ status: 200, contentType: 'font/woff2', body: await readFile(path) })
        // Nothing leaves the machine: a photo on example.com becomes a blank pixel (not alt text).
        if (route.request().resourceType() === 'image') return route.fulfill({ status: 200, contentType: 'image/png', body: PIXEL })
        return route.abort()
      })
      // The route above reads `printer` only for requests made by print(), after this line.
      const printer = new PdfPrinter(browser, page)
      return printer
    } catch (err) {
      await browser.close()
      throw err
    }
  }

  async print (html: string, options: { width?: string, height?: string } = {}): Promise<Buffer> {
    // Served from an http origin so the relative /fonts/ URLs resolve and reach the route above.
    this.html = html
    await this.page.goto(ORIGIN, { waitUntil: 'load' })
    await this.page.evaluate(() => document.fonts.ready.then(() => undefined))
    return this.page.pdf({ format: options.width ? undefined : 'A4', width: options.width, height: options.height, printBackground: true })
  }

  async close (): Promise<void> { await this.browser.close() }
}

/** What the corpus needs of the app: the theme registry and the renderer decorator. */
export type Renderers = Pick<FastifyInstance, 'themes' | 'renderer'>

export interface CorpusItem { fixture: string, theme: string, variant: string, format: 'pdf' | 'docx', file: Buffer, expected: Record<string, unknown> }

/**
 * The theme's defaults, then each choice option (enum or boolean) switched to each other
 * value, one at a time: a layout or font option that breaks parsing shows up on its own.
 */
export function themeVariants (manifest: ThemeManifest): { name: string, config: Record<string, unknown> }[] {
  const out: { name: string, config: Record<string, unknown> }[] = [{ name: 'default', config: {} }]
  const props = (manifest.options.properties ?? {}) as Record<string, { type?: string, enum?: unknown[] }>
  for (const [key, schema] of Object.entries(props)) {
    const current = manifest.defaults[key]
    const values = schema.enum ?? (schema.type === 'boolean' ? [true, false] : [])
    for (const v of values) if (v !== current && !(schema.type === 'boolean' && !current && v === false)) out.push({ name: `${key}=${String(v)}`, config: { [key]: v } })
  }
  return out
}

/** Every resume theme's font packages (the /fonts route's allow-list). */
/**
 * Yields each fixture printed with each resume theme and variant (PDF), then each fixture
 * as DOCX (one "theme": the docx builder's own layout).
 */
export async function * buildCorpus (app: Renderers, printer: PdfPrinter, fixtures?: Fixture[]): AsyncGenerator<CorpusItem> {
  const list = fixtures ?? await loadFixtures()
  for (const theme of app.themes.list('resume')) {
    for (const variant of themeVariants(theme)) {
      for (const f of list) {
        const html = app.renderer.themes.renderResume(theme, { title: null, content: f.content, theme_config: variant.config })
        yield { fixture: f.name, theme: theme.id, variant: variant.name, format: 'pdf', file: await printer.print(html), expected: f.content }
      }
    }
  }
  for (const f of list) {
    yield { fixture: f.name, theme: 'docx', variant: 'default', format: 'docx', file: await buildDocx(f.content), expected: f.content }
  }
}
