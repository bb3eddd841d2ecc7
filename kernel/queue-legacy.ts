// The one-time carry-over from pg-boss 10. Every cvgen release before this one ran pg-boss
// 10.4.2, whose schema (`pgboss`, schema version 24) pg-boss 12 refuses to migrate. pg-boss 12
// now lives in its own schema; at its first start the work still waiting in the old one —
// jobs created, waiting to retry or active (their worker stopped with the old version),
// their queues and the schedules — is copied into the new one, and the old schema is
// dropped in the same transaction. All or nothing: a failure leaves the old schema as it
// was and the next start tries again; after a success there is nothing left to carry, so a
// second run (another process starting at the same moment) does nothing.
//
// An active job is carried as waiting to retry, as pg-boss itself moves it once its expiry
// passes: the attempt the upgrade cut short counts as one. A job a queue's policy no
// longer admits (a second queued thumbnail for the same target) is dropped, as pg-boss
// itself would have refused it. Completed and failed jobs stay behind and go with the
// schema: they were history, kept by pg-boss only for its retention period. So do pg-boss
// 10's internal queues (`__pgboss__send-it`): pg-boss 12 fires schedules its own way.
import pg from 'pg'
import type { ConnectionOptions } from './db.ts'

export const LEGACY_SCHEMA = 'pgboss'
/** The schema version pg-boss 10.4.2 wrote; cvgen never shipped another. */
export const LEGACY_VERSION = 24
const CARRIED_STATES = ['created', 'retry', 'active']
const BATCH = 1000

export interface Query { query<T> (sql: string, params?: unknown[]): Promise<{ rows: T[] }> }
interface Log { info (msg: string): void, warn (msg: string): void }

export interface LegacyQueue { name: string, policy: string | null, retry_limit: number | null, retry_delay: number | null, retry_backoff: boolean | null, expire_seconds: number | null, retention_minutes: number | null, dead_letter: string | null }
export interface LegacyJob { id: string, name: string, priority: number, data: unknown, state: string, retry_limit: number, retry_count: number, retry_delay: number, retry_backoff: boolean, start_after: string, started_on: string | null, singleton_key: string | null, singleton_on: string | null, expire_seconds: number, created_on: string, keep_until: string, dead_letter: string | null }
export interface LegacySchedule { name: string, cron: string, timezone: string | null, data: unknown, options: unknown }
export interface Legacy { queues: LegacyQueue[], jobs: LegacyJob[], schedules: LegacySchedule[] }

// A query on the catalog, not to_regclass(): that reads the catalog cache, which may not yet
// know that the process holding the lock a moment ago dropped the schema.
async function hasLegacySchema (db: Query): Promise<boolean> {
  const { rows } = await db.query<{ found: boolean }>("select exists (select 1 from pg_catalog.pg_tables where schemaname = $1 and tablename = 'version') as found", [LEGACY_SCHEMA])
  return rows[0]?.found === true
}

/** What pg-boss 10 left in `pgboss`, or null when there is no such schema (or not ours). */
export async function readLegacy (db: Query, log: Log): Promise<Legacy | null> {
  if (!await hasLegacySchema(db)) return null
  const version = (await db.query<{ version: number }>(`select version from ${LEGACY_SCHEMA}.version`)).rows[0]?.version
  if (version !== LEGACY_VERSION) {
    // Not a schema cvgen made: another application's pg-boss may live there. Leave it alone.
    log.warn(`schema ${LEGACY_SCHEMA} holds pg-boss schema version ${version ?? 'none'}, not the ${LEGACY_VERSION} of cvgen's earlier pg-boss 10; left as it is`)
    return null
  }
  const queues = (await db.query<LegacyQueue>(`
    select name, policy, retry_limit, retry_delay, retry_backoff, expire_seconds, retention_minutes, dead_letter
    from ${LEGACY_SCHEMA}.queue where name not like '\\_\\_pgboss\\_\\_%' order by name`)).rows
  const jobs = (await db.query<LegacyJob>(`
    select id, name, priority, data, state::text as state, retry_limit, retry_count, retry_delay, retry_backoff,
      start_after, started_on, singleton_key, singleton_on, extract(epoch from expire_in)::int as expire_seconds,
      created_on, keep_until, dead_letter
    from ${LEGACY_SCHEMA}.job where state::text = any($1) and name not like '\\_\\_pgboss\\_\\_%' order by created_on, id`, [CARRIED_STATES])).rows
  const schedules = (await db.query<LegacySchedule>(`select name, cron, timezone, data, options from ${LEGACY_SCHEMA}.schedule order by name`)).rows
  return { queues, jobs, schedules }
}

