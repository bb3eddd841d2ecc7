// Waiting in tests without fixed sleeps: poll a condition until it holds (bounded), or a job's
// status route until the job reports the status asked for.
import { request, type Target } from './requests.ts'

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

export interface WaitOptions { timeoutMs?: number, intervalMs?: number }

/**
 * Calls fn every intervalMs until it gives something other than null, undefined or false, and
 * returns that. Throws after timeoutMs, saying what it waited for (a function: evaluated then,
 * so the message can carry the last value seen).
 */
export async function waitFor<T> (what: string | (() => string), fn: () => T | null | undefined | false | Promise<T | null | undefined | false>, { timeoutMs = 30_000, intervalMs = 50 }: WaitOptions = {}): Promise<T> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const value = await fn()
    if (value !== null && value !== undefined && value !== false) return value
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'function' ? what() : what}`)
    await sleep(intervalMs)
  }
}

export const FINISHED = ['completed', 'failed']

export interface StatusOptions extends WaitOptions {
  /** The statuses to wait for: by default a finished job's. */
  until?: string[]
  /** Called with the data of each answer that is not yet one of `until` (e.g. to skip a queue's back-off). */
  pending?: (data: Record<string, any>) => unknown
}

/**
 * GETs a job's status route (/resumes/parse/:id, /ai/analyze/:id/status, /ai/reports/:id,
 * /exports/:id) as the job's owner until its data.status is one of `until`; returns that data.
 * An answer other than 200 is an error at once: waiting will not change it.
 */
export async function waitForStatus (target: Target, url: string, token: string, { until = FINISHED, pending, timeoutMs = 60_000, intervalMs = 50 }: StatusOptions = {}): Promise<Record<string, any>> {
  let last = ''
  return waitFor(() => `${url} to report ${until.join(' or ')}; last: ${last}`, async () => {
    const res = await request(target, 'GET', url, { token })
    last = JSON.stringify(res.body)?.slice(0, 1000) ?? ''
    if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${last}`)
    if (until.includes(res.body?.data?.status)) return res.body.data
    await pending?.(res.body?.data)
    return null
  }, { timeoutMs, intervalMs })
}
