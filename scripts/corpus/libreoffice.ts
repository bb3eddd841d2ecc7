// LibreOffice Writer layouts: an HTML document opened as a Writer text document ("HTML
// (StarWriter)" import) and saved as DOCX ("MS Word 2007 XML") and exported as PDF
// (writer_pdf_Export), as someone saving their resume from LibreOffice would. LibreOffice
// stamps the time into core.xml, the zip entries and the PDF: those are set to SOURCE_DATE_EPOCH.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import JSZip from 'jszip'
import { bare, fixPdf, fmtRange, FULL, HEADINGS, loadTruth, without, type Lang, type Resume } from './common.ts'
import type { Built, Layout } from './layouts.ts'

const EPOCH = 1764547200
type Style = 'plain' | 'columns'
const FIELDS: Record<Style, string[]> = { plain: FULL, columns: without('basics.profiles.username') }

const e = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' } as Record<string, string>)[c]!)

function html (r: Resume, lang: Lang, style: Style): string {
  const t = HEADINGS[lang]
  const b = r.basics
  const range = (a: string, z?: string) => e(fmtRange(a, z, lang, style === 'plain' ? 'name' : 'slash'))
  const ul = (l?: string[]) => (l?.length ? `<ul>${l.map((x) => `<li>${e(x)}</li>`).join('')}</ul>` : '')
  const work = r.work.map((w) => style === 'plain'
    ? `<h3>${e(w.position)} — ${e(w.name)}</h3><p><i>${e(w.location ?? '')}, ${range(w.startDate, w.endDate)}</i></p>${ul(w.highlights)}`
    : `<tr><td width="30%" valign="top">${range(w.startDate, w.endDate)}</td><td><b>${e(w.position)}</b><br>${e(w.name)}, ${e(w.location ?? '')}${ul(w.highlights)}</td></tr>`).join('')
  const edu = r.education.map((d) => style === 'plain'
    ? `<h3>${e(d.studyType)}, ${e(d.area)}</h3><p><i>${e(d.institution)}, ${range(d.startDate, d.endDate)}</i></p>`
    : `<tr><td width="30%" valign="top">${range(d.startDate, d.endDate)}</td><td><b>${e(d.studyType)}, ${e(d.area)}</b><br>${e(d.institution)}</td></tr>`).join('')
  const profiles = b.profiles.map((p) => style === 'plain' ? `${e(p.network)}: <a href="${e(p.url)}">${e(p.username)}</a> (${e(bare(p.url))})` : `${e(p.network)}: <a href="${e(p.url)}">${e(bare(p.url))}</a>`).join('<br>')
  const skills = r.skills.map((s) => `<p><b>${e(s.name)}:</b> ${e(s.keywords.join(', '))}</p>`).join('')
  const langs = r.languages.map((l) => `<p>${e(l.language)}: ${e(l.fluency)}</p>`).join('')
  const contact = `${e(b.location.city)} · ${e(b.phone)} · <a href="mailto:${e(b.email)}">${e(b.email)}</a> · <a href="${e(b.url)}">${e(bare(b.url))}</a><br>${profiles}`
  const table = (rows: string) => `<table width="100%" cellpadding="4" border="0">${rows}</table>`
  return `<!DOCTYPE html><html lang="${lang}"><head><meta charset="utf-8"><title>${e(b.name)}</title>
<style>body{font-family:'Liberation Serif','DejaVu Serif';font-size:11pt} h1{font-size:22pt;margin:0} h2{font-size:13pt;color:#1f4e79;border-bottom:1px solid #1f4e79} h3{font-size:11pt;margin:6pt 0 0}</style></head><body>
<h1>${e(b.name)}</h1><p><b>${e(b.label)}</b></p><p>${contact}</p>
<h2>${e(t.summary)}</h2><p>${e(b.summary)}</p>
<h2>${e(t.work)}</h2>${style === 'plain' ? work : table(work)}
<h2>${e(t.education)}</h2>${style === 'plain' ? edu : table(edu)}
<h2>${e(t.skills)}</h2>${skills}
<h2>${e(t.languages)}</h2>${langs}
</body></html>
`
}

export async function fixDocx (bytes: Buffer): Promise<Buffer> {
  const zip = await JSZip.loadAsync(bytes)
  const date = new Date(EPOCH * 1000)
  const iso = date.toISOString().replace(/\.\d+Z$/, 'Z')
  const out = new JSZip()
  for (const name of Object.keys(zip.files).sort()) {
    const f = zip.files[name]!
    if (f.dir) continue
    let data: Buffer | string = await f.async('nodebuffer')
    if (name === 'docProps/core.xml' || name === 'docProps/app.xml') {
      data = data.toString('utf8').replace(/(<dcterms:(created|modified)[^>]*>)[^<]*/g, `$1${iso}`).replace(/<TotalTime>\d+<\/TotalTime>/, '<TotalTime>0</TotalTime>')
    }
    out.file(name, data, { date, createFolders: false })
  }
  return out.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 6 } })
}

export function soffice (dir: string, to: string, file: string) {
  execFileSync('soffice', [`-env:UserInstallation=file://${dir}/profile`, '--headless', '--infilter=HTML (StarWriter)', '--convert-to', to, '--outdir', dir, join(dir, file)],
    { env: { ...process.env, SOURCE_DATE_EPOCH: String(EPOCH), TZ: 'UTC' }, stdio: 'pipe', timeout: 120_000 })
}

/** An HTML document opened by Writer, saved as DOCX and exported as PDF, both made reproducible. */
export async function printWithLibreOffice (src: string): Promise<Built> {
  const dir = mkdtempSync(join(tmpdir(), 'cvgen-lo-'))
  try {
    writeFileSync(join(dir, 'cv.html'), src)
    soffice(dir, 'docx:MS Word 2007 XML', 'cv.html')
    soffice(dir, 'pdf:writer_pdf_Export', 'cv.html')
    const docx = await fixDocx(readFileSync(join(dir, 'cv.docx')))
    const pdf = fixPdf(readFileSync(join(dir, 'cv.pdf')), EPOCH)
    const v = execFileSync('soffice', ['--version'], { encoding: 'utf8' }).trim()
    return { sources: [{ name: 'cv.html', data: src }], prints: [{ name: 'cv.docx', data: docx }, { name: 'cv.pdf', data: pdf }], toolVersion: v }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export function layout (id: string, truth: string, lang: Lang, style: Style): Layout {
  return {
    id,
    lang,
    truth,
    tool: 'LibreOffice Writer (headless convert)',
    licence: 'LibreOffice: MPL 2.0 (tool only); document template: MIT (cvgen); fonts: Noto Serif OFL 1.1 (Liberation Serif is not installed), DejaVu Serif (Bitstream Vera licence), OpenSymbol (MPL 2.0)',
    description: `LibreOffice Writer "${style}" document${style === 'columns' ? ' (dates in a table column)' : ''}, saved as DOCX and exported as PDF`,
    fields: FIELDS[style],
    build: async () => {
      return printWithLibreOffice(html(loadTruth(truth), lang, style))
    }
  }
}
