// Runs inside the password check's worker thread (strength.ts): zxcvbn's estimate, whose
// dictionaries take ~30 MB of heap and whose estimate can take ~250 ms of CPU, neither of which
// belongs on the event loop that serves requests. The dictionaries load before the thread says
// it is ready.
import { ZxcvbnFactory } from '@zxcvbn-ts/core'
import * as common from '@zxcvbn-ts/language-common'
import * as en from '@zxcvbn-ts/language-en'
import { serve } from '../../kernel/thread.ts'

export interface StrengthRequest { text: string, inputs: string[], maxLength: number }
export interface StrengthResult { score: number, warning: string | null, suggestions: string[] }

let zxcvbn: ZxcvbnFactory | null = null
let factoryMax = 0

serve<StrengthRequest, StrengthResult>(async ({ text, inputs, maxLength }) => {
  if (!zxcvbn || factoryMax !== maxLength) {
    zxcvbn = new ZxcvbnFactory({
      translations: en.translations,
      graphs: common.adjacencyGraphs,
      dictionary: { ...common.dictionary, ...en.dictionary },
      maxLength,
      l33tMaxSubstitutions: 4
    })
    factoryMax = maxLength
  }
  const result = zxcvbn.check(text, inputs)
  return { score: result.score, warning: result.feedback.warning ?? null, suggestions: result.feedback.suggestions }
})
