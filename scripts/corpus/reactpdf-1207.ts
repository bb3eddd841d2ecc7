// @react-pdf/renderer layouts of the third holdout (added 2026-12-07), modelled on how two
// open-source builders lay a page out (our own code, not theirs): "openresume" (OpenResume: a
// colour bar across the top, the summary under the name, the contact as one wrapped row, headings
// after a short colour bar, the company on its own line above "position ... dates") and
// "reactive" (Reactive-Resume's sidebar templates: a tinted left column with labelled contact,
// skills and languages; entries with the company bold and the dates right, the position and place
// under them). Built-in Helvetica only (this machine has no Noto). Rendered like reactpdf.ts.
import { readFileSync } from 'node:fs'
import React from 'react'
import { Document, Link, Page, StyleSheet, Text, View } from '@react-pdf/renderer'
import { bare, fmtRange, HEADINGS, loadTruth, without, type Lang, type Resume } from './common.ts'
import type { Layout } from './layouts.ts'
import { renderPdf } from './reactpdf.ts'

const h = React.createElement
const version = (JSON.parse(readFileSync(new URL('../../node_modules/@react-pdf/renderer/package.json', import.meta.url), 'utf8')) as { version: string }).version

type Style = 'openresume' | 'reactive'
const FIELDS: Record<Style, string[]> = { openresume: without('basics.profiles.network', 'basics.profiles.username'), reactive: without('basics.profiles.url') }
const DESCRIPTIONS: Record<Style, string> = {
  openresume: 'OpenResume-like: colour bar on top, summary under the name, contact as one wrapped row (profiles as bare URLs), headings after a short colour bar, company line above "position ... dates"',
  reactive: 'Reactive-Resume-like: tinted left column (labelled contact, skills, languages); company bold with dates right, position and place below'
}
const LABELS: Record<Lang, { phone: string, email: string, web: string, city: string }> = {
  en: { phone: 'Phone', email: 'Email', web: 'Website', city: 'Location' },
  de: { phone: 'Telefon', email: 'E-Mail', web: 'Webseite', city: 'Ort' },
  fr: { phone: 'Téléphone', email: 'E-mail', web: 'Site', city: 'Ville' },
  es: { phone: 'Teléfono', email: 'Email', web: 'Sitio web', city: 'Ubicación' },
  ar: { phone: 'الهاتف', email: 'البريد', web: 'الموقع', city: 'المدينة' },
  zh: { phone: '电话', email: '邮箱', web: '主页', city: '城市' }
}

function openresume (r: Resume, lang: Lang) {
  const t = HEADINGS[lang]
  const b = r.basics
  const accent = '#38bdf8'
  const s = StyleSheet.create({
    page: { fontFamily: 'Helvetica', fontSize: 10, color: '#171717' },
    bar: { height: 10, backgroundColor: accent },
    body: { paddingHorizontal: 46, paddingTop: 24 },
    name: { fontFamily: 'Helvetica-Bold', fontSize: 22 },
    summary: { marginTop: 6 },
    contact: { flexDirection: 'row', flexWrap: 'wrap', marginTop: 6, fontSize: 9.5 },
    ci: { marginRight: 18, marginBottom: 2 },
    head: { flexDirection: 'row', alignItems: 'center', marginTop: 14, marginBottom: 5 },
    hbar: { width: 12, height: 3.5, backgroundColor: accent, marginRight: 8 },
    htext: { fontFamily: 'Helvetica-Bold', fontSize: 10.5, letterSpacing: 1.2 },
    bold: { fontFamily: 'Helvetica-Bold' },
    row: { flexDirection: 'row', justifyContent: 'space-between', marginTop: 2 },
    bullet: { flexDirection: 'row', marginTop: 2, paddingLeft: 4 },
    dot: { width: 10 }
  })
  const sec = (title: string, ...children: React.ReactNode[]) => h(View, null, h(View, { style: s.head }, h(View, { style: s.hbar }), h(Text, { style: s.htext }, title.toUpperCase())), ...children)
  const bullets = (list?: string[]) => (list ?? []).map((x, i) => h(View, { key: i, style: s.bullet }, h(Text, { style: s.dot }, '•'), h(Text, { style: { flex: 1 } }, x)))
  const range = (a: string, z?: string) => fmtRange(a, z, lang, 'name', ' - ')
  return h(Page, { size: 'LETTER', style: s.page },
    h(View, { style: s.bar }),
    h(View, { style: s.body },
      h(Text, { style: s.name }, b.name),
      h(Text, { style: { fontSize: 11, color: '#525252', marginTop: 2 } }, b.label),
      h(Text, { style: s.summary }, b.summary),
      h(View, { style: s.contact },
        h(Link, { style: s.ci, src: `mailto:${b.email}` }, b.email), h(Text, { style: s.ci }, b.phone), h(Text, { style: s.ci }, b.location.city),
        h(Link, { style: s.ci, src: b.url }, bare(b.url)), ...b.profiles.map((p, i) => h(Link, { key: i, style: s.ci, src: p.url }, bare(p.url)))),
      sec(t.work, ...r.work.map((w, i) => h(View, { key: i, style: { marginBottom: 6 } },
        h(Text, { style: s.bold }, w.name),
        h(View, { style: s.row }, h(Text, null, `${w.position}, ${w.location ?? ''}`), h(Text, null, range(w.startDate, w.endDate))),
        ...bullets(w.highlights)))),
      sec(t.education, ...r.education.map((d, i) => h(View, { key: i, style: { marginBottom: 6 } },
        h(Text, { style: s.bold }, d.institution),
        h(View, { style: s.row }, h(Text, null, `${d.studyType} - ${d.area}`), h(Text, null, range(d.startDate, d.endDate)))))),
      sec(t.skills, ...r.skills.map((k, i) => h(View, { key: i, style: s.bullet }, h(Text, { style: s.dot }, '•'), h(Text, { style: { flex: 1 } }, h(Text, { style: s.bold }, `${k.name}: `), k.keywords.join(', '))))),
      sec(t.languages, ...r.languages.map((l, i) => h(View, { key: i, style: s.bullet }, h(Text, { style: s.dot }, '•'), h(Text, { style: { flex: 1 } }, `${l.language}: ${l.fluency}`))))))
}

