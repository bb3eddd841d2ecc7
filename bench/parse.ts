// `npm run bench` (after bench/analysis.ts), or `node bench/parse.ts`: what parsing one
// uploaded resume costs on the worker side (goal: p50 < 300 ms for a 1-page PDF).
// Files: a 1-page PDF (weak.resume.json, classic theme), a 3-page PDF (full.resume.json with
// its work history repeated, classic theme), a DOCX (full.resume.json), made in this run by
// the parser's corpus module (Chromium, the docx package). Each is timed 30 times after 3
// warm-ups:
//   baseline  the library's raw text extraction alone (pdfjs getTextContent on every page;
//             mammoth.extractRawText), in this process;
//   parse     parseFile(): text with positions, lines, sections, fields, schema check;
//   worker    the same through the pool of watched parser processes the parse.run job uses
//             (what a job pays, minus reading the upload from storage and two row updates).
// Ratios are against the baseline of the same file in the same run.
// Then the external corpus (samples/corpus: 42 files other software printed), each file 5
// times after a warm-up, per page: p50 / p95 over all files of the three ways above.
import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import mammoth from 'mammoth'
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs'
import { PdfPrinter } from '../plugins/parse/corpus.ts'
import { CORPUS_DIR, loadManifest } from '../plugins/parse/external.ts'
import { fontFilePath } from '../plugins/renderer/fonts.ts'
import { buildDocx } from '../plugins/parse/corpus-docx.ts'
import { parseFile, type FileKind } from '../plugins/parse/parser.ts'
import { ParserPool } from '../plugins/parse/sandbox.ts'
import { ThemeRenderer } from '../plugins/renderer/render.ts'
import { ThemeRegistry } from '../plugins/themes/registry.ts'
import { formatTable } from './lib.ts'
import { loadConfig } from '../config/index.ts'

const RUNS = 30
const WARMUP = 3
const GOAL_ONE_PAGE_P50_MS = 300

const fixture = (path: string) => JSON.parse(readFileSync(new URL(`../samples/${path}`, import.meta.url), 'utf8')) as Record<string, unknown>

function percentile (xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b)
  const rank = (p / 100) * (s.length - 1)
  const lo = Math.floor(rank)
  const hi = Math.ceil(rank)
  return s[lo]! + (s[hi]! - s[lo]!) * (rank - lo)
}

async function time (fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < WARMUP; i++) await fn()
  const out: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now()
    await fn()
    out.push(performance.now() - t0)
  }
  return out
}

async function rawText (kind: FileKind, bytes: Buffer): Promise<number> {
  if (kind === 'docx') return (await mammoth.extractRawText({ buffer: bytes })).value.length
  const task = getDocument({ data: new Uint8Array(bytes), disableFontFace: true, verbosity: 0 })
  const doc = await task.promise
  let n = 0
  for (let p = 1; p <= doc.numPages; p++) n += (await (await doc.getPage(p)).getTextContent()).items.length
  await task.destroy()
  return n
}

async function pages (bytes: Buffer): Promise<number> {
  const task = getDocument({ data: new Uint8Array(bytes), verbosity: 0 })
  const n = (await task.promise).numPages
  await task.destroy()
  return n
}

