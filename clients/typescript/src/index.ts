// The cvgen API client: openapi-fetch over the generated types (schema.ts), with the
// session's fetch (tokens sent, kept and refreshed) and helpers for what is not plain JSON.
import createClient, { type Client } from 'openapi-fetch'
import { analysisProgress, type ProgressOptions } from './events.ts'
import type { components, operations, paths } from './schema.ts'
import { Session, type SessionOptions } from './session.ts'

export type { components, operations, paths } from './schema.ts'
export type { AnalysisStatus, ProgressOptions } from './events.ts'
export { parseEvents } from './events.ts'
export { Session, type SessionOptions, type Tokens } from './session.ts'

export type ErrorEnvelope = components['schemas']['ErrorEnvelope']
export type ErrorDetail = components['schemas']['ErrorDetail']
export type LimitDetails = components['schemas']['LimitDetails']

export interface CvgenClient {
  /** Typed requests: `api.GET('/resumes', {params: {query: {limit: 10}}})` gives `{data, error, response}`. */
  api: Client<paths>
  session: Session
  /** Live states of an analysis, the current one first, until completed or failed. */
  analysisProgress (jobId: string, opts?: ProgressOptions): AsyncGenerator<components['schemas']['AnalysisStatus']>
  /** The bytes behind a signed URL the API handed out (an export's url): no token needed. */
  download (url: string): Promise<Response>
}

export function createCvgenClient (opts: SessionOptions): CvgenClient {
  const session = new Session(opts)
  const api = createClient<paths>({ baseUrl: opts.baseUrl.replace(/\/$/, ''), fetch: session.fetch })
  const send = opts.fetch ?? globalThis.fetch.bind(globalThis)
  return {
    api,
    session,
    analysisProgress: (jobId, progress) => analysisProgress(session.fetch, opts.baseUrl, jobId, progress),
    async download (url) {
      const response = await send(new URL(url, opts.baseUrl))
      if (!response.ok) throw new Error(`download: ${response.status}`)
      return response
    }
  }
}

/** The operation ids of the document, for code that names operations (logs, retries). */
export type OperationId = keyof operations
