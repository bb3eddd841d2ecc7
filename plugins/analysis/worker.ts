// The analysis.run job: load the target through its plugin, run the selected provider with
// progress written to the row and pushed to live clients, write the result once.
import type { FastifyInstance } from 'fastify'
import type { JobWithMetadata } from 'pg-boss'
import type { AnalysisInput } from '../../kernel/ai.ts'
import { publicReason } from '../../kernel/errors.ts'
import { ThreadFailure } from '../../kernel/thread.ts'
import type { AnalysisService } from './service.ts'

export const ANALYSIS_QUEUE = 'analysis.run'
export const EXPIRE_SECONDS = 120
export const QUEUE_OPTIONS = { retryLimit: 3, retryDelay: 2, retryBackoff: true, expireInSeconds: EXPIRE_SECONDS }
export const CONCURRENCY = 4
export interface AnalysisJob { analysis_id: string }

/** The target is gone (deleted, or its owner's): retrying cannot help. */
class TargetGone extends Error {}

const isNotFound = (err: unknown) => (err as { statusCode?: number }).statusCode === 404

export function analysisHandler (app: FastifyInstance, service: AnalysisService) {
  return async (job: JobWithMetadata<AnalysisJob>): Promise<void> => {
    const id = job.data?.analysis_id
    if (typeof id !== 'string') return
    const row = await service.startAttempt(id)
    if (!row) return // completed by an earlier attempt, failed, or deleted with its user
    const log = app.log.child({ analysis_id: id, attempt: row.attempts })

    // Abort a little before pg-boss gives up on the attempt, so no zombie keeps writing.
    const controller = new AbortController()
    const deadline = Date.now() + (EXPIRE_SECONDS - 10) * 1000
    const timer = setTimeout(() => controller.abort(new Error(`the analysis took longer than ${EXPIRE_SECONDS - 10} s`)), (EXPIRE_SECONDS - 10) * 1000)
    try {
      let input: AnalysisInput
      try {
        const target = row.target_type === 'resume'
          ? await app.resumes.get(row.user_id, row.target_id)
          : await app.portfolios.get(row.user_id, row.target_id)
        input = { type: row.target_type, content: target.content, title: target.title, jobDescription: row.job_description }
      } catch (err) {
        if (isNotFound(err)) throw new TargetGone(`The ${row.target_type} was deleted before it could be analysed`)
        throw err
      }
      const provider = app.ai.current()
      const output = await provider.analyze(input, {
        signal: controller.signal,
        deadline,
        onProgress: async (progress, step) => {
          controller.signal.throwIfAborted()
          await service.progress(id, progress, step)
        }
      })
      // The ATS reading of the real PDF, when the exports plugin is loaded (metrics.pdf_ats, improvements).
      if (row.target_type === 'resume' && app.hasDecorator('exports')) await app.exports.addPdfAtsCheck(row.user_id, row.target_id, output)
      controller.signal.throwIfAborted()
      const written = await service.complete(id, provider.name, output)
      log.info({ written: written !== null }, written ? 'analysis completed' : 'analysis was already completed')
    } catch (err) {
      // Ours to say (a deleted target, the thread's or the deadline's limit); anything else, a
      // database or provider error, may carry SQL or internals and stays in the log.
      const reason = err instanceof TargetGone || err instanceof ThreadFailure || (err !== undefined && err === controller.signal.reason)
        ? (err as Error).message
        : publicReason(err, `The analysis failed on the server (attempt ${job.retryCount + 1} of ${job.retryLimit + 1})`)
      if (err instanceof TargetGone) {
        await service.fail(id, reason)
        log.info({ reason }, 'analysis failed: target gone')
        return // no retry
      }
      if (job.retryCount >= job.retryLimit) {
        await service.fail(id, reason)
        log.warn({ err }, 'analysis failed for good')
      } else {
        await service.willRetry(id, reason)
        log.warn({ err, retryCount: job.retryCount }, 'analysis attempt failed; pg-boss retries it')
      }
      throw err
    } finally {
      clearTimeout(timer)
    }
  }
}
