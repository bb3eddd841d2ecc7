// Analyses: rows in analysis_results, the daily quota, and the writes a job makes as it
// runs (progress, the one completed write, failure). No Fastify here, so a worker or the
// CLI can use it too.
import type { Tier, TierLimits } from '../../config/index.ts'
import type { AnalysisOutput, AnalysisType } from '../../kernel/ai.ts'
import type { Database, SqlParams } from '../../kernel/db.ts'
import { KernelErrors } from '../../kernel/errors.ts'
import type { EventBus, ProgressEvent } from './bus.ts'
import { AnalysisErrors } from './errors.ts'

export type Status = 'queued' | 'processing' | 'completed' | 'failed'

export interface AnalysisRow {
  id: string
  user_id: string
  target_id: string
  target_type: AnalysisType
  status: Status
  progress: number
  step: string | null
  overall_score: number | null
  metrics: Record<string, unknown> | null
  strengths: string[] | null
  improvements: string[] | null
  detailed_report: string | null
  model_used: string | null
  provider: string | null
  prompt_id: string | null
  prompt_version: string | null
  job_description: string | null
  error: string | null
  attempts: number
  event_seq: number
  created_at: Date
  started_at: Date | null
  completed_at: Date | null
}

export interface HistoryFilter { limit: number, offset: number, target_id?: string, type?: AnalysisType }

const SUMMARY = 'id, target_id, target_type, status, progress, step, overall_score, provider, model_used, prompt_id, prompt_version, error, created_at, started_at, completed_at'

/** Seconds until the next UTC midnight, when the daily quota resets. */
export function secondsToUtcMidnight (now = new Date()): number {
  const next = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1)
  return Math.max(1, Math.ceil((next - now.getTime()) / 1000))
}

export const toEvent = (row: Pick<AnalysisRow, 'id' | 'status' | 'progress' | 'step' | 'event_seq'>): ProgressEvent =>
  ({ job_id: row.id, status: row.status, progress: row.progress, step: row.step, seq: row.event_seq })

export class AnalysisService {
  private readonly db: Database
  readonly bus: EventBus
  private readonly tiers: Record<Tier, TierLimits>

  constructor (
    db: Database,
    bus: EventBus,
    tiers: Record<Tier, TierLimits>
  ) {
    this.db = db
    this.bus = bus
    this.tiers = tiers
  }

  /**
   * Inserts a queued analysis unless the user's daily quota is spent. Locking the owner's
   * row (as resumes and portfolios do) makes count-then-insert atomic and gives the tier in
   * the same round trip, so parallel requests cannot pass the quota.
   */
  async create (userId: string, input: { target_id: string, type: AnalysisType, job_description?: string | null }): Promise<AnalysisRow> {
    return this.db.fork().transactional(async (em) => {
      const [owner] = await em.execute<{ subscription_tier: Tier }[]>('select subscription_tier from users where id = ? for update', [userId])
      if (!owner) throw new KernelErrors.UNAUTHENTICATED() // the account was deleted under a still-valid token
      const tier = owner.subscription_tier
      const limit = this.tiers[tier].analysesPerDay
      if (limit !== null) {
        const [{ used }] = await em.execute<{ used: string }[]>(
          `select count(*) as used from analysis_results
            where user_id = ? and created_at >= (date_trunc('day', now() at time zone 'utc') at time zone 'utc')`, [userId]) as [{ used: string }]
        if (Number(used) >= limit) {
          const retry = secondsToUtcMidnight()
          throw new AnalysisErrors.DAILY_QUOTA(tier, limit)
            .withDetails({ limit, used: Number(used), tier })
            .withHeaders({ 'retry-after': String(retry) })
        }
      }
      const [row] = await em.execute<AnalysisRow[]>(
        `insert into analysis_results (user_id, target_id, target_type, job_description, step)
         values (?, ?, ?, ?, 'queued') returning *`,
        [userId, input.target_id, input.type, input.job_description ?? null])
      return row!
    })
  }

