// Server-side rendering of resumes and portfolios with a theme's Handlebars templates.
// A pure module (no Fastify): the HTTP layer, a PDF worker or the CLI call it the same way.
//
// A theme folder holds theme.json (read by the theme registry), resume.hbs, portfolio.hbs,
// optional partials/*.hbs, style.css and optional print.css. Partials every theme shares live
// once in themes/_shared/partials (the document head); a theme's own partial of the same name
// overrides the shared one. Each folder's files are read
// and compiled once per renderer (per process), in their own Handlebars environment, so an
// operator theme's partials never clash with another theme's. `reload: true` re-reads a
// folder whenever a file's mtime changes (for theme authors).
//
// Output: one HTML document, no scripts, no inline style attributes or event handlers. All
// CSS sits in one <style> element (a strict CSP can allow it by hash or nonce); the values a
// user chooses (colors, text size, margin) reach it only as validated hex colors and
// clamped numbers in CSS custom properties. Handlebars escapes every {{value}}; the only
// triple-stash values are that CSS and Markdown that went through markdown.ts.
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import Handlebars from 'handlebars'
import { dateRange, formatDate } from '../../kernel/dates.ts'
import type { ThemeFont, ThemeKind, ThemeManifest } from '../themes/index.ts'
import { fontFaceCss, fontPackage, fontStack, uncoveredScripts } from './fonts.ts'
import { markdownText, renderMarkdown } from './markdown.ts'

/**
 * Whether an image URL found in the content may be shown. The renderer plugin builds it
 * from REMOTE_IMAGES; a renderer made without one shows any http(s) image.
 */
/** Partials every theme gets (a theme's own partials/ may override each). */
const SHARED_PARTIALS = fileURLToPath(new URL('../../themes/_shared/partials', import.meta.url))

export type ImagePolicy = (url: string) => boolean

export interface RenderInput { title?: string | null, content: unknown, theme_config?: Record<string, unknown> | null }
export interface RenderOptions {
  /** BCP 47 language of the content; detected from its script when absent ("en" by default). */
  lang?: string
  /** Prepended to font URLs (e.g. "https://app.example.com"); '' keeps them same-origin relative. */
  baseUrl?: string
}

interface CompiledTheme {
  stamp: string
  templates: Partial<Record<ThemeKind, Handlebars.TemplateDelegate>>
  css: string
}

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '')
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : [])

// --- helpers shared by every theme ------------------------------------------------------

const LINK_SCHEMES = new Set(['http:', 'https:', 'mailto:'])
const IMAGE_SCHEMES = new Set(['http:', 'https:'])

/** The URL if it is an absolute http, https or mailto URL, else ''. JSON Resume allows any scheme. */
export function safeUrl (value: unknown, schemes: Set<string> = LINK_SCHEMES): string {
  const s = str(value)
  // eslint-disable-next-line no-control-regex -- a URL with control characters is refused
  if (!s || s.length > 2048 || /[\u0000-\u001f\s]/.test(s)) return ''
  try {
    const u = new URL(s)
    return schemes.has(u.protocol) ? u.href : ''
  } catch {
    return ''
  }
}

function registerHelpers (hb: typeof Handlebars): void {
  hb.registerHelper('formatDate', (v: unknown) => formatDate(v))
  hb.registerHelper('dateRange', (a: unknown, b: unknown) => dateRange(a, b))
  hb.registerHelper('safeUrl', (v: unknown) => safeUrl(v))
  hb.registerHelper('join', (list: unknown, sep: unknown) => arr(list).map(str).filter(Boolean).join(typeof sep === 'string' ? sep : ', '))
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b)
  /** Host and path of a URL without the scheme, for display. */
  hb.registerHelper('displayUrl', (v: unknown) => {
    const u = safeUrl(v)
    return u ? u.replace(/^(https?:\/\/|mailto:)/, '').replace(/\/$/, '') : ''
  })
  /** {{#link url}}text{{/link}}: an <a> when the URL is safe, the bare text otherwise. */
  hb.registerHelper('link', function (this: unknown, url: unknown, options: Handlebars.HelperOptions) {
    const inner = options.fn(this)
    const href = safeUrl(url)
    if (!href) return new hb.SafeString(inner)
    const cls = typeof options.hash.class === 'string' ? ` class="${hb.escapeExpression(options.hash.class)}"` : ''
    return new hb.SafeString(`<a href="${hb.escapeExpression(href)}"${cls} rel="noopener nofollow">${inner}</a>`)
  })
}

