// app.cache pub/sub on a real Redis. Two caches play two processes: what one publishes
// reaches the other's subscribers, listeners share one SUBSCRIBE per channel and one
// subscriber connection per process, prefixes keep deployments apart, a killed subscriber
// connection comes back with its subscriptions, and memory mode delivers in-process.
import { randomBytes } from 'node:crypto'
import t from 'tap'
import { REDIS_URL, sleep } from '../test/helper.ts'
import { Redis } from 'ioredis'
import { createCache, type Cache } from './cache.ts'
import { subscriberName } from './pubsub.ts'

const prefix = () => `cvgen-test-${randomBytes(6).toString('hex')}:`

interface Test { teardown (fn: () => unknown): void }

async function open (t: Test, p: string, errors: string[] = []): Promise<Cache> {
  const cache = await createCache(REDIS_URL, p, (_err, msg) => errors.push(msg))
  t.teardown(() => cache.close())
  return cache
}

/** A plain connection for looking at Redis from outside (PUBSUB, CLIENT). */
async function admin (t: Test): Promise<Redis> {
  const redis = new Redis(REDIS_URL)
  t.teardown(() => redis.quit())
  return redis
}

/** Messages a listener got, and a way to wait for the n-th. */
function inbox () {
  const got: string[] = []
  return {
    got,
    listener: (m: string) => { got.push(m) },
    async until (n: number, ms = 2000) {
      for (const end = Date.now() + ms; got.length < n && Date.now() < end;) await sleep(10)
      return got
    }
  }
}

async function numsub (redis: Redis, channel: string): Promise<number> {
  const [, n] = await redis.pubsub('NUMSUB', channel) as [string, number]
  return Number(n)
}

/** The ids of the subscriber connections of `p` (CLIENT LIST, by the name the cache sets). */
async function subscribers (redis: Redis, p: string): Promise<string[]> {
  const list = await redis.client('LIST') as string
  return list.split('\n').filter((line) => line.includes(` name=${subscriberName(p)} `)).map((line) => /\bid=(\d+)/.exec(line)![1]!)
}

t.test('a message published by one process reaches the subscribers of another', async (t) => {
  const p = prefix()
  const a = await open(t, p)
  const b = await open(t, p)
  const box = inbox()
  await b.subscribe('news', box.listener)
  await a.publish('news', 'hello')
  t.same(await box.until(1), ['hello'])
  const own = inbox()
  await a.subscribe('news', own.listener)
  await a.publish('news', 'again')
  t.same(await own.until(1), ['again'], 'and the publisher\'s own subscribers too')
  t.same(await box.until(2), ['hello', 'again'])
})

t.test('listeners share one SUBSCRIBE per channel; the last one leaving unsubscribes', async (t) => {
  const p = prefix()
  const a = await open(t, p)
  const b = await open(t, p)
  const redis = await admin(t)
  const first = inbox()
  const second = inbox()
  const offFirst = await b.subscribe('jobs', first.listener)
  const offSecond = await b.subscribe('jobs', second.listener)
  t.equal(await numsub(redis, p + 'jobs'), 1, 'one subscription in Redis for two listeners')
  await a.publish('jobs', 'one')
  t.same(await first.until(1), ['one'])
  t.same(await second.until(1), ['one'])

  await offFirst()
  await offFirst() // twice is harmless: it must not take the other listener's count
  await a.publish('jobs', 'two')
  t.same(await second.until(2), ['one', 'two'], 'the remaining listener still hears')
  t.equal(await numsub(redis, p + 'jobs'), 1)
  t.same(first.got, ['one'], 'the ended one does not')

  await offSecond()
  t.equal(await numsub(redis, p + 'jobs'), 0, 'UNSUBSCRIBEd once nobody listens')
  // The same function subscribed twice is two subscriptions.
  const offA = await b.subscribe('jobs', first.listener)
  const offB = await b.subscribe('jobs', first.listener)
  await offA()
  await a.publish('jobs', 'three')
  t.same(await first.until(2), ['one', 'three'])
  await offB()
  t.equal(await numsub(redis, p + 'jobs'), 0)
})

