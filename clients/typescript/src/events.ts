// Live progress of an analysis: GET /ai/analyze/{job_id}/events read as Server-Sent Events
// with fetch (EventSource cannot send the Authorization header, and the session's fetch
// refreshes the token). Yields each state, the current one first, until completed or failed;
// a dropped stream is resumed from the last event id.
import type { components } from './schema.ts'

export type AnalysisStatus = components['schemas']['AnalysisStatus']

export interface ProgressOptions {
  signal?: AbortSignal
  /** Reconnections after a dropped stream before giving up (default 3). */
  retries?: number
}

const DONE = new Set(['completed', 'failed'])

export async function * analysisProgress (fetch: (request: Request) => Promise<Response>, baseUrl: string, jobId: string, opts: ProgressOptions = {}): AsyncGenerator<AnalysisStatus> {
  const url = new URL(`ai/analyze/${encodeURIComponent(jobId)}/events`, baseUrl.endsWith('/') ? baseUrl : baseUrl + '/')
  let lastId: string | null = null
  for (let attempt = 0; attempt <= (opts.retries ?? 3); attempt++) {
    const headers: Record<string, string> = { accept: 'text/event-stream' }
    if (lastId !== null) headers['last-event-id'] = lastId
    const response = await fetch(new Request(url, { headers, signal: opts.signal }))
    if (!response.ok || !response.body) {
      throw new Error(`analysis events: ${response.status} ${await response.text()}`)
    }
    for await (const event of parseEvents(response.body)) {
      if (event.id !== null) lastId = event.id
      const status = JSON.parse(event.data) as AnalysisStatus
      yield status
      if (DONE.has(status.status)) return
    }
  }
  throw new Error('analysis events: the stream kept ending before the analysis did')
}

interface ServerEvent { id: string | null, data: string }

/** text/event-stream to events: `id:` and `data:` fields; comments (heartbeats) skipped. */
export async function * parseEvents (body: ReadableStream<Uint8Array>): AsyncGenerator<ServerEvent> {
  const decoder = new TextDecoder()
  let buffer = ''
  let id: string | null = null
  let data: string[] = []
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true })
    let end: number
    while ((end = buffer.search(/\r?\n/)) >= 0) {
      const line = buffer.slice(0, end)
      buffer = buffer.slice(end + (buffer[end] === '\r' ? 2 : 1))
      if (line === '') {
        if (data.length > 0) yield { id, data: data.join('\n') }
        data = []
        continue
      }
      if (line.startsWith(':')) continue
      const colon = line.indexOf(':')
      const field = colon < 0 ? line : line.slice(0, colon)
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '')
      if (field === 'data') data.push(value)
      else if (field === 'id') id = value
    }
  }
}
