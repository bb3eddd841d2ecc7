// Parsing untrusted files away from the worker's event loop: each parse runs in a worker
// thread with a heap cap and a time limit. A thread that runs over its time or memory is
// terminated (and replaced on the next parse), so a pathological file costs one job, never
// the process. Threads are kept warm between jobs: loading pdfjs costs more than a page.
import { Worker } from 'node:worker_threads'
import { ParseFailure, type FailureCode } from './failure.ts'
import type { FileKind } from './parser.ts'
import type { ParseResult } from './result.ts'

export interface SandboxOptions { timeoutMs: number, maxHeapMb: number }

/**
 * Heap of one parser thread: a resume needs a few MB; a hostile file is stopped here. The
 * thread itself needs more to start: on Node 24, booting it (pdfjs) peaks at ~170 MB,
 * where Node 20 got by with less than 128 MB, and a thread that reaches its cap while
 * starting aborts the whole process rather than itself (V8 enforces the cap best-effort:
 * nodejs/node#47224).
 */
export const THREAD_HEAP_MB = 256
type Progress = (progress: number, step: string) => void

// Node strips the thread's types itself, as it does the parent's: no loader to register.
const THREAD = new URL('./thread.ts', import.meta.url)

class ParserThread {
  private worker: Worker | null = null
  private ready: Promise<void> | null = null
  private seq = 0
  closing = false

  private readonly options: SandboxOptions

  constructor (options: SandboxOptions) {
    this.options = options
  }

  private start (): Promise<void> {
    this.ready ??= new Promise<void>((resolve, reject) => {
      const worker = new Worker(THREAD, { resourceLimits: { maxOldGenerationSizeMb: this.options.maxHeapMb } })
      worker.unref()
      this.worker = worker
      const onBoot = (m: { ready?: boolean }) => { if (m.ready) { worker.off('message', onBoot); resolve() } }
      worker.on('message', onBoot)
      worker.once('error', reject)
      worker.once('exit', () => { if (this.worker === worker) { this.worker = null; this.ready = null } })
    })
    return this.ready
  }

  async run (kind: FileKind, bytes: Buffer, onProgress?: Progress): Promise<ParseResult> {
    await this.start()
    const worker = this.worker!
    const id = ++this.seq
    return new Promise<ParseResult>((resolve, reject) => {
      const done = (fn: () => void) => { clearTimeout(timer); worker.off('message', onMessage); worker.off('exit', onExit); worker.off('error', onError); fn() }
      const kill = (code: FailureCode) => done(() => { void this.stop(); reject(new ParseFailure(code)) })
      const timer = setTimeout(() => kill('TIMEOUT'), this.options.timeoutMs)
      const onMessage = (m: { id?: number, result?: ParseResult, failure?: { code: FailureCode, message: string }, progress?: number, step?: string }) => {
        if (m.id !== id) return
        if (m.progress !== undefined) { onProgress?.(m.progress, m.step ?? ''); return }
        if (m.failure) { const f = new ParseFailure(m.failure.code); f.message = m.failure.message; done(() => reject(f)); return }
        done(() => resolve(m.result!))
      }
      const onError = (err: Error & { code?: string }) => kill(err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'TOO_COMPLEX' : 'CORRUPT')
      // Stopped by close() (shutdown) is not the file's fault: a plain error, so pg-boss retries the job.
      const onExit = () => (this.closing ? done(() => reject(new Error('the parser was stopped'))) : kill('TOO_COMPLEX'))
      worker.on('message', onMessage)
      worker.on('error', onError)
      worker.on('exit', onExit)
      const copy = new Uint8Array(bytes) // transferred, so the caller's buffer stays intact
      worker.postMessage({ id, kind, bytes: copy }, [copy.buffer])
    })
  }

  async stop (): Promise<void> {
    const worker = this.worker
    this.worker = null
    this.ready = null
    await worker?.terminate()
  }
}

/** A fixed number of warm threads; a parse waits for a free one. */
export class ParserPool {
  private readonly idle: ParserThread[]
  private readonly waiting: ((t: ParserThread) => void)[] = []
  private readonly all: ParserThread[]

  constructor (size: number, options: SandboxOptions) {
    this.all = Array.from({ length: size }, () => new ParserThread(options))
    this.idle = [...this.all]
  }

  async parse (kind: FileKind, bytes: Buffer, onProgress?: Progress): Promise<ParseResult> {
    const thread = this.idle.pop() ?? await new Promise<ParserThread>((resolve) => this.waiting.push(resolve))
    try {
      return await thread.run(kind, bytes, onProgress)
    } finally {
      const next = this.waiting.shift()
      if (next) next(thread)
      else this.idle.push(thread)
    }
  }

  async close (): Promise<void> {
    for (const t of this.all) t.closing = true
    await Promise.all(this.all.map((t) => t.stop()))
  }
}
