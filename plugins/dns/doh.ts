// The `doh` DNS provider: the DNS-over-HTTPS JSON API Google and Cloudflare serve
// (GET <DNS_DOH_URL>/resolve?name=&type= with accept: application/dns-json; Cloudflare also
// answers on its base URL). For operators behind split-horizon DNS, whose own resolvers
// would not see what the public sees.
import { canonicalName, type DnsOutcome, type DnsProvider, type RecordType } from './registry.ts'

export interface DohOptions { baseUrl: string, timeoutMs: number, fetch?: typeof fetch }

const TYPE_CODES: Record<RecordType, number> = { A: 1, CNAME: 5, TXT: 16 }

interface DohAnswer { name?: string, type?: number, data?: string }
interface DohResponse { Status?: number, Answer?: DohAnswer[] }

/** '"v=spf1 " "-all"' -> 'v=spf1 -all': a TXT record is its quoted chunks, joined. */
export function txtValue (data: string): string {
  const chunks = [...data.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!.replace(/\\(.)/g, '$1'))
  return chunks.length > 0 ? chunks.join('') : data
}

export class DohDnsProvider implements DnsProvider {
  readonly name = 'doh'
  private readonly fetch: typeof fetch

  private readonly opts: DohOptions

  constructor (opts: DohOptions) {
    this.opts = opts
    this.fetch = opts.fetch ?? fetch
  }

  private async ask (host: string, type: RecordType): Promise<DnsOutcome> {
    const url = `${this.opts.baseUrl}/resolve?name=${encodeURIComponent(host)}&type=${type}`
    let body: DohResponse
    try {
      const res = await this.fetch(url, { headers: { accept: 'application/dns-json' }, signal: AbortSignal.timeout(this.opts.timeoutMs) })
      if (!res.ok) return { status: 'servfail', message: `DNS-over-HTTPS server answered HTTP ${res.status}` }
      body = await res.json() as DohResponse
    } catch (err) {
      const name = (err as Error).name
      if (name === 'TimeoutError' || name === 'AbortError') return { status: 'timeout', message: `no answer from ${this.opts.baseUrl} within ${this.opts.timeoutMs} ms` }
      return { status: 'servfail', message: `DNS-over-HTTPS request failed: ${(err as Error).message}` }
    }
    if (typeof body !== 'object' || body === null || typeof body.Status !== 'number') {
      return { status: 'servfail', message: 'DNS-over-HTTPS answer is not the JSON format' }
    }
    if (body.Status === 3) return { status: 'nxdomain' }
    if (body.Status !== 0) return { status: 'servfail', message: `DNS rcode ${body.Status}` }
    // The answer may carry the CNAME chain that led to the records: keep the asked type only.
    const answers = (Array.isArray(body.Answer) ? body.Answer : [])
      .filter((a) => a?.type === TYPE_CODES[type] && typeof a.data === 'string')
      .map((a) => a.data!)
    if (answers.length === 0) return { status: 'nodata' }
    const values = type === 'TXT' ? answers.map(txtValue) : type === 'CNAME' ? answers.map(canonicalName) : answers
    return { status: 'found', values }
  }

  resolveTxt (host: string) { return this.ask(host, 'TXT') }
  resolveCname (host: string) { return this.ask(host, 'CNAME') }
  resolveA (host: string) { return this.ask(host, 'A') }
}
