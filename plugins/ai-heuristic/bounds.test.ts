// The rules' work is bounded whatever the text: long "words" get no suggestions and are reported as
// suspicious tokens, suggestions are capped (per word and per analysis), and every pattern over
// user text is linear. Linearity is checked by ratio: 10x the input must cost < 20x (plus slack; a quadratic scan costs 100x),
// where the quadratic versions took seconds at 20,000 characters and minutes at 200,000.
import { test, type Test } from 'tap'
import { extractJdTerms } from './keywords.ts'
import { checkSpelling, MAX_SUGGESTED_WORDS } from './spelling.ts'
import { MAX_SUGGESTIONS } from './suggest.ts'
import { findTechTerms, isQuantified, looksLikeEmail } from './text.ts'
import { analyzeResume } from './resume.ts'

const seg = (text: string, path = 'basics.summary') => ({ path, text, bullet: false })
const noop = async () => {}

test('a 1,000-character word: no suggestions, one suspicious token; it costs like a misspelling', async (t) => {
  const word = 'a'.repeat(1000)
  const { typos, suspicious } = await checkSpelling([seg(`Engineer ${word} here`)], [])
  t.same(typos, [], 'not a typo with suggestions')
  t.same(suspicious, [{ path: 'basics.summary', token: 'a'.repeat(30) + '…', length: 1000 }])
  const out = await analyzeResume({ basics: { summary: word } }, null, noop)
  t.match(out.metrics, { spelling: { suspicious: [{ path: 'basics.summary', length: 1000 }] }, grammar_score: 90 })
  t.ok(out.improvements.some((s) => s.startsWith('Suspicious token in basics.summary: "aaaa') && s.includes('(1000 characters)')))
})

test('six highlights of 20,000 digits (and a letter): suspicious tokens, not the checker\'s quadratic ordinal rules', async (t) => {
  const highlights = Array.from({ length: 6 }, (_, i) => `${String(i + 1).repeat(20_000)}a`)
  const out = await analyzeResume({ work: [{ name: 'X', position: 'Y', highlights }] }, null, noop)
  const suspicious = (out.metrics.spelling as { suspicious: Array<{ path: string, length: number }> }).suspicious
  t.same(suspicious.map((s) => [s.path, s.length]), highlights.map((_, i) => [`work[0].highlights[${i}]`, 20_001]))
})

test('at most 3 suggestions a word, deterministic; suggestions for at most MAX_SUGGESTED_WORDS distinct words', async (t) => {
  const { typos } = await checkSpelling([seg('We fixed teh bug and the recieved managment report.')], [])
  t.same(typos.map((x) => x.word), ['teh', 'recieved', 'managment'])
  for (const x of typos) t.ok(x.suggestions.length >= 1 && x.suggestions.length <= MAX_SUGGESTIONS, `${x.word}: ${x.suggestions}`)
  t.equal(MAX_SUGGESTIONS, 3)
  t.same(typos.find((x) => x.word === 'recieved')!.suggestions[0], 'received')
  t.same((await checkSpelling([seg('We fixed teh bug and the recieved managment report.')], [])).typos, typos, 'same input, same output')

  // 30 distinct misspellings, each one letter away from a word: only the first 20 get suggestions.
  const words = ['management', 'received', 'opportunities', 'engineering', 'development', 'performance', 'architecture', 'infrastructure',
    'deployment', 'monitoring', 'customers', 'requirements', 'improvement', 'production', 'integration', 'experience', 'leadership',
    'documentation', 'reliability', 'availability', 'scalability', 'maintenance', 'operations', 'security', 'strategy', 'analysis',
    'platform', 'pipeline', 'migration', 'automation']
  const typo = (w: string) => w.slice(0, 3) + w.slice(4) // drop the 4th letter
  const many = await checkSpelling([seg(words.map(typo).join(' and '))], [])
  t.equal(new Set(many.typos.map((x) => x.word)).size, 30, 'every misspelling is still reported')
  t.equal(many.typos.filter((x) => x.suggestions.length > 0).length, MAX_SUGGESTED_WORDS, 'but only the first ones get suggestions')
})

async function cost (fn: () => unknown): Promise<number> {
  let best = Infinity
  for (let i = 0; i < 3; i++) {
    const start = process.hrtime.bigint()
    await fn()
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e6)
  }
  return best
}

/**
 * 10x the input costs less than 40x the time (plus 50 ms of noise): sorting, GC and a loaded
 * 2-core machine are not quite linear (the spelling scan was seen at 20.7x under load), while a
 * quadratic scan costs 100x.
 */
async function linear (t: Test, label: string, make: (n: number) => string, fn: (s: string) => unknown): Promise<void> {
  const small = make(20_000)
  const large = make(200_000)
  const a = await cost(() => fn(small))
  const b = await cost(() => fn(large))
  t.ok(b < 40 * a + 50, `${label}: 20,000 chars ${a.toFixed(2)} ms, 200,000 chars ${b.toFixed(2)} ms`)
}

test('every pattern over user text is linear', { timeout: 120_000 }, async (t) => {
  await linear(t, 'FIGURE (digits then a letter)', (n) => '1'.repeat(n) + 'a', isQuantified)
  await linear(t, 'FIGURE (a run of commas)', (n) => 'a' + '1,'.repeat(n / 2) + 'a', isQuantified)
  await linear(t, 'email', (n) => 'a@' + 'a.'.repeat(n / 2) + ' ', looksLikeEmail)
  await linear(t, 'JD sentence ends', (n) => '!'.repeat(n) + 'x', extractJdTerms)
  await linear(t, 'JD closing punctuation', (n) => 'a ' + ')'.repeat(n) + 'x', extractJdTerms)
  await linear(t, 'tech terms overlap', (n) => 'C '.repeat(n / 2), findTechTerms)
  await checkSpelling([seg('warm')], [])
  await linear(t, 'spelling: digits then a letter', (n) => '1'.repeat(n) + 'a', (s) => checkSpelling([seg(s)], []))
  await linear(t, 'spelling: unknown words before capitals', (n) => 'xq Xq '.repeat(n / 6), (s) => checkSpelling([seg(s)], []))
})
