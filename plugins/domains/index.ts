// Custom domains (docs/architecture.md "Data", "Public serving"): users claim a domain for a
// portfolio, prove it with a TXT record and route it with a CNAME (subdomain) or A records
// (apex); a worker re-checks on a schedule; Caddy's on-demand TLS asks /internal/tls/ask.
// The renderer learns which custom hosts are portfolio sites through app.renderer.useCustomHosts.
import fp from 'fastify-plugin'
import askRoutes from './ask.ts'
import { HostAnswers } from './hosts.ts'
import { defineProbeJob, defineVerifyJob } from './jobs.ts'
import { LookupCache } from './lookup.ts'
import domainRoutes from './routes.ts'
import { DomainSchema } from './schemas.ts'
import { DomainService } from './service.ts'

declare module 'fastify' {
  interface FastifyInstance {
    domains: {
      service: DomainService
      /** The verified custom domain's {domain_id, portfolio_id}, or null (cached). */
      lookup: HostAnswers['lookup']
      allowTls: HostAnswers['allowTls']
    }
  }
}

export default fp(async (app) => {
  const { config } = app
  const appDomain = config.appDomain.toLowerCase()
  const cache = new LookupCache({ pubsub: app.cache, log: app.log })
  await cache.start()
  app.addHook('onClose', async () => { await cache.close() })

  const purgePages = async (hosts: string[]) => {
    await cache.invalidate(hosts)
    await app.renderer.cache.purge(hosts.map((h) => `h:${h}`))
  }
  const startProbe = async (domainId: string) => {
    try {
      await probe.send({ domain_id: domainId }) // duplicates are harmless: the result is written idempotently
    } catch (err) {
      // The domain is verified either way; the gateway's next ask starts another probe.
      app.log.error({ err, domain_id: domainId }, 'domains: could not queue the TLS probe')
    }
  }
  const service = new DomainService(app.db, () => app.dns.current(), app.portfolios, {
    appDomain, gatewayIps: config.dns.gatewayIps, pendingDays: config.dns.pendingDays, plans: app.auth.plans
  }, (domain) => purgePages([domain]), startProbe)
  // Every process can queue a probe; the workers (and the verify schedule) run where ROLE says.
  defineVerifyJob(app, service)
  const probe = defineProbeJob(app, service, {
    address: config.dns.tlsProbeAddress, allowPrivate: config.dns.tlsProbePrivate, caFile: config.dns.tlsProbeCaFile, timeoutMs: 15_000
  })
  const hosts = new HostAnswers(cache, service, app.portfolios, appDomain, startProbe, app.log)
  app.decorate('domains', { service, lookup: (host: string) => hosts.lookup(host), allowTls: (host: string) => hosts.allowTls(host) })
  // The renderer serves a verified custom domain's portfolio at its root: tell it which hosts.
  app.renderer.useCustomHosts((host) => hosts.lookup(host))

  app.portfolios.onChange(async (change) => {
    await cache.invalidate(change.hosts.map((h) => h.toLowerCase()))
    // A deleted portfolio takes its domain claims with it.
    if (await service.liveDomainsOf(change.id) === 0) return
    try {
      await app.portfolios.get(change.user_id, change.id)
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) await service.releaseForPortfolio(change.id, 'The portfolio was deleted')
      else throw err
    }
  })

  app.addSchema(DomainSchema)
  await app.register(domainRoutes, { prefix: '/domains', service })
  await app.register(askRoutes, { hosts, sources: config.dns.tlsAskSources, token: config.dns.tlsAskToken })
}, { name: 'domains', fastify: '5.x', dependencies: ['auth', 'portfolios', 'dns', 'renderer'] })
