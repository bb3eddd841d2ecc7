// One Chromium per process, driven by playwright-core: launched on first use and kept warm,
// with a bounded set of reusable pages. A render that runs past its timeout loses its page;
// a browser that dies (crash, OOM kill) fails only the renders in flight — their jobs are
// retried by pg-boss — and the next render launches a new one. Nothing here can throw out of
// the worker: every failure is a rejected render.
import { accessSync, constants, readdirSync, readFileSync } from 'node:fs'
import { EventEmitter } from 'node:events'
import type { Browser, BrowserContext, Page, Route } from 'playwright-core'
import { CHROMIUM_ARGS } from '../../kernel/chromium.ts'

/** A4 at 96 dpi: the viewport a PNG or thumbnail of a resume is taken in. */
export const VIEWPORT = { width: 794, height: 1123 }

export interface PoolOptions {
  executablePath: string
  /** Pages kept open and renders run at once (more wait for a free page). */
  maxPages: number
  /** Per render: setContent, fonts, pdf/screenshot. */
  timeoutMs: number
  /** Answers a request the page makes; anything it leaves alone is aborted (no network). */
  serve: (url: URL) => { body: Buffer, contentType: string } | null
  log: { warn (obj: object, msg: string): void, info (obj: object, msg: string): void }
}

export class RenderTimeout extends Error { override name = 'RenderTimeout' }
export class BrowserUnavailable extends Error { override name = 'BrowserUnavailable' }
/** The browser (or the page's renderer process) died under a render: the next one gets a new browser. */
export class BrowserCrashed extends Error { override name = 'BrowserCrashed' }