function reactive (r: Resume, lang: Lang) {
  const t = HEADINGS[lang]
  const L = LABELS[lang]
  const b = r.basics
  const accent = '#0f766e'
  const s = StyleSheet.create({
    page: { fontFamily: 'Helvetica', fontSize: 9.5, flexDirection: 'row', color: '#1c1917' },
    side: { width: '30%', backgroundColor: '#ccfbf1', paddingHorizontal: 16, paddingVertical: 26 },
    main: { flex: 1, paddingHorizontal: 24, paddingVertical: 26 },
    name: { fontFamily: 'Helvetica-Bold', fontSize: 21, color: accent },
    label: { fontSize: 11.5, marginTop: 2, marginBottom: 4 },
    h2: { fontFamily: 'Helvetica-Bold', fontSize: 10.5, color: accent, marginTop: 12, marginBottom: 4, borderBottomWidth: 1, borderBottomColor: accent, paddingBottom: 2 },
    k: { fontFamily: 'Helvetica-Bold', fontSize: 8, color: '#44403c', marginTop: 4 },
    bold: { fontFamily: 'Helvetica-Bold' },
    row: { flexDirection: 'row', justifyContent: 'space-between' },
    muted: { color: '#57534e' }
  })
  const sec = (title: string, ...children: React.ReactNode[]) => h(View, null, h(Text, { style: s.h2 }, title), ...children)
  const range = (a: string, z?: string) => fmtRange(a, z, lang, 'name')
  const entry = (i: number, org: string, dates: string, second: string, place: string, list: string[] = []) => h(View, { key: i, style: { marginBottom: 7 } },
    h(View, { style: s.row }, h(Text, { style: s.bold }, org), h(Text, { style: s.muted }, dates)),
    h(View, { style: s.row }, h(Text, null, second), h(Text, { style: s.muted }, place)),
    ...list.map((x, j) => h(Text, { key: j, style: { marginTop: 2, marginLeft: 8 } }, `• ${x}`)))
  const side = h(View, { style: s.side },
    sec(t.contact,
      h(Text, { style: s.k }, L.city), h(Text, null, b.location.city),
      h(Text, { style: s.k }, L.phone), h(Text, null, b.phone),
      h(Text, { style: s.k }, L.email), h(Link, { src: `mailto:${b.email}` }, b.email),
      h(Text, { style: s.k }, L.web), h(Link, { src: b.url }, bare(b.url)),
      ...b.profiles.flatMap((p, i) => [h(Text, { key: `n${i}`, style: s.k }, p.network), h(Text, { key: `u${i}` }, p.username)])),
    sec(t.skills, ...r.skills.map((k, i) => h(View, { key: i, style: { marginBottom: 4 } }, h(Text, { style: s.bold }, k.name), h(Text, null, k.keywords.join(', '))))),
    sec(t.languages, ...r.languages.map((l, i) => h(View, { key: i, style: { marginBottom: 3 } }, h(Text, { style: s.bold }, l.language), h(Text, { style: s.muted }, l.fluency)))))
  const main = h(View, { style: s.main },
    h(Text, { style: s.name }, b.name), h(Text, { style: s.label }, b.label),
    sec(t.summary, h(Text, null, b.summary)),
    sec(t.work, ...r.work.map((w, i) => entry(i, w.name, range(w.startDate, w.endDate), w.position, w.location ?? '', w.highlights))),
    sec(t.education, ...r.education.map((d, i) => entry(i, d.institution, range(d.startDate, d.endDate), `${d.studyType} · ${d.area}`, ''))))
  return h(Page, { size: 'A4', style: s.page }, side, main)
}

export function layout (id: string, truth: string, lang: Lang, style: Style): Layout {
  return {
    id,
    lang,
    truth,
    tool: '@react-pdf/renderer',
    licence: '@react-pdf/renderer: MIT; layout: MIT (cvgen); Helvetica: PDF standard font, not embedded',
    description: `react-pdf "${style}" layout: ${DESCRIPTIONS[style]}`,
    fields: FIELDS[style],
    build: async () => {
      const r = loadTruth(truth)
      const page = style === 'openresume' ? openresume(r, lang) : reactive(r, lang)
      const doc = h(Document, { title: `${r.basics.name} - Resume`, author: r.basics.name, creator: 'cvgen corpus', producer: `react-pdf ${version}` }, page)
      return renderPdf(() => doc, `// Generated by scripts/corpus/reactpdf-1207.ts: layout "${style}" for ${truth} (${lang}).\n// Reprint: npm run corpus:print -- ${id}\n`)
    }
  }
}
