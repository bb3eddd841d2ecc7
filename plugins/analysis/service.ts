// Analyses: rows in analysis_results, the daily quota, and the writes a job makes as it
// runs (progress, the one completed write, failure). No Fastify here, so a worker or the
// CLI can use it too.
import type { AnalysisOutput, AnalysisType } from '../ai/index.ts'
import type { Database, SqlParams } from '../../kernel/db.ts'
import type { PlanOwner } from '../auth/index.ts'
import { JobTable, type JobStatus } from '../../kernel/jobs.ts'
import type { EventBus, ProgressEvent } from './bus.ts'
import { AnalysisErrors } from './errors.ts'
import type { AnalyzeInput, HistoryFilter } from './schemas.ts'

export type Status = JobStatus

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

/** A step run on every result before it is written; it may add metrics and improvements. */
export type ReportStep = (target: { user_id: string, target_type: AnalysisType, target_id: string }, output: AnalysisOutput) => Promise<void>

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
  /** The status rows the analysis.run job moves along. */
  readonly rows: JobTable<AnalysisRow>
  private readonly steps: ReportStep[] = []
  private readonly plans: PlanOwner

  constructor (
    db: Database,
    bus: EventBus,
    plans: PlanOwner
  ) {
    this.db = db
    this.bus = bus
    this.plans = plans
    this.rows = new JobTable<AnalysisRow>(db, {
      table: 'analysis_results',
      progress: true,
      startedAt: true,
      sequence: 'event_seq',
      onChange: (row) => bus.publish(toEvent(row))
    })
  }

  /**
   * Inserts a queued analysis unless the user's daily quota is spent. Locking the owner's
   * row (as resumes and portfolios do) makes count-then-insert atomic and gives the tier in
   * the same round trip, so parallel requests cannot pass the quota.
   */
  async create (userId: string, input: AnalyzeInput): Promise<AnalysisRow> {
    return this.db.fork().transactional(async (em) => {
      const tier = await this.plans.lockTier(em, userId)
      const limit = this.plans.limits(tier).analysesPerDay
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

  /**
   * Registration, at boot: a step every analysis runs after its provider (the exports plugin
   * adds the ATS reading of the printed PDF). Steps run in registration order.
   */
  addStep (step: ReportStep): void { this.steps.push(step) }

  get reportSteps (): readonly ReportStep[] { return this.steps }

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

  // --- writes made by the job (the state machine is the kernel's: kernel/job-rows.ts) -----

  /** Progress of the running attempt, pushed to live clients by the table's onChange. */
  progress (id: string, progress: number, step: string): Promise<AnalysisRow | null> {
    return this.rows.progress(id, progress, step)
  }

  /** The result, written once: a second completion (a zombie attempt) changes nothing and returns null. */
  complete (id: string, provider: string, out: AnalysisOutput): Promise<AnalysisRow | null> {
    return this.rows.complete(id, {
      overall_score: Math.round(out.overall_score),
      metrics: out.metrics,
      strengths: out.strengths,
      improvements: out.improvements,
      detailed_report: out.detailed_report,
      model_used: out.model_used,
      provider,
      prompt_id: out.prompt_id,
      prompt_version: out.prompt_version
    })
  }
}
