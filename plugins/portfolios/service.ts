// Portfolios: ownership (another user's portfolio is "not found"), soft delete, subdomains,
// plan limits, theme choice, project images that must be the owner's uploads. Also the
// lookups the public renderer and the domains plugin use. No Fastify here.
import { UniqueConstraintViolationException } from '@mikro-orm/core'
import type { EntityManager } from '@mikro-orm/postgresql'
import type { Database } from '../../kernel/db.ts'
import { KernelErrors, type ErrorDetail } from '../../kernel/errors.ts'
import { RESERVED_NAMES, slugify } from '../../kernel/slugs.ts'
import { hidePreview, previewUrl, type PreviewStorage } from '../../kernel/storage/index.ts'
import type { PlanOwner } from '../auth/index.ts'
import { projectImages, validatePortfolioContent } from './content.ts'
import { PortfoliosErrors } from './errors.ts'
import type { PortfolioCreate, PortfolioInput } from './schemas.ts'

/** What this plugin needs of app.themes. */
export interface ThemeLookup {
  supports (id: string, kind: 'portfolio'): boolean
  validateConfig (id: string, config: unknown, prefix?: string): ErrorDetail[]
  defaults (id: string): Record<string, unknown>
  starter (id: string, kind: 'portfolio'): unknown
}

/** What this plugin needs of app.uploads. */
export interface UploadLookup {
  /** Non-null only for the URL of one of that user's own uploaded images; a 4xx AppError for a file that is not the image it claims. */
  resolveOwned (userId: string, url: string): Promise<{ key: string, url: string } | null>
}

export interface Portfolio {
  id: string
  title: string
  template_id: string
  subdomain: string | null
  custom_domain: string | null
  content: Record<string, unknown>
  theme_config: Record<string, unknown>
  is_published: boolean
  /** A PNG preview, set by the exports plugin after a change; null until one is rendered. */
  thumbnail_url: string | null
  /** The public address: the custom domain when set, else the subdomain of APP_DOMAIN. */
  url: string | null
  created_at: Date
  updated_at: Date
}

/** For the renderer and the domains plugin, which need to know whose it is. */
export interface OwnedPortfolio extends Portfolio { user_id: string }

/** Told after a write commits, so caches keyed by host (the renderer's) can be purged. */
export interface PortfolioChange { id: string, user_id: string, hosts: string[] }

interface Row {
  id: string
  user_id: string
  title: string
  subdomain: string | null
  custom_domain: string | null
  content: Record<string, unknown>
  theme_config: Record<string, unknown>
  is_published: boolean
  thumbnail_key: string | null
  created_at: Date
  updated_at: Date
}

interface NewRow { title: string, content: object, theme_config: object, is_published: boolean, subdomain: string | null }

export interface PortfolioSettings {
  /** Plan limits (app.auth.plans): the users table is auth's. */
  plans: PlanOwner
  appDomain: string
  /** Where previews live: an unpublished portfolio's is private and handed out signed. */
  storage: PreviewStorage
  log?: { error (obj: object, msg: string): void }
}

const COLUMNS = 'id, user_id, title, subdomain, custom_domain, content, theme_config, is_published, thumbnail_key, created_at, updated_at'
/** Ownership checks of project images run this many at a time (each may be a storage HEAD). */
const IMAGE_CHECKS_AT_ONCE = 8
/** Generated subdomains lost to a concurrent writer are regenerated this many times. */
const GENERATE_ATTEMPTS = 5

export class PortfolioService {
  private readonly listeners: ((change: PortfolioChange) => unknown)[] = []

  private readonly db: Database
  private readonly themes: ThemeLookup
  private readonly uploads: UploadLookup
  private readonly settings: PortfolioSettings

  constructor (
    db: Database,
    themes: ThemeLookup,
    uploads: UploadLookup,
    settings: PortfolioSettings
  ) {
    this.db = db
    this.themes = themes
    this.uploads = uploads
    this.settings = settings
  }

  async list (userId: string, limit: number, offset: number): Promise<{ items: Portfolio[], total: number }> {
    const em = this.db.fork()
    // One round trip: the window count rides along with the page.
    const rows = await em.execute<(Row & { total: string })[]>(
      `select ${COLUMNS}, count(*) over () as total from portfolios
        where user_id = ? and deleted_at is null
        order by updated_at desc, id limit ? offset ?`, [userId, limit, offset])
    let total = rows.length > 0 ? Number(rows[0]!.total) : 0
    if (rows.length === 0 && offset > 0) total = await this.count(em, userId) // a page past the end still reports the total
    return { items: await Promise.all(rows.map((r) => { const { total: _t, ...row } = r; return this.toPortfolio(row) })), total }
  }

  async get (userId: string, id: string): Promise<Portfolio> {
    return this.toPortfolio(await this.row(this.db.fork(), userId, id))
  }

