// The `openai` completer: Chat Completions through the official SDK. OPENAI_BASE_URL points it
// at any OpenAI-compatible server (Ollama, vLLM, LM Studio); OPENAI_RESPONSE_FORMAT picks the
// structured output that server supports: json_schema (strict), json_object, or none (the
// schema is in the prompt either way). The SDK never retries: plugins/ai-llm owns that policy.
import type OpenAI from 'openai'
import type { LlmCompleter, LlmRequest, LlmResponse } from '../../kernel/llm.ts'

export interface OpenAiSettings { apiKey: string | null, baseUrl: string | null, responseFormat: 'json_schema' | 'json_object' | 'none' }

export class OpenAiCompleter implements LlmCompleter {
  readonly name = 'openai'
  readonly defaultModel = 'gpt-4.1-mini'
  private client: Promise<OpenAI> | null = null

  private readonly settings: OpenAiSettings

  constructor (settings: OpenAiSettings) {
    this.settings = settings
  }

  /** The SDK loads on first use: a deployment on another provider never pays for it at start-up. */
  private sdk (): Promise<OpenAI> {
    // Local servers ignore the key, but the SDK insists on one.
    this.client ??= import('openai').then(({ default: OpenAI }) => new OpenAI({ apiKey: this.settings.apiKey ?? 'not-needed', baseURL: this.settings.baseUrl ?? undefined, maxRetries: 0 }))
    return this.client
  }

  async ready (): Promise<void> { await this.sdk() }

  async complete (req: LlmRequest): Promise<LlmResponse> {
    const { responseFormat, baseUrl } = this.settings
    const res = await (await this.sdk()).chat.completions.create({
      model: req.model,
      temperature: req.temperature,
      // OpenAI itself wants max_completion_tokens; compatible servers know max_tokens.
      ...(baseUrl ? { max_tokens: req.maxTokens } : { max_completion_tokens: req.maxTokens }),
      messages: [{ role: 'system', content: req.system }, { role: 'user', content: req.user }],
      ...(responseFormat === 'json_schema'
        ? { response_format: { type: 'json_schema', json_schema: { name: req.schema.name, schema: req.schema.schema, strict: true } } }
        : responseFormat === 'json_object' ? { response_format: { type: 'json_object' } } : {})
    }, { signal: req.signal, timeout: req.timeoutMs })
    const message = res.choices[0]?.message
    return {
      text: message?.content ?? (message?.refusal ? `refused: ${message.refusal}` : ''),
      model: res.model,
      usage: res.usage ? { input_tokens: res.usage.prompt_tokens, output_tokens: res.usage.completion_tokens } : undefined
    }
  }
}
