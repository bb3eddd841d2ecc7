// The `anthropic` completer: the Messages API through the official SDK, with the API's own
// structured output (output_config.format: json_schema). The answer is the text blocks;
// tool_use input is accepted too, for compatible servers that answer that way. The Messages
// API of this SDK takes no temperature: the prompt's temperature applies to OpenAI only.
// The SDK never retries: plugins/ai-llm owns that policy.
import type Anthropic from '@anthropic-ai/sdk'
import type { LlmCompleter, LlmRequest, LlmResponse } from '../../kernel/llm.ts'

// Constraints Anthropic's structured output does not take; our own validation still enforces them.
const UNSUPPORTED = new Set(['minimum', 'maximum', 'minLength', 'maxLength', 'maxItems'])
export function wireSchema (schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(wireSchema)
  if (schema === null || typeof schema !== 'object') return schema
  return Object.fromEntries(Object.entries(schema).filter(([k]) => !UNSUPPORTED.has(k)).map(([k, v]) => [k, k === 'enum' ? v : wireSchema(v)]))
}

export class AnthropicCompleter implements LlmCompleter {
  readonly name = 'anthropic'
  readonly defaultModel = 'claude-haiku-4-5'
  private client: Promise<Anthropic> | null = null

  private readonly apiKey: string | null
  private readonly baseUrl: string | null

  constructor (apiKey: string | null, baseUrl: string | null) {
    this.apiKey = apiKey
    this.baseUrl = baseUrl
  }

  /** The SDK loads on first use: a deployment on another provider never pays for it at start-up. */
  private sdk (): Promise<Anthropic> {
    this.client ??= import('@anthropic-ai/sdk').then(({ default: Anthropic }) => new Anthropic({ apiKey: this.apiKey ?? 'missing-ANTHROPIC_API_KEY', baseURL: this.baseUrl ?? undefined, maxRetries: 0 }))
    return this.client
  }

  async ready (): Promise<void> { await this.sdk() }

  async complete (req: LlmRequest): Promise<LlmResponse> {
    const res = await (await this.sdk()).messages.create({
      model: req.model,
      max_tokens: req.maxTokens,
      system: req.system,
      messages: [{ role: 'user', content: req.user }],
      output_config: { format: { type: 'json_schema', schema: wireSchema(req.schema.schema) as Record<string, unknown> } }
    }, { signal: req.signal, timeout: req.timeoutMs })
    const tool = res.content.find((b) => b.type === 'tool_use')
    const text = tool && tool.type === 'tool_use'
      ? JSON.stringify(tool.input)
      : res.content.map((b) => b.type === 'text' ? b.text : '').join('')
    return { text, model: res.model, usage: { input_tokens: res.usage?.input_tokens, output_tokens: res.usage?.output_tokens } }
  }
}
