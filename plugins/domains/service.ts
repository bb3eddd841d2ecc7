// Custom domains: claims (rows of custom_domains), the live DNS check and what follows from
// it (verified -> attached to the portfolio; records gone -> failed and detached), expiry,
// back-off and ssl_status. No Fastify here: the API and the worker use it alike.
import { UniqueConstraintViolationException } from '@mikro-orm/core'
import { randomBytes } from 'node:crypto'
import type { Database, SqlParams } from '../../kernel/db.ts'
import { publicReason } from '../../kernel/errors.ts'
import type { PlanOwner } from '../auth/index.ts'
import type { DnsProvider } from '../dns/index.ts'
import { checkRecords, type CheckResult } from './check.ts'
import { DomainsErrors } from './errors.ts'
import { checkDomainName } from './names.ts'
import { COLUMNS, toDomain, type Domain, type DomainRow } from './rows.ts'
import type { DomainClaim } from './schemas.ts'

export type { Domain, DomainRow } from './rows.ts'

/** What this plugin needs of app.portfolios. */
export interface PortfolioLink {
  get (userId: string, id: string): Promise<unknown>
  setCustomDomain (portfolioId: string, domain: string | null): Promise<unknown>
}

export interface DomainSettings {
  appDomain: string
  gatewayIps: string[]
  pendingDays: number
  /** Plan limits (app.auth.plans): the users table is auth's. */
  plans: PlanOwner
}

/** Told after a domain's serving state changed (verified, failed, released), to drop caches. */
export type DomainChanged = (domain: string) => Promise<void>

const RECHECK_VERIFIED = "interval '1 day'"
/** Pending checks run every 5 minutes for half an hour, then back off, doubling up to 6 hours. */
const BACKOFF = "least(interval '6 hours', interval '5 minutes' * power(2, greatest(0, check_failures - 6)))"

export class DomainService {
  private readonly db: Database
  private readonly dns: () => DnsProvider
  private readonly portfolios: PortfolioLink
  private readonly settings: DomainSettings
  private readonly changed: DomainChanged
  /** Starts the TLS probe, which also makes the gateway ask for and get the certificate. */
  private readonly startProbe: (domainId: string) => Promise<void>

  constructor (
    db: Database,
    dns: () => DnsProvider,
    portfolios: PortfolioLink,
    settings: DomainSettings,
    changed: DomainChanged,
    startProbe: (domainId: string) => Promise<void> = async () => {}
  ) {
    this.db = db
    this.dns = dns
    this.portfolios = portfolios
    this.settings = settings
    this.changed = changed
    this.startProbe = startProbe
  }

  toDomain (row: DomainRow): Domain {
    return toDomain(row, this.settings.appDomain, this.settings.gatewayIps)
  }

  async list (userId: string, limit: number, offset: number): Promise<{ items: DomainRow[], total: number }> {
    const em = this.db.fork()
    const items = await em.execute<DomainRow[]>(`select ${COLUMNS} from custom_domains where user_id = ? and deleted_at is null
      order by created_at desc, id limit ? offset ?`, [userId, limit, offset])
    const [{ n }] = await em.execute<{ n: number }[]>('select count(*)::int as n from custom_domains where user_id = ? and deleted_at is null', [userId]) as [{ n: number }]
    return { items, total: n }
  }

  async get (userId: string, id: string): Promise<DomainRow> {
    const [row] = await this.db.fork().execute<DomainRow[]>(`select ${COLUMNS} from custom_domains where id = ? and user_id = ? and deleted_at is null`, [id, userId])
    if (!row) throw new DomainsErrors.NOT_FOUND()
    return row
  }

