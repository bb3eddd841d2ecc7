// One embedded server per DATA_DIR. DATA_DIR/postgres.lock names the cvgen process that
// owns the server (pid and start time) and, once it answers, where it listens. Another cvgen
// process on the same DATA_DIR (ROLE=api beside ROLE=worker) finds a live owner there and
// connects as a client; a dead owner's lock is taken over.
import { openSync, readFileSync, renameSync, rmSync, writeSync, closeSync } from 'node:fs'
import { isAlive, type ProcessId } from './processes.ts'

export interface Listen { host: string, port: number }
export interface Lock { owner: ProcessId, listen: Listen | null }

export function readLock (path: string): Lock | null {
  try {
    const lock = JSON.parse(readFileSync(path, 'utf8')) as Partial<Lock>
    if (!lock.owner || typeof lock.owner.pid !== 'number') return null
    return { owner: lock.owner, listen: lock.listen ?? null }
  } catch {
    return null // missing, or half written by a process killed mid-write: treat as no lock
  }
}

/** Replaces the lock in one rename, so a reader never sees half of it. */
export function writeLock (path: string, lock: Lock): void {
  const tmp = `${path}.${process.pid}.tmp`
  const fd = openSync(tmp, 'w', 0o600)
  try { writeSync(fd, JSON.stringify(lock) + '\n') } finally { closeSync(fd) }
  renameSync(tmp, path)
}

export type Claim = { kind: 'owner', stale: Lock | null } | { kind: 'client', lock: Lock }

/**
 * Becomes the owner (creating the lock exclusively) or returns the live owner's lock.
 * A lock whose process is gone is removed and claimed again; `stale` tells the caller
 * there may be an orphaned server to deal with.
 */
export function claim (path: string, me: ProcessId): Claim {
  let stale: Lock | null = null
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600)
      try { writeSync(fd, JSON.stringify({ owner: me, listen: null }) + '\n') } finally { closeSync(fd) }
      return { kind: 'owner', stale }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    }
    const lock = readLock(path)
    if (lock && isAlive(lock.owner) && lock.owner.pid !== me.pid) return { kind: 'client', lock }
    stale = lock ?? stale
    rmSync(path, { force: true })
  }
  throw new Error(`could not take ${path}: other processes keep claiming it`)
}

export function release (path: string, me: ProcessId): void {
  const lock = readLock(path)
  if (lock && lock.owner.pid === me.pid && lock.owner.start === me.start) rmSync(path, { force: true })
}