  async create (userId: string, input: PortfolioCreate): Promise<Portfolio> {
    this.checkTemplate(input.template_id)
    const themeConfig = this.themeConfig(input.template_id, input.theme_config)
    // The theme's starter is the operator's content, not the user's: its images are not uploads.
    const content = input.content ?? this.themes.starter(input.template_id, 'portfolio')
    this.checkContent(content)
    const subdomain = this.checkSubdomain(input.subdomain)
    if (input.content !== undefined) await this.checkImages(userId, input.content, new Set())
    return this.insert(userId, { title: input.title.trim(), content: content as object, theme_config: themeConfig, is_published: input.is_published ?? false, subdomain })
  }

  async update (userId: string, id: string, input: PortfolioInput): Promise<Portfolio> {
    // Checked before the transaction: image checks may reach the storage, and no row lock
    // should wait on that. Images already stored on this portfolio were checked then.
    const before = await this.row(this.db.fork(), userId, id)
    if (input.content !== undefined) this.checkContent(input.content)
    const requestedSubdomain = input.subdomain !== undefined ? this.checkSubdomain(input.subdomain) : undefined
    if (input.content !== undefined) await this.checkImages(userId, input.content, new Set(projectImages(before.content).map((i) => i.url)))
    const [previous, row] = await this.withNameConflicts((generated) => this.db.fork().transactional(async (em) => {
      const current = await this.row(em, userId, id, true)
      const given = typeof input.theme_config?.template_id === 'string' ? input.theme_config.template_id : undefined
      const templateId = input.template_id ?? given ?? String(current.theme_config.template_id)
      const templateChanged = templateId !== current.theme_config.template_id
      if (templateChanged) this.checkTemplate(templateId)
      // A new theme's options differ: without new options, the new theme's defaults apply.
      const themeConfig = input.theme_config !== undefined || templateChanged
        ? this.themeConfig(templateId, input.theme_config)
        : current.theme_config
      const isPublished = input.is_published ?? current.is_published
      const title = input.title?.trim() ?? current.title
      let subdomain = requestedSubdomain !== undefined ? requestedSubdomain : current.subdomain
      if (isPublished && !subdomain) {
        subdomain = await this.freeSubdomain(em, slugify(title, 63))
        generated.value = true
      }
      // Moved under the row lock, before the answer: an unpublished portfolio's preview (its
      // contact details) stops being public with this request, and the thumbnail job, which
      // writes through the same lock, cannot put it back.
      const thumbnailKey = !isPublished && current.thumbnail_key ? await hidePreview(this.settings.storage, current.thumbnail_key) : current.thumbnail_key
      const [updated] = await em.execute<Row[]>(
        `update portfolios set title = ?, content = ?, theme_config = ?, is_published = ?, subdomain = ?, thumbnail_key = ?, updated_at = clock_timestamp()
          where id = ? returning ${COLUMNS}`,
        [title, JSON.stringify(input.content ?? current.content), JSON.stringify(themeConfig), isPublished, subdomain, thumbnailKey, id])
      return [current, updated!] as const
    }))
    this.changed(previous, row)
    return this.toPortfolio(row)
  }

  async remove (userId: string, id: string): Promise<void> {
    const row = await this.db.fork().transactional(async (em) => {
      const current = await this.row(em, userId, id, true)
      // Deleted before the row: a failure leaves the portfolio (and a retry possible), never a
      // deleted portfolio whose preview is still served.
      if (current.thumbnail_key) await this.settings.storage.delete(current.thumbnail_key)
      await em.execute('update portfolios set deleted_at = now(), thumbnail_key = null, updated_at = clock_timestamp() where id = ?', [id])
      return current
    })
    this.changed(row, null)
  }

  async duplicate (userId: string, id: string): Promise<Portfolio> {
    const source = await this.row(this.db.fork(), userId, id)
    const title = `${source.title} (copy)`.slice(0, 200)
    return this.insert(userId, { title, content: source.content, theme_config: source.theme_config, is_published: false, subdomain: null })
  }

  /** The live, published portfolio at `<subdomain>.APP_DOMAIN`, or null. */
  async findPublishedBySubdomain (subdomain: string): Promise<OwnedPortfolio | null> {
    const name = subdomain.toLowerCase()
    if (name.length > 63 || name.includes('\u0000')) return null
    return this.findPublished('subdomain', name)
  }

  /** The live, published portfolio a verified custom domain points at, or null. */
  async findPublishedByCustomDomain (domain: string): Promise<OwnedPortfolio | null> {
    const name = normalizeDomain(domain)
    if (name.length > 253 || name.includes('\u0000')) return null
    return this.findPublished('custom_domain', name)
  }

