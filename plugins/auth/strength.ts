// Password strength for new passwords (register, change), never for login: accounts made
// under an older policy must still get in. zxcvbn-ts ships its dictionaries in the package,
// so nothing is fetched at runtime. The estimate runs in a worker thread (strength-thread.ts)
// that stops after a minute without a new password: its dictionaries (~60 MB of RSS) are not
// kept by an API that is not registering anyone, and its CPU never blocks requests.
import { WarmThread } from '../../kernel/thread.ts'
import { PASSWORD_MAX, PASSWORD_MIN } from './passwords.ts'
import type { StrengthRequest, StrengthResult } from './strength-thread.ts'

/** zxcvbn's 3: about 10^8 guesses or more, "safely unguessable" against a throttled online attack. */
export const MIN_SCORE = 3

/**
 * The estimate runs on the event loop and its cost grows steeply with length: on our 2-core
 * CI machine, 256 characters took 1-5 s and Levenshtein matching about a second even for
 * short ones. So only the first ESTIMATED characters are judged (a passphrase is strong long
 * before that), with Levenshtein off and fewer l33t substitutions tried: at most ~250 ms.
 */
export const ESTIMATED = 100
/** A minute without a new password stops the thread. */
export const STRENGTH_IDLE_MS = 60_000
export const strengthThread = new WarmThread<StrengthRequest, StrengthResult>(new URL('./strength-thread.ts', import.meta.url), {
  name: 'the password check',
  timeoutMs: 10_000,
  maxHeapMb: 128,
  idleMs: STRENGTH_IDLE_MS
})

// Characters that show nothing (zero-width spaces and joiners, soft hyphens, BOMs,
// variation selectors, tag characters, controls) add no strength a person could remember
// or an attacker would need to guess, so they are removed before anything is counted.
const INVISIBLE = /[\p{Cf}\p{Cc}\p{Default_Ignorable_Code_Point}]/gu

/** What the estimator and the length rule see: visible characters, compatibility-folded (fullwidth digits are digits). */
export function visible (password: string): string {
  return password.normalize('NFKC').replace(INVISIBLE, '')
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

export interface Person { email: string, fullName: string }

/** Why a new password is refused, in English, or null when it is strong enough. */
export async function weakness (password: string, person: Person): Promise<string | null> {
  if ([...password].length > PASSWORD_MAX) return `The password may have at most ${PASSWORD_MAX} characters`
  const seen = visible(password)
  if ([...seen].length < PASSWORD_MIN) return `The password needs at least ${PASSWORD_MIN} visible characters`
  if (seen.trim().length === 0) return 'The password cannot be only spaces'
  const email = person.email.trim().toLowerCase()
  const local = email.split('@')[0] ?? ''
  const name = person.fullName.trim().toLowerCase()
  // What an attacker aiming at this account knows already counts for nothing: it is cut out
  // before the estimate, and given to zxcvbn as user inputs for what remains.
  const known = [email, local, name, name.replace(/\s+/g, '')].filter((s) => s.length >= 3).sort((a, b) => b.length - a.length)
  const rest = known.length > 0 ? seen.replace(new RegExp(known.map(escapeRegExp).join('|'), 'giu'), ' ') : seen
  const leans = rest !== seen
  if (rest.trim().length === 0) return `The password cannot be your ${seen.includes('@') ? 'email address' : 'name'}`
  const inputs = [...known, ...name.split(/[\s.,'-]+/), ...local.split(/[._+-]+/)].filter((s) => s.length >= 3)
  const { score, warning, suggestions } = await strengthThread.call({ text: rest, inputs, maxLength: ESTIMATED })
  if (score >= MIN_SCORE) return null
  const why = [warning ?? 'This password is easy to guess.', ...suggestions].join(' ')
  return leans ? `Without your email address or name the rest of the password is too easy to guess. ${why}` : why
}
