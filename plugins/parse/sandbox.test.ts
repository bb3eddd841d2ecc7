// The parser process's watchdog: the parent kills a process that outgrows its memory (a
// greedy test child, and a real file: a deflated content stream of 400 MB) or its time, the
// job fails with a readable code, and the next parse gets a fresh process.
import t from 'tap'
import { deflated, page, RESUME, text } from './pdf-fixtures.ts'
import { ParserPool } from './sandbox.ts'

const GREEDY = new URL('../../test/fixtures/parse/greedy-child.ts', import.meta.url)

t.test('the parser process is killed past its memory limit, and the next parse gets a new one', async (t) => {
  const pool = new ParserPool(1, { timeoutMs: 20_000, memoryMb: 300, entry: GREEDY })
  t.teardown(() => pool.close())
  await t.rejects(pool.parse('pdf', Buffer.from('ALLOC')), { code: 'TOO_COMPLEX', message: /over 300 MB/ })
  const next = await pool.parse('pdf', page(text(RESUME)))
  t.equal((next.draft as any).basics?.name, 'Jane Doe')

  // A real file that does this: a content stream of 400 MB of spaces, 400 KB deflated.
  const bomb = page(await deflated(400 * 1024 * 1024, 32))
  t.ok(bomb.length < 1024 * 1024)
  const real = new ParserPool(1, { timeoutMs: 20_000, memoryMb: 256 })
  t.teardown(() => real.close())
  await t.rejects(real.parse('pdf', bomb), { code: 'TOO_COMPLEX', message: /over 256 MB/ })
  t.equal(((await real.parse('pdf', page(text(RESUME)))).draft as any).basics?.name, 'Jane Doe')
})

t.test('the parser process is killed past its time limit, and the next parse gets a new one', async (t) => {
  const pool = new ParserPool(1, { timeoutMs: 3000, memoryMb: 512, entry: GREEDY })
  t.teardown(() => pool.close())
  const t0 = Date.now()
  await t.rejects(pool.parse('pdf', Buffer.from('HANG')), { code: 'TIMEOUT', message: /took too long/ })
  t.ok(Date.now() - t0 < 10_000, 'stopped at the limit')
  const next = await pool.parse('pdf', page(text(RESUME)))
  t.equal((next.draft as any).basics?.name, 'Jane Doe')
})