/** True when CHROMIUM_PATH names an executable file. */
export function chromiumInstalled (path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

export class BrowserPool extends EventEmitter {
  private launching: Promise<Browser> | null = null
  private browserPid: number | null = null
  /** Renders that timed out in a row: a browser that stops answering is replaced. */
  private timeouts = 0
  /** One context per device scale factor (1 for PDF and PNG exports, less for thumbnails), with its idle pages. */
  private contexts = new Map<number, Promise<BrowserContext>>()
  private readonly idle = new Map<number, Page[]>()
  private readonly waiters: (() => void)[] = []
  private busy = 0
  private closed = false
  /** Launches so far (the first is not a restart). */
  launches = 0
  renders = 0

  private readonly opts: PoolOptions

  constructor (opts: PoolOptions) {
    super()
    this.opts = opts
  }

  get available (): boolean { return chromiumInstalled(this.opts.executablePath) }

  /** Runs `fn` on a warm page; the page goes back to the pool only if the render succeeded. */
  async withPage<T> (fn: (page: Page) => Promise<T>, scale = 1): Promise<T> {
    if (this.closed) throw new BrowserUnavailable('the browser pool is closed')
    await this.slot()
    let page: Page | null = null
    let reusable = false
    let timer: NodeJS.Timeout | undefined
    try {
      page = await this.page(scale)
      this.emit('render', page)
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new RenderTimeout(`the render took longer than ${this.opts.timeoutMs} ms`)), this.opts.timeoutMs)
      })
      let result: T
      try {
        result = await Promise.race([fn(page), timeout])
      } catch (err) {
        if (err instanceof RenderTimeout && ++this.timeouts >= 2) this.restart('two renders in a row timed out')
        // Playwright reports a killed browser as "Target page, context or browser has been
        // closed" from whichever call was waiting; callers want to know it was the browser,
        // not the document, so they can try once more on a fresh one.
        if (!(err instanceof RenderTimeout) && (page.isClosed() || !page.context().browser()?.isConnected())) {
          throw new BrowserCrashed('the browser exited during the render', { cause: err })
        }
        throw err
      }
      this.timeouts = 0
      reusable = !page.isClosed()
      this.renders++
      return result
    } finally {
      clearTimeout(timer)
      if (page && reusable && !this.closed && page.context().browser()?.isConnected()) this.idleOf(scale).push(page)
      else if (page) void page.close().catch(() => {})
      this.release()
    }
  }

  /** The pid of the running browser (tests kill it), or null. */
  async pid (): Promise<number | null> {
    if (!this.launching) return null
    await this.launching.catch(() => null)
    return this.browserPid
  }

  /** Drops the current browser; renders in flight fail (and are retried), the next one launches anew. */
  private restart (reason: string): void {
    const launching = this.launching
    this.launching = null
    this.contexts = new Map()
    this.idle.clear()
    this.timeouts = 0
    this.opts.log.warn({ reason, pid: this.browserPid }, 'restarting chromium')
    void launching?.then((b) => b.close()).catch(() => {})
  }

  async close (): Promise<void> {
    this.closed = true
    const launching = this.launching
    this.launching = null
    this.idle.clear()
    this.contexts.clear()
    const browser = await launching?.catch(() => null)
    await browser?.close().catch(() => {})
  }

  private async slot (): Promise<void> {
    if (this.busy < this.opts.maxPages) { this.busy++; return }
    await new Promise<void>((resolve) => this.waiters.push(resolve))
  }

  private release (): void {
    const next = this.waiters.shift()
    if (next) next() // the slot passes straight to the next render
    else this.busy--
  }

  private idleOf (scale: number): Page[] {
    let list = this.idle.get(scale)
    if (!list) { list = []; this.idle.set(scale, list) }
    return list
  }

  private async page (scale: number): Promise<Page> {
    const idle = this.idleOf(scale)
    while (idle.length > 0) {
      const page = idle.pop()!
      if (!page.isClosed() && page.context().browser()?.isConnected()) return page
    }
    const context = await this.context(scale)
    const page = await context.newPage()
    page.setDefaultTimeout(this.opts.timeoutMs)
    page.on('crash', () => { void page.close().catch(() => {}) })
    // Every request is answered from memory or disk, or refused: a printed page never
    // reaches the network (a photo URL, a tracker in user content, an internal address).
    await page.route('**/*', (route: Route) => this.answer(route))
    return page
  }

  private async answer (route: Route): Promise<void> {
    let found: ReturnType<PoolOptions['serve']> = null
    try { found = this.opts.serve(new URL(route.request().url())) } catch { found = null }
    if (found) await route.fulfill({ status: 200, body: found.body, contentType: found.contentType }).catch(() => {})
    else await route.abort('blockedbyclient').catch(() => {})
  }

  private async context (scale: number): Promise<BrowserContext> {
    const browser = await this.browser()
    let context = this.contexts.get(scale)
    if (!context) {
      context = browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: scale })
      context.catch(() => this.contexts.delete(scale))
      this.contexts.set(scale, context)
    }
    return context
  }

  private browser (): Promise<Browser> {
    this.launching ??= this.launch()
    return this.launching
  }

  private launch (): Promise<Browser> {
    const started = Date.now()
    const attempt = (async () => {
      // Imported on first use: loading playwright-core takes about a second, which every app
      // start (the API, tests, the CLI) would otherwise pay without ever printing anything.
      const { chromium } = await import('playwright-core')
      const before = new Set(childPids())
      const browser = await chromium.launch({ executablePath: this.opts.executablePath, args: CHROMIUM_ARGS, timeout: 30_000 })
      // playwright-core does not expose the process of a launched browser; find our new child.
      const pid = childPids().find((p) => !before.has(p) && isDevtoolsBrowser(p))
      this.browserPid = pid ?? null
      browser.on('disconnected', () => {
        // Forget it so the next render launches a fresh one; renders in flight reject on their own.
        if (this.launching === attempt) {
          this.launching = null
          this.contexts = new Map()
          this.idle.clear()
        }
        if (!this.closed) this.opts.log.warn({ pid }, 'chromium exited; the next render starts a new one')
      })
      this.launches++
      this.opts.log.info({ pid, ms: Date.now() - started, launches: this.launches }, 'chromium started')
      return browser
    })()
    attempt.catch(() => { if (this.launching === attempt) this.launching = null })
    return attempt
  }
}

/** Pids of this process's children (Linux /proc; elsewhere empty, and pid() gives null). */
function childPids (): number[] {
  try {
    const me = process.pid
    const out: number[] = []
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
        if (ppid === me) out.push(Number(name))
      } catch { /* gone */ }
    }
    return out
  } catch {
    return []
  }
}

/** Chromium started by playwright (it talks over a pipe), not a pdftotext spawned meanwhile. */
function isDevtoolsBrowser (pid: number): boolean {
  try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--remote-debugging-pipe') } catch { return false }
}
