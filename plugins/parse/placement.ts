// What the parser could not place, for the dashboard to ask the user about: the document's
// lines whose words are not in the draft (`unplaced`), the core sections the draft lacks or
// whose heading was found with nothing under it (`sections_missing`); the job's answer adds
// the fields set with little confidence (`low_confidence`, from the stored confidences). Measured against the final draft (after an LLM
// refinement, if any) and the document's text, so it holds whoever wrote the draft.
import { DATE_WORDS } from './dates.ts'
import { headingKind } from './sections.ts'

export interface Placement { unplaced: string[], sections_missing: string[] }

/** Below this a field is listed in `low_confidence`. */
export const LOW_CONFIDENCE = 0.6
/** Sections nearly every resume has: absent, the user is asked whether they were missed. */
const CORE = ['work', 'education', 'skills']
const MAX_UNPLACED = 100
const MAX_LINE = 300
// Printed dates become YYYY-MM in the draft: month names and "present" are not lost words.
// Han text has no spaces: each ideograph is a word.
const words = (s: string): string[] => s.normalize('NFKC').toLowerCase().split(/[^\p{L}\p{N}]+|(?=\p{Script=Han})|(?<=\p{Script=Han})/u).filter(Boolean)

function strings (v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v)
  else if (Array.isArray(v)) for (const x of v) strings(x, out)
  else if (v && typeof v === 'object') for (const x of Object.values(v)) strings(x, out)
  return out
}

const present = (draft: Record<string, unknown>, section: string) => Array.isArray(draft[section]) && (draft[section] as unknown[]).length > 0

export function placement (draft: Record<string, unknown>, text: string): Placement {
  const known = new Set(strings(draft).flatMap(words))
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean)
  const unplaced: string[] = []
  const headings = new Set<string>()
  for (const line of lines) {
    const kind = line.length <= 40 ? headingKind(line) : undefined
    if (kind) { headings.add(kind); continue }
    const ws = words(line).filter((w) => !DATE_WORDS.has(w))
    if (ws.length === 0) continue
    // Most of its words in the draft: placed (a separator or a label like "Email:" may not be).
    const found = ws.filter((w) => known.has(w)).length
    if (found / ws.length >= 0.5) continue
    if (unplaced.length < MAX_UNPLACED) unplaced.push(line.length > MAX_LINE ? `${line.slice(0, MAX_LINE - 1)}…` : line)
  }
  const missing = new Set(CORE.filter((s) => !present(draft, s)))
  // Contact details go to basics: a "Contact" heading names no section of the draft.
  for (const kind of headings) if (kind !== 'summary' && kind !== 'contact' && !present(draft, kind)) missing.add(kind)
  if (headings.has('summary') && !(draft.basics as { summary?: string } | undefined)?.summary) missing.add('summary')
  return {
    unplaced,
    sections_missing: [...missing]
  }
}
