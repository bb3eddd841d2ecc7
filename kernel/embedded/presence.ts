// Which cvgen processes use the embedded server of a DATA_DIR: each keeps a file
// DATA_DIR/clients/<pid>.<start> while it runs. The owner looks here before it stops the
// server; open connections would not tell (pools close idle connections after seconds).
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { isAlive, type ProcessId } from './processes.ts'

const dir = (dataDir: string) => join(dataDir, 'clients')
const file = (dataDir: string, id: ProcessId) => join(dir(dataDir), `${id.pid}.${id.start ?? ''}`)

export function arrive (dataDir: string, me: ProcessId): void {
  mkdirSync(dir(dataDir), { recursive: true, mode: 0o700 })
  writeFileSync(file(dataDir, me), '', { mode: 0o600 })
}

export function leave (dataDir: string, me: ProcessId): void {
  rmSync(file(dataDir, me), { force: true })
}

/** Another live cvgen process on this DATA_DIR, if any; files of dead ones are removed. */
export function anotherProcess (dataDir: string, me: ProcessId): ProcessId | null {
  let names: string[]
  try { names = readdirSync(dir(dataDir)) } catch { return null }
  for (const name of names) {
    const m = /^(\d+)\.(\d*)$/.exec(name)
    if (!m) continue
    const id = { pid: Number(m[1]), start: m[2] || null }
    if (id.pid === me.pid && id.start === me.start) continue
    if (isAlive(id)) return id
    rmSync(join(dir(dataDir), name), { force: true })
  }
  return null
}
