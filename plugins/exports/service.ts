// Export rows: created queued by the API, moved along by the job, written completed once.
// No Fastify here, so a worker or the CLI can use it too.
import type { Database } from '../../kernel/db.ts'
import { ExportsErrors } from './errors.ts'
import type { Coverage, Paper } from './print.ts'

export type ExportFormat = 'pdf' | 'png'
export type ExportStatus = 'queued' | 'processing' | 'completed' | 'failed'

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

  constructor (db: Database) {
    this.db = db
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

  /** Starts an attempt; null when there is nothing left to do (completed, failed, deleted). */
  async startAttempt (id: string): Promise<ExportRow | null> {
    const [row] = await this.db.fork().execute<ExportRow[]>(`update exports
      set status = 'processing', attempts = attempts + 1, started_at = now()
      where id = ? and status in ('queued', 'processing') returning *`, [id])
    return row ?? null
  }

  /** Written once: a second completion (a zombie attempt) changes nothing and returns false. */
  async complete (id: string, done: { storage_key: string, bytes: number, pages: number | null, font_coverage: Coverage }): Promise<boolean> {
    const rows = await this.db.fork().execute(`update exports set status = 'completed', storage_key = ?, bytes = ?, pages = ?,
        font_coverage = ?::jsonb, error = null, completed_at = now()
      where id = ? and status <> 'completed' returning id`, [done.storage_key, done.bytes, done.pages, JSON.stringify(done.font_coverage), id])
    return rows.length > 0
  }

  async willRetry (id: string, error: string): Promise<void> {
    await this.db.fork().execute(`update exports set status = 'queued', error = ? where id = ? and status in ('queued', 'processing')`, [error.slice(0, 2000), id])
  }

  async fail (id: string, error: string): Promise<void> {
    await this.db.fork().execute(`update exports set status = 'failed', error = ?, completed_at = now()
      where id = ? and status in ('queued', 'processing')`, [error.slice(0, 2000), id])
  }
}
