// The jobs: `exports.render` prints one export (PDF or PNG) and stores it privately;
// `exports.thumbnail` renders a resume's or portfolio's preview after a change. A failed
// attempt (a crashed browser, a timeout) throws, so app.jobs retries it; the worker lives on.
import { createHash } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { JobRefused } from '../../kernel/errors.ts'
import type { JobContext, JobHandle, TrackedHandle } from '../../kernel/jobs.ts'
import { PRIVATE_PREFIX } from '../../kernel/storage/index.ts'
import type { BrowserPool } from './browser.ts'
import { ExportsErrors } from './errors.ts'
import { THUMBNAIL_SCALE, pdfPageCount, printHtml, renderPdf, renderPng, type Printable } from './print.ts'
import type { ExportService } from './service.ts'

export const EXPORT_QUEUE = 'exports.render'
export const THUMBNAIL_QUEUE = 'exports.thumbnail'
/** A change waits this long before its thumbnail renders; changes in between join that job. */
export const THUMBNAIL_DELAY_SECONDS = 2

export interface ExportJob { export_id: string }
export interface ThumbnailJob { type: 'resume' | 'portfolio', id: string, user_id: string }

const isNotFound = (err: unknown) => (err as { statusCode?: number }).statusCode === 404

interface Workers { pool: BrowserPool, concurrency: number, work: boolean }

export function defineExportJob (app: FastifyInstance, service: ExportService, w: Workers): TrackedHandle<ExportJob> {
  return app.jobs.define({
    queue: EXPORT_QUEUE,
    options: { retryLimit: 3, retryDelay: 1, expireInSeconds: 60 },
    concurrency: w.concurrency,
    work: w.work,
    table: service.rows,
    rowId: (data: ExportJob) => data.export_id,
    messages: {
      retrying: () => 'The export failed on the server; trying again',
      failed: (n) => `The export failed on the server (${n} attempts)`
    },
    enqueueFailed: { error: () => new ExportsErrors.ENQUEUE_FAILED(), message: 'The export could not be queued' },
    run: async ({ row, log }) => {
      let resume
      try {
        resume = await app.resumes.get(row.user_id, row.resume_id)
      } catch (err) {
        if (isNotFound(err)) throw new JobRefused('The resume was deleted before it could be exported')
        throw err
      }
      const { html, coverage } = printHtml(app, { kind: 'resume', title: resume.title, content: resume.content, theme_config: resume.theme_config })
      const pdf = row.format === 'pdf' ? (await renderPdf(w.pool, html, row.paper)).pdf : null
      const body = pdf ?? await renderPng(w.pool, html, 'resume')
      const key = `private/exports/${row.user_id}/${row.id}.${row.format}`
      await app.storage.put(key, body, pdf ? 'application/pdf' : 'image/png')
      await service.complete(row.id, { storage_key: key, bytes: body.length, pages: pdf ? pdfPageCount(pdf) : null, font_coverage: coverage })
      log.info({ bytes: body.length, format: row.format }, 'export completed')
    }
  })
}

/** stately: at most one queued and one running job per singleton key (the target), so edits in a burst render once or twice, never pile up. */
export function defineThumbnailJob (app: FastifyInstance, w: Workers): JobHandle<ThumbnailJob> {
  return app.jobs.define({
    queue: THUMBNAIL_QUEUE,
    options: { policy: 'stately', retryLimit: 2, retryDelay: 5, expireInSeconds: 60 },
    concurrency: w.concurrency,
    pollingIntervalSeconds: 1,
    work: w.work,
    run: async ({ data }: JobContext<ThumbnailJob, null>) => {
      const { type, id, user_id: userId } = data ?? {}
      if ((type !== 'resume' && type !== 'portfolio') || typeof id !== 'string' || typeof userId !== 'string') return
      let target: Printable
      let visible: boolean
      try {
        const t = type === 'resume' ? await app.resumes.get(userId, id) : await app.portfolios.get(userId, id)
        target = { kind: type, title: t.title, content: t.content, theme_config: t.theme_config }
        visible = 'is_public' in t ? t.is_public : t.is_published
      } catch (err) {
        if (isNotFound(err)) return // deleted since: nothing to preview
        throw err
      }
      const png = await renderPng(w.pool, printHtml(app, target).html, type, THUMBNAIL_SCALE)
      // A new key per image: a CDN or browser never shows an old preview under a new URL.
      const name = `thumbnails/${type}s/${id}/${createHash('sha256').update(png).digest('hex').slice(0, 20)}.png`
      // A preview shows contact details: a private resume's or unpublished portfolio's is private.
      const key = visible ? name : PRIVATE_PREFIX + name
      await app.storage.put(key, png, 'image/png')
      const old = type === 'resume' ? await app.resumes.setThumbnail(id, key, visible) : await app.portfolios.setThumbnail(id, key, visible)
      if (old === undefined) await app.storage.delete(key) // gone or made (un)public meanwhile
      else if (old && old !== key) await app.storage.delete(old).catch(() => {})
    }
  })
}
