// The call policy every LLM provider shares. The SDKs run with maxRetries: 0 and this is the
// only retry logic: 429 backs off (Retry-After, else 1 s, 2 s, 4 s ...) while the job's budget
// allows; a connection error is retried once at once (typically a kept-alive socket the server
// had just closed); an answer that is not valid JSON for the schema is asked for once more with the
// validation errors; timeouts, 5xx, refused requests and a second invalid answer end in a
// fallback reason, which the provider turns into the heuristic result (analysis) or the caller
// handles (app.llm.structured). What makes an answer valid is the caller's `read`.
import { classifyLlmError, LlmFailure, type LlmCompleter, type LlmRequest, type LlmResponse } from '../../kernel/llm.ts'

/** Kept free at the end of the budget for the heuristic fallback and the result's write. */
export const RESERVE_MS = 3000
export const MAX_RATE_LIMIT_RETRIES = 6
/** Without a job deadline (direct calls), the budget is this. */
export const DEFAULT_BUDGET_MS = 100_000

export interface Attempt { ms: number, outcome: 'valid' | 'invalid' | 'rate_limited' | 'failed', detail?: string }

/** The answer's value, or the errors the model is shown when it is asked once more. */
export type ReadAnswer<T> = (text: string) => { value: T } | { errors: string[] }

export interface CallOptions<T> {
  completer: LlmCompleter
  request: Omit<LlmRequest, 'timeoutMs' | 'signal'>
  read: ReadAnswer<T>
  timeoutMs: number
  deadline: number
  signal: AbortSignal
  onRetry (what: string): Promise<void>
}

export type CallResult<T> =
  | { ok: true, value: T, response: LlmResponse, attempts: Attempt[] }
  /** invalid: the model answered, twice, with nothing `read` accepts (rather than the call failing). */
  | { ok: false, reason: string, invalid: boolean, attempts: Attempt[] }

const sleep = (ms: number, signal: AbortSignal) => new Promise<void>((resolve, reject) => {
  const timer = setTimeout(resolve, ms)
  signal.addEventListener('abort', () => { clearTimeout(timer); reject(signal.reason) }, { once: true })
})

function describe (f: LlmFailure, timeoutMs: number): string {
  switch (f.kind) {
    case 'timeout': return `the model did not answer within ${timeoutMs} ms (timeout)`
    case 'server': return `the LLM API failed with HTTP ${f.status} (${f.message})`
    case 'connection': return `could not reach the LLM API (${f.message})`
    case 'rejected': return `the LLM API refused the request${f.status ? ` with HTTP ${f.status}` : ''} (${f.message})`
    default: return f.message
  }
}

/** One answer, backing off on 429 inside the budget. Throws LlmFailure, or the job's abort reason. */
async function completeWithin (o: CallOptions<unknown>, user: string, attempts: Attempt[]): Promise<LlmResponse> {
  let reconnected = false
  for (let i = 0; ; i++) {
    const left = o.deadline - RESERVE_MS - Date.now()
    if (left <= 0) throw new LlmFailure('timeout', 'no time was left in the job\'s budget for the model')
    const timeoutMs = Math.min(o.timeoutMs, left)
    const started = performance.now()
    try {
      const response = await o.completer.complete({ ...o.request, user, timeoutMs, signal: o.signal })
      attempts.push({ ms: Math.round(performance.now() - started), outcome: 'valid' })
      return response
    } catch (err) {
      if (o.signal.aborted) throw o.signal.reason
      const f = classifyLlmError(err)
      attempts.push({ ms: Math.round(performance.now() - started), outcome: f.kind === 'rate_limited' ? 'rate_limited' : 'failed', detail: f.message.slice(0, 300) })
      if (f.kind === 'connection' && !reconnected) { reconnected = true; i--; continue }
      if (f.kind !== 'rate_limited') throw new LlmFailure(f.kind, describe(f, timeoutMs), null, f.status)
      const wait = f.retryAfterMs ?? Math.min(16_000, 1000 * 2 ** i)
      if (i + 1 > MAX_RATE_LIMIT_RETRIES || Date.now() + wait + 1000 > o.deadline - RESERVE_MS) {
        throw new LlmFailure('rate_limited', `rate limited (HTTP 429) ${i + 1} time${i ? 's' : ''}; waiting ${wait} ms more would pass the job's budget`)
      }
      await o.onRetry('llm:rate_limited')
      await sleep(wait, o.signal)
    }
  }
}

export async function askFor<T> (o: CallOptions<T>): Promise<CallResult<T>> {
  const attempts: Attempt[] = []
  let user = o.request.user
  let errors: string[] = []
  for (let round = 1; round <= 2; round++) {
    let response: LlmResponse
    try {
      response = await completeWithin(o, user, attempts)
    } catch (err) {
      if (err instanceof LlmFailure) return { ok: false, reason: err.message, invalid: false, attempts }
      throw err
    }
    const read = o.read(response.text)
    if ('value' in read) return { ok: true, value: read.value, response, attempts }
    errors = read.errors
    Object.assign(attempts.at(-1)!, { outcome: 'invalid', detail: errors.slice(0, 3).join('; ') })
    if (round === 1) {
      await o.onRetry('llm:retry')
      user = retryMessage(o.request.user, errors, response.text)
    }
  }
  return { ok: false, reason: `the model's answer failed validation twice (${errors.slice(0, 3).join('; ')})`, invalid: true, attempts }
}

/** The second ask: the same prompt, the errors, and the rejected answer (shortened) to fix. */
export function retryMessage (user: string, errors: string[], answer: string): string {
  const previous = answer.length > 2000 ? answer.slice(0, 2000) + '…' : answer
  return `${user}

<validation_errors>
${errors.map((e) => `- ${e}`).join('\n')}
</validation_errors>
Your previous answer, below, was rejected for the errors above. Answer again with only one JSON object that matches the schema: no prose, no code fences.
<previous_answer>
${previous.replace(/<\//g, '<\\/')}
</previous_answer>`
}