// --- theme options -> CSS custom properties ----------------------------------------------

const HEX = /^#[0-9a-fA-F]{6}$/
const CLASS_TOKEN = /^[a-z0-9][a-z0-9-]{0,39}$/

function numberOption (manifest: ThemeManifest, config: Obj, key: string, fallback: number): number {
  const schema = (manifest.options.properties as Record<string, { minimum?: number, maximum?: number }> | undefined)?.[key] ?? {}
  const pick = [config[key], manifest.defaults[key]].find((v) => typeof v === 'number' && Number.isFinite(v)) as number | undefined
  let n = pick ?? fallback
  if (typeof schema.minimum === 'number') n = Math.max(schema.minimum, n)
  if (typeof schema.maximum === 'number') n = Math.min(schema.maximum, n)
  return Math.round(n * 1000) / 1000
}

function colorOption (manifest: ThemeManifest, config: Obj, key: string, fallback: string): string {
  return [config[key], manifest.defaults[key]].find((v) => typeof v === 'string' && HEX.test(v)) as string | undefined ?? fallback
}

/** Enum and boolean options, validated against the manifest's schema, for template logic and body classes. */
function choiceOptions (manifest: ThemeManifest, config: Obj): Obj {
  const props = (manifest.options.properties ?? {}) as Record<string, { type?: string, enum?: unknown[] }>
  const out: Obj = {}
  for (const [key, schema] of Object.entries(props)) {
    const candidates = [config[key], manifest.defaults[key]]
    if (Array.isArray(schema.enum)) out[key] = candidates.find((v) => schema.enum!.includes(v)) ?? schema.enum[0]
    else if (schema.type === 'boolean') out[key] = candidates.find((v) => typeof v === 'boolean') ?? false
  }
  return out
}

// --- language and direction ---------------------------------------------------------------

const RTL_LANGS = new Set(['ar', 'arc', 'ckb', 'dv', 'fa', 'he', 'iw', 'ks', 'ps', 'sd', 'ug', 'ur', 'yi'])
const LANG_TAG = /^[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{1,8})*$/

/** lang and dir from an explicit language or, failing that, from the letters of the main text. */
export function detectLanguage (mainText: string, hint?: string): { lang: string, dir: 'ltr' | 'rtl' } {
  if (hint && LANG_TAG.test(hint)) {
    const primary = hint.replace(/-.*/, '') // the primary language subtag, e.g. "he" of "he-IL"
    return { lang: hint, dir: RTL_LANGS.has(primary.toLowerCase()) ? 'rtl' : 'ltr' }
  }
  let letters = 0
  const counts = { hebrew: 0, arabic: 0, kana: 0, hangul: 0, han: 0 }
  for (const m of mainText.matchAll(/\p{L}/gu)) {
    letters++
    const ch = m[0]
    if (/\p{Script=Hebrew}/u.test(ch)) counts.hebrew++
    else if (/\p{Script=Arabic}/u.test(ch)) counts.arabic++
    else if (/[\p{Script=Hiragana}\p{Script=Katakana}]/u.test(ch)) counts.kana++
    else if (/\p{Script=Hangul}/u.test(ch)) counts.hangul++
    else if (/\p{Script=Han}/u.test(ch)) counts.han++
  }
  if (letters === 0) return { lang: 'en', dir: 'ltr' }
  const rtl = counts.hebrew + counts.arabic
  if (rtl / letters >= 0.3) return { lang: counts.hebrew >= counts.arabic ? 'he' : 'ar', dir: 'rtl' }
  const cjk = counts.kana + counts.hangul + counts.han
  if (cjk / letters >= 0.3) {
    return { lang: counts.kana > 0 ? 'ja' : counts.hangul >= counts.han ? 'ko' : 'zh', dir: 'ltr' }
  }
  return { lang: 'en', dir: 'ltr' }
}

/** Every string in a JSON value, joined (for the font coverage check). */
function allText (value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value)
  else if (Array.isArray(value)) for (const v of value) allText(v, out)
  else if (isObj(value)) for (const v of Object.values(value)) allText(v, out)
  return out
}

// --- view models ---------------------------------------------------------------------------

const RESUME_SECTIONS = ['work', 'volunteer', 'education', 'awards', 'certificates', 'publications', 'skills', 'languages', 'interests', 'references', 'projects'] as const

