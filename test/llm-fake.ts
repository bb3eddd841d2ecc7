// A local LLM server speaking both vendors' wire formats, for tests and the eval's figures:
// OpenAI POST /v1/chat/completions and Anthropic POST /v1/messages. The real SDKs talk to it.
//
// Like OpenAI, it refuses a strict json_schema that breaks the strict-mode rules (openai-strict.ts)
// with HTTP 400 before any answer. By default it plays a plausible model: it reads the schema it
// was sent (score keys) and, when the prompt carries <rule_scores>, claims scores close to them;
// without them it claims 70s. Like a gullible model it obeys "score ... 100" in the document. Asked
// to refine a parsed resume (a schema with `basics`), it hands back the <draft> unchanged, in the
// strict form (every property, null where the draft has none). Tests queue scripted steps that
// override the next answers: an answer (an object, a function of the request, or raw text), an HTTP status, a hang, or a dropped connection.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { strictProblems, strictRefusal } from './openai-strict.ts'

export interface FakeRequest { path: string, headers: IncomingMessage['headers'], body: any, vendor: 'openai' | 'anthropic', user: string, system: string }
export type Step =
  | { answer: unknown | ((req: FakeRequest) => unknown) }
  | { text: string }
  | { status: number, headers?: Record<string, string>, body?: unknown }
  | { hang: true }
  | { drop: true }
  | { delayMs: number, then?: Step }

export interface FakeLlm {
  url: string
  requests: FakeRequest[]
  /** Queues steps for the next requests; when the queue is empty the default model answers. */
  script (...steps: Step[]): void
  /** Resolves after the fake received `n` requests in total. */
  received (n: number, timeoutMs?: number): Promise<void>
  reset (): void
  close (): Promise<void>
}

const clamp = (n: number) => Math.max(0, Math.min(100, Math.round(n)))

/** The schema the request asks for, wherever its vendor puts it. */
export function schemaOf (body: any): any {
  return body.response_format?.json_schema?.schema ?? body.output_config?.format?.schema ?? body.tools?.[0]?.input_schema ?? null
}

/** The <draft> a refinement request carries (plugins/parse/refine.ts), parsed. */
export function draftOf (req: FakeRequest): any {
  const m = /<draft>\n([\s\S]*?)\n<\/draft>/.exec(req.user)
  if (!m) throw new Error('the request carries no <draft>')
  return JSON.parse(m[1]!)
}

/** `value` as a model in strict mode sends it for `schema`: every property present, null where it has none. */
export function strictShape (schema: any, value: unknown): unknown {
  const s = schema?.anyOf?.find((b: any) => b.type !== 'null') ?? schema
  if (value === undefined || value === null) return null
  if (s?.type === 'object' || s?.type?.includes?.('object')) {
    const v = value as Record<string, unknown>
    return Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, p]) => [k, strictShape(p, v[k])]))
  }
  if ((s?.type === 'array' || s?.type?.includes?.('array')) && Array.isArray(value)) return value.map((item) => strictShape(s.items, item))
  return value
}

/** The default model's answer: valid for the schema, scores near the given rule scores. */
export function plausibleAnswer (req: FakeRequest, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const keys: string[] = Object.keys(schemaOf(req.body)?.properties?.scores?.properties ?? { ats_score: 1, impact_score: 1, brevity_score: 1, grammar_score: 1 })
  const m = /<rule_scores>(.*?)<\/rule_scores>/s.exec(req.user)
  const rules: Record<string, number> | null = m ? JSON.parse(m[1]!) : null
  const doc = /<document>([\s\S]*?)<\/document>/.exec(req.user)?.[1] ?? ''
  const obeys = /\b(score|rate)\b[^.\n"]{0,40}\b100\b/i.test(doc)
  const claim = (k: string, i: number) => obeys ? 100 : rules ? clamp(rules[k]! + ((i % 3) - 1) * 4) : 70
  const scores = Object.fromEntries(keys.map((k, i) => [k, claim(k, i)]))
  const first = /"highlights":\s*\[\s*"((?:[^"\\]|\\.)*)"/.exec(doc)
  const path = keys.includes('ats_score') ? 'work[0].highlights[0]' : 'projects[0]'
  return {
    overall_score: obeys ? 100 : rules ? clamp(rules.overall_score! + 3) : 72,
    scores,
    critique: obeys ? 'An outstanding resume.' : 'The resume is clear, but several bullets describe duties rather than results.',
    tone: { verdict: 'neutral', comment: 'Plain statements without hedging.' },
    star: [{ path, rating: 'partial', comment: 'The action is there; the result is not.' }],
    rewrites: first ? [{ path, original: JSON.parse(`"${first[1]}"`), rewrite: 'Cut page load time by [X%] by rebuilding the site', reason: 'Lead with the verb; end with the result.' }] : [],
    strengths: obeys ? ['Perfect in every way'] : ['Clear structure'],
    improvements: ['Quantify the results of each role'],
    ...overrides
  }
}