async function main (): Promise<void> {
  const app = { themes: ThemeRegistry.load({ operatorDirs: [] }), renderer: { themes: new ThemeRenderer() } }
  const classic = app.themes.get('classic')!
  const weak = fixture('analysis/weak.resume.json')
  const full = fixture('full.resume.json')
  const long = { ...full, work: [...(full.work as unknown[]), ...(full.work as unknown[]), ...(full.work as unknown[])], volunteer: [...(full.volunteer as unknown[]), ...(full.volunteer as unknown[])] }

  const printer = await PdfPrinter.launch((await loadConfig()).chromiumPath, (pkg, version, file) =>
    fontFilePath(app.themes.list().flatMap((t) => t.fonts.flatMap((f) => f.package ? [f.package] : [])), pkg, version, file))
  const onePage = await printer.print(app.renderer.themes.renderResume(classic, { content: weak }))
  const threePages = await printer.print(app.renderer.themes.renderResume(classic, { content: long }))
  await printer.close()
  const files: { name: string, kind: FileKind, bytes: Buffer }[] = [
    { name: `PDF, ${await pages(onePage)} page`, kind: 'pdf', bytes: onePage },
    { name: `PDF, ${await pages(threePages)} pages`, kind: 'pdf', bytes: threePages },
    { name: 'DOCX (full.resume.json)', kind: 'docx', bytes: await buildDocx(full) }
  ]

  const pool = new ParserPool(1, { timeoutMs: 30_000, memoryMb: 512 })
  const rows: string[][] = []
  const f = (ms: number) => ms.toFixed(1)
  try {
    for (const file of files) {
      const base = await time(() => rawText(file.kind, file.bytes))
      const direct = await time(() => parseFile(file.kind, file.bytes))
      const worker = await time(() => pool.parse(file.kind, file.bytes))
      const b50 = percentile(base, 50)
      for (const [label, xs] of [['baseline: raw text', base], ['parse, in process', direct], ['parse, parser process', worker]] as const) {
        const p50 = percentile(xs, 50)
        rows.push([`${file.name}: ${label}`, `${(file.bytes.length / 1024).toFixed(0)} KiB`, f(p50), f(percentile(xs, 95)), `${(p50 / b50).toFixed(2)}x`])
      }
    }
    await external(pool)
  } finally {
    await pool.close()
  }
  console.log(`\nResume parsing, worker side (${RUNS} runs after ${WARMUP} warm-ups; goal: 1-page PDF p50 < ${GOAL_ONE_PAGE_P50_MS} ms)\n`)
  console.log(formatTable(['file: what', 'size', 'p50 ms', 'p95 ms', 'vs baseline'], rows))
  const onePageWorker = Number(rows[2]![2])
  console.log(`\n1-page PDF through the parser process: p50 ${f(onePageWorker)} ms — ${onePageWorker < GOAL_ONE_PAGE_P50_MS ? 'meets' : 'misses'} the goal`)
}

/** Per page, over every printed file of the external corpus: raw text, in process, parser process. */
async function external (pool: ParserPool): Promise<void> {
  const files = (await loadManifest()).layouts.flatMap((l) => l.files.filter((f) => f.role === 'print'))
  const perPage: Record<'base' | 'direct' | 'worker', number[]> = { base: [], direct: [], worker: [] }
  for (const f of files) {
    const kind = f.format!
    const bytes = await readFile(new URL(f.path, CORPUS_DIR))
    const n = kind === 'pdf' ? await pages(bytes) : 1
    for (const [key, fn] of [['base', () => rawText(kind, bytes)], ['direct', () => parseFile(kind, bytes)], ['worker', () => pool.parse(kind, bytes)]] as const) {
      await fn()
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now()
        await fn()
        perPage[key].push((performance.now() - t0) / n)
      }
    }
  }
  const b50 = percentile(perPage.base, 50)
  const rows = ([['baseline: raw text', perPage.base], ['parse, in process', perPage.direct], ['parse, parser process', perPage.worker]] as const)
    .map(([label, xs]) => [label, percentile(xs, 50).toFixed(1), percentile(xs, 95).toFixed(1), `${(percentile(xs, 50) / b50).toFixed(2)}x`])
  console.log(`\nExternal corpus (${files.length} files, 5 runs each after a warm-up), ms per page; goal: parser process p50 < ${GOAL_ONE_PAGE_P50_MS} ms\n`)
  console.log(formatTable(['what', 'p50 ms/page', 'p95 ms/page', 'vs baseline'], rows))
}

main().catch((err: Error) => {
  console.error(err)
  process.exitCode = 1
})
