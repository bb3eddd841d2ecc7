// CPU work off the event loop that serves requests: a warm worker thread, started from a module
// URL, with a heap cap and a time limit per call. A call that runs over either, or a thread that
// dies, fails that call only: the thread is terminated and the next call starts a new one.
// The module run in the thread calls serve(handler); calls are answered one at a time, in order.
import { parentPort, Worker } from 'node:worker_threads'
import { PublicError } from './errors.ts'

export interface ThreadOptions {
  /** Used in the failure messages, which are stored and shown: "the analysis took longer than 30 s". */
  name: string
  timeoutMs: number
  /**
   * V8's old-generation cap. Leave room for the module's own start: a thread that reaches its cap
   * while starting aborts the whole process, not itself (V8 enforces the cap best-effort,
   * nodejs/node#47224).
   */
  maxHeapMb: number
  /**
   * Stop the thread after this long without a call (its heap goes with it); the next call
   * starts it again. Unset: the thread stays warm until close().
   */
  idleMs?: number
}

export type ThreadFailureKind = 'timeout' | 'out-of-memory' | 'crashed' | 'stopped'

/** A readable message (it ends up on rows users see); what went wrong inside, if anything, is the cause. */
export class ThreadFailure extends PublicError {
  readonly kind: ThreadFailureKind
  constructor (kind: ThreadFailureKind, message: string, cause?: unknown) {
    super(message, { cause })
    this.name = 'ThreadFailure'
    this.kind = kind
  }
}

interface Reply { ready?: boolean, id?: number, event?: unknown, result?: unknown, error?: string }

export class WarmThread<Request, Result, Event = unknown> {
  private readonly url: URL
  private readonly options: ThreadOptions
  private worker: Worker | null = null
  private booting: Promise<Worker> | null = null
  private queue: Promise<unknown> = Promise.resolve()
  private seq = 0
  private closed = false
  private pending = 0
  private idleTimer: NodeJS.Timeout | null = null

  constructor (url: URL, options: ThreadOptions) {
    this.url = url
    this.options = options
  }

  call (request: Request, { onEvent, signal }: { onEvent?: (event: Event) => void, signal?: AbortSignal } = {}): Promise<Result> {
    this.pending++
    if (this.idleTimer) { clearTimeout(this.idleTimer); this.idleTimer = null }
    const run = this.queue.then(() => this.run(request, onEvent, signal))
    this.queue = run.catch(() => {}).then(() => this.settled())
    return run
  }

  private settled (): void {
    if (--this.pending > 0 || this.options.idleMs === undefined || this.closed) return
    this.idleTimer = setTimeout(() => { this.idleTimer = null; if (this.pending === 0) void this.stop() }, this.options.idleMs).unref()
  }

  /** Whether a thread is running (started, and not stopped since). */
  get running (): boolean {
    return this.worker !== null
  }

  async close (): Promise<void> {
    if (this.idleTimer) { clearTimeout(this.idleTimer); this.idleTimer = null }
    this.closed = true
    await this.stop()
  }

  private failure (err: unknown): ThreadFailure {
    const { name, maxHeapMb } = this.options
    if ((err as { code?: string })?.code === 'ERR_WORKER_OUT_OF_MEMORY') return new ThreadFailure('out-of-memory', `${name} needed more than ${maxHeapMb} MB of memory and was stopped`, err)
    if (this.closed) return new ThreadFailure('stopped', `${name} was stopped: the server is shutting down`, err)
    return new ThreadFailure('crashed', `${name} stopped unexpectedly`, err)
  }

  private start (): Promise<Worker> {
    this.booting ??= new Promise<Worker>((resolve, reject) => {
      const worker = new Worker(this.url, { resourceLimits: { maxOldGenerationSizeMb: this.options.maxHeapMb } })
      worker.unref() // a warm thread must not keep the process alive
      this.worker = worker
      const done = () => { worker.off('message', onMessage); worker.off('error', onError); worker.off('exit', onExit) }
      const onMessage = (m: Reply) => { if (m?.ready) { done(); resolve(worker) } }
      const onError = (err: Error) => { done(); void this.stop(worker); reject(this.failure(err)) }
      const onExit = () => { done(); void this.stop(worker); reject(this.failure(undefined)) }
      worker.on('message', onMessage)
      worker.on('error', onError)
      worker.on('exit', onExit)
    })
    return this.booting
  }

  private async stop (which: Worker | null = this.worker): Promise<void> {
    if (!which || which !== this.worker) return
    this.worker = null
    this.booting = null
    await which.terminate()
  }

  private async run (request: Request, onEvent: ((event: Event) => void) | undefined, signal: AbortSignal | undefined): Promise<Result> {
    signal?.throwIfAborted()
    if (this.closed) throw this.failure(undefined)
    const worker = await this.start()
    const id = ++this.seq
    const { name, timeoutMs } = this.options
    return new Promise<Result>((resolve, reject) => {
      const finish = (fn: () => void) => {
        clearTimeout(timer)
        signal?.removeEventListener('abort', onAbort)
        worker.off('message', onMessage); worker.off('error', onError); worker.off('exit', onExit)
        fn()
      }
      // The thread may be anywhere in the work: only terminating it stops it.
      const kill = (err: unknown) => finish(() => { void this.stop(worker); reject(err) })
      const timer = setTimeout(() => kill(new ThreadFailure('timeout', `${name} took longer than ${timeoutMs / 1000} s and was stopped`)), timeoutMs)
      const onAbort = () => kill(signal!.reason)
      const onMessage = (m: Reply) => {
        if (m?.id !== id) return
        if ('event' in m) { onEvent?.(m.event as Event); return }
        if (m.error !== undefined) finish(() => reject(new Error(m.error)))
        else finish(() => resolve(m.result as Result))
      }
      const onError = (err: Error) => kill(this.failure(err))
      const onExit = () => kill(this.failure(undefined))
      signal?.addEventListener('abort', onAbort, { once: true })
      worker.on('message', onMessage)
      worker.on('error', onError)
      worker.on('exit', onExit)
      worker.postMessage({ id, request })
    })
  }
}

/**
 * The thread's side: answers each call with handler's result, or its error's message (only the
 * message crosses: no stack). `emit` sends events (progress) to the caller's onEvent.
 */
export function serve<Request, Result, Event = unknown> (handler: (request: Request, emit: (event: Event) => void) => Promise<Result>): void {
  const port = parentPort
  if (!port) throw new Error('serve() runs inside a worker thread (WarmThread)')
  port.on('message', async ({ id, request }: { id: number, request: Request }) => {
    try {
      const result = await handler(request, (event) => port.postMessage({ id, event }))
      port.postMessage({ id, result })
    } catch (err) {
      port.postMessage({ id, error: (err as Error)?.message || String(err) })
    }
  })
  port.postMessage({ ready: true })
}
