// HTML/CSS layouts of the third holdout (added 2026-12-07), our own (MIT), printed by Chromium
// like html.ts. Written before anyone tuned the parser on them, with designs none of the
// earlier layouts has: a right-aligned dates column with the company first, a compact two-column
// page with skills as pill chips, centred headings between rules, Font Awesome glyphs (private-use
// code points) before every heading, contact line and highlight, a right-to-left timeline and
// Chinese with the dates first in a four-column grid. Fonts are the ones Debian ships without
// Noto: DejaVu (Latin and Arabic) and WenQuanYi Micro Hei (Chinese).
import { execFileSync } from 'node:child_process'
import { bare, escapeHtml, fixPdf, fmtRange, FULL, HEADINGS, htmlDocument, loadTruth, without, type DateStyle, type Lang, type Resume } from './common.ts'
import { getPrinter } from './html.ts'
import type { Layout } from './layouts.ts'

const EPOCH = 1764547200
const e = escapeHtml
const ul = (list?: string[]) => (list?.length ? `<ul>${list.map((x) => `<li>${e(x)}</li>`).join('')}</ul>` : '')

export type Style1207 = 'datescol' | 'pills' | 'ornate' | 'iconfont' | 'timeline-rtl' | 'blocks'

const FIELDS: Record<Style1207, string[]> = {
  datescol: without('basics.profiles.username'),
  pills: without('basics.profiles.url'),
  ornate: FULL,
  iconfont: without('basics.profiles.network', 'basics.profiles.url'),
  'timeline-rtl': without('basics.profiles.url'),
  blocks: FULL
}
const DATES: Record<Style1207, DateStyle> = { datescol: 'name', pills: 'slash', ornate: 'name', iconfont: 'slash', 'timeline-rtl': 'name', blocks: 'dot' }
const DESCRIPTIONS: Record<Style1207, string> = {
  datescol: 'company first in bold with the dates right-aligned beside it, the position and the place right-aligned on the line below; contact stacked flush right beside the name',
  pills: 'compact two columns: narrow left column with contact, skills as pill chips under their group and languages; "position | dates" lines',
  ornate: 'centred serif page: small-caps name, headings centred between two rules, "position, employer — place" with the dates on the next line in italics',
  iconfont: 'Font Awesome Free glyphs (private-use code points) before every heading, contact line, date, place and highlight; profiles shown as brand icon and user name',
  'timeline-rtl': 'right-to-left: timeline with the dates in a narrow column at the start side and a dot rule, sidebar (contact, skills, languages) on the left',
  blocks: 'Chinese: headings as coloured blocks with a rule, each entry a four-column grid line with the dates first (dates, employer, position, city), contact as a two-column table'
}
const LABELS: Record<Lang, { phone: string, email: string, web: string, city: string }> = {
  en: { phone: 'Phone', email: 'Email', web: 'Website', city: 'Location' },
  de: { phone: 'Telefon', email: 'E-Mail', web: 'Website', city: 'Wohnort' },
  fr: { phone: 'Téléphone', email: 'Courriel', web: 'Site web', city: 'Ville' },
  es: { phone: 'Teléfono', email: 'Correo', web: 'Web', city: 'Ciudad' },
  ar: { phone: 'الهاتف', email: 'البريد الإلكتروني', web: 'الموقع', city: 'المدينة' },
  zh: { phone: '电话', email: '邮箱', web: '个人主页', city: '现居' }
}
// Font Awesome Free 7 code points (private use area), solid and brands.
const FA = { phone: '\uf095', mail: '\uf0e0', web: '\uf0ac', pin: '\uf3c5', cal: '\uf073', check: '\uf00c', user: '\uf007', work: '\uf0b1', edu: '\uf19d', tools: '\uf7d9', lang: '\uf1ab' }
const BRAND: Record<string, string> = { linkedin: '\uf08c', github: '\uf09b', researchgate: '\uf4f8', xing: '\uf168' }
const FONTFACE = `@font-face{font-family:FA;src:url(/fonts/fa/7.3.1/fa-solid-900.woff2)}@font-face{font-family:FAB;src:url(/fonts/fa/7.3.1/fa-brands-400.woff2)}
.fa{font-family:FA;font-style:normal;display:inline-block;width:1.4em;color:#b45309}.fa.b{font-family:FAB}`
const fa = (cp: string, brand = false) => `<i class="fa${brand ? ' b' : ''}">${cp}</i>`

