// Small typed parsers for environment strings. Each throws a plain message; the loader
// prefixes it with the variable's name so a bad setting says exactly what to fix.
import { isIP } from 'node:net'

export type Parser<T> = (raw: string) => T

export const str: Parser<string> = (raw) => raw

export function int (min: number, max: number): Parser<number> {
  return (raw) => {
    if (!/^-?\d+$/.test(raw.trim())) throw new Error(`must be a whole number (got "${raw}")`)
    const n = Number(raw)
    if (n < min || n > max) throw new Error(`must be between ${min} and ${max} (got ${n})`)
    return n
  }
}

export const bool: Parser<boolean> = (raw) => {
  const v = raw.trim().toLowerCase()
  if (['1', 'true', 'yes', 'on'].includes(v)) return true
  if (['0', 'false', 'no', 'off'].includes(v)) return false
  throw new Error(`must be true or false (got "${raw}")`)
}

export function oneOf<const T extends string> (values: readonly T[]): Parser<T> {
  return (raw) => {
    const v = raw.trim() as T
    if (!values.includes(v)) throw new Error(`must be one of ${values.join(', ')} (got "${raw}")`)
    return v
  }
}

export const list: Parser<string[]> = (raw) => raw.split(',').map((s) => s.trim()).filter(Boolean)

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** "15m", "30d", "1h", "90s", "500ms"; a bare number means seconds. Returns milliseconds. */
export function duration (minMs: number, maxMs: number): Parser<number> {
  return (raw) => {
    const m = /^(\d+)(ms|s|m|h|d)?$/.exec(raw.trim())
    if (!m) throw new Error(`must be a duration like 90s, 15m, 12h or 30d (got "${raw}")`)
    const ms = Number(m[1]) * UNITS[m[2] ?? 's']!
    if (ms < minMs || ms > maxMs) throw new Error(`must be between ${minMs / 1000}s and ${maxMs / 1000}s (got "${raw}")`)
    return ms
  }
}

export function url (protocols: string[]): Parser<string> {
  return (raw) => {
    let u: URL
    try { u = new URL(raw) } catch { throw new Error(`must be a URL (got "${raw}")`) }
    if (!protocols.includes(u.protocol)) throw new Error(`must use ${protocols.join(' or ')} (got "${u.protocol}")`)
    return raw
  }
}

export const hostname: Parser<string> = (raw) => {
  const v = raw.trim().toLowerCase().replace(/\.$/, '')
  if (!/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/.test(v)) {
    throw new Error(`must be a host name like cvgen.example.com (got "${raw}")`)
  }
  return v
}

export const ipList: Parser<string[]> = (raw) => {
  const ips = list(raw)
  for (const ip of ips) if (!isIP(ip)) throw new Error(`"${ip}" is not an IP address`)
  return ips
}

/** ip:port pairs for DNS servers; IPv6 in brackets ([::1]:53). */
export const hostPortList: Parser<string[]> = (raw) => {
  const items = list(raw)
  for (const item of items) {
    const m = /^(?:\[([^\]]+)\]|([^:]+))(?::(\d{1,5}))?$/.exec(item)
    const ip = m?.[1] ?? m?.[2]
    if (!m || !ip || !isIP(ip) || (m[3] !== undefined && Number(m[3]) > 65535)) {
      throw new Error(`"${item}" is not ip or ip:port`)
    }
  }
  return items
}

/** host:port (a name or an IP; IPv6 in brackets). */
export const hostPort: Parser<{ host: string, port: number }> = (raw) => {
  const m = /^(?:\[([^\]]+)\]|([^:\s/]+)):(\d{1,5})$/.exec(raw.trim())
  const port = Number(m?.[3])
  if (!m || port < 1 || port > 65535) throw new Error(`must be host:port (got "${raw}")`)
  return { host: (m[1] ?? m[2])!, port }
}

/** Addresses or CIDR ranges, comma separated. */
export const cidrList: Parser<string[]> = (raw) => {
  const items = list(raw)
  for (const item of items) {
    const [ip, bits, extra] = item.split('/')
    const family = isIP(ip ?? '')
    const maxBits = family === 6 ? 128 : 32
    if (!family || extra !== undefined || (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= maxBits))) {
      throw new Error(`"${item}" is not an address or CIDR range`)
    }
  }
  return items
}

/**
 * Fastify's trustProxy: unset -> false; "true" trusts every hop (only behind a gateway you
 * own); a number trusts that many hops; otherwise a list of addresses or CIDR ranges.
 */
export const trustProxy: Parser<boolean | number | string[]> = (raw) => {
  const v = raw.trim()
  if (v === '' || v === 'false') return false
  if (v === 'true') return true
  if (/^\d+$/.test(v)) return Number(v)
  return cidrList(v)
}

export const origins: Parser<string[]> = (raw) => {
  const items = list(raw)
  for (const o of items) {
    let u: URL | undefined
    try { u = new URL(o) } catch { /* reported below */ }
    if (!u || !['http:', 'https:'].includes(u.protocol) || u.origin !== o.replace(/\/$/, '')) {
      throw new Error(`"${o}" is not an origin like https://app.example.com`)
    }
  }
  return items.map((o) => o.replace(/\/$/, ''))
}

/** "resume-analysis=2,portfolio-analysis=1": a prompt id and the version it is pinned to. */
export const versionPins: Parser<Record<string, number>> = (raw) => {
  const pins: Record<string, number> = {}
  for (const item of list(raw)) {
    const m = /^([a-z0-9][a-z0-9-]*)\s*=\s*v?(\d{1,6})$/.exec(item)
    if (!m || Number(m[2]) < 1) throw new Error(`"${item}" is not prompt-id=version (e.g. resume-analysis=2)`)
    pins[m[1]!] = Number(m[2])
  }
  return pins
}
