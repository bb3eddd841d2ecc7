// HTML/CSS layouts of the fresh holdout (added 2026-12-03), our own (MIT), printed by Chromium
// like html.ts: a long-form academic CV, a right-hand sidebar with small-caps headings,
// symbol bullets, a compact page with dates in parentheses after the titles, a "card" page in
// Chinese, and a right-to-left grid with the headings in a gutter column.
import { execFileSync } from 'node:child_process'
import { bare, escapeHtml, fixPdf, fmtRange, FULL, HEADINGS, htmlDocument, loadTruth, without, type DateStyle, type Lang, type Resume } from './common.ts'
import { getPrinter } from './html.ts'
import type { Layout } from './layouts.ts'

const EPOCH = 1764547200
const e = escapeHtml
const ul = (list?: string[], cls = '') => (list?.length ? `<ul${cls ? ` class="${cls}"` : ''}>${list.map((x) => `<li>${e(x)}</li>`).join('')}</ul>` : '')

export type FreshStyle = 'academic' | 'rightside' | 'symbols' | 'compact' | 'card' | 'gutter-rtl'

const FIELDS: Record<FreshStyle, string[]> = {
  academic: FULL,
  rightside: without('basics.profiles.url'),
  symbols: without('basics.profiles.network'),
  compact: without('basics.profiles.username'),
  card: FULL,
  'gutter-rtl': without('basics.profiles.url')
}
const DATES: Record<FreshStyle, DateStyle> = { academic: 'name', rightside: 'slash', symbols: 'name', compact: 'slash', card: 'cjk', 'gutter-rtl': 'name' }
const DESCRIPTIONS: Record<FreshStyle, string> = {
  academic: 'long-form academic CV: education first, dates in a left margin column, labelled contact block, serif',
  rightside: 'main column left, sidebar on the right (contact, skills, languages), small-caps headings, dates above titles',
  symbols: 'symbol bullets (DejaVu dingbats) for contact lines, headings and highlights, dates right-aligned in pills',
  compact: 'compact one-page, "position, employer, place (dates)" lines, highlights run inline',
  card: 'whole page as a rounded card, contact in a header grid, sections as tabbed panels, skill chips',
  'gutter-rtl': 'right-to-left grid: section headings in a right gutter column, dates in parentheses after titles'
}
const LABELS: Record<Lang, { phone: string, email: string, web: string, city: string }> = {
  en: { phone: 'Phone', email: 'Email', web: 'Web', city: 'Address' },
  de: { phone: 'Tel.', email: 'E-Mail', web: 'Web', city: 'Ort' },
  fr: { phone: 'Tél.', email: 'Courriel', web: 'Site', city: 'Ville' },
  es: { phone: 'Tel.', email: 'Correo', web: 'Web', city: 'Ciudad' },
  ar: { phone: 'الهاتف', email: 'البريد', web: 'الموقع', city: 'المدينة' },
  zh: { phone: '电话', email: '邮箱', web: '主页', city: '城市' }
}

