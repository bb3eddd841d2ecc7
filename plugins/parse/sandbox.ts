// Parsing untrusted files away from the server: each parse runs in a child process
// (child.ts) that this, the parent, watches and kills. A worker thread could not be bounded:
// its resource limits count the JS heap only, never ArrayBuffers, native or WebAssembly
// memory, where decoded images and inflated streams live. So the parent reads the child's
// resident memory (VmRSS, Linux's /proc) while a file is parsed and sends SIGKILL past the
// memory or the time limit; the job fails with PARSE_TOO_COMPLEX or PARSE_TIMEOUT and the
// next parse starts a fresh process. A pathological file costs one job, never the server.
// Processes are kept warm between jobs: loading pdfjs and mammoth costs more than a page.
import { fork, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { FAILURE_MESSAGES, ParseFailure, type FailureCode } from './failure.ts'
import type { FileKind } from './parser.ts'
import type { ParseResult } from './result.ts'

export interface SandboxOptions {
  timeoutMs: number
  /** Resident memory one parser process may reach; its JS heap is capped at half of it. */
  memoryMb: number
  /** The module the process runs (child.ts); a test swaps in one that misbehaves on request. */
  entry?: URL
}

/** How often a parsing process's memory is read: a decode that outgrows the limit is stopped within this. */
export const WATCH_INTERVAL_MS = 50
/** Starting a process (loading pdfjs and mammoth) takes ~1 s; past this it is the machine's problem, not the file's. */
const BOOT_TIMEOUT_MS = 60_000
const CHILD = new URL('./child.ts', import.meta.url)
type Progress = (progress: number, step: string) => void

/** Resident memory of a process in bytes; null where /proc is not there to read. */
export function residentBytes (pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'))
    return m ? Number(m[1]) * 1024 : null
  } catch {
    return null
  }
}

class ParserProcess {
  private child: ChildProcess | null = null
  private ready: Promise<ChildProcess> | null = null
  private seq = 0
  closing = false

  private readonly options: SandboxOptions

  constructor (options: SandboxOptions) {
    this.options = options
  }

  private start (): Promise<ChildProcess> {
    this.ready ??= new Promise<ChildProcess>((resolve, reject) => {
      const heapMb = Math.floor(this.options.memoryMb / 2)
      // No environment: the process needs none, and the server's secrets stay out of its reach.
      const child = fork(fileURLToPath(this.options.entry ?? CHILD), [], {
        execArgv: [`--max-old-space-size=${heapMb}`], env: {}, stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'json'
      })
      this.child = child
      const timer = setTimeout(() => { this.kill(child); reject(new Error('the parser process did not start')) }, BOOT_TIMEOUT_MS)
      const onBoot = (m: { ready?: boolean }) => { if (m?.ready) { child.off('message', onBoot); clearTimeout(timer); resolve(child) } }
      child.on('message', onBoot)
      // Persistent: a child process emits 'error' for a failed kill or send too, and an unheard one would throw.
      child.on('error', (err) => { clearTimeout(timer); this.kill(child); reject(err) })
      child.once('exit', (code, signal) => {
        clearTimeout(timer)
        this.forget(child)
        reject(new Error(`the parser process ended while starting (${signal ?? `exit code ${code}`})`))
      })
      // An idle process must not keep the server alive; a parse's own timer does while it runs.
      child.unref()
      child.channel?.unref()
    })
    return this.ready
  }

