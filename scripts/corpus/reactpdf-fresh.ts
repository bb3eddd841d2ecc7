// @react-pdf/renderer layouts of the fresh holdout (added 2026-12-03): "gutter" (section
// headings in a left column beside their content, built-in Times-Roman) and "columns" (a header
// band over two equal columns, experience on the left). Rendered like reactpdf.ts, with Date
// frozen at SOURCE_DATE_EPOCH and fixPdf().
import { readFileSync } from 'node:fs'
import React from 'react'
import { Document, Link, Page, StyleSheet, Text, View } from '@react-pdf/renderer'
import { bare, fmtRange, HEADINGS, loadTruth, without, type Lang, type Resume } from './common.ts'
import type { Layout } from './layouts.ts'
import { renderPdf } from './reactpdf.ts' // (also registers Noto Sans)

const h = React.createElement
const version = (JSON.parse(readFileSync(new URL('../../node_modules/@react-pdf/renderer/package.json', import.meta.url), 'utf8')) as { version: string }).version

type Style = 'gutter' | 'columns'
const FIELDS: Record<Style, string[]> = { gutter: without('basics.profiles.url'), columns: without('basics.profiles.username') }
const DESCRIPTIONS: Record<Style, string> = {
  gutter: 'section headings in a left gutter column beside their content, dates under the titles, Times-Roman',
  columns: 'header band over two equal columns (experience left; profile, education, skills, languages, contact right)'
}

function gutter (r: Resume, lang: Lang) {
  const t = HEADINGS[lang]
  const b = r.basics
  const s = StyleSheet.create({
    page: { fontFamily: 'Times-Roman', fontSize: 10.5, padding: 40, color: '#1a1a1a' },
    name: { fontFamily: 'Times-Bold', fontSize: 26 },
    label: { fontFamily: 'Times-Italic', fontSize: 13, marginTop: 2 },
    contact: { marginTop: 6, fontSize: 9.5, color: '#333' },
    row: { flexDirection: 'row', borderTopWidth: 0.5, borderTopColor: '#999', paddingTop: 6, marginTop: 8 },
    gut: { width: '24%', fontFamily: 'Times-Bold', fontSize: 10, textTransform: 'uppercase', letterSpacing: 1, color: '#8a3b12' },
    body: { flex: 1 },
    title: { fontFamily: 'Times-Bold' },
    dates: { fontFamily: 'Times-Italic', fontSize: 9.5, color: '#555' },
    item: { marginBottom: 6 }
  })
  const row = (title: string, ...children: React.ReactNode[]) => h(View, { style: s.row, wrap: false }, h(Text, { style: s.gut }, title), h(View, { style: s.body }, ...children))
  const dates = (a: string, z?: string) => h(Text, { style: s.dates }, fmtRange(a, z, lang, 'name'))
  return h(Page, { size: 'LETTER', style: s.page },
    h(Text, { style: s.name }, b.name),
    h(Text, { style: s.label }, b.label),
    h(Text, { style: s.contact }, `${b.location.city} / ${b.phone} / `, h(Link, { src: `mailto:${b.email}` }, b.email), ' / ', h(Link, { src: b.url }, bare(b.url))),
    h(Text, { style: s.contact }, b.profiles.map((p) => `${p.network}: ${p.username}`).join(' / ')),
    row(t.summary, h(Text, null, b.summary)),
    row(t.work, ...r.work.map((w, i) => h(View, { key: i, style: s.item },
      h(Text, null, h(Text, { style: s.title }, w.position), `, ${w.name}, ${w.location ?? ''}`),
      dates(w.startDate, w.endDate),
      ...(w.highlights ?? []).map((x, j) => h(Text, { key: j, style: { marginLeft: 10 } }, `– ${x}`))))),
    row(t.education, ...r.education.map((d, i) => h(View, { key: i, style: s.item },
      h(Text, null, h(Text, { style: s.title }, `${d.studyType}, ${d.area}`), `, ${d.institution}`), dates(d.startDate, d.endDate)))),
    row(t.skills, ...r.skills.map((k, i) => h(Text, { key: i }, h(Text, { style: s.title }, `${k.name}: `), k.keywords.join(', ')))),
    row(t.languages, h(Text, null, r.languages.map((l) => `${l.language} – ${l.fluency}`).join('; '))))
}

