// The parse.run job: read the stored upload, parse it in a watched child process (sandbox.ts),
// refine the draft with an LLM when one is selected (refine.ts), write it once, delete the upload. A file problem (ParseFailure) fails the job at
// once: the same bytes would fail the same way on a retry.
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
    try {
      const object = await app.storage.get(row.storage_key)
      if (!object) {
        await service.fail(id, 'PARSE_FILE_GONE', 'The uploaded file is no longer stored')
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
      await app.storage.delete(row.storage_key).catch((err: Error) => log.warn({ err }, 'could not delete the parsed upload'))
      log.info({ fields: Object.keys(result.confidence).length }, 'resume parsed')
    } catch (err) {
      if (err instanceof ParseFailure) {
        await service.fail(id, `PARSE_${err.code}`, err.message)
        await app.storage.delete(row.storage_key).catch(() => {})
        log.info({ code: err.code }, 'resume file refused')
        return
      }
      if (job.retryCount >= job.retryLimit) {
        await service.fail(id, 'PARSE_FAILED', publicReason(err, `The file could not be parsed: the server failed while working on it (${job.retryCount + 1} attempts)`))
        log.warn({ err }, 'parse failed for good')
      } else {
        await service.willRetry(id, publicReason(err, 'The server failed while working on the file; trying again'))
        log.warn({ err, retryCount: job.retryCount }, 'parse attempt failed; pg-boss retries it')
      }
      throw err
    }
  }
}