  async run (kind: FileKind, bytes: Buffer, onProgress?: Progress): Promise<ParseResult> {
    let child = await this.start()
    if (!child.connected) { this.forget(child); child = await this.start() }
    const id = ++this.seq
    const { timeoutMs, memoryMb } = this.options
    return new Promise<ParseResult>((resolve, reject) => {
      const done = (fn: () => void) => { clearTimeout(timer); clearInterval(watch); child.off('message', onMessage); child.off('exit', onExit); fn() }
      const kill = (code: FailureCode, detail?: string) => done(() => { this.kill(child); reject(new ParseFailure(code, detail)) })
      const timer = setTimeout(() => kill('TIMEOUT', `over ${timeoutMs / 1000} s`), timeoutMs)
      const watch = setInterval(() => {
        const rss = residentBytes(child.pid!)
        if (rss !== null && rss > memoryMb * 1024 * 1024) kill('TOO_COMPLEX', `over ${memoryMb} MB`)
      }, WATCH_INTERVAL_MS)
      const onMessage = (m: unknown) => {
        const answer = fromChild(m, id)
        if (!answer) return
        if ('progress' in answer) { onProgress?.(answer.progress, answer.step); return }
        if ('failure' in answer) { done(() => reject(answer.failure)); return }
        done(() => resolve(answer.result))
      }
      // Stopped by close() (shutdown) is not the file's fault: a plain error, so pg-boss retries the job.
      const onExit = (code: number | null, signal: string | null) => (this.closing
        ? done(() => reject(new Error('the parser was stopped')))
        : kill('TOO_COMPLEX', `the parser process ended: ${signal ?? `exit code ${code}`}`))
      child.on('message', onMessage)
      child.on('exit', onExit)
      child.send({ id, kind, bytes: bytes.toString('base64') }, () => { /* a dead channel shows as the exit above */ })
    })
  }

  private forget (child: ChildProcess): void {
    if (this.child !== child) return
    this.child = null
    this.ready = null
  }

  private kill (child: ChildProcess): void {
    this.forget(child)
    child.kill('SIGKILL')
  }

  async stop (): Promise<void> {
    const child = this.child
    if (!child) return
    const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', resolve))
    child.ref() // so that the wait for its exit holds the event loop
    this.kill(child)
    await exited
  }
}

type Answer = { progress: number, step: string } | { failure: ParseFailure } | { result: ParseResult }

/**
 * What the child said about job `id`, checked: the process has just read a hostile file, so
 * only a known failure code, a bounded message and a result of the right shape get through.
 */
function fromChild (m: unknown, id: number): Answer | null {
  if (typeof m !== 'object' || m === null || (m as { id?: unknown }).id !== id) return null
  const { progress, step, failure, result } = m as Record<string, unknown>
  if (typeof progress === 'number') return { progress, step: typeof step === 'string' ? step.slice(0, 200) : '' }
  if (typeof failure === 'object' && failure !== null) {
    const { code, message } = failure as Record<string, unknown>
    const known = typeof code === 'string' && Object.hasOwn(FAILURE_MESSAGES, code)
    const f = new ParseFailure(known ? code as FailureCode : 'CORRUPT')
    if (known && typeof message === 'string') f.message = message.slice(0, 1000)
    return { failure: f }
  }
  const r = result as Partial<ParseResult> | undefined
  if (r && isRecord(r.draft) && isRecord(r.confidence) && Object.values(r.confidence).every((c) => typeof c === 'number') &&
    Array.isArray(r.warnings) && r.warnings.every((w) => typeof w === 'string') && (r.text === undefined || typeof r.text === 'string')) {
    return { result: r as ParseResult }
  }
  return { failure: new ParseFailure('CORRUPT', 'the parser answered with something else than a result') }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** A fixed number of warm processes; a parse waits for a free one. */
export class ParserPool {
  private readonly idle: ParserProcess[]
  private readonly waiting: ((p: ParserProcess) => void)[] = []
  private readonly all: ParserProcess[]

  constructor (size: number, options: SandboxOptions) {
    this.all = Array.from({ length: size }, () => new ParserProcess(options))
    this.idle = [...this.all]
  }

  async parse (kind: FileKind, bytes: Buffer, onProgress?: Progress): Promise<ParseResult> {
    const parser = this.idle.pop() ?? await new Promise<ParserProcess>((resolve) => this.waiting.push(resolve))
    try {
      return await parser.run(kind, bytes, onProgress)
    } finally {
      const next = this.waiting.shift()
      if (next) next(parser)
      else this.idle.push(parser)
    }
  }

  async close (): Promise<void> {
    for (const p of this.all) p.closing = true
    await Promise.all(this.all.map((p) => p.stop()))
  }
}
