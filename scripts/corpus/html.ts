// HTML/CSS layouts of our own (MIT), printed by Debian's Chromium through the parser corpus's
// PdfPrinter (playwright-core): sidebars, a dark header, a table layout, a timeline, Font
// Awesome icons (private-use code points), Chinese, and right-to-left Arabic. Chromium stamps
// the print time into the PDF; fixPdf() sets it to SOURCE_DATE_EPOCH.
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { PdfPrinter } from '../../plugins/parse/corpus.ts'
import { bare, escapeHtml, fixPdf, fmtRange, FULL, HEADINGS, htmlDocument, loadTruth, without, type DateStyle, type Lang, type Resume } from './common.ts'
import type { Layout } from './layouts.ts'

const EPOCH = 1764547200
const FA = fileURLToPath(new URL('../../node_modules/@fortawesome/fontawesome-free/webfonts/', import.meta.url))
let printer: PdfPrinter | undefined
export async function getPrinter () {
  printer ??= await PdfPrinter.launch('/usr/bin/chromium', (pkg, _v, file) => (pkg === 'fa' ? FA + file : undefined))
  return printer
}
export async function closeBrowser () { await printer?.close(); printer = undefined }

const e = escapeHtml
const ul = (list?: string[]) => (list?.length ? `<ul>${list.map((h) => `<li>${e(h)}</li>`).join('')}</ul>` : '')
const BRAND: Record<string, string> = { github: '\uf09b', linkedin: '\uf08c', xing: '\uf168', instagram: '\uf16d', mastodon: '\uf4f6', x: '\ue61b', zhihu: '\uf63f' }
const icon = (cp: string, brand = false) => `<i class="fa${brand ? ' b' : ''}">${cp}</i>`

type Style = 'sidebar' | 'rtl' | 'icons' | 'table' | 'timeline' | 'cjk' | 'dark' | 'minimal' | 'cards'

const FIELDS: Record<Style, string[]> = {
  sidebar: FULL,
  rtl: FULL,
  icons: without('basics.profiles.network'),
  table: FULL,
  timeline: without('basics.profiles.username'),
  cjk: FULL,
  dark: FULL,
  minimal: without('basics.profiles', 'work.location'),
  cards: without('basics.profiles.url')
}
const DATES: Record<Style, DateStyle> = { sidebar: 'name', rtl: 'slash', icons: 'slash', table: 'name', timeline: 'name', cjk: 'dot', dark: 'name', minimal: 'iso', cards: 'name' }

const FONTFACE = `@font-face{font-family:FA;src:url(/fonts/fa/7.3.1/fa-solid-900.woff2)}@font-face{font-family:FAB;src:url(/fonts/fa/7.3.1/fa-brands-400.woff2)}
.fa{font-family:FA;font-style:normal;display:inline-block;width:1.3em}.fa.b{font-family:FAB}`