export function renderFresh (r: Resume, lang: Lang, style: FreshStyle): string {
  const h = HEADINGS[lang]
  const L = LABELS[lang]
  const b = r.basics
  const range = (s: string, z?: string) => e(fmtRange(s, z, lang, DATES[style]))
  const sep = lang === 'zh' ? '、' : lang === 'ar' ? '، ' : ', '
  const mail = `<a href="mailto:${e(b.email)}">${e(b.email)}</a>`
  const web = `<a href="${e(b.url)}">${e(bare(b.url))}</a>`
  const sec = (title: string, body: string, cls = '') => `<section${cls ? ` class="${cls}"` : ''}><h2>${e(title)}</h2>${body}</section>`
  let body = ''
  let css = ''
  let font = "'Noto Sans', 'DejaVu Sans', sans-serif"

  if (style === 'academic') {
    font = "'Noto Serif', 'DejaVu Serif', serif"
    const row = (d: string, content: string) => `<div class="r"><div class="d">${d}</div><div>${content}</div></div>`
    body = `<header><h1>${e(b.name)}</h1><div class="label">${e(b.label)}</div>
<table class="contact"><tr><td>${L.city}</td><td>${e(b.location.city)}</td><td>${L.email}</td><td>${mail}</td></tr>
<tr><td>${L.phone}</td><td>${e(b.phone)}</td><td>${L.web}</td><td><a href="${e(b.url)}">${e(b.url)}</a></td></tr>
${b.profiles.map((p) => `<tr><td>${e(p.network)}</td><td>${e(p.username)}</td><td></td><td><a href="${e(p.url)}">${e(p.url)}</a></td></tr>`).join('')}</table></header>` +
      sec('Research Statement', `<p>${e(b.summary)}</p>`) +
      sec(h.education, r.education.map((d) => row(range(d.startDate, d.endDate), `<b>${e(d.studyType)} in ${e(d.area)}</b>, ${e(d.institution)}`)).join('')) +
      sec('Academic Appointments', r.work.map((w) => row(range(w.startDate, w.endDate), `<b>${e(w.position)}</b>, ${e(w.name)}, ${e(w.location ?? '')}${ul(w.highlights)}`)).join('')) +
      sec('Skills and Methods', r.skills.map((s) => row(e(s.name), e(s.keywords.join(sep)))).join('')) +
      sec(h.languages, r.languages.map((l) => row(e(l.language), e(l.fluency))).join(''))
    css = `header{text-align:center;margin-bottom:8px} h1{font-size:22pt;font-weight:400;letter-spacing:1px} .label{font-style:italic;font-size:12pt;margin:2px 0 8px}
table.contact{margin:0 auto;border-collapse:collapse;font-size:9.5pt;text-align:left} table.contact td{padding:1px 8px} table.contact td:nth-child(odd){color:#666;font-variant:small-caps}
h2{font-size:11.5pt;font-weight:700;border-bottom:0.6pt solid #000;margin:14px 0 6px;padding-bottom:1px} .r{display:grid;grid-template-columns:34mm 1fr;gap:8px;margin-bottom:5px} .d{color:#333}`
  } else if (style === 'rightside') {
    const main = sec(h.summary, `<p>${e(b.summary)}</p>`) +
      sec(h.work, r.work.map((w) => `<div class="e"><div class="d">${range(w.startDate, w.endDate)} · ${e(w.location ?? '')}</div><h3>${e(w.position)}</h3><div class="org">${e(w.name)}</div>${ul(w.highlights)}</div>`).join('')) +
      sec(h.education, r.education.map((d) => `<div class="e"><div class="d">${range(d.startDate, d.endDate)}</div><h3>${e(d.studyType)} en ${e(d.area)}</h3><div class="org">${e(d.institution)}</div></div>`).join(''))
    const side = sec(h.contact, `<p>${e(b.location.city)}</p><p>${e(b.phone)}</p><p>${mail}</p><p>${web}</p>${b.profiles.map((p) => `<p>${e(p.network)}<br><a href="${e(p.url)}">@${e(p.username)}</a></p>`).join('')}`) +
      sec(h.skills, r.skills.map((s) => `<h4>${e(s.name)}</h4>${ul(s.keywords)}`).join('')) +
      sec(h.languages, r.languages.map((l) => `<p><b>${e(l.language)}</b><br>${e(l.fluency)}</p>`).join(''))
    body = `<div class="wrap"><main><h1>${e(b.name)}</h1><div class="label">${e(b.label)}</div>${main}</main><aside>${side}</aside></div>`
    css = `.wrap{display:grid;grid-template-columns:1fr 30%;gap:20px} aside{border-left:3px solid #6b8e23;padding-left:12px} h1{font-size:26pt;font-weight:300} .label{font-size:13pt;color:#6b8e23;margin-bottom:6px}
h2{font-variant:small-caps;font-size:13pt;letter-spacing:.5px;color:#3d5213;margin:12px 0 4px} h3{font-size:11pt;margin:0} h4{margin:6px 0 0;font-size:10pt} .d{font-size:8.5pt;color:#777;text-transform:uppercase} .org{color:#444} .e{margin-bottom:8px} aside p{margin:0 0 5px} aside ul{list-style:none;padding:0;margin:0}`
  } else if (style === 'symbols') {
    const li = (list?: string[]) => (list?.length ? `<ul class="sym">${list.map((x) => `<li><span class="s">➤</span>${e(x)}</li>`).join('')}</ul>` : '')
    body = `<header><h1>${e(b.name)}</h1><div class="label">${e(b.label)}</div>
<div class="contact"><span>⌂ ${e(b.location.city)}</span><span>☎ ${e(b.phone)}</span><span>✉ ${mail}</span><span>☛ ${web}</span>${b.profiles.map((p) => `<span>✪ <a href="${e(p.url)}">${e(p.username)}</a> (${e(bare(p.url))})</span>`).join('')}</div></header>` +
      sec(`✎ ${h.summary}`, `<p>${e(b.summary)}</p>`) +
      sec(`⚑ ${h.work}`, r.work.map((w) => `<div class="e"><div class="row"><h3>${e(w.position)} — ${e(w.name)}</h3><span class="pill">${range(w.startDate, w.endDate)}</span></div><div class="org">⚲ ${e(w.location ?? '')}</div>${li(w.highlights)}</div>`).join('')) +
      sec(`✍ ${h.education}`, r.education.map((d) => `<div class="e"><div class="row"><h3>${e(d.studyType)} ${e(d.area)}</h3><span class="pill">${range(d.startDate, d.endDate)}</span></div><div class="org">${e(d.institution)}</div></div>`).join('')) +
      sec(`★ ${h.skills}`, r.skills.map((s) => `<p><b>${e(s.name)}</b> ✔ ${e(s.keywords.join(' ✔ '))}</p>`).join('')) +
      sec(`✈ ${h.languages}`, `<p>${r.languages.map((l) => `${e(l.language)} ● ${e(l.fluency)}`).join('&emsp;')}</p>`)
    font = "'DejaVu Sans', sans-serif"
    css = `header{border-bottom:2px solid #c0392b;padding-bottom:6px} h1{font-size:24pt;color:#c0392b} .label{font-size:12pt} .contact{display:flex;flex-wrap:wrap;gap:4px 16px;margin-top:6px;font-size:9pt}
h2{font-size:12pt;color:#c0392b;margin:12px 0 4px} .row{display:flex;justify-content:space-between;align-items:baseline} .pill{background:#fbe3e0;border-radius:9px;padding:0 8px;font-size:8.5pt;white-space:nowrap}
ul.sym{list-style:none;padding:0;margin:3px 0} ul.sym .s{color:#c0392b;margin-right:6px} .org{color:#555;font-size:9pt} p{margin:2px 0}`
  } else if (style === 'compact') {
    font = "'DejaVu Sans Condensed', 'DejaVu Sans', sans-serif"
    body = `<header><h1>${e(b.name)} <span class="label">${e(b.label)}</span></h1><div class="contact">${e(b.location.city)} | ${e(b.phone)} | ${mail} | ${web} | ${b.profiles.map((p) => `${e(p.network)}: <a href="${e(p.url)}">${e(bare(p.url))}</a>`).join(' | ')}</div></header>` +
      sec(h.summary, `<p>${e(b.summary)}</p>`) +
      sec(h.work, r.work.map((w) => `<div class="e"><b>${e(w.position)}</b>, ${e(w.name)}, ${e(w.location ?? '')} (${range(w.startDate, w.endDate)})${ul(w.highlights, 'inline')}</div>`).join('')) +
      sec(h.education, r.education.map((d) => `<div class="e"><b>${e(d.studyType)} ${e(d.area)}</b>, ${e(d.institution)} (${range(d.startDate, d.endDate)})</div>`).join('')) +
      sec(`${h.skills} & ${h.languages}`, r.skills.map((s) => `<div>${e(s.name)}: ${e(s.keywords.join(', '))}</div>`).join('') + `<div>${h.languages}: ${r.languages.map((l) => `${e(l.language)} (${e(l.fluency)})`).join(', ')}</div>`)
    css = `body{font-size:9pt;line-height:1.3} h1{font-size:16pt} .label{font-weight:400;font-size:11pt;color:#555;margin-left:8px} .contact{font-size:8.5pt;color:#333;margin:2px 0 4px}
h2{font-size:9.5pt;text-transform:uppercase;background:#eee;padding:1px 4px;margin:8px 0 3px} .e{margin-bottom:4px} p{margin:0}
ul.inline{display:block;padding:0;margin:1px 0 0} ul.inline li{display:inline} ul.inline li::before{content:"▪ ";color:#888} ul.inline li:not(:last-child)::after{content:" "}`
  } else if (style === 'card') {
    font = "'Noto Sans CJK SC', sans-serif"
    const panel = (title: string, inner: string) => `<section class="panel"><h2>${e(title)}</h2><div class="in">${inner}</div></section>`
    body = `<div class="card"><header><div><h1>${e(b.name)}</h1><div class="label">${e(b.label)}</div></div>
<div class="grid"><span>${L.phone}：${e(b.phone)}</span><span>${L.email}：${mail}</span><span>${L.city}：${e(b.location.city)}</span><span>${L.web}：${web}</span>${b.profiles.map((p) => `<span>${e(p.network)}：<a href="${e(p.url)}">${e(p.username)}</a>（${e(bare(p.url))}）</span>`).join('')}</div></header>` +
      panel(h.summary, `<p>${e(b.summary)}</p>`) +
      panel(h.work, r.work.map((w) => `<div class="e"><div class="row"><b>${e(w.position)}</b><span>${e(w.name)} · ${e(w.location ?? '')}</span><span class="d">${range(w.startDate, w.endDate)}</span></div>${ul(w.highlights)}</div>`).join('')) +
      panel(h.education, r.education.map((d) => `<div class="e"><div class="row"><b>${e(d.institution)}</b><span>${e(d.studyType)} · ${e(d.area)}</span><span class="d">${range(d.startDate, d.endDate)}</span></div></div>`).join('')) +
      `<div class="two">${panel(h.skills, r.skills.map((s) => `<div class="sk"><b>${e(s.name)}</b> ${s.keywords.map((k) => `<span class="chip">${e(k)}</span>`).join('')}</div>`).join(''))}${panel(h.languages, r.languages.map((l) => `<div>${e(l.language)}：${e(l.fluency)}</div>`).join(''))}</div></div>`
    css = `.card{border:1.5px solid #2b6cb0;border-radius:14px;padding:14px 18px} header{display:flex;justify-content:space-between;gap:14px;border-bottom:1px dashed #2b6cb0;padding-bottom:8px} h1{font-size:22pt;color:#2b6cb0;white-space:nowrap} header>div:first-child{flex:none} .grid{flex:1}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:2px 14px;font-size:9pt} .panel{margin-top:10px} .panel h2{display:inline-block;background:#2b6cb0;color:#fff;border-radius:6px 6px 0 0;padding:1px 10px;margin:0;font-size:10.5pt}
.panel .in{border-top:2px solid #2b6cb0;padding-top:4px} .row{display:flex;gap:14px} .row .d{margin-left:auto;color:#666} .chip{display:inline-block;border:1px solid #2b6cb0;border-radius:8px;padding:0 6px;margin:1px 3px;font-size:8.5pt} .two{display:grid;grid-template-columns:3fr 2fr;gap:14px} .e{margin-bottom:6px}`
  } else {
    font = "'Noto Kufi Arabic', 'Noto Sans', sans-serif"
    const g = (title: string, inner: string) => `<div class="g"><h2>${e(title)}</h2><div>${inner}</div></div>`
    body = `<header><h1>${e(b.name)}</h1><div class="label">${e(b.label)}</div></header>` +
      g(h.contact, `<div>${L.city}: ${e(b.location.city)}</div><div>${L.phone}: <span dir="ltr">${e(b.phone)}</span></div><div>${L.email}: ${mail}</div><div>${L.web}: ${web}</div>${b.profiles.map((p) => `<div>${e(p.network)}: <span dir="ltr">${e(p.username)}</span></div>`).join('')}`) +
      g(h.summary, `<p>${e(b.summary)}</p>`) +
      g(h.work, r.work.map((w) => `<div class="e"><b>${e(w.position)}</b> — ${e(w.name)}، ${e(w.location ?? '')} (${range(w.startDate, w.endDate)})${ul(w.highlights)}</div>`).join('')) +
      g(h.education, r.education.map((d) => `<div class="e"><b>${e(d.studyType)} في ${e(d.area)}</b> — ${e(d.institution)} (${range(d.startDate, d.endDate)})</div>`).join('')) +
      g(h.skills, r.skills.map((s) => `<div><b>${e(s.name)}:</b> ${e(s.keywords.join(sep))}</div>`).join('')) +
      g(h.languages, r.languages.map((l) => `<div>${e(l.language)}: ${e(l.fluency)}</div>`).join(''))
    css = `body{direction:rtl} header{background:#0b4f6c;color:#fff;padding:14px 16px;margin-bottom:10px} h1{font-size:24pt} .label{font-size:13pt;color:#bfe3f0}
.g{display:grid;grid-template-columns:26% 1fr;gap:14px;border-bottom:1px solid #d6e4ea;padding:6px 0} .g h2{font-size:12pt;color:#0b4f6c;margin:0;text-align:left} .e{margin-bottom:6px} p{margin:0}`
  }
  const base = `@page{size:A4;margin:14mm} body{font-family:${font};font-size:10pt;color:#222;margin:0;line-height:1.4} h1{margin:0} a{color:inherit;text-decoration:none} ul{margin:2px 0 4px;padding-inline-start:16px}`
  return htmlDocument(lang, b.name, `${base} ${css}`, body)
}

export function layout (id: string, truth: string, lang: Lang, style: FreshStyle): Layout {
  return {
    id,
    lang,
    truth,
    tool: 'Chromium (headless, page.pdf via playwright-core)',
    licence: 'HTML/CSS template: MIT (cvgen); Noto/DejaVu fonts: OFL 1.1 / Bitstream Vera',
    description: `HTML/CSS "${style}" layout: ${DESCRIPTIONS[style]}`,
    fields: FIELDS[style],
    build: async () => {
      const src = renderFresh(loadTruth(truth), lang, style)
      const pdf = fixPdf(await (await getPrinter()).print(src), EPOCH)
      const version = execFileSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8' }).trim()
      return { sources: [{ name: 'cv.html', data: src }], prints: [{ name: 'cv.pdf', data: pdf }], toolVersion: version }
    }
  }
}
