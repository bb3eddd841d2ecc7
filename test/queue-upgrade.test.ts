// An installation of an earlier version ran pg-boss 10.4.2 in schema `pgboss`, which pg-boss
// 12 cannot migrate. The waiting work is made here with the real pg-boss 10 (a dev dependency
// under the name pg-boss-10) the way those versions made it, then this version's queue
// starts on the same database, in two "processes" at once as API and worker do.
import pg from 'pg'
import PgBoss10 from 'pg-boss-10'
import t from 'tap'
import { Queue } from '../kernel/queue.ts'
import { QUEUE_SCHEMA } from '../kernel/queue.ts'
import { createDatabase, sleep, waitFor } from './helper.ts'

interface Made { carried: Map<string, string>, completed: string, scheduleData: object }

/** The old installation: each kind of waiting job, one finished one, and a schedule. */
async function oldInstallation (url: string): Promise<Made> {
  const boss = new PgBoss10({ connectionString: url, max: 2, supervise: false })
  boss.on('error', () => {})
  await boss.start()
  const carried = new Map<string, string>()
  await boss.createQueue('up.dead', { name: 'up.dead' })
  await boss.createQueue('up.plain', { name: 'up.plain', retryLimit: 3, retryDelay: 0, deadLetter: 'up.dead' })
  await boss.createQueue('up.stately', { name: 'up.stately', policy: 'stately' })
  await boss.createQueue('up.cron', { name: 'up.cron' })
  // Waiting to retry: taken once and failed (taken before anything else is queued).
  const retrying = (await boss.send('up.plain', { n: 'retrying' }))!
  const [r] = await boss.fetch('up.plain')
  if (r?.id !== retrying) throw new Error('could not take the job to fail')
  await boss.fail('up.plain', retrying, { message: 'first attempt failed' })
  carried.set(retrying, 'retry')
  // Active: its worker stopped with the old version.
  const active = (await boss.send('up.stately', { n: 'active' }, { singletonKey: 'a' }))!
  const [f] = await boss.fetch('up.stately')
  if (f?.id !== active) throw new Error('could not take the active job')
  carried.set(active, 'active')
  for (const n of [1, 2, 3]) carried.set((await boss.send('up.plain', { n }))!, 'created')
  carried.set((await boss.send('up.plain', { n: 'later' }, { startAfter: 2 }))!, 'created (deferred)')
  carried.set((await boss.send('up.stately', { n: 'keyed' }, { singletonKey: 'k' }))!, 'created (stately)')
  // Finished: history, not carried.
  const completed = (await boss.send('up.cron', { n: 'done' }))!
  await boss.fetch('up.cron')
  await boss.complete('up.cron', completed)

  const scheduleData = { sweep: true }
  await boss.schedule('up.cron', '* * * * * *', scheduleData, { tz: 'UTC', singletonKey: 'sweep' })
  await boss.stop({ graceful: false, wait: true })
  return { carried, completed, scheduleData }
}

async function jobStates (url: string): Promise<Map<string, { state: string, retry_count: number }>> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    const { rows } = await c.query(`select id, state::text as state, retry_count from ${QUEUE_SCHEMA}.job`)
    return new Map(rows.map((r) => [r.id, { state: r.state, retry_count: r.retry_count }]))
  } finally { await c.end() }
}

async function hasSchema (url: string, name: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    return (await c.query('select 1 from information_schema.schemata where schema_name = $1', [name])).rowCount === 1
  } finally { await c.end() }
}

function logs () {
  const lines: string[] = []
  return { lines, log: { info: (m: string) => lines.push(m), warn: (m: string) => lines.push(`warn: ${m}`) } }
}

// pg-boss checks schedules every 30 s by default; a second here, so the test sees one fire.
const FAST_CRON = { cronMonitorIntervalSeconds: 1, cronWorkerIntervalSeconds: 1 }

