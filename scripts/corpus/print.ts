// `npm run corpus:print [-- id ...]`: writes every layout's source and prints it (LaTeX,
// Chromium, @react-pdf/renderer, docx, LibreOffice), into samples/corpus/layouts/<id>/, and
// rewrites samples/corpus/manifest.json with the files' sha256. Needs TeX Live, Chromium and
// LibreOffice (see samples/corpus/README.md); CI and the image only read the results.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { CORPUS, sha256 } from './common.ts'
import { EPOCH, LAYOUTS, splits, type Built } from './layouts.ts'
import { closeBrowser } from './html.ts'

const only = new Set(process.argv.slice(2))
const manifestUrl = new URL('manifest.json', CORPUS)
const old = (() => {
  try { return JSON.parse(readFileSync(manifestUrl, 'utf8')) as { layouts: Record<string, unknown>[] } } catch { return { layouts: [] } }
})()
const SPLITS = splits()
const failed: string[] = []
const entries = new Map(old.layouts.map((l) => [l.id as string, l]))

try {
  for (const layout of LAYOUTS) {
    if (only.size && !only.has(layout.id)) continue
    const t0 = Date.now()
    let built: Built
    try {
      built = await layout.build()
    } catch (err) {
      failed.push(layout.id)
      console.error(`${layout.id}: FAILED ${(err as Error).message}`)
      continue
    }
    const dir = new URL(`layouts/${layout.id}/`, CORPUS)
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir, { recursive: true })
    const files: { path: string, role: string, format?: string, sha256: string, bytes: number }[] = []
    for (const f of [...built.sources.map((s) => ({ ...s, role: 'source' })), ...built.prints.map((p) => ({ ...p, role: 'print' }))]) {
      writeFileSync(new URL(f.name, dir), f.data)
      const format = f.role === 'print' ? (f.name.endsWith('.pdf') ? 'pdf' : 'docx') : undefined
      files.push({ path: `layouts/${layout.id}/${f.name}`, role: f.role, ...(format ? { format } : {}), sha256: sha256(f.data), bytes: Buffer.byteLength(f.data) })
    }
    entries.set(layout.id, {
      id: layout.id,
      tool: layout.tool,
      toolVersion: built.toolVersion,
      sourceDateEpoch: EPOCH,
      licence: layout.licence,
      language: layout.lang,
      truth: `truth/${layout.truth}`,
      split: SPLITS.get(layout.id),
      description: layout.description,
      fields: layout.fields,
      files
    })
    console.log(`${layout.id}: ${files.filter((f) => f.role === 'print').map((f) => `${f.path.split('/').pop()} ${f.bytes} B`).join(', ')} (${Date.now() - t0} ms)`)
  }
} finally {
  await closeBrowser()
}
const order = new Map(LAYOUTS.map((l, i) => [l.id, i]))
const layouts = [...entries.values()].filter((l) => order.has(l.id as string)).map((l): Record<string, unknown> => ({ ...l, split: SPLITS.get(l.id as string) })).sort((a, b) => order.get(a.id as string)! - order.get(b.id as string)!)
writeFileSync(manifestUrl, JSON.stringify({ description: 'Resumes printed by other software than cvgen; see README.md', layouts }, null, 2) + '\n')
if (failed.length) {
  console.error(`failed: ${failed.join(', ')}`)
  process.exitCode = 1
}
