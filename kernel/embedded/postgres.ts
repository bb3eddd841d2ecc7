// Drives the embedded PostgreSQL binaries: initdb once, then `postgres` as a detached
// process (its own session, so a Ctrl-C or a signal to cvgen's process group never reaches
// it: cvgen stops it itself, after the app has drained). Its output goes to
// DATA_DIR/postgres.log; a failure is reported as the one line of that log that says why.
import { spawn, type SpawnOptions } from 'node:child_process'
import { chownSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import pg from 'pg'
import { StartupError } from '../startup-error.ts'
import { EMBEDDED_MAJOR, oneLine, type Binaries, type RunAs } from './binaries.ts'
import type { Listen } from './owner-lock.ts'
import { pidAlive } from './processes.ts'

export interface Layout {
  dataDir: string
  /** PostgreSQL's data folder. */
  pgdata: string
  /** The unix socket's folder. */
  run: string
  log: string
  lock: string
  /** The loopback port, kept across restarts, when the socket path is too long. */
  port: string
}

export function layout (dataDir: string): Layout {
  return {
    dataDir,
    pgdata: join(dataDir, 'postgres'),
    run: join(dataDir, 'run'),
    log: join(dataDir, 'postgres.log'),
    lock: join(dataDir, 'postgres.lock'),
    port: join(dataDir, 'postgres.port')
  }
}

export const SUPERUSER = 'postgres'
const SOCKET_PORT = 5432
// sun_path holds 108 bytes on Linux and 104 on macOS, the terminating NUL included.
const MAX_SOCKET_PATH = process.platform === 'darwin' ? 103 : 107
const LOG_KEEP_BYTES = 10 * 1024 * 1024

function run (cmd: string, args: string[], options: SpawnOptions): Promise<{ code: number | null, output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout!.on('data', (d) => { output += d })
    child.stderr!.on('data', (d) => { output += d })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, output }))
  })
}

function as (user: RunAs | null, dataDir: string): SpawnOptions {
  // cwd DATA_DIR: the postgres user may not be able to enter ours.
  // A clean environment: initdb finds postgres beside itself, and nothing of ours (secrets
  // among the settings) reaches the server's processes.
  return { cwd: dataDir, ...(user ? { uid: user.uid, gid: user.gid } : {}), env: { LC_ALL: 'C', TZ: 'UTC' } }
}

/** What is in DATA_DIR/postgres: nothing yet, a cluster of our major, or something to refuse. */
export function inspect (l: Layout): 'empty' | 'ours' {
  if (!existsSync(l.pgdata) || readdirSync(l.pgdata).length === 0) return 'empty'
  let version: string
  try {
    version = readFileSync(join(l.pgdata, 'PG_VERSION'), 'utf8').trim()
  } catch {
    throw new StartupError(`${l.pgdata} is not a PostgreSQL data folder (no PG_VERSION); cvgen leaves it untouched: move it away to start an empty database, or set DATABASE_URL`)
  }
  if (version !== EMBEDDED_MAJOR) {
    throw new StartupError(`${l.pgdata} holds a PostgreSQL ${version} database and the embedded server is PostgreSQL ${EMBEDDED_MAJOR}; cvgen leaves it untouched: run it with a PostgreSQL ${version} server through DATABASE_URL, or dump it there and load it into a fresh DATA_DIR`)
  }
  if (!existsSync(join(l.pgdata, 'global', 'pg_control'))) {
    throw new StartupError(`${l.pgdata} is damaged (global/pg_control is missing); cvgen leaves it untouched: restore it from a backup or move it away`)
  }
  return 'ours'
}

