// DATA_DIR holds the database (emails, password hashes), generated secrets and uploads: it is
// private to the user running cvgen. Folders 0700, files 0600 — except that, running as root,
// the embedded PostgreSQL runs as the `postgres` user, which must be able to enter DATA_DIR
// (0711: enter, not list) to reach its own DATA_DIR/postgres and DATA_DIR/run.
import { accessSync, chmodSync, constants, lstatSync, readdirSync } from 'node:fs'
import { homedir } from 'node:os'
import { join, parse } from 'node:path'
import { createDataDir } from '../config/index.ts'
import { errnoCode, StartupError } from './startup-error.ts'

/** Everything this process creates is private from the start (umask 077). Main thread only. */
export function privateFiles (): void {
  process.umask(0o077)
}

interface Log { warn (obj: object, msg: string): void }

/** Folders PostgreSQL owns and keeps private itself; as root they belong to the postgres user. */
const POSTGRES_OWNED = new Set(['postgres', 'run'])

/**
 * Creates DATA_DIR if needed, refuses one this process cannot write (one clear line), and
 * takes group and other permissions away from what others could read. Entries owned by
 * another user are reported rather than changed.
 */
export function secureDataDir (dataDir: string, log: Log, options: { postgresUid: number | null }): void {
  try {
    createDataDir(dataDir)
    accessSync(dataDir, constants.W_OK | constants.X_OK)
  } catch (err) {
    throw new StartupError(`DATA_DIR ${dataDir} is not writable (${errnoCode(err) ?? (err as Error).message}); give this user a folder of its own, or set DATA_DIR`)
  }
  const me = typeof process.getuid === 'function' ? process.getuid() : -1
  // Someone pointed DATA_DIR at a folder with other uses: do not rewrite its permissions.
  if (dataDir === homedir() || dataDir === parse(dataDir).root) {
    log.warn({ dataDir }, 'DATA_DIR is a home or root folder: its permissions are left as they are; give cvgen a folder of its own')
    return
  }
  const fixed: string[] = []
  const foreign: string[] = []
  const top = lstatSync(dataDir)
  const wanted = options.postgresUid !== null ? 0o711 : 0o700
  if (top.uid !== me) foreign.push(dataDir)
  else if ((top.mode & 0o777) !== wanted) {
    chmodSync(dataDir, wanted)
    if ((top.mode & 0o077 & ~wanted) !== 0) fixed.push(dataDir)
  }

  const walk = (dir: string, depth: number) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isSymbolicLink()) continue // never follow a link out of DATA_DIR
      const st = lstatSync(path)
      const postgresOwned = depth === 0 && POSTGRES_OWNED.has(entry.name)
      const owner = postgresOwned && options.postgresUid !== null ? options.postgresUid : me
      if ((st.mode & 0o077) !== 0) {
        if (st.uid === me) { chmodSync(path, st.mode & 0o700); fixed.push(path) } else foreign.push(path)
      } else if (st.uid !== owner && st.uid !== me) {
        foreign.push(path)
      }
      // PostgreSQL creates its files 0600 in a 0700 folder of its own: no need to walk them.
      if (entry.isDirectory() && !postgresOwned) walk(path, depth + 1)
    }
  }
  walk(dataDir, 0)
  if (fixed.length > 0) log.warn({ count: fixed.length, examples: fixed.slice(0, 3) }, 'DATA_DIR entries were readable by other users: made private')
  if (foreign.length > 0) log.warn({ count: foreign.length, examples: foreign.slice(0, 3) }, 'DATA_DIR entries belong to another user and may be readable by others: fix their owner or mode')
}
