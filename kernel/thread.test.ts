// WarmThread on a real worker thread: answers and events, then each way a call can end badly
// (time limit, heap cap, the thread exiting, an error thrown), each failing that call only, the
// next call getting a fresh thread, and the process carrying on.
import t from 'tap'
import { ThreadFailure, WarmThread } from './thread.ts'

const WORKER = new URL('../test/fixtures/threads/worker.ts', import.meta.url)
type Req = { op: string, value?: number }

t.test('a call that runs over its time, its heap or its thread fails alone', async (t) => {
  // 64 MB: far above the tiny module's own start, so the cap is met while working (nodejs/node#47224).
  const thread = new WarmThread<Req, number, number>(WORKER, { name: 'the test job', timeoutMs: 1000, maxHeapMb: 64 })
  t.teardown(() => thread.close())
  const events: number[] = []
  t.equal(await thread.call({ op: 'echo', value: 7 }, { onEvent: (e) => events.push(e) }), 7)
  t.same(events, [1, 2])

  const failures: Array<[string, RegExp, string]> = [
    ['spin', /^the test job took longer than 1 s and was stopped$/, 'timeout'],
    ['alloc', /^the test job needed more than 64 MB of memory and was stopped$/, 'out-of-memory'],
    ['exit', /^the test job stopped unexpectedly$/, 'crashed']
  ]
  for (const [op, message, kind] of failures) {
    const err = await thread.call({ op }).then(() => null, (e: unknown) => e)
    t.ok(err instanceof ThreadFailure, `${op}: a ThreadFailure`)
    t.match(err, { kind, message }, op)
    t.equal(await thread.call({ op: 'echo', value: 8 }), 8, `after ${op}, the next call gets a new thread`)
  }
  const thrown = await thread.call({ op: 'nope' }).then(() => null, (e: Error) => e)
  t.match(thrown, { message: 'told to fail (nope)' })
  t.notOk(thrown instanceof ThreadFailure, 'an error of the work itself is passed on, message only')
  t.equal(await thread.call({ op: 'echo', value: 9 }), 9, 'the same thread carries on after a thrown error')
})

t.test('calls queue; an abort stops the running one', async (t) => {
  const thread = new WarmThread<Req, number, number>(WORKER, { name: 'the test job', timeoutMs: 10_000, maxHeapMb: 64 })
  t.teardown(() => thread.close())
  const answers = await Promise.all([1, 2, 3].map((value) => thread.call({ op: 'echo', value })))
  t.same(answers, [1, 2, 3])
  const controller = new AbortController()
  const spinning = thread.call({ op: 'spin' }, { signal: controller.signal })
  setTimeout(() => controller.abort(new Error('job aborted')), 200)
  await t.rejects(spinning, { message: 'job aborted' })
  t.equal(await thread.call({ op: 'echo', value: 4 }), 4)
  await thread.close()
  t.match(await thread.call({ op: 'echo', value: 5 }).then(() => null, (e: unknown) => e), { kind: 'stopped' })
})

t.test('idleMs stops the thread after calls stop coming, and the next call starts it again', async (t) => {
  const thread = new WarmThread<Req, number, number>(WORKER, { name: 'the test job', timeoutMs: 10_000, maxHeapMb: 64, idleMs: 150 })
  t.teardown(() => thread.close())
  t.equal(await thread.call({ op: 'echo', value: 1 }), 1)
  t.ok(thread.running, 'warm right after a call')
  // Calls closer together than idleMs keep it running.
  for (let i = 0; i < 4; i++) {
    await new Promise((resolve) => setTimeout(resolve, 60))
    t.equal(await thread.call({ op: 'echo', value: i }), i)
  }
  t.ok(thread.running, 'still warm while calls keep coming')
  await new Promise((resolve) => setTimeout(resolve, 400))
  t.notOk(thread.running, 'stopped once idle for idleMs')
  t.equal(await thread.call({ op: 'echo', value: 2 }), 2, 'the next call starts a new thread')
  t.ok(thread.running)
})