/** initdb into a side folder, renamed into place only once complete: a killed initdb leaves no half cluster. */
export async function initialise (bin: Binaries, l: Layout, user: RunAs | null, password: string): Promise<void> {
  const target = `${l.pgdata}.init`
  rmSync(target, { recursive: true, force: true })
  // Created here: the postgres user may enter DATA_DIR but not write in it.
  mkdirSync(target, { mode: 0o700 })
  if (user) chownSync(target, user.uid, user.gid)
  // initdb reads the password from a file the postgres user can open: one of its own, removed at once.
  mkdirSync(l.run, { recursive: true, mode: 0o700 })
  if (user) chownSync(l.run, user.uid, user.gid)
  const pwfile = join(l.run, `.pw.${process.pid}`)
  writeFileSync(pwfile, password + '\n', { mode: 0o600 })
  try {
    if (user) chownSync(pwfile, user.uid, user.gid)
    const result = await run(bin.initdb, ['-D', target, '-U', SUPERUSER, '--auth=scram-sha-256', `--pwfile=${pwfile}`, '--encoding=UTF8', '--locale=C', '--no-instructions'], as(user, l.dataDir))
    if (result.code !== 0) throw new StartupError(`initdb failed: ${why(result.output)}`)
  } finally {
    rmSync(pwfile, { force: true })
  }
  // When DATA_DIR/postgres exists but is empty (a mount point, say), move the contents in.
  if (existsSync(l.pgdata)) {
    for (const name of readdirSync(target)) renameSync(join(target, name), join(l.pgdata, name))
    rmSync(target, { recursive: true })
  } else {
    renameSync(target, l.pgdata)
  }
}

/** The most telling line of PostgreSQL's output: the last FATAL/PANIC/ERROR, else the last line. */
function why (output: string): string {
  // Without the log line's "2026-12-02 07:33:06.728 UTC [10830] " prefix.
  const lines = output.split('\n').map((s) => s.replace(/^\d{4}-\d\d-\d\d [\d:.]+ \w+ \[\d+\] /, '').trim()).filter(Boolean)
  const telling = lines.filter((s) => /\b(FATAL|PANIC|ERROR)\b|^initdb: error|error while loading shared libraries/.test(s))
  return oneLine(telling.at(-1) ?? lines.at(-1) ?? 'no output')
}

/** Binds and releases a loopback port: the port it got (0: any free one), or null when taken. */
function probePort (port: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', (err: NodeJS.ErrnoException) => err.code === 'EADDRINUSE' ? resolve(null) : reject(err))
    srv.listen(port, '127.0.0.1', () => {
      const got = (srv.address() as { port: number }).port
      srv.close(() => resolve(got))
    })
  })
}

/**
 * The loopback port: the one chosen at the first start, so tools pointed at it (a backup
 * job, psql) keep working; a free one the first time. A taken port stops start-up.
 */
async function loopbackPort (l: Layout): Promise<number> {
  let kept: number | null = null
  try { kept = Number(readFileSync(l.port, 'utf8').trim()) || null } catch { /* first start */ }
  if (kept !== null) {
    if (await probePort(kept) === null) throw new StartupError(`the embedded PostgreSQL's port 127.0.0.1:${kept} (kept in ${l.port}) is taken by another program; stop that program, or delete ${l.port} to let cvgen pick a new port`)
    return kept
  }
  const port = (await probePort(0))!
  writeFileSync(l.port, `${port}\n`, { mode: 0o600 })
  return port
}

export interface Started { pid: number, listen: Listen }

/**
 * Starts the server and resolves once it accepts a login. A unix socket in DATA_DIR/run when
 * its path fits in sun_path, else a free loopback port (reachable by other local users, so
 * the password matters there).
 */
export async function start (bin: Binaries, l: Layout, user: RunAs | null, password: string, timeoutMs = 60_000): Promise<Started> {
  mkdirSync(l.run, { recursive: true, mode: 0o700 })
  if (user) chownSync(l.run, user.uid, user.gid)
  const socket = join(l.run, `.s.PGSQL.${SOCKET_PORT}`)
  const useSocket = Buffer.byteLength(socket) <= MAX_SOCKET_PATH
  // A socket left by a killed server would make postgres refuse to start ("already in use"
  // is checked through postmaster.pid, which start() only reaches with no live postmaster).
  if (useSocket) { rmSync(socket, { force: true }); rmSync(`${socket}.lock`, { force: true }) }
  const listen: Listen = useSocket ? { host: l.run, port: SOCKET_PORT } : { host: '127.0.0.1', port: await loopbackPort(l) }
  const pid = await spawnServer(bin, l, user, listen, useSocket, password, timeoutMs)
  return { pid, listen }
}

