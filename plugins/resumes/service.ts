// Resumes: ownership (another user's resume is "not found"), soft delete, slugs, plan
// limits, theme choice. No Fastify here, so a worker or the CLI can use it too.
import { UniqueConstraintViolationException } from '@mikro-orm/core'
import type { EntityManager } from '@mikro-orm/postgresql'
import type { Database } from '../../kernel/db.ts'
import type { PlanOwner } from '../auth/index.ts'
import type { ErrorDetail } from '../../kernel/errors.ts'
import { RESERVED_NAMES, slugify } from '../../kernel/slugs.ts'
import { hidePreview, previewUrl, type PreviewStorage } from '../../kernel/storage/index.ts'
import { validateResumeContent } from './content.ts'
import { ResumesErrors } from './errors.ts'
import type { ImportOptions, ResumeCreate, ResumeInput } from './schemas.ts'

/** What this plugin needs of app.themes. */
export interface ThemeLookup {
  supports (id: string, kind: 'resume'): boolean
  validateConfig (id: string, config: unknown, prefix?: string): ErrorDetail[]
  defaults (id: string): Record<string, unknown>
  starter (id: string, kind: 'resume'): Record<string, unknown>
}

export interface Resume {
  id: string
  title: string
  template_id: string
  content: Record<string, unknown>
  theme_config: Record<string, unknown>
  thumbnail_url: string | null
  is_public: boolean
  slug: string | null
  created_at: Date
  updated_at: Date
}

interface Row extends Omit<Resume, 'template_id' | 'thumbnail_url'> { user_id: string, thumbnail_key: string | null }

const COLUMNS = 'id, user_id, title, content, theme_config, thumbnail_key, is_public, slug, created_at, updated_at'

/** A live public resume, for the public renderer. */
export interface PublicResume {
  id: string
  user_id: string
  title: string
  content: Record<string, unknown>
  theme_config: Record<string, unknown>
  updated_at: Date
}

/** Told after an update or removal commits, with the slugs (old and new) whose pages it affects. */
export interface ResumeChange { id: string, user_id: string, slugs: string[] }

export class ResumeService {
  private readonly listeners: ((change: ResumeChange) => unknown)[] = []

  private readonly db: Database
  private readonly themes: ThemeLookup
  private readonly plans: PlanOwner
  private readonly storage: PreviewStorage
  private readonly log?: { error (obj: object, msg: string): void }

  constructor (
    db: Database,
    themes: ThemeLookup,
    plans: PlanOwner,
    storage: PreviewStorage,
    log?: { error (obj: object, msg: string): void }
  ) {
    this.db = db
    this.themes = themes
    this.plans = plans
    this.storage = storage
    this.log = log
  }

  /** The live public resume at /r/<slug>, or null. */
  async findPublicBySlug (slug: string): Promise<PublicResume | null> {
    const name = slug.toLowerCase()
    if (name.length > 64 || name.includes('\u0000')) return null
    const [row] = await this.db.fork().execute<PublicResume[]>(
      'select id, user_id, title, content, theme_config, updated_at from resumes where slug = ? and is_public and deleted_at is null', [name])
    return row ?? null
  }

  /** Called after every committed update or removal with the slugs whose pages it affects. */
  onChange (listener: (change: ResumeChange) => unknown): void {
    this.listeners.push(listener)
  }

  /** Listeners run after the commit; their failures are logged, never the caller's. */
  private changed (id: string, userId: string, slugs: (string | null)[]): void {
    if (this.listeners.length === 0) return
    const change = { id, user_id: userId, slugs: [...new Set(slugs.filter((s): s is string => !!s))] }
    for (const listener of this.listeners) {
      Promise.resolve().then(() => listener(change)).catch((err: unknown) => this.log?.error({ err, resume: id }, 'resume change listener failed'))
    }
  }

  async list (userId: string, limit: number, offset: number): Promise<{ items: Resume[], total: number }> {
    const em = this.db.fork()
    // One round trip: the window count rides along with the page.
    const rows = await em.execute<(Row & { total: string })[]>(
      `select ${COLUMNS}, count(*) over () as total from resumes
        where user_id = ? and deleted_at is null
        order by updated_at desc, id limit ? offset ?`, [userId, limit, offset])
    let total = rows.length > 0 ? Number(rows[0]!.total) : 0
    if (rows.length === 0 && offset > 0) total = await this.count(em, userId) // a page past the end still reports the total
    return { items: await Promise.all(rows.map((r) => { const { total: _t, ...row } = r; return this.toResume(row) })), total }
  }

