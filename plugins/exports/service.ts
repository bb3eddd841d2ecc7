// Export rows: created queued by the API, moved along by the job, written completed once.
// No Fastify here, so a worker or the CLI can use it too.
import type { Database } from '../../kernel/db.ts'
import { JobTable, type JobStatus } from '../../kernel/jobs.ts'
import { ExportsErrors } from './errors.ts'
import type { Coverage, Paper } from './print.ts'

export type ExportFormat = 'pdf' | 'png'
export type ExportStatus = JobStatus

export interface ExportRow {
  id: string
  user_id: string
  resume_id: string
  format: ExportFormat
  paper: Paper
  status: ExportStatus
  storage_key: string | null
  bytes: number | null
  pages: number | null
  font_coverage: Coverage | null
  error: string | null
  attempts: number
  created_at: Date
  started_at: Date | null
  completed_at: Date | null
}

export class ExportService {
  private readonly db: Database
  /** The status rows the exports.render job moves along (the state machine is the kernel's). */
  readonly rows: JobTable<ExportRow>

  constructor (db: Database) {
    this.db = db
    this.rows = new JobTable<ExportRow>(db, { table: 'exports', startedAt: true })
  }

  async create (userId: string, resumeId: string, format: ExportFormat, paper: Paper): Promise<ExportRow> {
    const [row] = await this.db.fork().execute<ExportRow[]>(
      'insert into exports (user_id, resume_id, format, paper) values (?, ?, ?, ?) returning *', [userId, resumeId, format, paper])
    return row!
  }

  /** The user's export; another user's (or a missing) id is EXPORTS_NOT_FOUND. */
  async get (userId: string, id: string): Promise<ExportRow> {
    const [row] = await this.db.fork().execute<ExportRow[]>('select * from exports where id = ? and user_id = ?', [id, userId])
    if (!row) throw new ExportsErrors.NOT_FOUND()
    return row
  }

  /** Written once: a second completion (a zombie attempt) changes nothing and returns false. */
  async complete (id: string, done: { storage_key: string, bytes: number, pages: number | null, font_coverage: Coverage }): Promise<boolean> {
    return (await this.rows.complete(id, done)) !== null
  }
}