/** Writes what readLegacy found into pg-boss 12's schema; returns a one-line summary. */
export async function writeLegacy (db: Query, schema: string, legacy: Legacy): Promise<string> {
  // A dead-letter queue must exist before a queue that names it.
  const made = new Set((await db.query<{ name: string }>(`select name from ${schema}.queue`)).rows.map((r) => r.name))
  const pending = new Map(legacy.queues.map((q) => [q.name, q]))
  while (pending.size > 0) {
    const q = [...pending.values()].find((p) => !p.dead_letter || !pending.has(p.dead_letter)) ?? pending.values().next().value!
    pending.delete(q.name)
    if (made.has(q.name)) continue
    await db.query(`select ${schema}.create_queue($1, $2::jsonb)`, [q.name, JSON.stringify({
      policy: q.policy ?? 'standard',
      retryLimit: q.retry_limit ?? undefined,
      retryDelay: q.retry_delay ?? undefined,
      retryBackoff: q.retry_backoff ?? undefined,
      expireInSeconds: q.expire_seconds ?? undefined,
      retentionSeconds: q.retention_minutes === null ? undefined : q.retention_minutes * 60,
      deadLetter: q.dead_letter && made.has(q.dead_letter) ? q.dead_letter : undefined,
      notify: true
    })])
    made.add(q.name)
  }

  let carried = 0
  for (let i = 0; i < legacy.jobs.length; i += BATCH) {
    const batch = legacy.jobs.slice(i, i + BATCH)
    const { rows } = await db.query<{ n: number }>(`
      with ins as (
        insert into ${schema}.job (id, name, priority, data, state, retry_limit, retry_count, retry_delay, retry_backoff,
          start_after, started_on, singleton_key, singleton_on, expire_seconds, deletion_seconds, created_on, keep_until, dead_letter, policy)
        select j.id, j.name, j.priority, j.data,
          (case when j.state = 'active' then 'retry' else j.state end)::${schema}.job_state,
          j.retry_limit, j.retry_count, j.retry_delay, j.retry_backoff,
          case when j.state = 'active' then now() else j.start_after end, j.started_on,
          j.singleton_key, j.singleton_on, j.expire_seconds, q.deletion_seconds, j.created_on,
          j.keep_until, coalesce(j.dead_letter, q.dead_letter), q.policy
        from jsonb_to_recordset($1::jsonb) as j (id uuid, name text, priority int, data jsonb, state text, retry_limit int,
          retry_count int, retry_delay int, retry_backoff bool, start_after timestamptz, started_on timestamptz, singleton_key text,
          singleton_on timestamp, expire_seconds int, created_on timestamptz, keep_until timestamptz, dead_letter text)
        join ${schema}.queue q on q.name = j.name
        on conflict do nothing
        returning 1
      ) select count(*)::int as n from ins`, [JSON.stringify(batch)])
    carried += rows[0]!.n
  }

  let schedules = 0
  for (const s of legacy.schedules) {
    const { rows } = await db.query(`
      insert into ${schema}.schedule (name, key, cron, timezone, data, options) values ($1, '', $2, coalesce($3, 'UTC'), $4::jsonb, $5::jsonb)
      on conflict do nothing returning 1`, [s.name, s.cron, s.timezone, JSON.stringify(s.data ?? null), JSON.stringify(s.options ?? {})])
    schedules += rows.length
  }
  const dropped = legacy.jobs.length - carried
  return `carried ${carried} waiting job(s) of ${legacy.queues.length} queue(s) and ${schedules} schedule(s) from pg-boss 10` +
    (dropped > 0 ? ` (${dropped} the queue's policy no longer admits were dropped)` : '')
}

/**
 * At start-up, once per database (`pool` answers the cheap first check): carry pg-boss 10's waiting work into `schema` and drop
 * the old schema, in one transaction under an advisory lock (API and worker start together).
 */
export async function carryOverLegacyJobs (connection: ConnectionOptions, schema: string, log: Log, pool: Query): Promise<void> {
  // Almost every start has nothing to carry: check on the pool pg-boss already holds, and
  // open a connection of our own (for the transaction) only when there is work.
  if (!await hasLegacySchema(pool)) return
  const client = new pg.Client(connection)
  await client.connect()
  try {
    await client.query('begin')
    try {
      await client.query("select pg_advisory_xact_lock(hashtext('cvgen.queue.carry-over'))")
      const legacy = await readLegacy(client, log)
      if (!legacy) { await client.query('rollback'); return }
      const summary = await writeLegacy(client, schema, legacy)
      await client.query(`drop schema ${LEGACY_SCHEMA} cascade`)
      await client.query('commit')
      log.info(`${summary}; dropped schema ${LEGACY_SCHEMA}`)
    } catch (err) {
      await client.query('rollback').catch(() => {})
      const reason = err instanceof Error ? err.message : String(err)
      throw new Error(`carrying the waiting jobs over from pg-boss 10 failed, schema ${LEGACY_SCHEMA} is left as it was and the next start tries again: ${reason}`)
    }
  } finally {
    await client.end().catch(() => {})
  }
}