function resumeView (content: Obj, config: Obj, image: (v: unknown) => string): Obj {
  const basics = isObj(content.basics) ? content.basics : {}
  const location = isObj(basics.location) ? basics.location : {}
  const place = [str(location.city), str(location.region), str(location.countryCode)].filter(Boolean).join(', ')
  const profiles = arr(basics.profiles).filter(isObj).map((p) => ({
    network: str(p.network), username: str(p.username), url: p.url
  })).filter((p) => p.network || p.username || safeUrl(p.url))
  const email = str(basics.email)
  const view: Obj = {
    basics: { ...basics, location },
    name: str(basics.name),
    photo: config.show_photo ? image(basics.image) : '',
    contact: {
      email,
      emailUrl: email && !/[\s<>"]/.test(email) ? safeUrl(`mailto:${email}`) : '',
      phone: str(basics.phone),
      url: basics.url,
      place,
      profiles
    },
    hasContact: Boolean(email || str(basics.phone) || safeUrl(basics.url) || place || profiles.length)
  }
  for (const key of RESUME_SECTIONS) {
    const items = arr(content[key]).filter(isObj)
    view[key] = items.length ? items : null
  }
  return view
}

function portfolioView (content: Obj, image: (v: unknown) => string, allowImage: ImagePolicy): Obj {
  const contact = isObj(content.contact) ? content.contact : {}
  const email = str(contact.email)
  const links = arr(contact.links).filter(isObj).map((l) => ({ label: str(l.label) || str(l.url), url: l.url }))
  const projects = arr(content.projects).filter(isObj).map((p) => ({
    title: str(p.title),
    url: p.url,
    image: image(p.image),
    description: renderMarkdown(p.description, 4, allowImage),
    tags: arr(p.tags).map(str).filter(Boolean)
  }))
  return {
    about: renderMarkdown(content.about, 3, allowImage),
    projects: projects.length ? projects : null,
    contact: {
      email,
      emailUrl: email && !/[\s<>"]/.test(email) ? safeUrl(`mailto:${email}`) : '',
      phone: str(contact.phone),
      location: str(contact.location),
      links
    },
    hasContact: Boolean(email || str(contact.phone) || str(contact.location) || links.length)
  }
}

// --- the renderer --------------------------------------------------------------------------

export class ThemeRenderer {
  private readonly cache = new Map<string, CompiledTheme>()
  private readonly reload: boolean
  private readonly allowImage: ImagePolicy

  private readonly sharedPartials: string

  constructor (opts: { reload?: boolean, images?: ImagePolicy, sharedPartials?: string } = {}) {
    this.reload = opts.reload ?? false
    this.sharedPartials = opts.sharedPartials ?? SHARED_PARTIALS
    this.allowImage = opts.images ?? (() => true)
  }

  /** The photo's or a project image's URL when it may be shown, else '' (the theme shows none). */
  private readonly image = (value: unknown): string => {
    const url = safeUrl(value, IMAGE_SCHEMES)
    return url && this.allowImage(url) ? url : ''
  }

  renderResume (manifest: ThemeManifest, resume: RenderInput, opts: RenderOptions = {}): string {
    const content = isObj(resume.content) ? resume.content : {}
    const basics = isObj(content.basics) ? content.basics : {}
    const main = [str(basics.name), str(basics.label), str(basics.summary)].join(' ')
    const name = str(basics.name) || str(resume.title) || 'Resume'
    return this.render(manifest, 'resume', resume, opts, {
      main,
      all: allText(content).join(' ') + ' ' + str(resume.title),
      title: name,
      description: str(basics.label),
      build: (config) => ({ ...resumeView(content, config, this.image), name })
    })
  }

  renderPortfolio (manifest: ThemeManifest, portfolio: RenderInput, opts: RenderOptions = {}): string {
    const content = isObj(portfolio.content) ? portfolio.content : {}
    const about = markdownText(content.about)
    const title = str(portfolio.title) || 'Portfolio'
    return this.render(manifest, 'portfolio', portfolio, opts, {
      main: `${title} ${about}`,
      all: allText(content).join(' ') + ' ' + title,
      title,
      description: about.slice(0, 160),
      build: () => ({ ...portfolioView(content, this.image, this.allowImage), name: title })
    })
  }

  private render (manifest: ThemeManifest, kind: ThemeKind, input: RenderInput, opts: RenderOptions,
    page: { main: string, all: string, title: string, description: string, build: (config: Obj) => Obj }): string {
    const theme = this.compiled(manifest)
    const template = theme.templates[kind]
    if (!template) throw new Error(`theme "${manifest.id}" has no ${kind}.hbs`)
    const config = isObj(input.theme_config) ? input.theme_config : {}
    const choices = choiceOptions(manifest, config)

    const font = this.pickFont(manifest, config)
    const coverage = uncoveredScripts(font.package ? fontPackage(font.package) : null, page.all)
    const { lang, dir } = detectLanguage(page.main, opts.lang)
    const base = (opts.baseUrl ?? '').replace(/\/+$/, '')
    const safeBase = base === '' || /^https?:\/\/[A-Za-z0-9.:[\]-]+$/.test(base) ? base : ''

    const vars = [
      `--font:${fontStack(font, coverage.fallbacks)}`,
      `--primary:${colorOption(manifest, config, 'primary_color', '#1a1a1a')}`,
      `--accent:${colorOption(manifest, config, 'accent_color', '#2563eb')}`,
      `--scale:${numberOption(manifest, config, 'font_scale', 1)}`,
      `--margin:${numberOption(manifest, config, 'margin_mm', 15)}mm`
    ]
    const css = [
      fontFaceCss(font, safeBase, page.all),
      `:root{${vars.join(';')}}`,
      `@page{margin:${numberOption(manifest, config, 'margin_mm', 15)}mm}`,
      theme.css
    ].join('\n').replace(/<\/?(style|script)/gi, '')

    const bodyClasses = Object.entries(choices)
      .filter(([, v]) => (typeof v === 'string' && CLASS_TOKEN.test(v)) || v === true)
      .map(([k, v]) => (v === true ? k.replace(/_/g, '-') : `${k.replace(/_(id)?$/, '').replace(/_/g, '-')}-${v}`))

    return template({
      ...page.build(choices),
      config: choices,
      page: {
        lang,
        dir,
        title: page.title,
        kind,
        description: page.description,
        css,
        bodyClass: [`kind-${kind}`, `dir-${dir}`, ...bodyClasses].join(' '),
        fontWarning: coverage.missing.length
          ? `The theme's font ${font.family} has no glyphs for: ${coverage.missing.join(', ')}. System fonts are used for them; they may look different or show as boxes where none is installed.`
          : ''
      }
    })
  }

  private pickFont (manifest: ThemeManifest, config: Obj): ThemeFont {
    const wanted = [config.font_family, manifest.defaults.font_family]
    return manifest.fonts.find((f) => wanted[0] === f.family) ?? manifest.fonts.find((f) => wanted[1] === f.family) ?? manifest.fonts[0]
  }

  /** The theme folder's templates and CSS, compiled once (again after a change when `reload`). */
  private compiled (manifest: ThemeManifest): CompiledTheme {
    const dir = manifest.dir
    const cached = this.cache.get(dir)
    if (cached && !this.reload) return cached
    const files = this.themeFiles(dir)
    const stamp = files.map((f) => `${f}:${statSync(f).mtimeMs}`).join('|')
    if (cached && cached.stamp === stamp) return cached

    const hb = Handlebars.create()
    registerHelpers(hb)
    // Shared first, then the theme's own: a later registration of a name replaces the earlier.
    for (const partialsDir of [this.sharedPartials, join(dir, 'partials')]) {
      for (const file of files.filter((f) => f.startsWith(partialsDir + sep))) {
        const name = file.slice(partialsDir.length + 1).replace(/\.hbs$/, '')
        hb.registerPartial(name, hb.compile(readFileSync(file, 'utf8'), { strict: false }))
      }
    }
    const templates: CompiledTheme['templates'] = {}
    for (const kind of manifest.supports) {
      const file = join(dir, `${kind}.hbs`)
      if (files.includes(file)) templates[kind] = hb.compile(readFileSync(file, 'utf8'), { preventIndent: true })
    }
    const css = ['style.css', 'print.css'].map((f) => join(dir, f)).filter((f) => files.includes(f))
      .map((f) => readFileSync(f, 'utf8')).join('\n')
    const theme = { stamp, templates, css }
    this.cache.set(dir, theme)
    return theme
  }

  private themeFiles (dir: string): string[] {
    const list = (d: string, exts: RegExp) => {
      try {
        return readdirSync(d).filter((n) => exts.test(n)).sort().map((n) => join(d, n))
      } catch { return [] }
    }
    return [...list(dir, /\.(hbs|css)$/), ...list(this.sharedPartials, /\.hbs$/), ...list(join(dir, 'partials'), /\.hbs$/)]
  }
}
