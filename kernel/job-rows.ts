// The status row of a durable job (analysis_results, exports, parse_jobs): one state machine,
// written here once. queued -> processing -> completed | failed; a failed attempt that will be
// retried goes back to queued with its reason. Every write is guarded by the status it moves
// from, so a zombie attempt (one pg-boss already gave up on) can neither complete a job twice
// nor revive a failed one.
import type { Database, SqlParams } from './db.ts'

export type JobStatus = 'queued' | 'processing' | 'completed' | 'failed'

/** The columns every status table has. */
export interface JobRow {
  id: string
  user_id: string
  status: JobStatus
  error: string | null
  attempts: number
}

export interface JobTableOptions<Row extends JobRow> {
  table: string
  /** `progress` (0-100) and `step` columns: the row says how far the job is. */
  progress?: boolean
  /** A `started_at` column, set by every attempt. */
  startedAt?: boolean
  /** An `error_code` column beside `error`. */
  errorCode?: boolean
  /** A counter column bumped by every write (the SSE event id). */
  sequence?: string
  /** Called with the row after every write that changed it (live progress); its failure is ignored. */
  onChange?: (row: Row) => Promise<void>
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/
const ident = (name: string): string => {
  if (!IDENTIFIER.test(name)) throw new Error(`not a column name: ${name}`)
  return name
}
/** Objects and arrays go to jsonb columns; the rest as they are. */
const isJson = (v: unknown) => v !== null && typeof v === 'object' && !(v instanceof Date) && !Buffer.isBuffer(v)
const MAX_ERROR = 2000
const MAX_STEP = 200

export class JobTable<Row extends JobRow> {
  private readonly db: Database
  private readonly o: JobTableOptions<Row>
  private readonly table: string

  constructor (db: Database, options: JobTableOptions<Row>) {
    this.db = db
    this.o = options
    this.table = ident(options.table)
    if (options.sequence) ident(options.sequence)
  }

  /** `, event_seq = event_seq + 1` when the table counts its writes. */
  private get bump () { return this.o.sequence ? `, ${this.o.sequence} = ${this.o.sequence} + 1` : '' }

  private async update (set: string, where: string, params: SqlParams): Promise<Row | null> {
    const [row] = await this.db.fork().execute<Row[]>(`update ${this.table} set ${set}${this.bump} where id = ? and ${where} returning *`, params)
    if (!row) return null
    if (this.o.onChange) await this.o.onChange(row).catch(() => {}) // live clients only; the row is the truth
    return row
  }

  async byId (id: string): Promise<Row | null> {
    const [row] = await this.db.fork().execute<Row[]>(`select * from ${this.table} where id = ?`, [id])
    return row ?? null
  }

  /** Starts an attempt; null when there is nothing left to do (completed, failed, deleted). */
  startAttempt (id: string): Promise<Row | null> {
    const set = ['status = \'processing\'', 'attempts = attempts + 1']
    if (this.o.startedAt) set.push('started_at = now()')
    if (this.o.progress) set.push('progress = 0', 'step = \'starting\'')
    return this.update(set.join(', '), 'status in (\'queued\', \'processing\')', [id])
  }

  /** Progress of the running attempt, clamped to 0-99: 100 belongs to the completed write. */
  progress (id: string, progress: number, step: string): Promise<Row | null> {
    if (!this.o.progress) return Promise.resolve(null)
    const p = Math.max(0, Math.min(99, Math.round(progress)))
    return this.update('progress = ?, step = ?', 'status = \'processing\'', [p, step.slice(0, MAX_STEP), id])
  }

  /**
   * The result, written once: a second completion (a zombie attempt) changes nothing and
   * returns null. `values` are the table's own result columns; objects go in as jsonb.
   */
  complete (id: string, values: Record<string, unknown>): Promise<Row | null> {
    const set = ['status = \'completed\'', 'error = null', 'completed_at = now()']
    if (this.o.progress) set.push('progress = 100', 'step = \'completed\'')
    if (this.o.errorCode) set.push('error_code = null')
    const params: SqlParams = []
    for (const [column, value] of Object.entries(values)) {
      if (value === undefined) continue
      set.push(isJson(value) ? `${ident(column)} = ?::jsonb` : `${ident(column)} = ?`)
      params.push(isJson(value) ? JSON.stringify(value) : value as SqlParams[number])
    }
    return this.update(set.join(', '), 'status <> \'completed\'', [...params, id])
  }

  /** A failed attempt that pg-boss will retry: back to queued, with the reason. */
  willRetry (id: string, error: string): Promise<Row | null> {
    const set = ['status = \'queued\'', 'error = ?']
    if (this.o.progress) set.push('step = \'retrying\'')
    return this.update(set.join(', '), 'status in (\'queued\', \'processing\')', [error.slice(0, MAX_ERROR), id])
  }

  /** The final failure. */
  fail (id: string, error: string, code: string | null = null): Promise<Row | null> {
    const set = ['status = \'failed\'', 'error = ?', 'completed_at = now()']
    const params: SqlParams = [error.slice(0, MAX_ERROR)]
    if (this.o.progress) set.push('step = \'failed\'')
    if (this.o.errorCode) { set.push('error_code = ?'); params.push(code) }
    return this.update(set.join(', '), 'status in (\'queued\', \'processing\')', [...params, id])
  }
}