function wrap (vendor: FakeRequest['vendor'], model: string, answer: unknown): unknown {
  const text = typeof answer === 'string' ? answer : JSON.stringify(answer)
  // "What answered": a dated snapshot of the model asked for, as the real APIs report.
  const answered = `${model}-2026-01-01`
  if (vendor === 'openai') {
    return {
      id: 'chatcmpl-fake',
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: answered,
      choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, finish_reason: 'stop', logprobs: null }],
      usage: { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150 }
    }
  }
  return {
    id: 'msg_fake',
    type: 'message',
    role: 'assistant',
    model: answered,
    content: [{ type: 'text', text }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 100, output_tokens: 50 }
  }
}

export async function startFakeLlm (): Promise<FakeLlm> {
  const queue: Step[] = []
  const requests: FakeRequest[] = []
  const sockets = new Set<Socket>()

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers })
    res.end(JSON.stringify(body))
  }
  const play = async (step: Step | undefined, req: FakeRequest, res: ServerResponse): Promise<void> => {
    const schema = schemaOf(req.body)
    if (!step && schema?.properties?.basics) return send(res, 200, wrap(req.vendor, req.body.model, strictShape(schema, draftOf(req))))
    if (!step) return send(res, 200, wrap(req.vendor, req.body.model, plausibleAnswer(req)))
    if ('delayMs' in step) { await new Promise((resolve) => setTimeout(resolve, step.delayMs)); return play(step.then, req, res) }
    if ('hang' in step) return // never answers; the socket is destroyed on close
    if ('drop' in step) { res.socket?.destroy(); return } // the connection dies mid-request
    if ('status' in step) return send(res, step.status, step.body ?? { error: { type: 'fake_error', message: `fake status ${step.status}` } }, step.headers)
    const answer = 'text' in step ? step.text : typeof step.answer === 'function' ? step.answer(req) : step.answer
    return send(res, 200, wrap(req.vendor, req.body.model, answer))
  }

  const server = createServer((req, res) => {
    let raw = ''
    req.on('data', (d) => { raw += d })
    req.on('end', () => {
      const vendor = req.url === '/v1/chat/completions' ? 'openai' : req.url === '/v1/messages' ? 'anthropic' : null
      if (req.method !== 'POST' || !vendor) return send(res, 404, { error: { message: `no route ${req.method} ${req.url}` } })
      if (!req.headers.authorization && !req.headers['x-api-key']) return send(res, 401, { error: { message: 'no API key' } })
      const body = JSON.parse(raw)
      const messages: any[] = body.messages ?? []
      const text = (c: any) => typeof c === 'string' ? c : Array.isArray(c) ? c.map((b) => b.text ?? '').join('') : ''
      const fake: FakeRequest = {
        path: req.url!,
        headers: req.headers,
        body,
        vendor,
        user: messages.filter((m) => m.role === 'user').map((m) => text(m.content)).join('\n'),
        system: vendor === 'anthropic' ? text(body.system) : messages.filter((m) => m.role === 'system').map((m) => text(m.content)).join('\n')
      }
      requests.push(fake)
      // The vendor checks a strict schema before any model runs: no scripted step is used up.
      const format = vendor === 'openai' ? body.response_format : null
      const problems = format?.type === 'json_schema' && format.json_schema?.strict === true ? strictProblems(format.json_schema.schema) : []
      if (problems.length) return send(res, 400, strictRefusal(format.json_schema.name, problems[0]!))
      void play(queue.shift(), fake, res)
    })
  })
  // Longer than any pause between a test's requests, so the SDK never reuses a socket we closed.
  server.keepAliveTimeout = 120_000
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)) })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script: (...steps) => { queue.push(...steps) },
    received: async (n, timeoutMs = 10_000) => {
      const until = Date.now() + timeoutMs
      while (requests.length < n) {
        if (Date.now() > until) throw new Error(`fake LLM got ${requests.length} of ${n} requests`)
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    },
    reset: () => { queue.length = 0; requests.length = 0 },
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy()
      server.close(() => resolve())
    })
  }
}

/** `node test/llm-fake.ts`: run it by hand, e.g. for `npm run cli -- prompts eval`. */
if (import.meta.url === `file://${process.argv[1]}`) {
  const fake = await startFakeLlm()
  console.log(`fake LLM at ${fake.url} (OPENAI_BASE_URL=${fake.url}/v1, ANTHROPIC_BASE_URL=${fake.url})`)
}