  /** The user's analysis; another user's (or a missing) id is ANALYSIS_NOT_FOUND. */
  async get (userId: string, id: string): Promise<AnalysisRow> {
    const [row] = await this.db.fork().execute<AnalysisRow[]>('select * from analysis_results where id = ? and user_id = ?', [id, userId])
    if (!row) throw new AnalysisErrors.NOT_FOUND()
    return row
  }

  async byId (id: string): Promise<AnalysisRow | null> {
    const [row] = await this.db.fork().execute<AnalysisRow[]>('select * from analysis_results where id = ?', [id])
    return row ?? null
  }

  async history (userId: string, f: HistoryFilter): Promise<{ items: Partial<AnalysisRow>[], total: number }> {
    const where = ['user_id = ?']
    const params: SqlParams = [userId]
    if (f.target_id) { where.push('target_id = ?'); params.push(f.target_id) }
    if (f.type) { where.push('target_type = ?'); params.push(f.type) }
    const em = this.db.fork()
    const items = await em.execute<Partial<AnalysisRow>[]>(
      `select ${SUMMARY} from analysis_results where ${where.join(' and ')}
        order by created_at desc, id desc limit ? offset ?`, [...params, f.limit, f.offset])
    const [{ total }] = await em.execute<{ total: string }[]>(
      `select count(*) as total from analysis_results where ${where.join(' and ')}`, params) as [{ total: string }]
    return { items, total: Number(total) }
  }

  // --- writes made by the job -------------------------------------------------------------

  private async update (sql: string, params: SqlParams): Promise<AnalysisRow | null> {
    const [row] = await this.db.fork().execute<AnalysisRow[]>(sql, params)
    if (!row) return null
    await this.bus.publish(toEvent(row)).catch(() => {}) // live clients only; the row is the truth
    return row
  }

  /** Starts an attempt; null when there is nothing left to do (completed, failed, deleted). */
  startAttempt (id: string): Promise<AnalysisRow | null> {
    return this.update(`update analysis_results
      set status = 'processing', attempts = attempts + 1, started_at = now(), progress = 0, step = 'starting', event_seq = event_seq + 1
      where id = ? and status in ('queued', 'processing') returning *`, [id])
  }

  progress (id: string, progress: number, step: string): Promise<AnalysisRow | null> {
    const p = Math.max(0, Math.min(99, Math.round(progress))) // 100 belongs to the completed write
    return this.update(`update analysis_results set progress = ?, step = ?, event_seq = event_seq + 1
      where id = ? and status = 'processing' returning *`, [p, step.slice(0, 200), id])
  }

  /** The result, written once: a second completion (a zombie attempt) changes nothing and returns null. */
  complete (id: string, provider: string, out: AnalysisOutput): Promise<AnalysisRow | null> {
    return this.update(`update analysis_results set status = 'completed', progress = 100, step = 'completed',
        overall_score = ?, metrics = ?::jsonb, strengths = ?::jsonb, improvements = ?::jsonb, detailed_report = ?,
        model_used = ?, provider = ?, prompt_id = ?, prompt_version = ?, error = null,
        completed_at = now(), event_seq = event_seq + 1
      where id = ? and status <> 'completed' returning *`, [
      Math.round(out.overall_score), JSON.stringify(out.metrics), JSON.stringify(out.strengths), JSON.stringify(out.improvements),
      out.detailed_report, out.model_used, provider, out.prompt_id, out.prompt_version, id])
  }

  /** A failed attempt that pg-boss will retry: back to queued, with the reason. */
  willRetry (id: string, error: string): Promise<AnalysisRow | null> {
    return this.update(`update analysis_results set status = 'queued', step = 'retrying', error = ?, event_seq = event_seq + 1
      where id = ? and status in ('queued', 'processing') returning *`, [error.slice(0, 2000), id])
  }

  /** The final failure. */
  fail (id: string, error: string): Promise<AnalysisRow | null> {
    return this.update(`update analysis_results set status = 'failed', step = 'failed', error = ?, completed_at = now(), event_seq = event_seq + 1
      where id = ? and status in ('queued', 'processing') returning *`, [error.slice(0, 2000), id])
  }
}
