// app.userRateKey: the rate-limit key of the routes that cost work (analyses, exports,
// parsing): per user for a valid access token, whichever address it comes from; per address
// otherwise, so a forged or expired token cannot pick someone else's budget.
import t from 'tap'
import type { FastifyRequest } from 'fastify'
import { build, register } from '../../test/helper.ts'

t.test('per user with a valid token, per address without one', async (t) => {
  const app = await build(t)
  const ada = await register(app)
  const key = app.userRateKey('work')
  const req = (authorization: string | undefined, ip: string) => ({ headers: authorization ? { authorization } : {}, ip }) as unknown as FastifyRequest
  t.equal(key(req(`Bearer ${ada.access}`, '198.51.100.1')), `work:u:${ada.id}`)
  t.equal(key(req(`bearer   ${ada.access}  `, '198.51.100.2')), `work:u:${ada.id}`, 'the same budget from another address')
  t.equal(key(req(`Bearer ${ada.access}x`, '198.51.100.3')), 'work:ip:198.51.100.3', 'a tampered token counts by address')
  t.equal(key(req(`Bearer ${ada.refresh}`, '198.51.100.4')), 'work:ip:198.51.100.4', 'a refresh token is no access token')
  t.equal(key(req(undefined, '198.51.100.5')), 'work:ip:198.51.100.5')
  t.equal(key(req('Basic abc', '198.51.100.6')), 'work:ip:198.51.100.6')
})
