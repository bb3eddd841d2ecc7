// Parse jobs: rows in parse_jobs and the writes the job makes as it runs. No Fastify here,
// so the worker and the CLI can use it too.
import type { Database, SqlParams } from '../../kernel/db.ts'
import { ParseErrors } from './errors.ts'
import type { FileKind } from './parser.ts'
import type { ParseResult } from './result.ts'

export type Status = 'queued' | 'processing' | 'completed' | 'failed'

export interface ParseJobRow {
  id: string
  user_id: string
  status: Status
  progress: number
  step: string | null
  file_kind: FileKind
  file_size: number
  storage_key: string
  draft: Record<string, unknown> | null
  confidence: Record<string, number> | null
  warnings: string[] | null
  error_code: string | null
  error: string | null
  attempts: number
  created_at: Date
  completed_at: Date | null
}

export class ParseService {
  private readonly db: Database

  constructor (db: Database) {
    this.db = db
  }

  async create (userId: string, id: string, kind: FileKind, size: number, key: string): Promise<ParseJobRow> {
    const [row] = await this.db.fork().execute<ParseJobRow[]>(
      `insert into parse_jobs (id, user_id, file_kind, file_size, storage_key, step) values (?, ?, ?, ?, ?, 'queued') returning *`,
      [id, userId, kind, size, key])
    return row!
  }

  /** The user's job; another user's (or a missing) id is PARSE_NOT_FOUND. */
  async get (userId: string, id: string): Promise<ParseJobRow> {
    const [row] = await this.db.fork().execute<ParseJobRow[]>('select * from parse_jobs where id = ? and user_id = ?', [id, userId])
    if (!row) throw new ParseErrors.NOT_FOUND()
    return row
  }

  private async update (sql: string, params: SqlParams): Promise<ParseJobRow | null> {
    const [row] = await this.db.fork().execute<ParseJobRow[]>(sql, params)
    return row ?? null
  }

  /** Starts an attempt; null when there is nothing left to do (completed, failed, deleted). */
  startAttempt (id: string): Promise<ParseJobRow | null> {
    return this.update(`update parse_jobs set status = 'processing', attempts = attempts + 1, progress = 0, step = 'starting'
      where id = ? and status in ('queued', 'processing') returning *`, [id])
  }

  progress (id: string, progress: number, step: string): Promise<ParseJobRow | null> {
    const p = Math.max(0, Math.min(99, Math.round(progress)))
    return this.update(`update parse_jobs set progress = ?, step = ? where id = ? and status = 'processing' returning *`, [p, step.slice(0, 200), id])
  }

  /** Written once: a second completion (a zombie attempt) changes nothing. */
  complete (id: string, result: ParseResult): Promise<ParseJobRow | null> {
    return this.update(`update parse_jobs set status = 'completed', progress = 100, step = 'completed', draft = ?::jsonb,
        confidence = ?::jsonb, warnings = ?::jsonb, error = null, error_code = null, completed_at = now()
      where id = ? and status <> 'completed' returning *`,
    [JSON.stringify(result.draft), JSON.stringify(result.confidence), JSON.stringify(result.warnings), id])
  }

  willRetry (id: string, error: string): Promise<ParseJobRow | null> {
    return this.update(`update parse_jobs set status = 'queued', step = 'retrying', error = ?
      where id = ? and status in ('queued', 'processing') returning *`, [error.slice(0, 2000), id])
  }

  fail (id: string, code: string, error: string): Promise<ParseJobRow | null> {
    return this.update(`update parse_jobs set status = 'failed', step = 'failed', error_code = ?, error = ?, completed_at = now()
      where id = ? and status in ('queued', 'processing') returning *`, [code, error.slice(0, 2000), id])
  }
}
