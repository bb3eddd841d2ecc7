// The parse.run job: read the stored upload, parse it in a watched child process (sandbox.ts),
// refine the draft with an LLM when one is selected (refine.ts), write it once. A file
// problem (ParseFailure) fails the job at once: the same bytes would fail the same way on a
// retry. The upload (a resume: name, email, phone) is deleted whenever the job ends, however
// it ends; only a job pg-boss will retry keeps it. Rows from before uploads moved under
// private/ still name parse/<user>/<job>.<ext>: the key is read from the row, so they work.
import type { FastifyInstance } from 'fastify'
import type { JobWithMetadata } from 'pg-boss'
import { publicReason } from '../../kernel/errors.ts'
import { ParseFailure } from './failure.ts'
import { completer, refine } from './refine.ts'
import { schema } from './result.ts'
import type { ParserPool } from './sandbox.ts'
import type { ParseService } from './service.ts'

export const PARSE_QUEUE = 'parse.run'
export const QUEUE_OPTIONS = { retryLimit: 2, retryDelay: 2, retryBackoff: true, expireInSeconds: 15 * 60 }
export const CONCURRENCY = 2
const REFINE_TIMEOUT_MS = 60_000
export interface ParseJob { parse_id: string }

export function parseHandler (app: FastifyInstance, service: ParseService, pool: ParserPool) {
  return async (job: JobWithMetadata<ParseJob>): Promise<void> => {
    const id = job.data?.parse_id
    if (typeof id !== 'string') return
    const row = await service.startAttempt(id)
    if (!row) return
    const log = app.log.child({ parse_id: id, attempt: row.attempts })
    const discard = () => app.storage.delete(row.storage_key).catch((err: Error) => log.warn({ err }, 'could not delete the uploaded file'))
    try {
      const object = await app.storage.get(row.storage_key)
      if (!object) {
        await service.fail(id, 'PARSE_FILE_GONE', 'The uploaded file is no longer stored')
        await discard() // a local object's type record can outlive its file
        return
      }
      await service.progress(id, 5, 'reading the file')
      let result = await pool.parse(row.file_kind, object.body, (progress, step) => {
        service.progress(id, progress, step).catch(() => {})
      })
      let llm: ReturnType<typeof completer> = null
      try { llm = completer(app.ai.current()) } catch { /* AI_PROVIDER names no registered provider: no refinement */ }
      if (llm) {
        await service.progress(id, 85, `refining with ${llm.name}`)
        try {
          result = await refine(llm, result, result.text ?? '', schema, AbortSignal.timeout(REFINE_TIMEOUT_MS))
        } catch (err) {
          log.warn({ err }, 'LLM refinement failed; the rule-based draft stands')
          result = { ...result, warnings: [...result.warnings, `The ${llm.name} refinement failed; this is the rule-based draft`] }
        }
      }
      await service.complete(id, result)
      await discard()
      log.info({ fields: Object.keys(result.confidence).length }, 'resume parsed')
    } catch (err) {
      if (err instanceof ParseFailure) {
        await service.fail(id, `PARSE_${err.code}`, err.message)
        await discard()
        log.info({ code: err.code }, 'resume file refused')
        return
      }
      if (job.retryCount >= job.retryLimit) {
        await service.fail(id, 'PARSE_FAILED', publicReason(err, `The file could not be parsed: the server failed while working on it (${job.retryCount + 1} attempts)`))
        await discard()
        log.warn({ err }, 'parse failed for good')
      } else {
        await service.willRetry(id, publicReason(err, 'The server failed while working on the file; trying again'))
        log.warn({ err, retryCount: job.retryCount }, 'parse attempt failed; pg-boss retries it')
      }
      throw err
    }
  }
}
