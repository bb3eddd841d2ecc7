// Bounded spelling suggestions. nspell's own suggest() is unbounded: it explores edits of distance
// two, seconds for one 8-letter capitalised word, out of memory for a 1,000-letter one. Here a
// word gets the dictionary words one edit away (delete, swap, replace, insert a letter the
// dictionary's TRY list names; its REP and KEY tables weigh more, as nspell does), which is
// O(length x alphabet) dictionary look-ups. Deterministic: ties are broken alphabetically.
import dictionaryEn from 'dictionary-en'
import nspell, { type NSpell } from 'nspell'

/** Longer "words" get no suggestions at all: they are reported as suspicious tokens. */
export const MAX_WORD_LENGTH = 30
export const MAX_SUGGESTIONS = 3

let checker: NSpell | undefined
export function dictionary (): NSpell {
  checker ??= nspell(dictionaryEn)
  return checker
}

/** Code points, counted no further than needed to tell whether the word is over the limit. */
export function tooLong (word: string): boolean {
  if (word.length <= MAX_WORD_LENGTH) return false
  let n = 0
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- iterating counts code points; each one's value is not needed
  for (const _ of word) if (++n > MAX_WORD_LENGTH) return true
  return false
}

export function suggest (word: string): string[] {
  if (!word || tooLong(word)) return []
  const dict = dictionary()
  const upper = word.length > 1 && word === word.toUpperCase() && word !== word.toLowerCase()
  const title = !upper && /^\p{Lu}\P{Lu}*$/u.test(word)
  const base = upper || title ? word.toLowerCase() : word
  const weights = new Map<string, number>()
  const add = (candidate: string, weight: number): void => {
    if (candidate && candidate !== base) weights.set(candidate, (weights.get(candidate) ?? 0) + weight)
  }
  for (const [from, to] of dict.replacementTable) {
    if (to.includes('_')) continue // a two-word replacement ("alot" -> "a lot") is no single word
    for (let i = base.indexOf(from); i >= 0; i = base.indexOf(from, i + 1)) add(base.slice(0, i) + to + base.slice(i + from.length), 10)
  }
  const keys = dict.flags.KEY ?? []
  const letters = [...new Set((dict.flags.TRY ?? []).join(''))]
  const chars = [...base]
  for (let i = 0; i <= chars.length; i++) {
    const before = chars.slice(0, i).join('')
    const at = chars[i]
    const after = chars.slice(i + 1).join('')
    if (at !== undefined) {
      for (const group of keys) {
        if (!group.includes(at)) continue
        for (const k of group) if (k !== at) add(before + k + after, 10)
      }
      add(before + after, 1)
      if (chars[i + 1] !== undefined) add(before + chars[i + 1] + at + chars.slice(i + 2).join(''), 1)
    }
    for (const c of letters) {
      add(before + c + (at ?? '') + after, 1)
      if (at !== undefined) add(before + c + after, 1)
    }
  }
  const found = [...weights].filter(([c]) => dict.correct(c))
  found.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  const recase = (s: string) => upper ? s.toUpperCase() : title ? s[0]!.toUpperCase() + s.slice(1) : s
  return [...new Set(found.map(([c]) => recase(c)))].slice(0, MAX_SUGGESTIONS)
}
