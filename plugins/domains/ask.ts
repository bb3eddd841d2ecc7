// GET /internal/tls/ask?domain= for Caddy's on-demand TLS: 200 only for a verified custom
// domain or a live subdomain of APP_DOMAIN. Only the gateway may ask: the TCP peer must be
// in TLS_ASK_SOURCES (the socket's address, not X-Forwarded-For, which a client writes),
// and ?token= must match TLS_ASK_TOKEN when that is set.
import { timingSafeEqual, createHash } from 'node:crypto'
import { BlockList, isIPv4 } from 'node:net'
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { errors, ok } from '../../kernel/schemas.ts'
import { DomainsErrors } from './errors.ts'
import type { HostAnswers } from './hosts.ts'
import { AskAnswer, AskQuery } from './schemas.ts'

export function sourceList (cidrs: string[]): BlockList {
  const list = new BlockList()
  for (const item of cidrs) {
    const [ip, bits] = item.split('/') as [string, string | undefined]
    const type = isIPv4(ip) ? 'ipv4' : 'ipv6'
    if (bits === undefined) list.addAddress(ip, type)
    else list.addSubnet(ip, Number(bits), type)
  }
  return list
}

function allowedSource (list: BlockList, address: string | undefined): boolean {
  if (!address) return false
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  if (mapped) return list.check(mapped[1]!, 'ipv4')
  return list.check(address, isIPv4(address) ? 'ipv4' : 'ipv6')
}

const digest = (s: string) => createHash('sha256').update(s).digest()

export default async function askRoutes (fastify: FastifyInstance, opts: { hosts: HostAnswers, sources: string[], token: string | null }): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const sources = sourceList(opts.sources)
  const token = opts.token ? digest(opts.token) : null
  app.get('/internal/tls/ask', {
    logLevel: 'warn', // on the handshake path: one line per ask would be noise
    schema: {
      // Not in the public document: the gateway calls it, no API client ever does (docs/api.md).
      hide: true,
      tags: ['domains'],
      operationId: 'askTlsCertificate',
      summary: "Caddy's on-demand TLS ask: may a certificate be issued for this name?",
      description: 'For the gateway only (TLS_ASK_SOURCES, and ?token= when TLS_ASK_TOKEN is set). 200 for a verified custom domain or a live subdomain of APP_DOMAIN, else 404.',
      querystring: AskQuery,
      response: { 200: ok(AskAnswer), ...errors(400, 403, 404) }
    }
  }, async (request) => {
    if (!allowedSource(sources, request.socket.remoteAddress)) throw new DomainsErrors.TLS_ASK_FORBIDDEN()
    if (token && !timingSafeEqual(token, digest(request.query.token ?? ''))) throw new DomainsErrors.TLS_ASK_FORBIDDEN()
    const { domain } = request.query
    if (!await opts.hosts.allowTls(domain)) throw new DomainsErrors.TLS_NOT_ALLOWED()
    return { data: { domain, allowed: true } }
  })
}