  async create (userId: string, input: DomainClaim): Promise<DomainRow> {
    const name = checkDomainName(input.domain_name, this.settings.appDomain)
    if (!name.ok) throw new DomainsErrors.INVALID_NAME(name.reason).withDetails([{ path: '/domain_name', message: name.reason }])
    await this.portfolios.get(userId, input.portfolio_id) // 404 PORTFOLIOS_NOT_FOUND unless the caller's and live
    const token = randomBytes(20).toString('base64url')
    try {
      return await this.db.fork().transactional(async (em) => {
        // The owner's row lock serialises this user's claims, so the plan count holds.
        const tier = await this.settings.plans.lockTier(em, userId)
        const [mine] = await em.execute('select 1 from custom_domains where user_id = ? and domain_name = ? and deleted_at is null', [userId, name.name])
        if (mine) throw new DomainsErrors.ALREADY_ADDED().withDetails([{ path: '/domain_name', message: 'is already one of your domains' }])
        const [taken] = await em.execute('select 1 from custom_domains where domain_name = ? and verification_status = \'verified\' and deleted_at is null and user_id <> ?', [name.name, userId])
        if (taken) throw new DomainsErrors.TAKEN().withDetails([{ path: '/domain_name', message: 'is verified by another account' }])
        const [busy] = await em.execute('select 1 from custom_domains where project_id = ? and deleted_at is null and verification_status <> \'failed\'', [input.portfolio_id])
        if (busy) throw new DomainsErrors.PORTFOLIO_HAS_DOMAIN().withDetails([{ path: '/portfolio_id', message: 'has a custom domain' }])
        const [{ n }] = await em.execute<{ n: number }[]>('select count(*)::int as n from custom_domains where user_id = ? and deleted_at is null', [userId]) as [{ n: number }]
        this.settings.plans.check(tier, 'customDomains', 'CUSTOM_DOMAINS', n)
        const [row] = await em.execute<DomainRow[]>(`insert into custom_domains (user_id, project_id, domain_name, verification_token, record_type)
          values (?, ?, ?, ?, ?) returning ${COLUMNS}`, [userId, input.portfolio_id, name.name, token, name.apex ? 'A' : 'CNAME'])
        return row!
      })
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) throw new DomainsErrors.ALREADY_ADDED().withDetails([{ path: '/domain_name', message: 'is already one of your domains' }])
      throw err
    }
  }

  /** Releases the claim: the domain stops being served at once. */
  async remove (userId: string, id: string): Promise<void> {
    const [row] = await this.db.fork().execute<DomainRow[]>(`update custom_domains set deleted_at = now()
      where id = ? and user_id = ? and deleted_at is null returning ${COLUMNS}`, [id, userId])
    if (!row) throw new DomainsErrors.NOT_FOUND()
    if (row.verification_status === 'verified') await this.portfolios.setCustomDomain(row.project_id, null)
    await this.changed(row.domain_name)
  }

  /** The user's "verify now". */
  async verifyNow (userId: string, id: string): Promise<DomainRow> {
    return this.check(await this.get(userId, id))
  }

  async checkById (id: string): Promise<DomainRow | null> {
    const [row] = await this.db.fork().execute<DomainRow[]>(`select ${COLUMNS} from custom_domains where id = ? and deleted_at is null`, [id])
    return row ? this.check(row) : null
  }

  /** One live DNS check and its consequences; returns the row as it is now. */
  async check (row: DomainRow): Promise<DomainRow> {
    let result: CheckResult
    try {
      result = await checkRecords(this.dns(), row.domain_name, row.verification_token, row.record_type, this.settings)
    } catch (err) {
      // A provider that breaks its contract (an operator's): a transient failure, not a crash.
      result = { ok: false, transient: true, error: `DNS provider error: ${(err as Error).message}` }
    }
    if (result.ok) return row.verification_status === 'verified' ? this.recheckPassed(row) : this.verified(row)
    if (row.verification_status === 'verified' && !result.transient) return this.lost(row, result.error)
    const next = row.verification_status === 'verified' ? "interval '5 minutes'" : BACKOFF
    return this.write(`update custom_domains set last_error = ?, dns_checked_at = now(), check_failures = check_failures + 1,
      next_check_at = now() + ${next} where id = ? and deleted_at is null returning ${COLUMNS}`, [result.error.slice(0, 1000), row.id], row)
  }

  private async write (sql: string, params: SqlParams, fallback: DomainRow): Promise<DomainRow> {
    const [row] = await this.db.fork().execute<DomainRow[]>(sql, params)
    return row ?? fallback // released meanwhile: report what we had
  }

  private recheckPassed (row: DomainRow): Promise<DomainRow> {
    return this.write(`update custom_domains set last_error = null, dns_checked_at = now(), check_failures = 0,
      next_check_at = now() + ${RECHECK_VERIFIED} where id = ? and deleted_at is null returning ${COLUMNS}`, [row.id], row)
  }

  /** First to verify wins: the partial unique index refuses a second verified row for the name. */
  private async verified (row: DomainRow): Promise<DomainRow> {
    let updated: DomainRow
    try {
      updated = await this.write(`update custom_domains set verification_status = 'verified', verified_at = now(), last_error = null,
        dns_checked_at = now(), check_failures = 0, ssl_status = 'issuing', next_check_at = now() + ${RECHECK_VERIFIED}
        where id = ? and deleted_at is null returning ${COLUMNS}`, [row.id], row)
    } catch (err) {
      if (!(err instanceof UniqueConstraintViolationException)) throw err
      return this.write(`update custom_domains set last_error = ?, dns_checked_at = now(), check_failures = check_failures + 1,
        next_check_at = now() + ${BACKOFF} where id = ? returning ${COLUMNS}`, ['The records are right, but another account verified this domain first', row.id], row)
    }
    if (updated.verification_status !== 'verified') return updated
    try {
      if (await this.portfolios.setCustomDomain(updated.project_id, updated.domain_name) === null) {
        return this.release(updated, 'The portfolio was deleted')
      }
    } catch (err) {
      await this.db.fork().execute("update custom_domains set verification_status = 'pending', ssl_status = null, last_error = ? where id = ?",
        [publicReason(err, 'Could not attach the domain to the portfolio; the next check tries again'), row.id])
      throw err
    }
    await this.changed(updated.domain_name)
    await this.startProbe(updated.id)
    return updated
  }

  /** A verified domain whose records are gone (or wrong): stop serving it (dangling-domain takeover). */
  private async lost (row: DomainRow, error: string): Promise<DomainRow> {
    const updated = await this.write(`update custom_domains set verification_status = 'failed', ssl_status = null, dns_checked_at = now(),
      last_error = ? where id = ? and deleted_at is null returning ${COLUMNS}`, [`The records were removed or changed: ${error}`.slice(0, 1000), row.id], row)
    await this.changed(row.domain_name) // first: the ask and lookups refuse it from now on
    await this.portfolios.setCustomDomain(row.project_id, null)
    return updated
  }

  private async release (row: DomainRow, reason: string): Promise<DomainRow> {
    const updated = await this.write(`update custom_domains set verification_status = 'failed', ssl_status = null, last_error = ?, deleted_at = now()
      where id = ? returning ${COLUMNS}`, [reason, row.id], row)
    await this.changed(row.domain_name)
    return updated
  }

  /** Rows the scheduled sweep checks now: pending ones whose back-off is over, verified ones due their daily re-check. */
  async due (limit: number): Promise<DomainRow[]> {
    return this.db.fork().execute<DomainRow[]>(`select ${COLUMNS} from custom_domains
      where deleted_at is null and verification_status <> 'failed' and next_check_at <= now() + interval '30 seconds'
      order by next_check_at limit ?`, [limit])
  }

  /** Pending claims older than DOMAIN_PENDING_DAYS fail for good; returns how many. */
  async expire (): Promise<number> {
    const rows = await this.db.fork().execute(`update custom_domains set verification_status = 'failed',
      last_error = 'Not verified within ' || ?::int || ' days' || coalesce('; the last check said: ' || last_error, '')
      where deleted_at is null and verification_status = 'pending' and created_at < now() - make_interval(days => ?::int) returning id`,
    [this.settings.pendingDays, this.settings.pendingDays])
    return rows.length
  }

  /** Claims on a portfolio that is gone are released. */
  async releaseForPortfolio (portfolioId: string, reason: string): Promise<void> {
    const rows = await this.db.fork().execute<DomainRow[]>(`select ${COLUMNS} from custom_domains where project_id = ? and deleted_at is null`, [portfolioId])
    for (const row of rows) await this.release(row, reason)
  }

  async liveDomainsOf (portfolioId: string): Promise<number> {
    const [{ n }] = await this.db.fork().execute<{ n: number }[]>('select count(*)::int as n from custom_domains where project_id = ? and deleted_at is null', [portfolioId]) as [{ n: number }]
    return n
  }

  /** The live verified domain for a host, for lookups. */
  async findVerified (domain: string): Promise<DomainRow | null> {
    const [row] = await this.db.fork().execute<DomainRow[]>(`select ${COLUMNS} from custom_domains
      where domain_name = ? and verification_status = 'verified' and deleted_at is null`, [domain])
    return row ?? null
  }

  /** ssl_status: issuing when the gateway asks (only from null or error), then active or error from the probe. */
  async setSsl (id: string, status: 'issuing' | 'active' | 'error', error?: string): Promise<DomainRow | null> {
    const guard = status === 'issuing' ? "and (ssl_status is null or ssl_status = 'error')" : ''
    const [row] = await this.db.fork().execute<DomainRow[]>(`update custom_domains set ssl_status = ?, ssl_checked_at = now(),
      last_error = coalesce(?, case when ? then null else last_error end)
      where id = ? and deleted_at is null and verification_status = 'verified' ${guard} returning ${COLUMNS}`,
    [status, error ?? null, status === 'active', id])
    if (row) await this.changed(row.domain_name)
    return row ?? null
  }
}