export function render (r: Resume, lang: Lang, style: Style): string {
  const h = HEADINGS[lang]
  const b = r.basics
  const range = (s: string, end?: string) => e(fmtRange(s, end, lang, DATES[style]))
  const contact = style === 'icons'
    ? [[`${icon('\uf3c5')}${e(b.location.city)}`], [`${icon('\uf095')}${e(b.phone)}`], [`${icon('\uf0e0')}<a href="mailto:${e(b.email)}">${e(b.email)}</a>`], [`${icon('\uf0ac')}<a href="${e(b.url)}">${e(bare(b.url))}</a>`],
        ...b.profiles.map((p) => [`${icon(BRAND[p.network.toLowerCase()] ?? '\uf0c1', p.network.toLowerCase() in BRAND)}<a href="${e(p.url)}">${e(p.username)}</a>`])].map((x) => `<div>${x[0]}</div>`).join('')
    : `<div>${e(b.location.city)}</div><div>${e(b.phone)}</div><div><a href="mailto:${e(b.email)}">${e(b.email)}</a></div><div><a href="${e(b.url)}">${e(bare(b.url))}</a></div>` +
      b.profiles.map((p) => style === 'timeline' ? `<div>${e(p.network)}: <a href="${e(p.url)}">${e(bare(p.url))}</a></div>` : style === 'cards' ? `<div>${e(p.network)}: ${e(p.username)}</div>` : `<div>${e(p.network)}: <a href="${e(p.url)}">${e(p.username)}</a> (${e(bare(p.url))})</div>`).join('')
  const work = r.work.map((w) => {
    if (style === 'table') return `<tr><td class="d">${range(w.startDate, w.endDate)}</td><td><b>${e(w.position)}</b><br><i>${e(w.name)}</i>, ${e(w.location ?? '')}${ul(w.highlights)}</td></tr>`
    if (style === 'timeline') return `<div class="t"><div class="d">${range(w.startDate, w.endDate)}</div><div><h3>${e(w.position)}</h3><div class="org">${e(w.name)} · ${e(w.location ?? '')}</div>${ul(w.highlights)}</div></div>`
    if (style === 'cjk') return `<div class="e"><div class="row"><b>${e(w.name)}</b><span>${e(w.position)}</span><span>${e(w.location ?? '')}</span><span class="d">${range(w.startDate, w.endDate)}</span></div>${ul(w.highlights)}</div>`
    if (style === 'minimal') return `<div class="e"><div class="row"><span><b>${e(w.position)}</b> — ${e(w.name)}</span><span class="d">${range(w.startDate, w.endDate)}</span></div>${ul(w.highlights)}</div>`
    if (style === 'cards') return `<div class="card"><div class="d">${range(w.startDate, w.endDate)}</div><h3>${e(w.position)}</h3><div class="org">${e(w.name)}، ${e(w.location ?? '')}</div>${ul(w.highlights)}</div>`
    return `<div class="e"><div class="row"><h3>${e(w.position)}</h3><span class="d">${range(w.startDate, w.endDate)}</span></div><div class="org">${e(w.name)} | ${e(w.location ?? '')}</div>${ul(w.highlights)}</div>`
  }).join('')
  const edu = r.education.map((d) => {
    if (style === 'table') return `<tr><td class="d">${range(d.startDate, d.endDate)}</td><td><b>${e(d.studyType)}, ${e(d.area)}</b><br><i>${e(d.institution)}</i></td></tr>`
    if (style === 'timeline') return `<div class="t"><div class="d">${range(d.startDate, d.endDate)}</div><div><h3>${e(d.studyType)} · ${e(d.area)}</h3><div class="org">${e(d.institution)}</div></div></div>`
    if (style === 'cjk') return `<div class="e"><div class="row"><b>${e(d.institution)}</b><span>${e(d.area)}</span><span>${e(d.studyType)}</span><span class="d">${range(d.startDate, d.endDate)}</span></div></div>`
    return `<div class="e"><div class="row"><h3>${e(d.studyType)}${lang === 'ar' ? ' في ' : ', '}${e(d.area)}</h3><span class="d">${range(d.startDate, d.endDate)}</span></div><div class="org">${e(d.institution)}</div></div>`
  }).join('')
  const sep = lang === 'zh' ? '、' : lang === 'ar' ? '، ' : ', '
  const skills = style === 'dark' || style === 'cards'
    ? r.skills.map((s) => `<div class="sk"><h4>${e(s.name)}</h4>${s.keywords.map((k) => `<span class="tag">${e(k)}</span>`).join(' ')}</div>`).join('')
    : r.skills.map((s) => `<div class="sk"><b>${e(s.name)}:</b> ${e(s.keywords.join(sep))}</div>`).join('')
  const langs = r.languages.map((l) => `<div>${e(l.language)} — ${e(l.fluency)}</div>`).join('')
  const sec = (title: string, body: string) => `<section><h2>${e(title)}</h2>${body}</section>`
  const head = `<header><h1>${e(b.name)}</h1><div class="label">${e(b.label)}</div></header>`
  const main = sec(h.summary, `<p>${e(b.summary)}</p>`) + sec(h.work, style === 'table' ? `<table>${work}</table>` : work) + sec(h.education, style === 'table' ? `<table>${edu}</table>` : edu)
  const side = sec(h.contact, contact) + sec(h.skills, skills) + sec(h.languages, langs)
  const font = lang === 'zh' ? "'Noto Sans CJK SC'" : lang === 'ar' ? "'Noto Naskh Arabic', 'Noto Sans'" : style === 'table' || style === 'minimal' ? "'DejaVu Serif', serif" : "'Noto Sans', 'DejaVu Sans', sans-serif"
  const base = `${FONTFACE} @page{size:A4;margin:14mm} body{font-family:${font};font-size:10pt;color:#222;margin:0;line-height:1.35} h1{margin:0;font-size:24pt} h2{font-size:12pt;margin:12px 0 6px} h3{font-size:10.5pt;margin:0}
ul{margin:3px 0 6px;padding-inline-start:16px} a{color:inherit;text-decoration:none} .row{display:flex;justify-content:space-between;gap:10px} .d{white-space:nowrap;color:#555} .e{margin-bottom:8px} .org{font-style:italic}`
  const css: Record<Style, string> = {
    sidebar: '.wrap{display:grid;grid-template-columns:32% 1fr;gap:18px} aside{background:#eef2f6;padding:12px} h2{text-transform:uppercase;letter-spacing:1px;color:#2a5d8f;border-bottom:1px solid #2a5d8f} .label{font-size:13pt;color:#2a5d8f}',
    rtl: 'body{direction:rtl} .wrap{display:grid;grid-template-columns:1fr 30%;gap:18px} aside{border-inline-start:2px solid #0a7;padding-inline-start:12px} h2{color:#0a7} .label{font-size:14pt}',
    icons: '.wrap{display:grid;grid-template-columns:1fr 34%;gap:16px} aside{order:2;background:#2d3142;color:#fff;padding:12px} main{order:1} h2{border-bottom:2px solid #ef8354} .label{color:#ef8354;font-size:13pt}',
    table: 'header{text-align:center;border-bottom:3px double #000;padding-bottom:6px} table{width:100%;border-collapse:collapse} td{vertical-align:top;padding:3px 4px} td.d{width:28%} h2{font-variant:small-caps;font-size:13pt} aside{display:grid;grid-template-columns:repeat(3,1fr);gap:10px}',
    timeline: '.t{display:grid;grid-template-columns:110px 1fr;border-inline-start:2px solid #c33;padding-inline-start:10px;margin-bottom:8px} h2{color:#c33;font-size:14pt} aside{display:grid;grid-template-columns:1fr 1fr 1fr;gap:10px;border-top:1px solid #ccc;margin-top:10px}',
    cjk: 'h2{background:#1f4e79;color:#fff;padding:2px 8px} .row span{flex:1} .row b{flex:1.4} .label{font-size:13pt;color:#1f4e79} aside{display:grid;grid-template-columns:1fr 1fr 1fr;gap:10px}',
    dark: 'header{background:#1b1f24;color:#fff;padding:16px 18px;margin:-14mm -14mm 10px} .wrap{display:grid;grid-template-columns:1fr 30%;gap:18px} .tag{display:inline-block;background:#e3e8ee;border-radius:4px;padding:1px 6px;margin:2px 2px 0 0} h2{font-size:11pt;letter-spacing:2px;text-transform:uppercase}',
    minimal: 'h1{font-weight:400;font-size:28pt} h2{font-weight:400;font-size:11pt;color:#888;text-transform:lowercase} aside{columns:3}',
    cards: 'body{direction:rtl} .card{border:1px solid #ccd;border-radius:6px;padding:6px 10px;margin-bottom:6px} .tag{display:inline-block;border:1px solid #999;border-radius:10px;padding:0 6px;margin:2px} header{border-bottom:4px solid #b8860b} .wrap{display:grid;grid-template-columns:35% 1fr;gap:14px}'
  }
  const wrapped = ['table', 'timeline', 'cjk', 'minimal'].includes(style)
    ? `${head}<main>${main}</main><aside>${side}</aside>`
    : style === 'dark'
      ? `${head}<div class="wrap"><main>${main}</main><aside>${side}</aside></div>`
      : style === 'rtl' || style === 'icons'
        ? `${head}<div class="wrap"><main>${main}</main><aside>${side}</aside></div>`
        : `<div class="wrap"><aside>${side}</aside><main>${head}${main}</main></div>`
  return htmlDocument(lang, b.name, base + css[style], wrapped)
}

export function layout (id: string, truth: string, lang: Lang, style: Style): Layout {
  return {
    id,
    lang,
    truth,
    tool: 'Chromium (headless, page.pdf via playwright-core)',
    licence: `HTML/CSS template: MIT (cvgen)${style === 'icons' ? '; Font Awesome Free 7.3.1 fonts: OFL 1.1, icons CC BY 4.0' : ''}; Noto/DejaVu fonts: OFL 1.1 / Bitstream Vera`,
    description: `HTML/CSS "${style}" layout`,
    fields: FIELDS[style],
    build: async () => {
      const src = render(loadTruth(truth), lang, style)
      const pdf = fixPdf(await (await getPrinter()).print(src), EPOCH)
      const version = execFileSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8' }).trim()
      return { sources: [{ name: 'cv.html', data: src }], prints: [{ name: 'cv.pdf', data: pdf }], toolVersion: version }
    }
  }
}