  async get (userId: string, id: string): Promise<Resume> {
    return this.toResume(await this.row(this.db.fork(), userId, id))
  }

  async create (userId: string, input: ResumeCreate): Promise<Resume> {
    this.checkTemplate(input.template_id)
    const content = input.content ?? this.themes.starter(input.template_id, 'resume')
    const themeConfig = this.themeConfig(input.template_id, input.theme_config)
    this.checkContent(content)
    const slug = this.checkSlug(input.slug)
    return this.insert(userId, { title: input.title.trim(), content, theme_config: themeConfig, is_public: input.is_public ?? false, slug })
  }

  async update (userId: string, id: string, input: ResumeInput): Promise<Resume> {
    if (input.content !== undefined) this.checkContent(input.content)
    let previousSlug: string | null = null
    const updated = await this.withSlugConflict(() => this.db.fork().transactional(async (em) => {
      const current = await this.row(em, userId, id, true)
      previousSlug = current.slug
      const templateId = input.template_id ?? (input.theme_config?.template_id as string | undefined) ?? String(current.theme_config.template_id)
      const templateChanged = templateId !== current.theme_config.template_id
      if (templateChanged) this.checkTemplate(templateId)
      // A new theme's options differ: without new options, the new theme's defaults apply.
      const themeConfig = input.theme_config !== undefined || templateChanged
        ? this.themeConfig(templateId, input.theme_config)
        : current.theme_config
      const isPublic = input.is_public ?? current.is_public
      let slug = input.slug !== undefined ? this.checkSlug(input.slug) : current.slug
      const title = input.title?.trim() ?? current.title
      if (isPublic && !slug) slug = await this.freeSlug(em, slugify(title))
      // Moved while the row is locked, before the answer: the public URL of a preview that
      // shows contact details stops working with the request that made the resume private,
      // and the thumbnail job (which writes through the same lock) cannot put it back.
      const thumbnailKey = !isPublic && current.thumbnail_key ? await hidePreview(this.storage, current.thumbnail_key) : current.thumbnail_key
      const [row] = await em.execute<Row[]>(
        `update resumes set title = ?, content = ?, theme_config = ?, is_public = ?, slug = ?, thumbnail_key = ?, updated_at = clock_timestamp()
          where id = ? returning ${COLUMNS}`,
        [title, JSON.stringify(input.content ?? current.content), JSON.stringify(themeConfig), isPublic, slug, thumbnailKey, id])
      return row!
    }))
    this.changed(id, userId, [previousSlug, updated.slug])
    return this.toResume(updated)
  }

  async remove (userId: string, id: string): Promise<void> {
    const slug = await this.db.fork().transactional(async (em) => {
      const current = await this.row(em, userId, id, true)
      // Deleted before the row: a failure leaves the resume (and a retry possible), never a
      // deleted resume whose preview is still served.
      if (current.thumbnail_key) await this.storage.delete(current.thumbnail_key)
      await em.execute('update resumes set deleted_at = now(), thumbnail_key = null, updated_at = clock_timestamp() where id = ?', [id])
      return current.slug
    })
    this.changed(id, userId, [slug])
  }

  async duplicate (userId: string, id: string): Promise<Resume> {
    const source = await this.row(this.db.fork(), userId, id)
    const title = `${source.title} (copy)`.slice(0, 200)
    return this.insert(userId, { title, content: source.content, theme_config: source.theme_config, is_public: false, slug: null })
  }

  /** A JSON Resume document becomes a new private resume; the document is kept as sent. */
  async import (userId: string, doc: Record<string, unknown>, opts: ImportOptions): Promise<Resume> {
    const errors = validateResumeContent(doc, '')
    if (errors.length > 0) throw new ResumesErrors.INVALID_CONTENT().withDetails(errors)
    const basics = doc.basics as { name?: unknown } | undefined
    const title = opts.title?.trim() || (typeof basics?.name === 'string' && basics.name.trim() ? `${basics.name.trim().slice(0, 190)} — CV` : 'Imported resume')
    const templateId = opts.template_id ?? 'classic'
    this.checkTemplate(templateId)
    return this.insert(userId, { title, content: doc, theme_config: this.themeConfig(templateId, undefined), is_public: false, slug: null })
  }

