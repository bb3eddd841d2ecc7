// What a user may claim: one registrable host name (under a suffix of the public suffix
// list), normalised the way DNS compares names, and the records that prove and route it.
import { isIP } from 'node:net'
import { domainToASCII } from 'node:url'
import { parse } from 'tldts'

export const VERIFY_PREFIX = '_cvgen-verification'
export const TOKEN_PREFIX = 'cvgen-verify='

export type RecordType = 'CNAME' | 'A'

export interface Instruction { type: 'TXT' | 'CNAME' | 'A' | 'ALIAS', host: string, value: string }

export type NameCheck = { ok: true, name: string, apex: boolean } | { ok: false, reason: string }

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/
const refuse = (reason: string): NameCheck => ({ ok: false, reason })

/**
 * " WWW.Bücher.example. " -> "www.xn--bcher-kva.example". Refuses what is not a plain host
 * name users can own: schemes, paths, ports, wildcards, IP addresses, single labels, public
 * suffixes themselves, unknown top-level domains, APP_DOMAIN and its subdomains.
 */
export function checkDomainName (input: string, appDomain: string): NameCheck {
  let name = input.trim().toLowerCase()
  if (name.includes('://')) return refuse('must be a host name without a scheme (no https://)')
  if (/[/?#]/.test(name)) return refuse('must be a host name without a path or query')
  if (name.includes('*')) return refuse('wildcards are not supported: add each host name')
  if (name.startsWith('[') || isIP(name)) return refuse('IP addresses cannot be custom domains')
  if (name.includes(':')) return refuse('must be a host name without a port')
  if (name.includes('@') || /\s/.test(name)) return refuse('must be a host name')
  name = name.replace(/\.$/, '')
  if (isIP(name)) return refuse('IP addresses cannot be custom domains')
  // WHATWG's domainToASCII applies IDNA (UTS #46): Unicode names become punycode, '' if invalid.
  const ascii = domainToASCII(name)
  if (!ascii) return refuse('is not a valid domain name')
  name = ascii
  const labels = name.split('.')
  if (labels.length < 2) return refuse('must have at least two labels (like example.com)')
  if (name.length > 253) return refuse('is longer than 253 characters')
  const bad = labels.find((l) => l.length > 63)
  if (bad !== undefined) return refuse(`the label "${bad.slice(0, 20)}…" is longer than 63 characters`)
  if (!labels.every((l) => LABEL.test(l))) return refuse('labels may hold only a-z, 0-9 and inner hyphens')
  const app = appDomain.toLowerCase()
  if (name === app || name.endsWith(`.${app}`)) return refuse(`names under ${app} are given by portfolio subdomains, not custom domains`)
  const info = parse(name, { allowPrivateDomains: true })
  if (info.isIp) return refuse('IP addresses cannot be custom domains')
  if (!info.isIcann && !info.isPrivate) return refuse(`.${info.publicSuffix ?? labels.at(-1)} is not a public top-level domain`)
  if (!info.domain) return refuse(`${name} is a public suffix: nobody can own it`)
  return { ok: true, name, apex: info.domain === name }
}

export function routingTarget (appDomain: string): string {
  return `hosting.${appDomain.toLowerCase()}`
}

/** The records the user adds at their DNS provider (the `instructions` of plugins/domains/README.md). */
export function instructions (domain: string, token: string, recordType: RecordType, appDomain: string, gatewayIps: string[]): Instruction[] {
  const txt: Instruction = { type: 'TXT', host: `${VERIFY_PREFIX}.${domain}`, value: `${TOKEN_PREFIX}${token}` }
  if (recordType === 'CNAME') return [txt, { type: 'CNAME', host: domain, value: routingTarget(appDomain) }]
  // No GATEWAY_IPS configured: an apex uses ALIAS/ANAME (CNAME flattening) to the target,
  // and the check compares its A records with the target's.
  if (gatewayIps.length === 0) return [txt, { type: 'ALIAS', host: domain, value: routingTarget(appDomain) }]
  return [txt, ...gatewayIps.map((ip): Instruction => ({ type: 'A', host: domain, value: ip }))]
}
