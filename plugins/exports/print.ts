// From a resume or portfolio to bytes: the theme's HTML (app.renderer, the same templates and
// print.css the public page uses) printed by the pool's Chromium. Fonts are the theme's
// @fontsource files, fetched by the page from a made-up origin and answered from disk.
import { readFileSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'
import type { Page } from 'playwright-core'
import type { ThemeManifest } from '../themes/index.ts'
import type { BrowserPool } from './browser.ts'

/** Font URLs in printed pages start with it; the pool answers them, so it never resolves. */
export const PRINT_ORIGIN = 'http://print.cvgen.invalid'
/** Device scale factor of thumbnails: an A4 viewport (794 x 1123) gives 318 x 449 pixels. */
export const THUMBNAIL_SCALE = 0.4

export type Paper = 'A4' | 'Letter'
export interface Printable { kind: 'resume' | 'portfolio', title: string, content: unknown, theme_config: Record<string, unknown> }
export interface Coverage { font: string, scripts: string[], chars: string[] }
/** What the page showed: its headings in order and its text, the source an ATS reading is compared with. */
export interface DomText { headings: string[], text: string }

const FONT_PATH = /^\/fonts\/([^/]+)\/([^/]+)\/([^/]+)$/

/** The answer to Chromium's requests: theme font files from disk, nothing else. */
export function fontServer (app: FastifyInstance) {
  const files = new Map<string, Buffer>()
  return (url: URL): { body: Buffer, contentType: string } | null => {
    if (url.origin !== PRINT_ORIGIN) return null
    const m = FONT_PATH.exec(url.pathname)
    if (!m) return null
    const path = app.renderer.fonts.file(m[1]!, m[2]!, m[3]!)
    if (!path) return null
    let body = files.get(path)
    if (!body) {
      body = readFileSync(path)
      files.set(path, body)
    }
    return { body, contentType: 'font/woff2' }
  }
}

function theme (app: FastifyInstance, target: Printable): ThemeManifest {
  const id = target.theme_config.template_id
  const chosen = typeof id === 'string' ? app.themes.get(id) : undefined
  if (chosen?.supports.includes(target.kind)) return chosen
  const other = app.themes.get('classic')?.supports.includes(target.kind) ? app.themes.get('classic') : app.themes.list(target.kind)[0]
  if (!other) throw new Error(`no installed theme can render a ${target.kind}`)
  return other
}

function strings (value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value)
  else if (Array.isArray(value)) for (const v of value) strings(v, out)
  else if (value && typeof value === 'object') for (const v of Object.values(value)) strings(v, out)
  return out
}

/** The themed HTML and what the theme's font cannot draw (checked before rendering, reported on the export). */
export function printHtml (app: FastifyInstance, target: Printable): { html: string, coverage: Coverage } {
  const manifest = theme(app, target)
  const wanted = [target.theme_config.font_family, manifest.defaults.font_family]
  const font = manifest.fonts.find((f) => f.family === wanted[0]) ?? manifest.fonts.find((f) => f.family === wanted[1]) ?? manifest.fonts[0]!
  const uncovered = app.renderer.fonts.uncovered(font.package, strings(target.content).join(' ') + ' ' + target.title)
  const input = { title: target.title, content: target.content, theme_config: target.theme_config }
  const opts = { baseUrl: PRINT_ORIGIN }
  const html = target.kind === 'resume'
    ? app.renderer.themes.renderResume(manifest, input, opts)
    : app.renderer.themes.renderPortfolio(manifest, input, opts)
  return { html, coverage: { font: font.family, ...uncovered } }
}

const media = new WeakMap<Page, string>()

async function load (page: Page, html: string, wanted: 'print' | 'screen'): Promise<void> {
  // A round trip to the browser saved on every render of a warm page.
  if (media.get(page) !== wanted) {
    await page.emulateMedia({ media: wanted })
    media.set(page, wanted)
  }
  await page.setContent(html, { waitUntil: 'load' })
  // Web fonts load lazily during layout: wait for them, or the first glyphs are the fallback's.
  await page.evaluate(() => document.fonts.ready.then(() => undefined))
  // Printed pages reach no network, so a remote photo never loads; Chromium would print its
  // alt text in its place, which an ATS then reads as the first words of the resume.
  await page.evaluate(() => { for (const img of document.querySelectorAll('img')) if (!img.complete || img.naturalWidth === 0) img.remove() })
}

const domText = (page: Page): Promise<DomText> => page.evaluate(() => ({
  headings: [...document.querySelectorAll('h1, h2')].map((h) => (h as HTMLElement).innerText.replace(/\s+/g, ' ').trim()).filter(Boolean),
  text: document.body.innerText
}))

/** The PDF, and with `withText` what the page showed (for the ATS check). */
export async function renderPdf (pool: BrowserPool, html: string, paper: Paper, withText = false): Promise<{ pdf: Buffer, dom: DomText | null }> {
  return pool.withPage(async (page) => {
    await load(page, html, 'print')
    const dom = withText ? await domText(page) : null
    // The theme's @page rule sets the margins; printBackground keeps its colored rules and bands.
    const pdf = await page.pdf({ format: paper, printBackground: true, tagged: true, outline: false })
    return { pdf, dom }
  })
}

/** The first screen of the page as PNG: print media for resumes (as on paper), screen for portfolios. */
export async function renderPng (pool: BrowserPool, html: string, kind: Printable['kind'], scale = 1): Promise<Buffer> {
  return pool.withPage(async (page) => {
    await load(page, html, kind === 'resume' ? 'print' : 'screen')
    return page.screenshot({ type: 'png', animations: 'disabled' })
  }, scale)
}

/** Pages in a PDF written by Chromium (one page object each; no object streams). */
export function pdfPageCount (pdf: Buffer): number {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g) ?? []).length
}
