// The parse.run job: read the stored upload, parse it in a watched child process (sandbox.ts),
// refine the draft with an LLM when one is selected (refine.ts), write it once. A file
// problem (ParseFailure) fails the job at once: the same bytes would fail the same way on a
// retry. The upload (a resume: name, email, phone) is deleted whenever the job ends, however
// it ends (app.jobs' `settled`); only a job that will be retried keeps it. Rows from before
// uploads moved under private/ still name parse/<user>/<job>.<ext>: the key is read from the
// row, so they work.
import type { FastifyInstance } from 'fastify'
import { JobRefused } from '../../kernel/errors.ts'
import type { TrackedHandle } from '../../kernel/jobs.ts'
import { ParseErrors } from './errors.ts'
import { ParseFailure } from './failure.ts'
import { refine } from './refine.ts'
import type { ParserPool } from './sandbox.ts'
import type { ParseService } from './service.ts'

export const PARSE_QUEUE = 'parse.run'
export const CONCURRENCY = 2
export interface ParseJob { parse_id: string }

export function defineParseJob (app: FastifyInstance, service: ParseService, pool: ParserPool | null): TrackedHandle<ParseJob> {
  return app.jobs.define({
    queue: PARSE_QUEUE,
    options: { retryLimit: 2, retryDelay: 2, retryBackoff: true, expireInSeconds: 15 * 60 },
    concurrency: CONCURRENCY,
    work: pool !== null,
    table: service.rows,
    rowId: (data: ParseJob) => data.parse_id,
    messages: {
      retrying: () => 'The server failed while working on the file; trying again',
      failed: (n) => `The file could not be parsed: the server failed while working on it (${n} attempts)`,
      failedCode: 'PARSE_FAILED'
    },
    enqueueFailed: { error: () => new ParseErrors.ENQUEUE_FAILED(), message: 'The job could not be queued', code: 'PARSE_ENQUEUE_FAILED' },
    settled: async (row, log) => {
      await app.storage.delete(row.storage_key).catch((err: Error) => log.warn({ err }, 'could not delete the uploaded file'))
    },
    run: async ({ row, log }) => {
      const id = row.id
      // A local object's type record can outlive its file: settled deletes what is left.
      const object = await app.storage.get(row.storage_key)
      if (!object) throw new JobRefused('The uploaded file is no longer stored', 'PARSE_FILE_GONE')
      await service.progress(id, 5, 'reading the file')
      let result
      try {
        result = await pool!.parse(row.file_kind, object.body, (progress, step) => {
          service.progress(id, progress, step).catch(() => {})
        })
      } catch (err) {
        if (err instanceof ParseFailure) throw new JobRefused(err.message, `PARSE_${err.code}`, { cause: err })
        throw err
      }
      const llm = app.llm.completer() // null for heuristic or an unregistered AI_PROVIDER: no refinement
      if (llm) {
        await service.progress(id, 85, `refining with ${llm.name}`)
        try {
          result = await refine(app.llm, result, result.text ?? '')
        } catch (err) {
          log.warn({ err }, 'LLM refinement failed; the rule-based draft stands')
          result = { ...result, warnings: [...result.warnings, `The ${llm.name} refinement failed; this is the rule-based draft`] }
        }
      }
      await service.complete(id, result)
      log.info({ fields: Object.keys(result.confidence).length }, 'resume parsed')
    }
  })
}