async function spawnServer (bin: Binaries, l: Layout, user: RunAs | null, listen: Listen, useSocket: boolean, password: string, timeoutMs: number): Promise<number> {
  try { if (statSync(l.log).size > LOG_KEEP_BYTES) truncateSync(l.log, 0) } catch { /* no log yet */ }
  const logOffset = existsSync(l.log) ? statSync(l.log).size : 0
  const fd = openSync(l.log, 'a', 0o600)
  const args = ['-D', l.pgdata, '-p', String(listen.port),
    '-c', `listen_addresses=${useSocket ? '' : '127.0.0.1'}`,
    '-c', `unix_socket_directories=${useSocket ? l.run : ''}`, '-c', 'unix_socket_permissions=0700',
    '-c', 'logging_collector=off', '-c', 'log_destination=stderr',
    // A laptop's or a small team's server: modest memory, and connections for two cvgen
    // processes' pools, pg-boss's and a psql or two.
    '-c', 'max_connections=100', '-c', 'shared_buffers=64MB']
  const child = spawn(bin.postgres, args, { ...as(user, l.dataDir), detached: true, stdio: ['ignore', fd, fd] })
  closeSync(fd)
  child.unref()
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code))
    child.once('error', () => resolve(-1))
  })
  let exitedEarly = false
  void exited.then(() => { exitedEarly = true })
  try {
    await waitForLogin(listen, password, timeoutMs, () => {
      if (exitedEarly) throw new StartupError(`the embedded PostgreSQL did not start: ${why(logSince(l.log, logOffset))} (full log: ${l.log})`)
    })
  } catch (err) {
    if (!exitedEarly) { try { process.kill(child.pid!, 'SIGQUIT') } catch { /* gone */ } }
    throw err
  }
  return child.pid!
}

export function describe (listen: Listen): string {
  return listen.host.startsWith('/') ? `socket in ${listen.host}` : `${listen.host}:${listen.port}`
}

/**
 * Resolves once the server accepts our login. `check` runs before each try and may throw
 * (the server process has exited, say); a wrong password fails at once.
 */
export async function waitForLogin (listen: Listen, password: string, timeoutMs: number, check: () => void = () => {}): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    check()
    const client = new pg.Client({ ...listen, user: SUPERUSER, password, database: 'postgres', connectionTimeoutMillis: 2000 })
    try {
      await client.connect()
      await client.end()
      return
    } catch (err) {
      await client.end().catch(() => {})
      const message = (err as Error).message
      if (/password authentication failed/.test(message)) throw new StartupError(`the embedded PostgreSQL in this DATA_DIR refused cvgen's password (${message}); was DATA_DIR/postgres-password replaced?`)
      if (Date.now() > deadline) throw new StartupError(`the embedded PostgreSQL (${describe(listen)}) does not answer within ${timeoutMs / 1000} s: ${message}`)
      await sleep(100)
    }
  }
}

function logSince (path: string, offset: number): string {
  try { return readFileSync(path).subarray(offset).toString('utf8') } catch { return '' }
}

function sleep (ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** The postmaster recorded in postmaster.pid, when that process still runs, and where it listens. */
export function runningPostmaster (l: Layout): Started | null {
  let lines: string[]
  try { lines = readFileSync(join(l.pgdata, 'postmaster.pid'), 'utf8').split('\n') } catch { return null }
  const pid = Number(lines[0])
  if (!Number.isInteger(pid) || pid <= 0 || !pidAlive(pid) || !isPostgres(pid)) return null
  // postmaster.pid: pid, data dir, start time, port, socket dir, listen address, ...
  const port = Number(lines[3])
  const socketDir = lines[4]?.trim()
  const address = lines[5]?.trim()
  const listen = socketDir ? { host: socketDir, port } : { host: address && address !== '*' ? address : '127.0.0.1', port }
  return { pid, listen }
}

/** After a reboot or a crash the recorded pid may belong to some other program by now. */
function isPostgres (pid: number): boolean {
  try { return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres' } catch { return process.platform !== 'linux' }
}

/**
 * Fast shutdown (SIGINT: sessions are ended, a checkpoint is written, nothing committed is
 * lost), then immediate shutdown (SIGQUIT) if it has not exited after `timeoutMs`.
 */
export async function stop (pid: number, timeoutMs = 30_000): Promise<void> {
  try { process.kill(pid, 'SIGINT') } catch { return }
  const deadline = Date.now() + timeoutMs
  while (pidAlive(pid)) {
    if (Date.now() > deadline) {
      try { process.kill(pid, 'SIGQUIT') } catch { return }
      await sleep(1000)
      return
    }
    await sleep(50)
  }
}
