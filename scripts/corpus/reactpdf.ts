// @react-pdf/renderer layouts, the way open-source resume builders (Reactive-Resume v3,
// OpenResume) print in the browser: flexbox Views, Text runs, Links, built-in Helvetica or a
// registered TTF. Plain React.createElement, no JSX. Date is frozen at SOURCE_DATE_EPOCH while
// rendering (pdfkit stamps it into /CreationDate and derives the /ID from it).
import { readFileSync } from 'node:fs'
import React from 'react'
import { Document, Font, Link, Page, StyleSheet, Text, View, renderToBuffer } from '@react-pdf/renderer'
import { atEpoch, bare, fixPdf, fmtRange, FULL, HEADINGS, loadTruth, without, type Lang, type Resume } from './common.ts'
import type { Built, Layout } from './layouts.ts'

const EPOCH = 1764547200
const h = React.createElement
const version = (JSON.parse(readFileSync(new URL('../../node_modules/@react-pdf/renderer/package.json', import.meta.url), 'utf8')) as { version: string }).version

Font.register({
  family: 'Noto Sans',
  fonts: [
    { src: '/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf' },
    { src: '/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf', fontWeight: 'bold' },
    { src: '/usr/share/fonts/truetype/noto/NotoSans-Italic.ttf', fontStyle: 'italic' }
  ]
})
Font.registerHyphenationCallback((word) => [word])

type Style = 'single' | 'sidebar' | 'header'
const FIELDS: Record<Style, string[]> = { single: FULL, sidebar: without('basics.profiles.network'), header: without('work.location') }

