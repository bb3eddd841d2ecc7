// The host lookup cache across instances: an invalidation made on one reaches the others
// through app.cache pub/sub (real Redis; two caches play two processes), and in memory mode
// it works within the one process.
import { randomBytes } from 'node:crypto'
import t from 'tap'
import { createCache } from '../../kernel/cache.ts'
import { REDIS_URL, waitFor } from '../../test/helper.ts'
import { LookupCache, type HostEntry } from './lookup.ts'

const log = { warn () {} }
const entry = (portfolio: string): HostEntry => ({ domain_id: null, portfolio_id: portfolio, ssl_status: null })

async function lookup (t: { teardown (fn: () => unknown): void }, redisUrl: string | null, prefix: string) {
  const cache = await createCache(redisUrl, prefix)
  const hosts = new LookupCache({ pubsub: cache, log })
  await hosts.start()
  t.teardown(async () => { await hosts.close(); await cache.close() })
  return hosts
}

t.test('an invalidation on one instance drops the host on the others', async (t) => {
  const prefix = `cvgen-test-${randomBytes(6).toString('hex')}:`
  const a = await lookup(t, REDIS_URL, prefix)
  const b = await lookup(t, REDIS_URL, prefix)
  t.same(await b.get('a.example', async () => entry('old')), entry('old'))
  t.same(await b.get('a.example', async () => entry('new')), entry('old'), 'cached')
  await a.invalidate(['a.example'])
  // The invalidation reaches b through pub/sub, moments later.
  const seen = await waitFor('b to drop the host', async () => { const e = await b.get('a.example', async () => entry('new')); return e?.portfolio_id === 'new' && e }, { timeoutMs: 1000, intervalMs: 10 })
  t.same(seen, entry('new'), 'loaded again on the other instance')
})

t.test('memory mode: invalidations work within the process', async (t) => {
  const hosts = await lookup(t, null, 'm:')
  t.same(await hosts.get('a.example', async () => entry('old')), entry('old'))
  await hosts.invalidate(['a.example'])
  t.same(await hosts.get('a.example', async () => entry('new')), entry('new'))
})
