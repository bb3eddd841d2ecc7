// `npm run bench` (with the others), or `node bench/queue.ts [--rounds N]`:
// how long a job waits before a worker in ANOTHER process starts it, when that worker is idle
// (the usual case: an API process sends, a ROLE=worker process runs). Two worker processes on
// one scratch database, each running app.queue (kernel/queue.ts) as the product does:
//   notify  - the product: queues created with pg-boss 12's `notify`, its LISTEN/NOTIFY listener on
//   polling - the baseline: the same worker with LISTEN/NOTIFY off, polling every 2 s as configured
// Rounds alternate the two and wait a random 0.2-0.7 s first, so a send lands anywhere in a poll.
// Everything (PostgreSQL included) shares the machine's cores.
import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { Queue } from '../kernel/queue.ts'
import { createDatabase, formatTable, randomId } from './lib.ts'

const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres'
const ROOT = fileURLToPath(new URL('..', import.meta.url))
const POLL_SECONDS = 2
const now = () => performance.timeOrigin + performance.now()
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

type Mode = 'notify' | 'polling'
const queueOf = (mode: Mode) => `bench.${mode}`

if (process.argv[2] === 'worker') {
  // The worker process: prints when each job started, on the machine's one clock.
  const [, , , url, mode] = process.argv as [string, string, string, string, Mode]
  const queue = new Queue({ connectionString: url }, (err) => console.error(err.message), undefined, { useListenNotify: mode === 'notify' })
  queue.declare(queueOf(mode), { notify: mode === 'notify' })
  await queue.work<object>(queueOf(mode), { concurrency: 1, pollingIntervalSeconds: POLL_SECONDS }, async (job) => {
    process.stdout.write(`ran ${job.id} ${now()}\n`)
  })
  process.stdout.write('ready\n')
  process.on('SIGTERM', () => { void queue.stop().then(() => process.exit(0)) })
} else {
  const roundsArg = process.argv.indexOf('--rounds')
  const rounds = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 20
  const db = await createDatabase(ADMIN_URL, `cvgen_bench_queue_${randomId()}`)
  const sender = new Queue({ connectionString: db.url }, (err) => console.error(err.message))
  const children: ChildProcess[] = []
  try {
    // Queues first, with their notify flag, before any worker creates them its own way.
    sender.declare(queueOf('notify'), { notify: true })
    sender.declare(queueOf('polling'), { notify: false })
    await sender.createQueue(queueOf('notify'))
    await sender.createQueue(queueOf('polling'))
    const started = new Map<string, (at: number) => void>()
    for (const mode of ['notify', 'polling'] as Mode[]) {
      const child = spawn(process.execPath, [fileURLToPath(import.meta.url), 'worker', db.url, mode], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
      children.push(child)
      await new Promise<void>((resolve, reject) => {
        child.once('exit', (code) => reject(new Error(`${mode} worker exited with ${code}`)))
        createInterface({ input: child.stdout! }).on('line', (line) => {
          if (line === 'ready') resolve()
          const [word, id, at] = line.split(' ')
          if (word === 'ran') started.get(id!)?.(Number(at))
        })
      })
    }
    await sleep(1000)

    const waits: Record<Mode, number[]> = { notify: [], polling: [] }
    const ratios: number[] = []
    for (let round = 0; round < rounds; round++) {
      const order: Mode[] = round % 2 === 0 ? ['notify', 'polling'] : ['polling', 'notify']
      const got: Partial<Record<Mode, number>> = {}
      for (const mode of order) {
        await sleep(200 + Math.random() * 500)
        const sent = now()
        const id = (await sender.send(queueOf(mode), { round }))!
        const at = await new Promise<number>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`${mode} job ${id} did not start in 10 s`)), 10_000)
          started.set(id, (t) => { clearTimeout(timer); resolve(t) })
        })
        got[mode] = at - sent
        waits[mode].push(at - sent)
      }
      ratios.push(got.notify! / got.polling!)
    }
    const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]! }
    const p95 = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * 0.95))]! }
    console.log(`\nqueue: send -> start in another, idle worker process (${rounds} rounds, alternating)`)
    console.log(formatTable(['worker wake-up', 'p50 ms', 'p95 ms', 'max ms'], (['notify', 'polling'] as Mode[]).map((m) => [
      m === 'notify' ? 'pg-boss 12 LISTEN/NOTIFY (product)' : `polling every ${POLL_SECONDS} s (baseline)`,
      median(waits[m]).toFixed(1), p95(waits[m]).toFixed(1), Math.max(...waits[m]).toFixed(1)
    ])))
    console.log(`median of per-round ratios notify/polling: ${median(ratios).toFixed(3)}`)
  } finally {
    for (const child of children) child.kill('SIGTERM')
    await sender.stop()
    await sleep(500)
    await db.drop()
  }
}
