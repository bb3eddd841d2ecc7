// The answers that sit on the request and handshake paths, from the lookup cache:
// lookup(host) for the renderer (a verified custom domain -> its portfolio) and allowTls(host)
// for Caddy's on-demand TLS ask (verified custom domains and live subdomains of APP_DOMAIN).
import { RESERVED_NAMES, namePattern } from '../../kernel/slugs.ts'
import type { HostEntry, LookupCache } from './lookup.ts'
import type { DomainService } from './service.ts'

export interface SubdomainLookup {
  findPublishedBySubdomain (subdomain: string): Promise<{ id: string } | null>
}

const LABEL = new RegExp(namePattern(63))

const HOST = /^[a-z0-9.-]{1,253}$/

/** Lowercased without a trailing dot; '' for anything that cannot be a host name (NUL, spaces, ...). */
export const normalizeHost = (host: string): string => {
  const name = host.trim().toLowerCase().replace(/\.$/, '')
  return HOST.test(name) ? name : ''
}

export class HostAnswers {
  /** Domains whose "issuing" write and probe are under way in this process: one each. */
  private readonly issuing = new Set<string>()

  private readonly cache: LookupCache
  private readonly service: DomainService
  private readonly portfolios: SubdomainLookup
  private readonly appDomain: string
  /** Starts the TLS probe of a domain the gateway is about to get a certificate for. */
  private readonly onIssuing: (domainId: string) => Promise<void>
  private readonly log: { error (obj: object, msg: string): void }

  constructor (
    cache: LookupCache,
    service: DomainService,
    portfolios: SubdomainLookup,
    appDomain: string,
    onIssuing: (domainId: string) => Promise<void>,
    log: { error (obj: object, msg: string): void }
  ) {
    this.cache = cache
    this.service = service
    this.portfolios = portfolios
    this.appDomain = appDomain
    this.onIssuing = onIssuing
    this.log = log
  }

  /** The verified custom domain's entry, or null. Cached; safe on every request. */
  lookup (host: string): Promise<HostEntry | null> | HostEntry | null {
    const name = normalizeHost(host)
    if (name.length === 0 || name.length > 253 || name.endsWith(`.${this.appDomain}`) || name === this.appDomain) return null
    return this.cache.get(name, async () => {
      const row = await this.service.findVerified(name)
      return row ? { domain_id: row.id, portfolio_id: row.project_id, ssl_status: row.ssl_status } : null
    })
  }

  private subdomain (label: string): Promise<HostEntry | null> | HostEntry | null {
    if (!LABEL.test(label) || RESERVED_NAMES.has(label)) return null
    return this.cache.get(`${label}.${this.appDomain}`, async () => {
      const p = await this.portfolios.findPublishedBySubdomain(label)
      return p ? { domain_id: null, portfolio_id: p.id, ssl_status: null } : null
    })
  }

  /** May the gateway get a certificate for this name? Marks a custom domain "issuing" on the way. */
  async allowTls (host: string): Promise<boolean> {
    const name = normalizeHost(host)
    if (!name) return false
    if (name.endsWith(`.${this.appDomain}`)) {
      const label = name.slice(0, -(this.appDomain.length + 1))
      return !label.includes('.') && await this.subdomain(label) !== null
    }
    const entry = await this.lookup(name)
    if (!entry) return false
    if (entry.domain_id && entry.ssl_status !== 'issuing' && entry.ssl_status !== 'active') this.markIssuing(name, entry.domain_id)
    return true
  }

  private markIssuing (name: string, id: string): void {
    if (this.issuing.has(id)) return
    this.issuing.add(id)
    // Off the handshake path: Caddy is waiting for our answer, not for this write.
    void (async () => {
      try {
        if (await this.service.setSsl(id, 'issuing')) await this.onIssuing(id)
        await this.cache.invalidate([name])
      } catch (err) {
        this.log.error({ err, domain_id: id }, 'domains: could not start the TLS probe')
      } finally {
        this.issuing.delete(id)
      }
    })()
  }
}