function doc (r: Resume, lang: Lang, style: Style) {
  const t = HEADINGS[lang]
  const b = r.basics
  const accent = { single: '#0f766e', sidebar: '#1e3a8a', header: '#7c2d12' }[style]
  const s = StyleSheet.create({
    page: { fontFamily: style === 'single' ? 'Helvetica' : 'Noto Sans', fontSize: 9.5, padding: style === 'sidebar' ? 0 : 32, flexDirection: style === 'sidebar' ? 'row' : 'column', color: '#111' },
    side: { width: '33%', backgroundColor: '#e8edf7', padding: 20 },
    main: { flex: 1, padding: style === 'sidebar' ? 24 : 0 },
    name: { fontSize: 22, fontFamily: style === 'single' ? 'Helvetica-Bold' : 'Noto Sans', fontWeight: 'bold', color: style === 'header' ? '#fff' : accent },
    label: { fontSize: 12, marginTop: 2, color: style === 'header' ? '#fde68a' : '#444' },
    band: { backgroundColor: accent, padding: 16, margin: -32, marginBottom: 14 },
    h2: { fontSize: 11, fontFamily: style === 'single' ? 'Helvetica-Bold' : 'Noto Sans', fontWeight: 'bold', color: accent, marginTop: 10, marginBottom: 4, borderBottomWidth: style === 'single' ? 1 : 0, borderBottomColor: accent, textTransform: style === 'sidebar' ? 'uppercase' : 'none' },
    row: { flexDirection: 'row', justifyContent: 'space-between' },
    bold: { fontFamily: style === 'single' ? 'Helvetica-Bold' : 'Noto Sans', fontWeight: 'bold' },
    muted: { color: '#555' },
    bullet: { flexDirection: 'row', marginLeft: 6 },
    contactRow: { flexDirection: 'row', flexWrap: 'wrap', gap: 8, marginTop: 4, color: style === 'header' ? '#fff' : '#333' }
  })
  const section = (title: string, ...children: React.ReactNode[]) => h(View, { wrap: false }, h(Text, { style: s.h2 }, title), ...children)
  const bullets = (list?: string[]) => (list ?? []).map((x, i) => h(View, { key: i, style: s.bullet }, h(Text, null, '• '), h(Text, { style: { flex: 1 } }, x)))
  const dates = (a: string, z?: string) => h(Text, { style: s.muted }, fmtRange(a, z, lang, 'name'))
  const work = section(t.work, ...r.work.map((w, i) => h(View, { key: i, style: { marginBottom: 6 } },
    h(View, { style: s.row }, h(Text, { style: s.bold }, w.position), dates(w.startDate, w.endDate)),
    h(Text, { style: { fontStyle: style === 'single' ? 'normal' : 'italic' } }, style === 'header' ? w.name : `${w.name}, ${w.location ?? ''}`),
    ...bullets(w.highlights))))
  const edu = section(t.education, ...r.education.map((d, i) => h(View, { key: i, style: { marginBottom: 4 } },
    h(View, { style: s.row }, h(Text, { style: s.bold }, d.institution), dates(d.startDate, d.endDate)),
    h(Text, null, `${d.studyType}, ${d.area}`))))
  const skills = section(t.skills, ...r.skills.map((k, i) => h(View, { key: i, style: { marginBottom: 3 } },
    style === 'sidebar' ? h(Text, { style: s.bold }, k.name) : null,
    h(Text, null, style === 'sidebar' ? k.keywords.join(', ') : `${k.name}: ${k.keywords.join(', ')}`))))
  const langs = section(t.languages, ...r.languages.map((l, i) => h(Text, { key: i }, `${l.language} (${l.fluency})`)))
  const contactItems = [
    h(Text, { key: 'c' }, b.location.city), h(Text, { key: 'p' }, b.phone),
    h(Link, { key: 'e', src: `mailto:${b.email}` }, b.email), h(Link, { key: 'u', src: b.url }, bare(b.url)),
    ...b.profiles.map((p, i) => h(Link, { key: `p${i}`, src: p.url }, style === 'sidebar' ? p.username : `${p.network}: ${p.username}`))
  ]
  const head = h(View, { style: style === 'header' ? s.band : { marginBottom: 6 } },
    h(Text, { style: s.name }, b.name), h(Text, { style: s.label }, b.label),
    style === 'sidebar' ? null : h(View, { style: s.contactRow }, ...contactItems))
  const summary = section(t.summary, h(Text, null, b.summary))
  const page = style === 'sidebar'
    ? h(Page, { size: 'A4', style: s.page },
      h(View, { style: s.side }, section(t.contact, ...contactItems.map((c, i) => h(View, { key: i, style: { marginBottom: 2 } }, c))), skills, langs),
      h(View, { style: s.main }, head, summary, work, edu))
    : h(Page, { size: 'A4', style: s.page }, head, summary, work, edu, skills, langs)
  return h(Document, { title: `${b.name} - CV`, author: b.name, creator: 'cvgen corpus', producer: `react-pdf ${version}` }, page)
}

/** A react-pdf document rendered at the corpus's epoch, its PDF made reproducible. */
export async function renderPdf (doc: () => unknown, generator: string): Promise<Built> {
  const pdf = await atEpoch(EPOCH, () => renderToBuffer(doc() as Parameters<typeof renderToBuffer>[0]))
  return { sources: [{ name: 'generator.txt', data: generator }], prints: [{ name: 'cv.pdf', data: fixPdf(pdf, EPOCH) }], toolVersion: version }
}

export function layout (id: string, truth: string, lang: Lang, style: Style): Layout {
  return {
    id,
    lang,
    truth,
    tool: '@react-pdf/renderer',
    licence: `@react-pdf/renderer: MIT; layout: MIT (cvgen)${style === 'single' ? '' : '; Noto Sans: OFL 1.1'}`,
    description: `react-pdf "${style}" layout`,
    fields: FIELDS[style],
    build: async () => {
      return renderPdf(() => doc(loadTruth(truth), lang, style), `// Generated by scripts/corpus/reactpdf.ts: layout "${style}" for ${truth} (${lang}).\n// Reprint: npm run corpus:print -- ${id}\n`)
    }
  }
}
