// The DNS provider extension point (docs/architecture.md "Extension points"). A provider answers with an
// outcome value, never by throwing: a timeout, a SERVFAIL and an NXDOMAIN mean different
// things to the domains plugin (retry later vs. "the record is not there").
import type { ProviderRegistry } from '../../kernel/providers.ts'

export type RecordType = 'TXT' | 'CNAME' | 'A'

export type DnsOutcome =
  /** The name has records of the asked type: TXT values (chunks joined), CNAME targets or IPv4 addresses, lowercased names without a trailing dot. */
  | { status: 'found', values: string[] }
  /** The name does not exist. */
  | { status: 'nxdomain' }
  /** The name exists but has no record of that type. */
  | { status: 'nodata' }
  /** The resolver failed (SERVFAIL, REFUSED, a broken answer). */
  | { status: 'servfail', message: string }
  | { status: 'timeout', message: string }

export interface DnsProvider {
  readonly name: string
  resolveTxt (host: string): Promise<DnsOutcome>
  resolveCname (host: string): Promise<DnsOutcome>
  resolveA (host: string): Promise<DnsOutcome>
}

/** app.dns: the kernel's provider registry, for DNS providers (DNS_PROVIDER selects one). */
export type DnsRegistry = ProviderRegistry<DnsProvider>

/** "Host.Example.COM." -> "host.example.com" */
export const canonicalName = (name: string): string => name.trim().toLowerCase().replace(/\.$/, '')