  /**
   * Set by the exports plugin's thumbnail job: not an edit (updated_at stays, no change is
   * told). `isPublic` is what the job rendered for (a public or a private key). Returns the
   * key it replaced, or undefined when the resume is gone or its visibility changed since
   * (that change queued another render).
   */
  async setThumbnail (id: string, key: string, isPublic: boolean): Promise<string | null | undefined> {
    const [row] = await this.db.fork().execute<{ old: string | null }[]>(
      `update resumes r set thumbnail_key = ? from (select id, thumbnail_key as old from resumes where id = ? and deleted_at is null and is_public = ? for update) o
        where r.id = o.id returning o.old`, [key, id, isPublic])
    return row ? row.old : undefined
  }

  private async insert (userId: string, data: { title: string, content: object, theme_config: object, is_public: boolean, slug: string | null }): Promise<Resume> {
    const created = await this.withSlugConflict(() => this.db.fork().transactional(async (em) => {
      // Locking the owner's row serialises this user's creations, so two parallel requests
      // cannot both pass the plan-limit count.
      await this.plans.reserve(em, userId, 'resumes', 'RESUMES', (em) => this.count(em, userId))
      const slug = data.is_public && !data.slug ? await this.freeSlug(em, slugify(data.title)) : data.slug
      const [row] = await em.execute<Row[]>(
        `insert into resumes (user_id, title, content, theme_config, is_public, slug) values (?, ?, ?, ?, ?, ?) returning ${COLUMNS}`,
        [userId, data.title, JSON.stringify(data.content), JSON.stringify(data.theme_config), data.is_public, slug])
      return row!
    }))
    this.changed(created.id, userId, [created.slug])
    return this.toResume(created)
  }

  private async toResume (row: Row): Promise<Resume> {
    const { user_id: _owner, thumbnail_key: key, ...rest } = row
    return { ...rest, template_id: String(row.theme_config.template_id ?? ''), thumbnail_url: await previewUrl(this.storage, key) }
  }

  private async row (em: EntityManager, userId: string, id: string, forUpdate = false): Promise<Row> {
    const [row] = await em.execute<Row[]>(
      `select ${COLUMNS} from resumes where id = ? and user_id = ? and deleted_at is null${forUpdate ? ' for update' : ''}`, [id, userId])
    if (!row) throw new ResumesErrors.NOT_FOUND()
    return row
  }

  private async count (em: EntityManager, userId: string): Promise<number> {
    const [row] = await em.execute<{ n: number }[]>('select count(*)::int as n from resumes where user_id = ? and deleted_at is null', [userId])
    return row?.n ?? 0
  }

  /** `base`, else `base-2`, `base-3`... the first not taken by a live resume. */
  private async freeSlug (em: EntityManager, base: string): Promise<string> {
    const taken = new Set((await em.execute<{ slug: string }[]>(
      "select slug from resumes where deleted_at is null and (slug = ? or slug like ? || '-%')", [base, base])).map((r) => r.slug))
    if (!taken.has(base)) return base
    for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`
  }

  private checkTemplate (templateId: string): void {
    if (!this.themes.supports(templateId, 'resume')) {
      throw new ResumesErrors.UNKNOWN_TEMPLATE(templateId).withDetails([{ path: '/template_id', message: 'is not an installed resume theme (see GET /themes)' }])
    }
  }

  private themeConfig (templateId: string, given: Record<string, unknown> | undefined): Record<string, unknown> {
    if (given === undefined) return { ...this.themes.defaults(templateId), template_id: templateId }
    const errors = this.themes.validateConfig(templateId, given)
    if (errors.length > 0) throw new ResumesErrors.INVALID_THEME_CONFIG().withDetails(errors)
    return { ...given, template_id: templateId }
  }

  private checkContent (content: unknown): void {
    const errors = validateResumeContent(content, '/content')
    if (errors.length > 0) throw new ResumesErrors.INVALID_CONTENT().withDetails(errors)
  }

  private checkSlug (slug: string | null | undefined): string | null {
    if (slug == null) return null
    if (RESERVED_NAMES.has(slug)) throw new ResumesErrors.SLUG_RESERVED(slug).withDetails([{ path: '/slug', message: 'is reserved' }])
    return slug
  }

  private async withSlugConflict<T> (fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) throw new ResumesErrors.SLUG_TAKEN().withDetails([{ path: '/slug', message: 'is taken' }])
      throw err
    }
  }
}