  /**
   * For the domains plugin: attach a verified domain (lowercased, without a trailing dot) to a
   * live portfolio, or detach it with null. Null when the portfolio is gone; 409
   * PORTFOLIOS_CUSTOM_DOMAIN_TAKEN when another live portfolio has the domain.
   */
  async setCustomDomain (portfolioId: string, domain: string | null): Promise<OwnedPortfolio | null> {
    const value = domain === null ? null : normalizeDomain(domain)
    if (value !== null && (value.length < 1 || value.length > 253 || value.includes('\u0000'))) {
      throw new KernelErrors.BAD_REQUEST(`"${value.slice(0, 80)}" is not a domain name`)
    }
    const result = await this.withNameConflicts(() => this.db.fork().transactional(async (em) => {
      const [current] = await em.execute<Row[]>(`select ${COLUMNS} from portfolios where id = ? and deleted_at is null for update`, [portfolioId])
      if (!current) return null
      const [updated] = await em.execute<Row[]>(
        `update portfolios set custom_domain = ?, updated_at = clock_timestamp() where id = ? returning ${COLUMNS}`, [value, portfolioId])
      return [current, updated!] as const
    }))
    if (!result) return null
    this.changed(result[0], result[1])
    return this.toOwned(result[1])
  }

  /** Called after every committed change with the hosts whose pages it affects. */
  onChange (listener: (change: PortfolioChange) => unknown): void {
    this.listeners.push(listener)
  }

  private async findPublished (column: 'subdomain' | 'custom_domain', value: string): Promise<OwnedPortfolio | null> {
    const [row] = await this.db.fork().execute<Row[]>(
      `select ${COLUMNS} from portfolios where ${column} = ? and is_published and deleted_at is null`, [value])
    return row ? this.toOwned(row) : null
  }

  /**
   * Set by the exports plugin's thumbnail job: not an edit (updated_at stays, no change is
   * told). `isPublished` is what the job rendered for (a public or a private key). Returns
   * the key it replaced, or undefined when the portfolio is gone or was (un)published since
   * (that change queued another render).
   */
  async setThumbnail (id: string, key: string, isPublished: boolean): Promise<string | null | undefined> {
    const [row] = await this.db.fork().execute<{ old: string | null }[]>(
      `update portfolios p set thumbnail_key = ? from (select id, thumbnail_key as old from portfolios where id = ? and deleted_at is null and is_published = ? for update) o
        where p.id = o.id returning o.old`, [key, id, isPublished])
    return row ? row.old : undefined
  }

  private async insert (userId: string, data: NewRow): Promise<Portfolio> {
    const inserted = await this.withNameConflicts((generated) => this.db.fork().transactional(async (em) => {
      // Locking the owner's row serialises this user's creations, so two parallel requests
      // cannot both pass the plan-limit count.
      await this.settings.plans.reserve(em, userId, 'portfolios', 'PORTFOLIOS', (em) => this.count(em, userId))
      let subdomain = data.subdomain
      if (data.is_published && !subdomain) {
        subdomain = await this.freeSubdomain(em, slugify(data.title, 63))
        generated.value = true
      }
      const [row] = await em.execute<Row[]>(
        `insert into portfolios (user_id, title, content, theme_config, is_published, subdomain) values (?, ?, ?, ?, ?, ?) returning ${COLUMNS}`,
        [userId, data.title, JSON.stringify(data.content), JSON.stringify(data.theme_config), data.is_published, subdomain])
      return row!
    }))
    this.changed(null, inserted)
    return this.toPortfolio(inserted)
  }

  private async row (em: EntityManager, userId: string, id: string, forUpdate = false): Promise<Row> {
    const [row] = await em.execute<Row[]>(
      `select ${COLUMNS} from portfolios where id = ? and user_id = ? and deleted_at is null${forUpdate ? ' for update' : ''}`, [id, userId])
    if (!row) throw new PortfoliosErrors.NOT_FOUND()
    return row
  }

  private async count (em: EntityManager, userId: string): Promise<number> {
    const [row] = await em.execute<{ n: number }[]>('select count(*)::int as n from portfolios where user_id = ? and deleted_at is null', [userId])
    return row?.n ?? 0
  }