t.test('one subscriber connection per process however many channels', async (t) => {
  const p = prefix()
  const a = await open(t, p)
  const redis = await admin(t)
  t.same(await subscribers(redis, p), [], 'none before the first subscribe')
  await Promise.all(Array.from({ length: 20 }, (_, i) => a.subscribe(`ch${i}`, () => {})))
  t.equal((await subscribers(redis, p)).length, 1)
  const b = await open(t, p)
  await b.subscribe('ch0', () => {})
  t.equal((await subscribers(redis, p)).length, 2, 'the second process has its own')
})

t.test('two prefixes do not hear each other', async (t) => {
  const a = await open(t, prefix())
  const b = await open(t, prefix())
  const box = inbox()
  await b.subscribe('news', box.listener)
  await a.publish('news', 'not for b')
  const other = await open(t, b.prefix)
  await other.publish('news', 'for b')
  t.same(await box.until(1), ['for b'])
  await sleep(100)
  t.same(box.got, ['for b'], 'nothing from the other prefix')
})

t.test('a killed subscriber connection comes back with its subscriptions', async (t) => {
  const p = prefix()
  const errors: string[] = []
  const a = await open(t, p)
  const b = await open(t, p, errors)
  const redis = await admin(t)
  const box = inbox()
  await b.subscribe('x', box.listener)
  await b.subscribe('y', () => {})
  const [before] = await subscribers(redis, p)
  await redis.client('KILL', 'ID', before!)
  // Publish until one arrives: the messages sent while it reconnects are lost (at most once).
  for (let i = 0; box.got.length === 0 && i < 100; i++) {
    await a.publish('x', `m${i}`)
    await sleep(50)
  }
  t.ok(box.got.length > 0, 'a message arrived after the kill')
  const after = await subscribers(redis, p)
  t.equal(after.length, 1, 'one subscriber connection again')
  t.not(after[0], before, 'a new connection')
  t.equal(await numsub(redis, p + 'y'), 1, 'every channel resubscribed')
})

t.test('publish never throws: with Redis gone the message is dropped and reported', async (t) => {
  const errors: string[] = []
  const a = await open(t, prefix(), errors)
  a.redis!.disconnect()
  await t.resolves(a.publish('news', 'lost'), 'while the connection closes')
  while (a.redis!.status !== 'end') await sleep(5)
  const started = Date.now()
  await t.resolves(a.publish('news', 'lost'), 'once it is closed')
  t.ok(Date.now() - started < 50, 'at once: no waiting for a reconnect')
  t.match(errors, [/publish on news failed; message dropped/, /Redis not connected; message on news dropped/])
})

t.test('a listener that throws does not stop the others', async (t) => {
  const errors: string[] = []
  const a = await open(t, prefix(), errors)
  const box = inbox()
  await a.subscribe('news', () => { throw new Error('boom') })
  await a.subscribe('news', box.listener)
  await a.publish('news', 'hi')
  t.same(await box.until(1), ['hi'])
  t.match(errors, [/a listener of .*news failed/])
})

t.test('memory mode: the same API, delivered in this process', async (t) => {
  const errors: string[] = []
  const mem = await createCache(null, 'm:', (_err, msg) => errors.push(msg))
  t.teardown(() => mem.close())
  const first = inbox()
  const second = inbox()
  const offFirst = await mem.subscribe('news', first.listener)
  await mem.subscribe('news', second.listener)
  await mem.subscribe('other', () => { throw new Error('boom') })
  await mem.publish('news', 'one')
  t.same(first.got, ['one'], 'delivered before publish resolves')
  t.same(second.got, ['one'])
  await offFirst()
  await mem.publish('news', 'two')
  t.same(first.got, ['one'])
  t.same(second.got, ['one', 'two'])
  await mem.publish('other', 'x')
  t.match(errors, [/a listener of m:other failed/])
  // Another memory cache is another process: it hears nothing.
  const elsewhere = await createCache(null, 'm:')
  t.teardown(() => elsewhere.close())
  await elsewhere.publish('news', 'three')
  t.same(second.got, ['one', 'two'])
})
