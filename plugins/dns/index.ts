// app.dns: the registry of DNS providers the domains plugin verifies records with.
// `system` (Node's resolver, DNS_SERVERS) and `doh` (DNS-over-HTTPS JSON, DNS_DOH_URL) are
// built in; an operator's plugin may register another; DNS_PROVIDER picks one.
import fp from 'fastify-plugin'
import { pluginSettings } from '../../config/index.ts'
import { DohDnsProvider } from './doh.ts'
import { ProviderRegistry } from '../../kernel/providers.ts'
import type { DnsProvider, DnsRegistry } from './registry.ts'
import { SystemDnsProvider } from './system.ts'
import settings from './settings.ts'

export type { DnsOutcome, DnsProvider } from './registry.ts'

declare module 'fastify' {
  interface FastifyInstance {
    dns: DnsRegistry
  }
}

export default fp(async (app) => {
  const { dns } = app.config
  const mine = pluginSettings(app.config, settings)
  const registry: DnsRegistry = new ProviderRegistry<DnsProvider>('DNS provider', 'DNS_PROVIDER', dns.provider)
  registry.register(new SystemDnsProvider({ servers: mine.DNS_SERVERS ?? [], timeoutMs: mine.DNS_TIMEOUT }))
  registry.register(new DohDnsProvider({ baseUrl: mine.DNS_DOH_URL.replace(/\/+$/, ''), timeoutMs: mine.DNS_TIMEOUT }))
  app.decorate('dns', registry)
  // Operators' plugins register later (wave 3): check the choice once everything loaded.
  app.addHook('onReady', async () => { registry.check() })
}, { name: 'dns', fastify: '5.x' })
