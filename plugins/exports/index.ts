// Exports: resumes printed to PDF or PNG by Chromium (pg-boss `exports.render`), previews
// rendered after every change (`exports.thumbnail`), and the ATS check on the real PDF that
// the analysis uses (app.exports.atsCheck). Without Chromium the export routes answer 503
// with how to install it; the rest of the app runs.
import { createHash } from 'node:crypto'
import fp from 'fastify-plugin'
import { LRUCache } from 'lru-cache'
import type { AnalysisOutput } from '../ai/index.ts'
import { compare, pdfText, type AtsReport } from './ats.ts'
import { BrowserCrashed, BrowserPool } from './browser.ts'
import { fontServer, printHtml, renderPdf, type Paper } from './print.ts'
import exportRoutes from './routes.ts'
import { ExportSchema } from './schemas.ts'
import { ExportService } from './service.ts'
import { THUMBNAIL_DELAY_SECONDS, defineExportJob, defineThumbnailJob, type ThumbnailJob } from './worker.ts'

export type { AtsReport } from './ats.ts'

export interface Exports {
  service: ExportService
  pool: BrowserPool
  /** Prints the user's resume and reads it back the way an ATS would. Throws when Chromium is missing. */
  atsCheck (userId: string, resumeId: string, paper?: Paper): Promise<AtsReport>
  /**
   * For the analysis job: the ATS check as `metrics.pdf_ats` and its issues added to
   * `improvements`. Never throws: a failure (no Chromium) is recorded as `{error}`.
   */
  addPdfAtsCheck (userId: string, resumeId: string, output: AnalysisOutput): Promise<void>
}

declare module 'fastify' {
  interface FastifyInstance {
    exports: Exports
  }
}

/** Renders at once per process: one per core on the 2-core reference machine, plus one for previews. */
const EXPORT_CONCURRENCY = 2
const THUMBNAIL_CONCURRENCY = 1
const RENDER_TIMEOUT_MS = 30_000

export default fp(async (app) => {
  const { config } = app
  const service = new ExportService(app.db)
  const pool = new BrowserPool({
    executablePath: config.chromiumPath,
    maxPages: EXPORT_CONCURRENCY + THUMBNAIL_CONCURRENCY,
    timeoutMs: RENDER_TIMEOUT_MS,
    serve: fontServer(app),
    log: app.log
  })
  const available = pool.available
  if (!available) app.log.warn({ chromium: config.chromiumPath }, 'Chromium not found: PDF/PNG exports answer 503 and no thumbnails are rendered (apt-get install -y chromium, or set CHROMIUM_PATH)')

  // The check is a pure function of what is printed: a resume analysed again unchanged (with
  // another job description, say) reuses it, and identical checks running at once share one render.
  const reports = new LRUCache<string, Promise<AtsReport>>({ max: 500, ttl: 3_600_000 })
  const atsCheck = async (userId: string, resumeId: string, paper: Paper = 'A4'): Promise<AtsReport> => {
    const resume = await app.resumes.get(userId, resumeId)
    const target = { kind: 'resume' as const, title: resume.title, content: resume.content, theme_config: resume.theme_config }
    const { html, coverage } = printHtml(app, target)
    const key = createHash('sha256').update(paper).update('\0').update(html).update('\0').update(JSON.stringify(resume.content)).digest('base64url')
    let report = reports.get(key)
    if (!report) {
      report = (async () => {
        // A browser that dies under the check (OOM kill, crash) costs one more render on the
        // new browser the pool starts, not an analysis without its PDF reading.
        const { pdf, dom } = await renderPdf(pool, html, paper, true).catch((err: unknown) => {
          if (!(err instanceof BrowserCrashed)) throw err
          app.log.warn({ resume: resumeId }, 'chromium exited during the ATS check; checking again on a new browser')
          return renderPdf(pool, html, paper, true)
        })
        return compare(await pdfText(pdf), dom!, resume.content, coverage)
      })()
      reports.set(key, report)
      report.catch(() => reports.delete(key)) // a failure (a crashed browser) is not remembered
    }
    return structuredClone(await report)
  }
  const addPdfAtsCheck = async (userId: string, resumeId: string, output: AnalysisOutput): Promise<void> => {
    try {
      if (!pool.available) throw new Error(`Chromium is not installed at ${config.chromiumPath}`)
      const report = await atsCheck(userId, resumeId)
      output.metrics.pdf_ats = report
      output.improvements = [...output.improvements, ...report.issues.map((i) => `PDF: ${i}`)]
    } catch (err) {
      app.log.warn({ err, resume: resumeId }, 'ATS check of the PDF skipped')
      output.metrics.pdf_ats = { error: `The PDF could not be checked: ${(err as Error).message}` }
    }
  }
  app.decorate('exports', { service, pool, atsCheck, addPdfAtsCheck })
  // Every resume analysis also reads the printed PDF the way an ATS would.
  app.analysis.addStep(async (target, output) => {
    if (target.target_type === 'resume') await addPdfAtsCheck(target.user_id, target.target_id, output)
  })
  app.addSchema(ExportSchema)
  // Declared in every process: the API enqueues; workers run where ROLE says and Chromium exists.
  const render = defineExportJob(app, service, { pool, concurrency: EXPORT_CONCURRENCY, work: available })
  const thumbnails = defineThumbnailJob(app, { pool, concurrency: THUMBNAIL_CONCURRENCY, work: available })
  // An API-only process (ROLE=api) renders nothing itself: the workers' Chromium is what counts.
  await app.register(exportRoutes, { service, job: render, canRender: () => config.role === 'api' || pool.available })

  if (available && config.thumbnails) {
    // null: a job for this target is already waiting, and it will read the latest content.
    const enqueue = async (type: ThumbnailJob['type'], id: string, userId: string) => {
      await thumbnails.send({ type, id, user_id: userId }, { singletonKey: `${type}:${id}`, startAfter: THUMBNAIL_DELAY_SECONDS })
    }
    app.resumes.onChange((change) => enqueue('resume', change.id, change.user_id))
    app.portfolios.onChange((change) => enqueue('portfolio', change.id, change.user_id))
  }
  // A render still running when this closes fails, and pg-boss retries its job elsewhere or later.
  app.addHook('onClose', async () => { await pool.close() })
}, { name: 'exports', fastify: '5.x', dependencies: ['auth', 'resumes', 'portfolios', 'renderer', 'analysis'] })
