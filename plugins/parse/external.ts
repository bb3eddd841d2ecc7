// The external corpus: resumes printed by other software (LaTeX classes, Chromium HTML,
// @react-pdf/renderer, docx, LibreOffice), committed under samples/corpus/ with a manifest
// (scripts/corpus/ prints them; nothing here needs TeX, Chromium or LibreOffice). Each file is
// parsed and scored against its truth resume like the theme corpus (truth.ts), counting only
// the fields its layout prints (the manifest's `fields`). Holdout is the figure that counts:
// tune is what slice 2 may look at while changing the parser.
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { parseFile } from './parser.ts'
import { expectedFields, fieldKey, sameValue, valueAt } from './truth.ts'

/** samples/corpus/, by this module's URL (the image runs from /app, whatever the cwd). */
export const CORPUS_DIR = new URL('../../samples/corpus/', import.meta.url)

export interface ManifestFile { path: string, role: 'source' | 'print', format?: 'pdf' | 'docx', sha256: string, bytes: number }
export interface ManifestLayout {
  id: string,
  tool: string,
  toolVersion: string,
  sourceDateEpoch: number,
  licence: string,
  language: string
  truth: string,
  split: 'tune' | 'holdout',
  description: string,
  fields: string[],
  files: ManifestFile[]
}
export interface Manifest { description: string, layouts: ManifestLayout[] }

export async function loadManifest (): Promise<Manifest> {
  return JSON.parse(await readFile(new URL('manifest.json', CORPUS_DIR), 'utf8')) as Manifest
}

/** The files whose bytes do not match the manifest's sha256 (or are missing). */
export async function checkHashes (manifest: Manifest): Promise<string[]> {
  const bad: string[] = []
  for (const l of manifest.layouts) {
    for (const f of l.files) {
      const bytes = await readFile(new URL(f.path, CORPUS_DIR)).catch(() => null)
      if (!bytes || createHash('sha256').update(bytes).digest('hex') !== f.sha256) bad.push(f.path)
    }
  }
  return bad
}

export interface ExternalScore {
  id: string,
  tool: string,
  language: string,
  split: 'tune' | 'holdout',
  format: 'pdf' | 'docx',
  file: string
  total: number,
  exact: number
  /** field key ("work.position") -> [exact, total] */
  fields: Map<string, [number, number]>
  misses: string[]
  /** Set when parsing threw: every expected field then counts as missed. */
  error?: string
}

/** The truth's fields that this layout prints. */
export function expectedFor (truth: Record<string, unknown>, printed: string[]): Map<string, string> {
  const keep = new Set(printed)
  return new Map([...expectedFields(truth)].filter(([path]) => keep.has(fieldKey(path))))
}

export async function scoreExternal (layout: ManifestLayout, file: ManifestFile, truth: Record<string, unknown>): Promise<ExternalScore> {
  const expected = expectedFor(truth, layout.fields)
  let draft: unknown
  let error: string | undefined
  try {
    draft = (await parseFile(file.format!, await readFile(new URL(file.path, CORPUS_DIR)))).draft
  } catch (err) {
    error = (err as { code?: string }).code ?? (err as Error).message
  }
  const fields = new Map<string, [number, number]>()
  const misses: string[] = []
  let exact = 0
  for (const [path, want] of expected) {
    const got = error ? undefined : valueAt(draft, path)
    const ok = !error && sameValue(path, got, want)
    const [e, n] = fields.get(fieldKey(path)) ?? [0, 0]
    fields.set(fieldKey(path), [e + (ok ? 1 : 0), n + 1])
    if (ok) exact++
    else misses.push(`${path}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`)
  }
  return { id: layout.id, tool: layout.tool, language: layout.language, split: layout.split, format: file.format!, file: file.path, total: expected.size, exact, fields, misses, ...(error ? { error } : {}) }
}

export interface Total { name: string, files: number, fields: number, exact: number, accuracy: number }
export interface ExternalEvaluation {
  scores: ExternalScore[]
  totals: { tune: Total, holdout: Total, all: Total }
  languages: Total[]
  fields: Total[]
  failures: { file: string, error: string }[]
  table: string
}

