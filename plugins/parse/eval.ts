// The accuracy harness: parse each corpus file back and compare it with the resume it was
// made from, field by field (exact match after collapsing whitespace). Only fields the
// themes print count: a theme shows dates to the month, so "2021-03-15" is expected back
// as "2021-03"; values the source itself gets wrong (a date like "Summer 2017") are left out.
import type { FastifyInstance } from 'fastify'
import { buildCorpus, PdfPrinter, type CorpusItem } from './corpus.ts'
import { evaluateExternal, type ExternalEvaluation } from './external.ts'
import { parseFile } from './parser.ts'
import { expectedFields, sameValue, valueAt } from './truth.ts'

export { expectedFields } from './truth.ts'

export interface Score { fixture: string, theme: string, variant: string, format: string, total: number, exact: number, misses: string[], ms: number }

export async function scoreItem (item: CorpusItem): Promise<Score> {
  const t0 = performance.now()
  const result = await parseFile(item.format, item.file)
  const ms = performance.now() - t0
  const expected = expectedFields(item.expected)
  const misses: string[] = []
  for (const [path, want] of expected) {
    const got = valueAt(result.draft, path)
    if (!sameValue(path, got, want)) misses.push(`${path}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`)
  }
  return { fixture: item.fixture, theme: item.theme, variant: item.variant, format: item.format, total: expected.size, exact: expected.size - misses.length, misses, ms }
}

export interface Row { theme: string, format: string, files: number, fields: number, exact: number, accuracy: number, worst: string }

const ratio = (exact: number, fields: number) => (fields ? exact / fields : 0)

/** Per theme and format (variants pooled, the worst one named): fields, exact matches, accuracy (0..1). */
export function summarize (scores: Score[]): Row[] {
  const groups = new Map<string, Score[]>()
  for (const s of scores) groups.set(`${s.theme}/${s.format}`, [...(groups.get(`${s.theme}/${s.format}`) ?? []), s])
  const rows: Row[] = []
  for (const list of groups.values()) {
    const fields = list.reduce((n, s) => n + s.total, 0)
    const exact = list.reduce((n, s) => n + s.exact, 0)
    const variants = new Map<string, [number, number]>()
    for (const s of list) {
      const [e, f] = variants.get(s.variant) ?? [0, 0]
      variants.set(s.variant, [e + s.exact, f + s.total])
    }
    const [name, [we, wf]] = [...variants].sort((a, b) => ratio(a[1][0], a[1][1]) - ratio(b[1][0], b[1][1]))[0]!
    rows.push({ theme: list[0]!.theme, format: list[0]!.format, files: list.length, fields, exact, accuracy: ratio(exact, fields), worst: `${name} ${(ratio(we, wf) * 100).toFixed(1)} %` })
  }
  const fields = rows.reduce((n, r) => n + r.fields, 0)
  const exact = rows.reduce((n, r) => n + r.exact, 0)
  rows.push({ theme: 'all', format: '', files: scores.length, fields, exact, accuracy: ratio(exact, fields), worst: '' })
  return rows
}

export function formatRows (rows: Row[]): string {
  const lines = ['| theme | format | files | fields | exact | accuracy | worst variant |', '|---|---|---:|---:|---:|---:|---|']
  for (const r of rows) lines.push(`| ${r.theme} | ${r.format} | ${r.files} | ${r.fields} | ${r.exact} | ${(r.accuracy * 100).toFixed(1)} % | ${r.worst} |`)
  return lines.join('\n')
}

export interface Evaluation { rows: Row[], scores: Score[], external?: ExternalEvaluation, table: string }

/** Which corpus `parse eval` measures: cvgen's own themes (needs Chromium), the committed external files, or both. */
export type CorpusChoice = 'all' | 'themes' | 'external'
export const CORPUS_CHOICES: CorpusChoice[] = ['all', 'themes', 'external']

/**
 * themes: builds the corpus with the app's themes and renderer, parses every file back,
 * scores it. external: parses the committed files of samples/corpus (external.ts).
 */
export async function evaluate (app: Pick<FastifyInstance, 'themes' | 'renderer' | 'config'>, corpus: CorpusChoice = 'all'): Promise<Evaluation> {
  const scores: Score[] = []
  let rows: Row[] = []
  const tables: string[] = []
  if (corpus !== 'external') {
    const printer = await PdfPrinter.launch(app.config.chromiumPath, app.renderer.fonts.file)
    try {
      for await (const item of buildCorpus(app, printer)) scores.push(await scoreItem(item))
    } finally {
      await printer.close()
    }
    rows = summarize(scores)
    tables.push(formatRows(rows))
  }
  let external: ExternalEvaluation | undefined
  if (corpus !== 'themes') {
    external = await evaluateExternal()
    tables.push(external.table)
  }
  return { rows, scores, ...(external ? { external } : {}), table: tables.join('\n\n') }
}