t.test('waiting jobs and schedules of pg-boss 10 are carried into pg-boss 12 once, and each runs exactly once', { timeout: 120_000 }, async (t) => {
  const url = await createDatabase(t)
  const made = await oldInstallation(url)
  const errors: Error[] = []
  const a = logs()
  const b = logs()
  const api = new Queue({ connectionString: url }, (err) => errors.push(err), a.log, FAST_CRON)
  const worker = new Queue({ connectionString: url }, (err) => errors.push(err), b.log, FAST_CRON)
  t.teardown(async () => { await api.stop(); await worker.stop() })
  await Promise.all([api.boss(), worker.boss()])

  const summaries = [...a.lines, ...b.lines].filter((l) => l.includes('carried'))
  t.equal(summaries.length, 1, 'one of the two starts carried the work over, the other found nothing left')
  t.match(summaries[0], /carried 7 waiting job\(s\) of 4 queue\(s\) and 1 schedule\(s\) from pg-boss 10; dropped schema pgboss/)
  t.notOk(await hasSchema(url, 'pgboss'), 'the old schema is gone')

  const states = await jobStates(url)
  for (const [id, kind] of made.carried) {
    const want = kind === 'retry' || kind === 'active' ? 'retry' : 'created'
    t.equal(states.get(id)?.state, want, `${kind} job is ${want} in the new schema`)
  }
  const retried = [...made.carried].find(([, k]) => k === 'retry')![0]
  t.notOk(states.has(made.completed), 'finished jobs stay behind')
  const queues = await (await api.boss()).getQueue('up.plain')
  t.match(queues, { retryLimit: 3, deadLetter: 'up.dead' }, 'queue options came along')
  const schedules = await (await api.boss()).getSchedules()
  t.match(schedules, [{ name: 'up.cron', cron: '* * * * * *', timezone: 'UTC', data: made.scheduleData }])

  // Both processes work every queue: each carried job runs once, in one of them.
  const runs = new Map<string, number>()
  const cronRuns: unknown[] = []
  for (const q of [api, worker]) {
    // Declared with no options: the queues exist, and the carried-over options stand.
    for (const name of ['up.plain', 'up.stately', 'up.cron']) q.declare(name, {})
    for (const name of ['up.plain', 'up.stately']) {
      await q.work<object>(name, { concurrency: 2, pollingIntervalSeconds: 1 }, async (job) => { runs.set(job.id, (runs.get(job.id) ?? 0) + 1) })
    }
    await q.work<object>('up.cron', { pollingIntervalSeconds: 1 }, async (job) => { cronRuns.push(job.data) })
  }
  // Not met in time: the assertions below say which job did not run.
  await waitFor('every carried job and the cron to run', () => [...made.carried.keys()].every((id) => runs.has(id)) && cronRuns.length > 0, { timeoutMs: 30_000, intervalMs: 100 }).catch(() => {})
  await sleep(1500) // room for a second, wrong run
  for (const [id, kind] of made.carried) t.equal(runs.get(id), 1, `${kind} job ran exactly once`)
  t.equal(runs.size, made.carried.size, 'and nothing else ran')
  t.ok(cronRuns.length >= 1, 'the carried schedule fires')
  t.same(cronRuns[0], made.scheduleData, 'with its data')
  const after = await jobStates(url)
  for (const id of made.carried.keys()) t.equal(after.get(id)?.state, 'completed')
  t.equal(after.get(retried)?.retry_count, 1, 'the attempt that failed under pg-boss 10 counted')
  const active = [...made.carried].find(([, k]) => k === 'active')![0]
  t.equal(after.get(active)?.retry_count, 1, 'so did the one the upgrade cut short')
  t.same(errors, [])

  // A later start has nothing to carry and says nothing.
  const c = logs()
  const later = new Queue({ connectionString: url }, (err) => errors.push(err), c.log)
  await later.boss()
  await later.stop()
  t.same(c.lines, [])
})

t.test('a carry-over that fails leaves the old schema untouched; the next start carries it', { timeout: 60_000 }, async (t) => {
  const url = await createDatabase(t)
  const made = await oldInstallation(url)
  // pg-boss 12's schema refuses job rows for now (as a full disk or a bad row would).
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  t.teardown(() => admin.end())
  const first = new Queue({ connectionString: url }, () => {})
  const setup = new Queue({ connectionString: url }, () => {})
  // Install the new schema without carrying: drop the old one's marker for a moment.
  await admin.query('alter table pgboss.version rename to version_hidden')
  await setup.boss()
  await setup.stop()
  await admin.query('alter table pgboss.version_hidden rename to version')
  await admin.query('create function public.refuse () returns trigger language plpgsql as $$ begin raise exception \'disk full (simulated)\'; end $$')
  await admin.query(`create trigger refuse before insert on ${QUEUE_SCHEMA}.job_common for each row execute function public.refuse()`)

  const err = await first.boss().then(() => null, (e: Error) => e)
  t.match(err?.message, /carrying the waiting jobs over from pg-boss 10 failed, schema pgboss is left as it was and the next start tries again: disk full \(simulated\)/)
  t.ok(await hasSchema(url, 'pgboss'), 'the old schema is still there')
  const left = await admin.query("select count(*)::int as n from pgboss.job where state in ('created', 'retry', 'active')")
  t.equal(left.rows[0].n, made.carried.size, 'with every waiting job')
  t.equal((await jobStates(url)).size, 0, 'and nothing half-written in the new one')

  await admin.query(`drop trigger refuse on ${QUEUE_SCHEMA}.job_common`)
  const { lines, log } = logs()
  const second = new Queue({ connectionString: url }, () => {}, log)
  t.teardown(() => second.stop())
  await second.boss()
  t.match(lines.join('\n'), /carried 7 waiting job\(s\)/)
  t.equal((await jobStates(url)).size, made.carried.size)
})

t.test('a pgboss schema of another version is not cvgen\'s: left alone, with a warning', async (t) => {
  const url = await createDatabase(t)
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  t.teardown(() => admin.end())
  await admin.query('create schema pgboss; create table pgboss.version (version int primary key); insert into pgboss.version values (30)')
  const { lines, log } = logs()
  const q = new Queue({ connectionString: url }, () => {}, log)
  t.teardown(() => q.stop())
  await q.boss()
  t.match(lines, [/warn: schema pgboss holds pg-boss schema version 30, not the 24 of cvgen's earlier pg-boss 10; left as it is/])
  t.ok(await hasSchema(url, 'pgboss'))
})