export function render1207 (r: Resume, lang: Lang, style: Style1207): string {
  const h = HEADINGS[lang]
  const L = LABELS[lang]
  const b = r.basics
  const range = (s: string, z?: string) => e(fmtRange(s, z, lang, DATES[style]))
  const sep = lang === 'zh' ? '、' : lang === 'ar' ? '، ' : ', '
  const mail = `<a href="mailto:${e(b.email)}">${e(b.email)}</a>`
  const web = `<a href="${e(b.url)}">${e(bare(b.url))}</a>`
  const sec = (title: string, inner: string) => `<section><h2>${title}</h2>${inner}</section>`
  let font = "'DejaVu Sans', sans-serif"
  let body: string
  let css: string

  if (style === 'datescol') {
    const entry = (bold: string, right1: string, second: string, right2: string, rest = '') =>
      `<div class="e"><div class="l"><b>${bold}</b><span class="d">${right1}</span></div><div class="l"><i>${second}</i><span class="d">${right2}</span></div>${rest}</div>`
    body = `<header><div><h1>${e(b.name)}</h1><div class="label">${e(b.label)}</div></div><div class="contact">${e(b.location.city)}<br>${e(b.phone)}<br>${mail}<br>${web}<br>${b.profiles.map((p) => `${e(p.network)}: <a href="${e(p.url)}">${e(bare(p.url))}</a>`).join('<br>')}</div></header>` +
      sec(e(h.summary), `<p>${e(b.summary)}</p>`) +
      sec(e(h.work), r.work.map((w) => entry(e(w.name), range(w.startDate, w.endDate), e(w.position), e(w.location ?? ''), ul(w.highlights))).join('')) +
      sec(e(h.education), r.education.map((d) => entry(e(d.institution), range(d.startDate, d.endDate), `${e(d.studyType)}, ${e(d.area)}`, '')).join('')) +
      sec(e(h.skills), r.skills.map((s) => `<div><b>${e(s.name)}</b> — ${e(s.keywords.join(sep))}</div>`).join('')) +
      sec(e(h.languages), `<p>${r.languages.map((l) => `${e(l.language)} (${e(l.fluency)})`).join(' · ')}</p>`)
    css = `header{display:flex;justify-content:space-between;align-items:flex-end;border-bottom:2px solid #14532d;padding-bottom:6px} h1{font-size:25pt;color:#14532d} .label{font-size:12pt}
.contact{text-align:right;font-size:9pt;line-height:1.45} h2{font-size:11pt;text-transform:uppercase;color:#14532d;margin:12px 0 4px;letter-spacing:.5px}
.l{display:flex;justify-content:space-between;gap:12px} .d{text-align:right;white-space:nowrap;color:#444} .e{margin-bottom:7px} p{margin:0}`
  } else if (style === 'pills') {
    const side = sec(e(h.contact), `<p>${e(b.location.city)}</p><p>${e(b.phone)}</p><p>${mail}</p><p>${web}</p>${b.profiles.map((p) => `<p><span class="k">${e(p.network)}</span> ${e(p.username)}</p>`).join('')}`) +
      sec(e(h.skills), r.skills.map((s) => `<h4>${e(s.name)}</h4><div class="pills">${s.keywords.map((k) => `<span class="pill">${e(k)}</span>`).join('')}</div>`).join('')) +
      sec(e(h.languages), r.languages.map((l) => `<p><b>${e(l.language)}</b> · ${e(l.fluency)}</p>`).join(''))
    const main = sec(e(h.summary), `<p>${e(b.summary)}</p>`) +
      sec(e(h.work), r.work.map((w) => `<div class="e"><div><b>${e(w.position)}</b> | ${range(w.startDate, w.endDate)}</div><div class="org">${e(w.name)}, ${e(w.location ?? '')}</div>${ul(w.highlights)}</div>`).join('')) +
      sec(e(h.education), r.education.map((d) => `<div class="e"><div><b>${e(d.studyType)} ${e(d.area)}</b> | ${range(d.startDate, d.endDate)}</div><div class="org">${e(d.institution)}</div></div>`).join(''))
    body = `<h1>${e(b.name)}</h1><div class="label">${e(b.label)}</div><div class="wrap"><aside>${side}</aside><main>${main}</main></div>`
    css = `body{font-size:9pt} h1{font-size:20pt;color:#7c3aed} .label{font-size:11pt;color:#555;margin-bottom:8px} .wrap{display:grid;grid-template-columns:28% 1fr;gap:16px}
aside{border-right:1px solid #ddd;padding-right:10px} h2{font-size:10pt;color:#7c3aed;margin:8px 0 3px;border-bottom:1px solid #e9d5ff} h4{margin:5px 0 2px;font-size:8.5pt}
.pill{display:inline-block;background:#ede9fe;color:#4c1d95;border-radius:10px;padding:1px 7px;margin:0 3px 3px 0;font-size:8pt} aside p{margin:0 0 2px} .k{color:#888;font-size:8pt} .org{color:#555} .e{margin-bottom:6px} p{margin:0}`
  } else if (style === 'ornate') {
    font = "'DejaVu Serif', serif"
    const entry = (title: string, dates: string, rest = '') => `<div class="e"><div>${title}</div><div class="d">${dates}</div>${rest}</div>`
    body = `<header><h1>${e(b.name)}</h1><div class="label">${e(b.label)}</div><div class="contact">${e(b.location.city)} · ${e(b.phone)} · ${mail} · ${web}</div>
<div class="contact">${b.profiles.map((p) => `${e(p.network)} : <a href="${e(p.url)}">${e(p.username)}</a> (${e(bare(p.url))})`).join(' · ')}</div></header>` +
      sec(`<span>${e(h.summary)}</span>`, `<p>${e(b.summary)}</p>`) +
      sec(`<span>${e(h.work)}</span>`, r.work.map((w) => entry(`<b>${e(w.position)}</b>, ${e(w.name)} — ${e(w.location ?? '')}`, range(w.startDate, w.endDate), w.highlights?.length ? `<div class="hl">${w.highlights.map((x) => `<div>– ${e(x)}</div>`).join('')}</div>` : '')).join('')) +
      sec(`<span>${e(h.education)}</span>`, r.education.map((d) => entry(`<b>${e(d.studyType)} ${e(d.area)}</b>, ${e(d.institution)}`, range(d.startDate, d.endDate))).join('')) +
      sec(`<span>${e(h.skills)}</span>`, r.skills.map((s) => `<div><b>${e(s.name)}</b> : ${e(s.keywords.join(sep))}</div>`).join('')) +
      sec(`<span>${e(h.languages)}</span>`, r.languages.map((l) => `<div><b>${e(l.language)}</b> : ${e(l.fluency)}</div>`).join(''))
    css = `header{text-align:center} h1{font-variant:small-caps;font-size:24pt;letter-spacing:3px;font-weight:400} .label{font-style:italic;font-size:12pt;margin-bottom:4px} .contact{font-size:9pt}
h2{display:flex;align-items:center;gap:10px;font-size:11pt;font-weight:400;font-variant:small-caps;letter-spacing:1.5px;margin:14px 0 6px} h2::before,h2::after{content:"";flex:1;border-top:0.8pt solid #555}
.d{font-style:italic;color:#555;font-size:9pt} .hl{margin:2px 0 0 12px} .e{margin-bottom:7px} p{margin:0;text-align:justify}`
  } else if (style === 'iconfont') {
    const li = (list?: string[]) => (list?.length ? `<div class="hl">${list.map((x) => `<div>${fa(FA.check)}${e(x)}</div>`).join('')}</div>` : '')
    const brand = (n: string) => BRAND[n.toLowerCase()]
    body = `<header><h1>${e(b.name)}</h1><div class="label">${e(b.label)}</div><div class="contact">
<span>${fa(FA.pin)}${e(b.location.city)}</span><span>${fa(FA.phone)}${e(b.phone)}</span><span>${fa(FA.mail)}${mail}</span><span>${fa(FA.web)}${web}</span>${b.profiles.map((p) => `<span>${fa(brand(p.network) ?? FA.web, !!brand(p.network))}<a href="${e(p.url)}">${e(p.username)}</a></span>`).join('')}</div></header>` +
      sec(`${fa(FA.user)}${e(h.summary)}`, `<p>${e(b.summary)}</p>`) +
      sec(`${fa(FA.work)}${e(h.work)}`, r.work.map((w) => `<div class="e"><h3>${e(w.position)}</h3><div class="org">${e(w.name)}</div><div class="meta">${fa(FA.cal)}${range(w.startDate, w.endDate)} ${fa(FA.pin)}${e(w.location ?? '')}</div>${li(w.highlights)}</div>`).join('')) +
      sec(`${fa(FA.edu)}${e(h.education)}`, r.education.map((d) => `<div class="e"><h3>${e(d.studyType)} en ${e(d.area)}</h3><div class="org">${e(d.institution)}</div><div class="meta">${fa(FA.cal)}${range(d.startDate, d.endDate)}</div></div>`).join('')) +
      sec(`${fa(FA.tools)}${e(h.skills)}`, r.skills.map((s) => `<div><b>${e(s.name)}</b>: ${e(s.keywords.join(sep))}</div>`).join('')) +
      sec(`${fa(FA.lang)}${e(h.languages)}`, r.languages.map((l) => `<div><b>${e(l.language)}</b>: ${e(l.fluency)}</div>`).join(''))
    css = `${FONTFACE} header{background:#fff7ed;border-left:6px solid #b45309;padding:10px 14px} h1{font-size:24pt} .label{font-size:12pt;color:#b45309} .contact{display:flex;flex-wrap:wrap;gap:3px 16px;margin-top:6px;font-size:9pt}
h2{font-size:12pt;margin:12px 0 5px;border-bottom:1px solid #fed7aa} h3{font-size:10.5pt;margin:0} .org{font-weight:700;color:#444} .meta{font-size:8.5pt;color:#666} .hl{margin-top:2px} .e{margin-bottom:7px} p{margin:0}`
  } else if (style === 'timeline-rtl') {
    const t = (dates: string, inner: string) => `<div class="t"><div class="d">${dates}</div><div class="c">${inner}</div></div>`
    const main = sec(e(h.summary), `<p>${e(b.summary)}</p>`) +
      sec(e(h.work), r.work.map((w) => t(range(w.startDate, w.endDate), `<h3>${e(w.position)}</h3><div class="org">${e(w.name)} — ${e(w.location ?? '')}</div>${ul(w.highlights)}`)).join('')) +
      sec(e(h.education), r.education.map((d) => t(range(d.startDate, d.endDate), `<h3>${e(d.studyType)} في ${e(d.area)}</h3><div class="org">${e(d.institution)}</div>`)).join(''))
    const side = sec(e(h.contact), `<p>${e(b.location.city)}</p><p dir="ltr">${e(b.phone)}</p><p>${mail}</p><p>${web}</p>${b.profiles.map((p) => `<p>${e(p.network)}: <span dir="ltr">${e(p.username)}</span></p>`).join('')}`) +
      sec(e(h.skills), r.skills.map((s) => `<h4>${e(s.name)}</h4><p>${e(s.keywords.join(sep))}</p>`).join('')) +
      sec(e(h.languages), r.languages.map((l) => `<p>${e(l.language)} — ${e(l.fluency)}</p>`).join(''))
    body = `<header><h1>${e(b.name)}</h1><div class="label">${e(b.label)}</div></header><div class="wrap"><main>${main}</main><aside>${side}</aside></div>`
    css = `body{direction:rtl} header{border-bottom:3px solid #9f1239;padding-bottom:6px;margin-bottom:8px} h1{font-size:24pt;color:#9f1239} .label{font-size:13pt}
.wrap{display:grid;grid-template-columns:1fr 29%;gap:18px} aside{background:#fff1f2;padding:8px 10px} h2{font-size:12pt;color:#9f1239;margin:10px 0 5px} h3{font-size:10.5pt;margin:0} h4{margin:5px 0 0;font-size:9.5pt}
.t{display:grid;grid-template-columns:26mm 1fr;gap:10px;margin-bottom:8px} .t .c{border-inline-start:2px dotted #9f1239;padding-inline-start:10px} .d{font-size:8.5pt;color:#555} .org{color:#444} aside p{margin:0 0 3px} p{margin:0}`
  } else {
    font = "'WenQuanYi Micro Hei', sans-serif"
    const row = (a: string, b2: string, c: string, d: string) => `<div class="g"><span class="d">${a}</span><b>${b2}</b><span>${c}</span><span>${d}</span></div>`
    const hl = (list?: string[]) => (list?.length ? `<div class="hl">${list.map((x) => `<div>· ${e(x)}</div>`).join('')}</div>` : '')
    body = `<header><h1>${e(b.name)}</h1><div class="label">求职意向：${e(b.label)}</div>
<table class="info"><tr><td>${L.phone}：${e(b.phone)}</td><td>${L.email}：${mail}</td></tr><tr><td>${L.city}：${e(b.location.city)}</td><td>${L.web}：${web}</td></tr>
${b.profiles.map((p) => `<tr><td>${e(p.network)}：${e(p.username)}</td><td><a href="${e(p.url)}">${e(bare(p.url))}</a></td></tr>`).join('')}</table></header>` +
      sec(e(h.summary), `<p>${e(b.summary)}</p>`) +
      sec(e(h.work), r.work.map((w) => row(range(w.startDate, w.endDate), e(w.name), e(w.position), e(w.location ?? '')) + hl(w.highlights)).join('')) +
      sec(e(h.education), r.education.map((d) => row(range(d.startDate, d.endDate), e(d.institution), e(d.area), e(d.studyType))).join('')) +
      sec(e(h.skills), r.skills.map((s) => `<div><b>${e(s.name)}：</b>${e(s.keywords.join(sep))}</div>`).join('')) +
      sec(e(h.languages), `<p>${r.languages.map((l) => `${e(l.language)}（${e(l.fluency)}）`).join('；')}</p>`)
    css = `h1{font-size:24pt} .label{font-size:11pt;margin:2px 0 6px;color:#0e7490} table.info{border-collapse:collapse;font-size:9.5pt} table.info td{padding:1px 18px 1px 0}
h2{font-size:12pt;margin:12px 0 5px;padding:1px 8px;border-left:8px solid #0e7490;border-bottom:1px solid #0e7490;background:#ecfeff}
.g{display:grid;grid-template-columns:38mm 1.3fr 1fr 16mm;gap:8px;margin-top:4px} .d{color:#555} .hl{margin:2px 0 4px 46mm} p{margin:0}`
  }
  const base = `@page{size:A4;margin:15mm} body{font-family:${font};font-size:10pt;color:#1f2937;margin:0;line-height:1.4} h1{margin:0} a{color:inherit;text-decoration:none} ul{margin:2px 0 4px;padding-inline-start:16px}`
  return htmlDocument(lang, b.name, `${base} ${css}`, body)
}

export function layout (id: string, truth: string, lang: Lang, style: Style1207): Layout {
  return {
    id,
    lang,
    truth,
    tool: 'Chromium (headless, page.pdf via playwright-core)',
    licence: `HTML/CSS template: MIT (cvgen); DejaVu fonts: Bitstream Vera licence${style === 'blocks' ? '; WenQuanYi Micro Hei: Apache 2.0 or GPL 3+ with font exception' : ''}${style === 'iconfont' ? '; Font Awesome Free 7.3.1 fonts: OFL 1.1, icons CC BY 4.0' : ''}`,
    description: `HTML/CSS "${style}" layout: ${DESCRIPTIONS[style]}`,
    fields: FIELDS[style],
    build: async () => {
      const src = render1207(loadTruth(truth), lang, style)
      const pdf = fixPdf(await (await getPrinter()).print(src), EPOCH)
      const version = execFileSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8' }).trim()
      return { sources: [{ name: 'cv.html', data: src }], prints: [{ name: 'cv.pdf', data: pdf }], toolVersion: version }
    }
  }
}
