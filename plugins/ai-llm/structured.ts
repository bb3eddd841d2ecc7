// app.llm.structured(): one JSON answer from an LLM completer for a plugin's own schema (plugins/parse
// refines drafts with it), under the call policy analysis uses (call.ts): AI_MODEL, else the
// completer's default model; AI_TIMEOUT per attempt; 429 back-off inside the deadline; one more
// ask with the errors when the answer is not JSON or `read` refuses it. Failures come back as a
// result with the reason, not as a throw; only the caller's own abort throws.
import type { LlmCompleter } from '../../kernel/llm.ts'
import { askFor, DEFAULT_BUDGET_MS, type Attempt } from './call.ts'
import { parseAnswer } from './json.ts'
import type { LlmSettings } from './provider.ts'

export interface StructuredRequest<T> {
  system: string
  user: string
  /** Sent to the vendor as is: for the `openai` completer it must suit OpenAI's strict mode. */
  schema: { name: string, schema: Record<string, unknown> }
  /** Checks the parsed JSON: the value, or errors (shown to the model on the one retry). Default: any JSON object. */
  read?: (json: unknown) => { value: T } | { errors: string[] }
  signal: AbortSignal
  /** Epoch ms by which the answer must be in (attempts and back-off stay inside it); default 100 s from now. */
  deadline?: number
  temperature?: number
  maxTokens?: number
  onRetry?: (step: string) => Promise<void>
}

export type StructuredResult<T> =
  | { ok: true, value: T, provider: string, model: string, usage?: { input_tokens?: number, output_tokens?: number }, attempts: Attempt[] }
  /** invalid: the model answered twice with nothing `read` accepts; otherwise the call failed (timeout, 5xx, 4xx, ...). */
  | { ok: false, reason: string, invalid: boolean, provider: string, attempts: Attempt[] }

/** The default `read`, for T = Record<string, unknown> (the interface's default). */
const anyObject = <T>(json: unknown): { value: T } | { errors: string[] } => json !== null && typeof json === 'object' && !Array.isArray(json)
  ? { value: json as T }
  : { errors: ['the answer is not a JSON object'] }

export async function askStructured<T> (completer: LlmCompleter, settings: LlmSettings, req: StructuredRequest<T>): Promise<StructuredResult<T>> {
  const model = settings.model ?? completer.defaultModel
  const read = req.read ?? anyObject<T>
  const result = await askFor<T>({
    completer,
    request: { system: req.system, user: req.user, schema: req.schema, model, temperature: req.temperature ?? 0, maxTokens: req.maxTokens ?? 4096 },
    read: (text) => {
      const json = parseAnswer(text)
      return 'errors' in json ? json : read(json.value)
    },
    timeoutMs: settings.timeoutMs,
    deadline: req.deadline ?? Date.now() + DEFAULT_BUDGET_MS,
    signal: req.signal,
    onRetry: req.onRetry ?? (async () => {})
  })
  const provider = completer.name
  if (!result.ok) return { ok: false, reason: result.reason, invalid: result.invalid, provider, attempts: result.attempts }
  return { ok: true, value: result.value, provider, model: result.response.model || model, usage: result.response.usage, attempts: result.attempts }
}