  /** `base`, else `base-2`, `base-3`... the first not taken by a live portfolio. */
  private async freeSubdomain (em: EntityManager, base: string): Promise<string> {
    const taken = new Set((await em.execute<{ subdomain: string }[]>(
      "select subdomain from portfolios where deleted_at is null and (subdomain = ? or subdomain like ? || '-%')", [base, base])).map((r) => r.subdomain))
    if (!taken.has(base)) return base
    for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`
  }

  /**
   * The unique indexes decide, also between concurrent requests. A subdomain the user chose
   * is a 409; one we generated was taken between our look and our write, so look again.
   */
  private async withNameConflicts<T> (fn: (generated: { value: boolean }) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const generated = { value: false }
      try {
        return await fn(generated)
      } catch (err) {
        if (!(err instanceof UniqueConstraintViolationException)) throw err
        if ((err as { constraint?: string }).constraint === 'portfolios_custom_domain_live') {
          throw new PortfoliosErrors.CUSTOM_DOMAIN_TAKEN().withDetails([{ path: '/custom_domain', message: 'is taken' }])
        }
        if (generated.value && attempt < GENERATE_ATTEMPTS) continue
        throw new PortfoliosErrors.SUBDOMAIN_TAKEN().withDetails([{ path: '/subdomain', message: 'is taken' }])
      }
    }
  }

  private checkTemplate (templateId: string): void {
    if (!this.themes.supports(templateId, 'portfolio')) {
      throw new PortfoliosErrors.UNKNOWN_TEMPLATE(templateId).withDetails([{ path: '/template_id', message: 'is not an installed portfolio theme (see GET /themes)' }])
    }
  }

  private themeConfig (templateId: string, given: Record<string, unknown> | undefined): Record<string, unknown> {
    if (given === undefined) return { ...this.themes.defaults(templateId), template_id: templateId }
    // Unstorable text and numbers never get here (the kernel refuses them in every body);
    // the theme's options schema bounds the rest.
    const errors = this.themes.validateConfig(templateId, given, '/theme_config')
    if (errors.length > 0) throw new PortfoliosErrors.INVALID_THEME_CONFIG().withDetails(errors)
    return { ...given, template_id: templateId }
  }

  private checkContent (content: unknown): void {
    const errors = validatePortfolioContent(content, '/content')
    if (errors.length > 0) throw new PortfoliosErrors.INVALID_CONTENT().withDetails(errors)
  }

  /** Every project image not in `known` must resolve to one of the user's uploads. */
  private async checkImages (userId: string, content: unknown, known: Set<string>): Promise<void> {
    const images = projectImages(content).filter((i) => !known.has(i.url))
    if (images.length === 0) return
    const queue = [...new Set(images.map((i) => i.url))]
    const owned = new Set<string>()
    const worker = async (): Promise<void> => {
      for (let url = queue.pop(); url !== undefined; url = queue.pop()) {
        if (await this.uploads.resolveOwned(userId, url) !== null) owned.add(url)
      }
    }
    await Promise.all(Array.from({ length: Math.min(IMAGE_CHECKS_AT_ONCE, queue.length) }, worker))
    const refused = images.filter((i) => !owned.has(i.url))
    if (refused.length > 0) {
      throw new PortfoliosErrors.IMAGE_NOT_OWNED().withDetails(refused.map((i) => ({
        path: `/content/projects/${i.index}/image`, message: 'is not one of your uploaded images (POST /uploads/presigned-url)'
      })))
    }
  }

  private checkSubdomain (subdomain: string | null | undefined): string | null {
    if (subdomain == null) return null
    if (RESERVED_NAMES.has(subdomain)) throw new PortfoliosErrors.SUBDOMAIN_RESERVED(subdomain).withDetails([{ path: '/subdomain', message: 'is reserved' }])
    return subdomain
  }

  private url (row: Row): string | null {
    if (row.custom_domain) return `https://${row.custom_domain}`
    return row.subdomain ? `https://${row.subdomain}.${this.settings.appDomain}` : null
  }

  private async toPortfolio (row: Row): Promise<Portfolio> {
    return {
      id: row.id,
      title: row.title,
      template_id: String(row.theme_config.template_id ?? ''),
      subdomain: row.subdomain,
      custom_domain: row.custom_domain,
      content: row.content,
      theme_config: row.theme_config,
      is_published: row.is_published,
      thumbnail_url: await previewUrl(this.settings.storage, row.thumbnail_key),
      url: this.url(row),
      created_at: row.created_at,
      updated_at: row.updated_at
    }
  }

  private async toOwned (row: Row): Promise<OwnedPortfolio> {
    return { ...await this.toPortfolio(row), user_id: row.user_id }
  }

  private hosts (row: Row | null): string[] {
    if (!row) return []
    return [row.subdomain ? `${row.subdomain}.${this.settings.appDomain}` : null, row.custom_domain].filter((h): h is string => h !== null)
  }

  /** Listeners run after the commit; their failures are logged, never the caller's. */
  private changed (before: Row | null, after: Row | null): void {
    const row = after ?? before
    if (!row || this.listeners.length === 0) return
    const change = { id: row.id, user_id: row.user_id, hosts: [...new Set([...this.hosts(before), ...this.hosts(after)])] }
    for (const listener of this.listeners) {
      Promise.resolve().then(() => listener(change)).catch((err: unknown) => this.settings.log?.error({ err, portfolio: row.id }, 'portfolio change listener failed'))
    }
  }
}

function normalizeDomain (domain: string): string {
  return domain.trim().toLowerCase().replace(/\.$/, '')
}
