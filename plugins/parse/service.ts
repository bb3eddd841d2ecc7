// Parse jobs: rows in parse_jobs and the writes the job makes as it runs. No Fastify here,
// so the worker and the CLI can use it too.
import type { Database } from '../../kernel/db.ts'
import { JobTable, type JobStatus } from '../../kernel/jobs.ts'
import { ParseErrors } from './errors.ts'
import { printableDeep } from './lines.ts'
import { placement } from './placement.ts'
import type { FileKind } from './parser.ts'
import type { ParseResult } from './result.ts'

export type Status = JobStatus

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
  unplaced: string[] | null
  sections_missing: string[] | null
  error_code: string | null
  error: string | null
  attempts: number
  created_at: Date
  completed_at: Date | null
}

export class ParseService {
  private readonly db: Database
  /** The status rows the parse.run job moves along (the state machine is the kernel's). */
  readonly rows: JobTable<ParseJobRow>

  constructor (db: Database) {
    this.db = db
    this.rows = new JobTable<ParseJobRow>(db, { table: 'parse_jobs', progress: true, errorCode: true })
  }

  async create (userId: string, id: string, kind: FileKind, size: number, key: string): Promise<ParseJobRow> {
    const [row] = await this.db.fork().execute<ParseJobRow[]>(
      'insert into parse_jobs (id, user_id, file_kind, file_size, storage_key, step) values (?, ?, ?, ?, ?, \'queued\') returning *',
      [id, userId, kind, size, key])
    return row!
  }

  /** The user's job; another user's (or a missing) id is PARSE_NOT_FOUND. */
  async get (userId: string, id: string): Promise<ParseJobRow> {
    const [row] = await this.db.fork().execute<ParseJobRow[]>('select * from parse_jobs where id = ? and user_id = ?', [id, userId])
    if (!row) throw new ParseErrors.NOT_FOUND()
    return row
  }

  progress (id: string, progress: number, step: string): Promise<ParseJobRow | null> {
    return this.rows.progress(id, progress, step)
  }

  /** Written once: a second completion (a zombie attempt) changes nothing. */
  complete (id: string, result: ParseResult): Promise<ParseJobRow | null> {
    // Printable text only, whoever wrote the draft (the rules, or a model's refinement).
    const draft = printableDeep(result.draft)
    return this.rows.complete(id, { draft, confidence: result.confidence, warnings: printableDeep(result.warnings), ...placement(draft, printableDeep(result.text ?? '')) })
  }
}
