// app.dns: the registry of DNS providers the domains plugin verifies records with.
// `system` (Node's resolver, DNS_SERVERS) and `doh` (DNS-over-HTTPS JSON, DNS_DOH_URL) are
// built in; an operator's plugin may register another; DNS_PROVIDER picks one.
import fp from 'fastify-plugin'
import { DohDnsProvider } from './doh.ts'
import { DnsRegistry } from './registry.ts'
import { SystemDnsProvider } from './system.ts'

export type { DnsOutcome, DnsProvider } from './registry.ts'

declare module 'fastify' {
  interface FastifyInstance {
    dns: DnsRegistry
  }
}

export default fp(async (app) => {
  const { dns } = app.config
  const registry = new DnsRegistry(dns.provider)
  registry.register(new SystemDnsProvider({ servers: dns.servers, timeoutMs: dns.timeoutMs }))
  registry.register(new DohDnsProvider({ baseUrl: dns.dohUrl, timeoutMs: dns.timeoutMs }))
  app.decorate('dns', registry)
  // Operators' plugins register later (wave 3): check the choice once everything loaded.
  app.addHook('onReady', async () => { registry.current() })
}, { name: 'dns', fastify: '5.x' })
