// Requests in tests, to an app in this process (inject) or to a running server (fetch to its
// base URL), with the JSON body parsed.
import type { FastifyInstance } from 'fastify'
import { http } from '../process.ts'

/** An app in this process, or the base URL of a server process (test/process.ts). */
export type Target = FastifyInstance | string

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

export interface Answer { status: number, body: any, headers: Record<string, unknown> }

/** A JSON request as the token's owner (none: anonymous); body is the parsed answer, null when empty. */
export async function request (target: Target, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, { token, payload }: { token?: string | null, payload?: unknown } = {}): Promise<Answer> {
  if (typeof target === 'string') return { headers: {}, ...await http(target, method, url, payload, token ?? undefined) }
  const res = await target.inject({ method, url, payload: payload as object, headers: token ? bearer(token) : {} })
  return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : null, headers: res.headers }
}

/** POSTs payload as the token's owner and returns the data of the answer; throws unless it is `status` (201). */
export async function created (target: Target, token: string, url: string, payload: unknown, status = 201): Promise<Record<string, any>> {
  const res = await request(target, 'POST', url, { token, payload })
  if (res.status !== status) throw new Error(`POST ${url}: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.data
}

/** Queues an analysis (POST /ai/analyze, 202) and returns its job id. */
export async function queueAnalysis (target: Target, token: string, payload: { target_id: string, type: 'resume' | 'portfolio', job_description?: string }): Promise<string> {
  return (await created(target, token, '/ai/analyze', payload, 202)).job_id
}

/** A multipart/form-data body carrying one file. */
export function multipart (file: Buffer, { field = 'file', filename = 'resume.pdf', type = 'application/octet-stream' } = {}) {
  const boundary = '----cvgen' + Math.random().toString(16).slice(2)
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`
  return { payload: Buffer.concat([Buffer.from(head), file, Buffer.from(`\r\n--${boundary}--\r\n`)]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } }
}
