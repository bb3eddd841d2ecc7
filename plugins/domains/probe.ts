// The TLS probe: a handshake with the gateway for a domain, the way a browser would do it
// (SNI, certificate chain and name checked). Success means the gateway holds a valid
// certificate for the domain, so ssl_status becomes active.
import { lookup } from 'node:dns/promises'
import { readFileSync } from 'node:fs'
import { rootCertificates } from 'node:tls'
import tls from 'node:tls'
import { isPublicAddress } from '../../kernel/addresses.ts'

export interface ProbeOptions {
  /** The gateway's HTTPS address; null: the domain itself on 443. */
  address: { host: string, port: number } | null
  /** Connect even when the domain resolves to a loopback, private or link-local address. */
  allowPrivate?: boolean
  /** A CA the probe trusts besides the system's (read at each probe: it may appear later). */
  caFile: string | null
  timeoutMs: number
}

/**
 * Where to connect: the operator's gateway address as configured, or an address the domain
 * resolves to now. A verified domain's owner can point it anywhere later, so the address is
 * resolved here, checked, and connected to as is (no second lookup that could answer
 * differently).
 */
async function target (domain: string, opts: ProbeOptions): Promise<{ host: string, port: number }> {
  if (opts.address) return opts.address
  const found = await lookup(domain, { all: true, verbatim: true })
  const usable = opts.allowPrivate ? found : found.filter((a) => isPublicAddress(a.address))
  if (usable.length === 0) {
    throw new Error(`${domain} resolves to ${found.map((a) => a.address).join(', ') || 'nothing'}: not a public address, so the probe does not connect there`)
  }
  return { host: usable[0]!.address, port: 443 }
}

export async function probeTls (domain: string, opts: ProbeOptions): Promise<void> {
  const ca = [...rootCertificates]
  if (opts.caFile) ca.push(readFileSync(opts.caFile, 'utf8'))
  const { host, port } = await target(domain, opts)
  return await new Promise((resolve, reject) => {
    const socket = tls.connect({
      host,
      port,
      servername: domain,
      ca,
      rejectUnauthorized: true,
      ALPNProtocols: ['http/1.1']
    })
    const done = (err?: Error) => {
      clearTimeout(timer)
      socket.destroy()
      if (err) reject(err)
      else resolve()
    }
    const timer = setTimeout(() => done(new Error(`TLS handshake with the gateway for ${domain} timed out`)), opts.timeoutMs)
    socket.once('secureConnect', () => done())
    socket.once('error', (err) => done(err))
  })
}
