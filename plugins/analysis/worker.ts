// The analysis.run job: load the target through its plugin, run the selected provider with
// progress written to the row and pushed to live clients, write the result once. Attempts,
// retries and the final failure are app.jobs' (kernel/jobs.ts).
import type { FastifyInstance } from 'fastify'
import type { AnalysisInput } from '../ai/index.ts'
import { JobRefused } from '../../kernel/errors.ts'
import type { TrackedHandle } from '../../kernel/jobs.ts'
import { AnalysisErrors } from './errors.ts'
import type { AnalysisService } from './service.ts'

export const ANALYSIS_QUEUE = 'analysis.run'
export const EXPIRE_SECONDS = 120
export const CONCURRENCY = 4
export interface AnalysisJob { analysis_id: string }

const isNotFound = (err: unknown) => (err as { statusCode?: number }).statusCode === 404

export function defineAnalysisJob (app: FastifyInstance, service: AnalysisService): TrackedHandle<AnalysisJob> {
  return app.jobs.define({
    queue: ANALYSIS_QUEUE,
    options: { retryLimit: 3, retryDelay: 2, retryBackoff: true, expireInSeconds: EXPIRE_SECONDS },
    concurrency: CONCURRENCY,
    table: service.rows,
    rowId: (data: AnalysisJob) => data.analysis_id,
    messages: {
      retrying: (n, of) => `The analysis failed on the server (attempt ${n} of ${of})`,
      failed: (n, of) => `The analysis failed on the server (attempt ${n} of ${of})`
    },
    deadlineMessage: (seconds) => `the analysis took longer than ${seconds} s`,
    enqueueFailed: { error: () => new AnalysisErrors.ENQUEUE_FAILED(), message: 'The analysis could not be queued' },
    run: async ({ row, signal, deadline, log }) => {
      let input: AnalysisInput
      try {
        const target = row.target_type === 'resume'
          ? await app.resumes.get(row.user_id, row.target_id)
          : await app.portfolios.get(row.user_id, row.target_id)
        input = { type: row.target_type, content: target.content, title: target.title, jobDescription: row.job_description }
      } catch (err) {
        if (isNotFound(err)) throw new JobRefused(`The ${row.target_type} was deleted before it could be analysed`)
        throw err
      }
      const provider = app.ai.current()
      const output = await provider.analyze(input, {
        signal,
        deadline,
        onProgress: async (progress, step) => {
          signal.throwIfAborted()
          await service.progress(row.id, progress, step)
        }
      })
      // Registered steps (the exports plugin's ATS reading of the real PDF: metrics.pdf_ats).
      for (const step of service.reportSteps) await step(row, output)
      signal.throwIfAborted()
      const written = await service.complete(row.id, provider.name, output)
      log.info({ written: written !== null }, written ? 'analysis completed' : 'analysis was already completed')
    }
  })
}
