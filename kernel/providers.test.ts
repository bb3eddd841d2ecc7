// ProviderRegistry: the setting picks a registered provider; a missing one is named with the
// ones that exist; two under one name are refused.
import t from 'tap'
import { ProviderRegistry } from './providers.ts'

t.test('the setting picks a registered provider; a missing one is an error naming the registered', async (t) => {
  const r = new ProviderRegistry<{ name: string }>('DNS provider', 'DNS_PROVIDER', 'mine')
  t.throws(() => r.check(), /^DNS_PROVIDER is "mine" but no plugin registered a DNS provider of that name \(registered: none\)$/)
  r.register({ name: 'system' })
  t.throws(() => r.current(), /\(registered: system\)/)
  const mine = { name: 'mine' }
  r.register(mine)
  t.equal(r.current(), mine)
  t.doesNotThrow(() => r.check())
  t.same(r.names(), ['mine', 'system'])
  t.throws(() => r.register({ name: 'mine' }), /a DNS provider named "mine" is already registered/)
  t.equal(r.current(), mine, 'the first stays')
})