function columns (r: Resume, lang: Lang) {
  const t = HEADINGS[lang]
  const b = r.basics
  const accent = '#5b21b6'
  const s = StyleSheet.create({
    page: { fontFamily: 'Noto Sans', fontSize: 9.5, paddingBottom: 30, color: '#111' },
    band: { backgroundColor: '#ede9fe', paddingVertical: 22, paddingHorizontal: 32, borderBottomWidth: 3, borderBottomColor: accent },
    name: { fontSize: 24, fontWeight: 'bold', color: accent },
    label: { fontSize: 12, marginTop: 2 },
    cols: { flexDirection: 'row', paddingHorizontal: 32, paddingTop: 10, gap: 22 },
    col: { flex: 1 },
    h2: { fontSize: 11, fontWeight: 'bold', color: accent, marginTop: 10, marginBottom: 4, paddingBottom: 2, borderBottomWidth: 0.75, borderBottomColor: '#c4b5fd' },
    dates: { fontSize: 8.5, fontWeight: 'bold', color: accent },
    bold: { fontWeight: 'bold' },
    it: { fontStyle: 'italic', color: '#444' }
  })
  const sec = (title: string, ...children: React.ReactNode[]) => h(View, null, h(Text, { style: s.h2 }, title), ...children)
  const range = (a: string, z?: string) => h(Text, { style: s.dates }, fmtRange(a, z, lang, 'slash', ' — '))
  const left = h(View, { style: s.col },
    sec(t.work, ...r.work.map((w, i) => h(View, { key: i, style: { marginBottom: 8 } },
      range(w.startDate, w.endDate), h(Text, { style: s.bold }, w.position), h(Text, { style: s.it }, `${w.name} · ${w.location ?? ''}`),
      ...(w.highlights ?? []).map((x, j) => h(Text, { key: j, style: { marginTop: 2 } }, `› ${x}`))))))
  const right = h(View, { style: s.col },
    sec(t.summary, h(Text, null, b.summary)),
    sec(t.education, ...r.education.map((d, i) => h(View, { key: i, style: { marginBottom: 6 } }, range(d.startDate, d.endDate), h(Text, { style: s.bold }, `${d.studyType} en ${d.area}`), h(Text, { style: s.it }, d.institution)))),
    sec(t.skills, ...r.skills.map((k, i) => h(View, { key: i, style: { marginBottom: 3 } }, h(Text, { style: s.bold }, k.name), h(Text, null, k.keywords.join(' · '))))),
    sec(t.languages, ...r.languages.map((l, i) => h(Text, { key: i }, `${l.language}: ${l.fluency}`))),
    sec(t.contact, h(Text, null, b.location.city), h(Text, null, b.phone), h(Link, { src: `mailto:${b.email}` }, b.email), h(Link, { src: b.url }, bare(b.url)),
      ...b.profiles.map((p, i) => h(Link, { key: i, src: p.url }, `${p.network}: ${bare(p.url)}`))))
  return h(Page, { size: 'A4', style: s.page },
    h(View, { style: s.band }, h(Text, { style: s.name }, b.name), h(Text, { style: s.label }, b.label)),
    h(View, { style: s.cols }, left, right))
}

export function layout (id: string, truth: string, lang: Lang, style: Style): Layout {
  return {
    id,
    lang,
    truth,
    tool: '@react-pdf/renderer',
    licence: `@react-pdf/renderer: MIT; layout: MIT (cvgen)${style === 'columns' ? '; Noto Sans: OFL 1.1' : ''}`,
    description: `react-pdf "${style}" layout: ${DESCRIPTIONS[style]}`,
    fields: FIELDS[style],
    build: async () => {
      const r = loadTruth(truth)
      const page = style === 'gutter' ? gutter(r, lang) : columns(r, lang)
      const doc = h(Document, { title: `${r.basics.name} - Resume`, author: r.basics.name, creator: 'cvgen corpus', producer: `react-pdf ${version}` }, page)
      return renderPdf(() => doc, `// Generated by scripts/corpus/reactpdf-fresh.ts: layout "${style}" for ${truth} (${lang}).\n// Reprint: npm run corpus:print -- ${id}\n`)
    }
  }
}
