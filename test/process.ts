// Starts the real server or CLI as a child process, the way README tells a user to.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

/** Only what a process needs from ours, so no stray DATABASE_URL etc. leaks into a test. */
function baseEnv (): Record<string, string> {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG']
  return Object.fromEntries(keep.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]!]))
}

export interface RunResult { code: number | null, stdout: string, stderr: string }

export function runCli (args: string[], env: Record<string, string>, timeoutMs = 60_000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['kernel/cli.ts', ...args], { cwd: ROOT, env: { ...baseEnv(), ...env } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => { stdout += d })
    child.stderr.on('data', (d) => { stderr += d })
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`cli ${args.join(' ')} timed out: ${stderr}`)) }, timeoutMs)
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }) })
  })
}

export interface ServerProcess {
  url: string
  child: ChildProcess
  output (): string
  /** Sends SIGTERM and resolves with the exit code (null: still running after 30 s). */
  stop (signal?: NodeJS.Signals): Promise<number | null>
  /** SIGKILL to the server (and, started through npm, to its whole process group). */
  kill (): void
}

/** `npm start`'s node arguments (package.json: "exec node <flags> kernel/server.ts"). */
export function startArgs (): string[] {
  const start = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start.split(/\s+/)
  return start.slice(start.indexOf('node') + 1)
}

export function startServer (env: Record<string, string>, timeoutMs = 60_000, { npm = false, uid, gid, cwd = ROOT }: { npm?: boolean, uid?: number, gid?: number, cwd?: string } = {}): Promise<ServerProcess> {
  return new Promise((resolve, reject) => {
    // `npm start` itself (README's command: npm relays the signal, the script execs node), in
    // a process group of its own so a failed test can kill all of it; otherwise node itself on
    // the TypeScript entry point, as the Dockerfile runs it.
    let [cmd, args] = npm ? ['npm', ['start']] : [process.execPath, startArgs()]
    // tap's process tracking (NODE_OPTIONS) writes into .tap/ at exit, which another user may not.
    if (uid !== undefined) [cmd, args] = ['env', ['-u', 'NODE_OPTIONS', cmd, ...args]]
    const child = spawn(cmd, args, { cwd, detached: npm, uid, gid, env: { ...baseEnv(), PORT: '0', LOG_LEVEL: 'info', ...env } })
    let out = ''
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    const kill = () => {
      try {
        if (npm) process.kill(-child.pid!, 'SIGKILL')
        else child.kill('SIGKILL')
      } catch { /* gone already */ }
    }
    const timer = setTimeout(() => { kill(); reject(new Error(`server did not start:\n${out}`)) }, timeoutMs)
    const onData = (d: Buffer) => {
      out += d
      const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        child.stdout!.off('data', onData)
        child.stdout!.on('data', (more) => { out += more })
        resolve({
          url: m[1]!,
          child,
          output: () => out,
          async stop (signal = 'SIGTERM') {
            child.kill(signal)
            // null when it has not exited within 30 s (the test then fails on that, not on tap's timeout)
            return Promise.race([exited, new Promise<null>((resolve) => setTimeout(resolve, 30_000, null).unref())])
          },
          kill
        })
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', (d) => { out += d })
    exited.then((code) => { clearTimeout(timer); reject(new Error(`server exited with ${code} before listening:\n${out}`)) })
  })
}

/**
 * Stops an embedded PostgreSQL a test left running (its cvgen process was killed with -9):
 * the server runs detached from cvgen's process group, so killing that group spares it.
 */
export async function stopEmbeddedPostgres (dataDir: string): Promise<void> {
  let pid: number
  try { pid = Number(readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]) } catch { return }
  try { process.kill(pid, 'SIGQUIT') } catch { return }
  for (let i = 0; i < 100; i++) {
    try { process.kill(pid, 0) } catch { return }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** The pid of the embedded PostgreSQL running on dataDir, or null. */
export function embeddedPostgresPid (dataDir: string): number | null {
  try {
    const pid = Number(readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0])
    process.kill(pid, 0)
    return pid
  } catch {
    return null
  }
}

/** timeoutMs: give up (reject) when no answer has come by then; unset: wait. */
export async function http (base: string, method: string, path: string, body?: unknown, token?: string, timeoutMs?: number) {
  const res = await fetch(base + path, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
    signal: timeoutMs ? AbortSignal.timeout(timeoutMs) : undefined
  })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : null }
}

/** SIGKILLs a process we started and its descendants (Chromium, a parse child), by pid: a real crash. */
export function killTree (pid: number): void {
  let children: number[] = []
  try { children = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).split(/\s+/).filter(Boolean).map(Number) } catch {}
  for (const c of children) killTree(c)
  try { process.kill(pid, 'SIGKILL') } catch {}
}
