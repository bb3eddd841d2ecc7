// One live DNS check of a claim: the TXT proof, then the routing record. The result says
// whether a failure is definitive (the records are not there or point elsewhere) or
// transient (timeout, SERVFAIL), because a verified domain is only taken down for the former.
import type { DnsOutcome, DnsProvider } from '../dns/index.ts'
import { routingTarget, TOKEN_PREFIX, VERIFY_PREFIX, type RecordType } from './names.ts'

export type CheckResult = { ok: true } | { ok: false, transient: boolean, error: string }

export interface CheckSettings { appDomain: string, gatewayIps: string[] }

const transient = (o: DnsOutcome): o is Extract<DnsOutcome, { message: string }> => o.status === 'timeout' || o.status === 'servfail'
const fail = (error: string, isTransient = false): CheckResult => ({ ok: false, transient: isTransient, error })
const list = (values: string[]) => values.slice(0, 5).join(', ') + (values.length > 5 ? ', …' : '')

function lookupFailed (what: string, host: string, o: DnsOutcome): CheckResult {
  if (o.status === 'timeout') return fail(`DNS lookup of ${what} ${host} timed out; will retry`, true)
  if (o.status === 'servfail') return fail(`DNS lookup of ${what} ${host} failed (${o.message}); will retry`, true)
  return fail(`${what} record ${host} not found`)
}

export async function checkRecords (dns: DnsProvider, domain: string, token: string, recordType: RecordType, s: CheckSettings): Promise<CheckResult> {
  const proofHost = `${VERIFY_PREFIX}.${domain}`
  const expected = `${TOKEN_PREFIX}${token}`
  const target = routingTarget(s.appDomain)
  // The three questions at once: a check costs one round trip to the resolver, not three.
  const [txt, cname, a] = await Promise.all([dns.resolveTxt(proofHost), dns.resolveCname(domain), dns.resolveA(domain)])
  if (txt.status !== 'found') return lookupFailed('TXT', proofHost, txt)
  if (!txt.values.some((v) => v.trim() === expected)) {
    return fail(`TXT record ${proofHost} holds ${list(txt.values.map((v) => JSON.stringify(v.slice(0, 80))))}, expected "${expected}"`)
  }
  if (cname.status === 'found') {
    if (cname.values.includes(target)) return { ok: true }
    return fail(`CNAME of ${domain} points to ${list(cname.values)}, expected ${target}`)
  }
  if (transient(cname)) return lookupFailed('CNAME', domain, cname)
  // No CNAME: the A records must be the gateway's (an apex, or a flattened CNAME/ALIAS).
  if (a.status !== 'found') {
    if (transient(a)) return lookupFailed('A', domain, a)
    return fail(recordType === 'CNAME'
      ? `CNAME record ${domain} not found (expected ${target})`
      : `A record ${domain} not found (expected ${s.gatewayIps.length ? list(s.gatewayIps) : `the addresses of ${target}`})`)
  }
  let gateway = s.gatewayIps
  if (gateway.length === 0) {
    const own = await dns.resolveA(target)
    if (own.status !== 'found') {
      return fail(`cannot learn the gateway's addresses: A record ${target} ${own.status === 'nxdomain' || own.status === 'nodata' ? 'not found' : 'lookup failed'} (set GATEWAY_IPS)`, true)
    }
    gateway = own.values
  }
  const stray = a.values.filter((ip) => !gateway.includes(ip))
  if (stray.length > 0) return fail(`A records of ${domain} point to ${list(stray)}, expected ${list(gateway)}`)
  return { ok: true }
}
