// The `system` DNS provider: Node's c-ares Resolver, on DNS_SERVERS when set (else the
// machine's resolvers). It never throws: c-ares error codes become outcomes.
import { promises as dns } from 'node:dns'
import { canonicalName, type DnsOutcome, type DnsProvider } from './registry.ts'

export interface SystemOptions { servers: string[], timeoutMs: number }

function outcomeOf (err: unknown): DnsOutcome {
  const code = (err as { code?: string }).code
  const message = `${code ?? 'error'}: ${(err as Error).message}`
  if (code === dns.NOTFOUND) return { status: 'nxdomain' }
  if (code === dns.NODATA) return { status: 'nodata' }
  if (code === dns.TIMEOUT) return { status: 'timeout', message }
  return { status: 'servfail', message }
}

export class SystemDnsProvider implements DnsProvider {
  readonly name = 'system'
  private readonly resolver: dns.Resolver

  constructor (opts: SystemOptions) {
    // Two tries of half the budget each: one lost UDP packet is not a timeout yet.
    this.resolver = new dns.Resolver({ timeout: Math.max(50, Math.floor(opts.timeoutMs / 2)), tries: 2 })
    if (opts.servers.length > 0) this.resolver.setServers(opts.servers)
  }

  private async ask (lookup: () => Promise<string[]>): Promise<DnsOutcome> {
    try {
      const values = await lookup()
      return values.length > 0 ? { status: 'found', values } : { status: 'nodata' }
    } catch (err) {
      return outcomeOf(err)
    }
  }

  resolveTxt (host: string) {
    // A TXT record arrives as its 255-byte chunks: one value is their concatenation.
    return this.ask(async () => (await this.resolver.resolveTxt(host)).map((chunks) => chunks.join('')))
  }

  resolveCname (host: string) {
    return this.ask(async () => (await this.resolver.resolveCname(host)).map(canonicalName))
  }

  resolveA (host: string) {
    return this.ask(() => this.resolver.resolve4(host))
  }
}
