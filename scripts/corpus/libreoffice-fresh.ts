// LibreOffice Writer documents of the fresh holdout (added 2026-12-03), converted like
// libreoffice.ts (HTML import, saved as DOCX and exported as PDF, dates fixed): "form", the
// bordered-grid form common in Chinese resumes (labels and values in table cells), and
// "rtl", a right-to-left document with a two-cell title table and a definition list for
// skills.
import { bare, fmtRange, HEADINGS, loadTruth, without, type Lang, type Resume } from './common.ts'
import { printWithLibreOffice } from './libreoffice.ts'
import type { Layout } from './layouts.ts'

type Style = 'form' | 'rtl'
const FIELDS: Record<Style, string[]> = { form: without('basics.profiles.url'), rtl: without('basics.profiles.username') }
const DESCRIPTIONS: Record<Style, string> = {
  form: 'bordered form grid (labels and values in table cells, one row per entry), as Chinese resume forms are',
  rtl: 'right-to-left document: title table (name and label beside contact), dates on their own line, skills as a definition list'
}
const e = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' } as Record<string, string>)[c]!)

function form (r: Resume): string {
  const t = HEADINGS.zh
  const b = r.basics
  const range = (a: string, z?: string) => e(fmtRange(a, z, 'zh', 'dot', ' — '))
  const head = (title: string) => `<tr><td colspan="4" bgcolor="#d9e2f3"><b>${e(title)}</b></td></tr>`
  const rows = [
    `<tr><td width="14%"><b>姓名</b></td><td width="36%">${e(b.name)}</td><td width="14%"><b>求职意向</b></td><td width="36%">${e(b.label)}</td></tr>`,
    `<tr><td><b>电话</b></td><td>${e(b.phone)}</td><td><b>邮箱</b></td><td><a href="mailto:${e(b.email)}">${e(b.email)}</a></td></tr>`,
    `<tr><td><b>现居城市</b></td><td>${e(b.location.city)}</td><td><b>个人主页</b></td><td><a href="${e(b.url)}">${e(bare(b.url))}</a></td></tr>`,
    `<tr>${b.profiles.map((p) => `<td><b>${e(p.network)}</b></td><td>${e(p.username)}</td>`).join('')}</tr>`,
    head(t.summary), `<tr><td colspan="4">${e(b.summary)}</td></tr>`,
    head(t.work),
    ...r.work.map((w) => `<tr><td colspan="2">${range(w.startDate, w.endDate)}</td><td colspan="2"><b>${e(w.name)}</b>\u3000${e(w.position)}\u3000${e(w.location ?? '')}</td></tr>` +
      (w.highlights?.length ? `<tr><td colspan="4"><ol>${w.highlights.map((x) => `<li>${e(x)}</li>`).join('')}</ol></td></tr>` : '')),
    head(t.education),
    ...r.education.map((d) => `<tr><td colspan="2">${range(d.startDate, d.endDate)}</td><td colspan="2"><b>${e(d.institution)}</b>\u3000${e(d.area)}\u3000${e(d.studyType)}</td></tr>`),
    head(t.skills),
    ...r.skills.map((s) => `<tr><td><b>${e(s.name)}</b></td><td colspan="3">${e(s.keywords.join('、'))}</td></tr>`),
    head(t.languages),
    `<tr>${r.languages.map((l) => `<td><b>${e(l.language)}</b></td><td>${e(l.fluency)}</td>`).join('')}</tr>`
  ]
  return `<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"><title>${e(b.name)} 个人简历</title>
<style>body{font-family:'Noto Sans CJK SC';font-size:10.5pt} h1{text-align:center;font-size:18pt} td{vertical-align:top}</style></head><body>
<h1>个人简历</h1>
<table width="100%" border="1" cellspacing="0" cellpadding="5">${rows.join('\n')}</table>
</body></html>
`
}

function rtl (r: Resume): string {
  const t = HEADINGS.ar
  const b = r.basics
  const range = (a: string, z?: string) => e(fmtRange(a, z, 'ar', 'slash', ' - '))
  const ul = (l?: string[]) => (l?.length ? `<ul>${l.map((x) => `<li>${e(x)}</li>`).join('')}</ul>` : '')
  return `<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>${e(b.name)}</title>
<style>body{font-family:'Noto Naskh Arabic';font-size:12pt;direction:rtl} h1{font-size:22pt;margin:0} h2{font-size:14pt;color:#7b3f00;border-bottom:1px solid #7b3f00} p{margin:0} dt{font-weight:bold}</style></head><body dir="rtl">
<table width="100%" border="0" cellpadding="4" dir="rtl"><tr><td width="55%" valign="top"><h1>${e(b.name)}</h1><p><b>${e(b.label)}</b></p></td>
<td valign="top"><p>${e(b.location.city)}</p><p dir="ltr">${e(b.phone)}</p><p><a href="mailto:${e(b.email)}">${e(b.email)}</a></p><p><a href="${e(b.url)}">${e(bare(b.url))}</a></p>${b.profiles.map((p) => `<p>${e(p.network)}: <a href="${e(p.url)}">${e(bare(p.url))}</a></p>`).join('')}</td></tr></table>
<h2>${e(t.summary)}</h2><p>${e(b.summary)}</p>
<h2>${e(t.work)}</h2>
${r.work.map((w) => `<p><b>${e(w.position)}</b> - ${e(w.name)}، ${e(w.location ?? '')}</p><p><i>${range(w.startDate, w.endDate)}</i></p>${ul(w.highlights)}`).join('\n')}
<h2>${e(t.education)}</h2>
${r.education.map((d) => `<p><b>${e(d.studyType)} في ${e(d.area)}</b> - ${e(d.institution)}</p><p><i>${range(d.startDate, d.endDate)}</i></p>`).join('\n')}
<h2>${e(t.skills)}</h2>
<dl>${r.skills.map((s) => `<dt>${e(s.name)}</dt><dd>${e(s.keywords.join('، '))}</dd>`).join('')}</dl>
<h2>${e(t.languages)}</h2>
${r.languages.map((l) => `<p>${e(l.language)}: ${e(l.fluency)}</p>`).join('\n')}
</body></html>
`
}

export function layout (id: string, truth: string, lang: Lang, style: Style): Layout {
  return {
    id,
    lang,
    truth,
    tool: 'LibreOffice Writer (headless convert)',
    licence: `LibreOffice: MPL 2.0 (tool only); document template: MIT (cvgen); fonts: ${style === 'form' ? 'Noto Sans CJK SC' : 'Noto Naskh Arabic'} (OFL 1.1), OpenSymbol (MPL 2.0)`,
    description: `LibreOffice Writer "${style}" document: ${DESCRIPTIONS[style]}; saved as DOCX and exported as PDF`,
    fields: FIELDS[style],
    build: async () => {
      const r = loadTruth(truth)
      return printWithLibreOffice(style === 'form' ? form(r) : rtl(r))
    }
  }
}
