// `npm test`'s own runner: a skipped test is not a pass, and the exit code says so.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import t from 'tap'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

t.test('a skipped test counts as failed and fails the run', async (t) => {
  // Only PATH and HOME: the outer tap's environment would make the inner one report to it.
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' }
  const run = spawnSync(process.execPath, ['test/run.mjs', 'test/fixtures/run/skips.ts'], { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000 })
  const last = run.stdout.trim().split('\n').at(-1)
  t.equal(last, '1 passed, 1 failed', run.stdout.slice(-500))
  t.match(run.stdout, /# 1 skipped and 0 todo, counted as failed/)
  t.not(run.status, 0, 'the exit code is not 0')
})
