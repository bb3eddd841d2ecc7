// Process identities for the embedded database's owner lock. A pid alone can be reused after
// a crash; the pid with the kernel's start time of that process names one process for good.
import { readFileSync } from 'node:fs'

/** Fields 3 onwards of /proc/<pid>/stat (Linux); null where there is none. */
function stat (pid: number): string[] | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
    return text.slice(text.lastIndexOf(')') + 2).split(' ')
  } catch {
    return null
  }
}

/** Start time of a process in clock ticks since boot; null where /proc is missing. */
function startTicks (pid: number): string | null {
  return stat(pid)?.[19] ?? null
}

export interface ProcessId { pid: number, start: string | null }

export function selfId (): ProcessId {
  return { pid: process.pid, start: startTicks(process.pid) }
}

export function isAlive (id: ProcessId): boolean {
  try {
    process.kill(id.pid, 0)
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false
  }
  const fields = stat(id.pid)
  // A process killed with -9 is a zombie until its parent reaps it: dead for our purposes.
  if (fields?.[0] === 'Z' || fields?.[0] === 'X') return false
  if (id.start === null) return true
  return fields?.[19] === id.start
}

export function pidAlive (pid: number): boolean {
  return isAlive({ pid, start: null })
}

/** "cvgen:<pid>:<start>": the application_name of every connection, so operators see who is connected. */
export function applicationName (id: ProcessId = selfId()): string {
  return `cvgen:${id.pid}:${id.start ?? ''}`
}
