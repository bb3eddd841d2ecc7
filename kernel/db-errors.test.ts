// Which errors mean "the database cannot be reached right now" (answered 503 with Retry-After)
// and which are a query's own fault (the usual handling). The shapes are the ones seen when
// the embedded PostgreSQL was killed under load: a socket error whose code was lost on the way
// answered 500 before the message was read.
import { DriverException } from '@mikro-orm/core'
import t from 'tap'
import { isDatabaseUnavailable } from './db.ts'

t.test('outages are recognised, whatever wraps them', async (t) => {
  const withCode = (message: string, code: string) => Object.assign(new Error(message), { code })
  const outages: [string, unknown][] = [
    ['a socket error with its code', withCode('write EPIPE', 'EPIPE')],
    ['the same in a driver exception', new DriverException(withCode('write EPIPE', 'EPIPE'))],
    ['a driver exception whose code was lost', new DriverException(new Error('write EPIPE'))],
    ['a reset read', new DriverException(new Error('read ECONNRESET'))],
    ['the server gone (57P01)', withCode('terminating connection due to unexpected postmaster exit', '57P01')],
    ['a connection refused inside an aggregate', Object.assign(new AggregateError([withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')]), {})],
    ['node-postgres after the socket closed', new Error('Connection terminated unexpectedly')],
    ['a client closed under us', new Error('Client was closed and is not queryable')],
    ['the unix socket gone while the server restarts', new DriverException(new Error('connect ENOENT /data/run/.s.PGSQL.5432'))],
    ['the server replaying its WAL', new DriverException(new Error('the database system is not yet accepting connections'))],
    ['a cause chain', new Error('query failed', { cause: withCode('x', '08006') })]
  ]
  for (const [what, err] of outages) t.ok(isDatabaseUnavailable(err), what)
  const faults: [string, unknown][] = [
    ['a syntax error', withCode('syntax error at or near "selec"', '42601')],
    ['a unique violation', new DriverException(withCode('duplicate key value violates unique constraint', '23505'))],
    ['a message that merely mentions a pipe', new Error('the EPIPE field is required')],
    ['a missing file that is not the socket', withCode("ENOENT: no such file or directory, open 'x.pdf'", 'ENOENT')],
    ['nothing', null]
  ]
  for (const [what, err] of faults) t.notOk(isDatabaseUnavailable(err), what)
})