const ratio = (e: number, n: number) => (n ? e / n : 0)
const pct = (x: number) => `${(x * 100).toFixed(1)} %`
function total (name: string, list: ExternalScore[]): Total {
  const fields = list.reduce((n, s) => n + s.total, 0)
  const exact = list.reduce((n, s) => n + s.exact, 0)
  return { name, files: list.length, fields, exact, accuracy: ratio(exact, fields) }
}

/** Parses every printed file of the manifest (PDF and DOCX) and scores it. */
export async function evaluateExternal (manifest?: Manifest): Promise<ExternalEvaluation> {
  const m = manifest ?? await loadManifest()
  const truths = new Map<string, Record<string, unknown>>()
  const scores: ExternalScore[] = []
  for (const layout of m.layouts) {
    if (!truths.has(layout.truth)) truths.set(layout.truth, JSON.parse(await readFile(new URL(layout.truth, CORPUS_DIR), 'utf8')) as Record<string, unknown>)
    for (const f of layout.files) if (f.role === 'print') scores.push(await scoreExternal(layout, f, truths.get(layout.truth)!))
  }
  const languages = [...new Set(scores.map((s) => s.language))].sort().map((l) => total(l, scores.filter((s) => s.language === l)))
  // Per field: tune files only. The holdout is reported as totals and nothing finer, so whoever
  // tunes the parser never reads which of its files or fields miss.
  const byField = new Map<string, [number, number]>()
  for (const s of scores.filter((x) => x.split === 'tune')) {
    for (const [k, [e, n]] of s.fields) {
      const [a, b] = byField.get(k) ?? [0, 0]
      byField.set(k, [a + e, b + n])
    }
  }
  const fields = [...byField].map(([k, [e, n]]) => ({ name: k, files: scores.filter((s) => s.split === 'tune' && s.fields.has(k)).length, fields: n, exact: e, accuracy: ratio(e, n) }))
    .sort((a, b) => a.accuracy - b.accuracy || a.name.localeCompare(b.name))
  const totals = { tune: total('tune', scores.filter((s) => s.split === 'tune')), holdout: total('holdout', scores.filter((s) => s.split === 'holdout')), all: total('all', scores) }
  const failures = scores.filter((s) => s.error).map((s) => ({ file: s.file, error: s.error! }))
  return { scores, totals, languages, fields, failures, table: formatExternal(scores, totals, languages, fields, failures) }
}

function formatExternal (scores: ExternalScore[], totals: ExternalEvaluation['totals'], languages: Total[], fields: Total[], failures: ExternalEvaluation['failures']): string {
  const out = ['External corpus (samples/corpus): per file of the tune half (the holdout: totals only, below)', '', '| layout | tool | language | split | format | fields | exact | accuracy |', '|---|---|---|---|---|---:|---:|---:|']
  for (const s of scores.filter((x) => x.split === 'tune')) out.push(`| ${s.id} | ${s.tool} | ${s.language} | ${s.split} | ${s.format} | ${s.total} | ${s.exact} | ${pct(ratio(s.exact, s.total))}${s.error ? ` (failed: ${s.error})` : ''} |`)
  const rows = (title: string, head: string, list: Total[]) => {
    out.push('', title, '', `| ${head} | files | fields | exact | accuracy |`, '|---|---:|---:|---:|---:|')
    for (const t of list) out.push(`| ${t.name} | ${t.files} | ${t.fields} | ${t.exact} | ${pct(t.accuracy)} |`)
  }
  rows('Per field, tune files (indices pooled, worst first)', 'field', fields)
  rows('Per language', 'language', languages)
  rows('Totals (holdout is the figure that counts)', 'split', [totals.holdout, totals.tune, totals.all])
  out.push('', failures.length ? `Files that failed to parse: ${failures.map((f) => `${f.file} (${f.error})`).join(', ')}` : 'Files that failed to parse: none')
  return out.join('\n')
}
