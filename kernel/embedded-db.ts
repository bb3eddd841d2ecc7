// The embedded database for a machine with no PostgreSQL: PGlite (PostgreSQL compiled to
// WebAssembly) kept under DATA_DIR and served on a unix socket, so MikroORM, pg-boss and
// `pg` run unchanged. It executes one query at a time and costs ~700 MB; it is for a
// laptop or a demo, not for production or load (README says so).
import { mkdirSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import type { ConnectionOptions } from './db.js'

export interface EmbeddedDatabase { connection: ConnectionOptions, stop (): Promise<void> }

const PORT = 5432

function socketAnswers (path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect(path)
    sock.once('connect', () => { sock.destroy(); resolve(true) })
    sock.once('error', () => resolve(false))
  })
}

export async function startEmbeddedDatabase (dataDir: string): Promise<EmbeddedDatabase> {
  const [{ PGlite }, { PGLiteSocketServer }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite-socket')
  ])
  const dbDir = join(dataDir, 'pglite')
  const runDir = join(dataDir, 'run')
  const socketPath = join(runDir, `.s.PGSQL.${PORT}`)
  mkdirSync(dbDir, { recursive: true })
  mkdirSync(runDir, { recursive: true })
  // PGlite is single-process: a second server on the same folder would corrupt it.
  if (await socketAnswers(socketPath)) {
    throw new Error(`another cvgen process is using the embedded database in ${dataDir}; stop it or set DATA_DIR`)
  }
  rmSync(socketPath, { force: true })

  const db = await PGlite.create(dbDir)
  // maxConnections: the default of 1 resets every pooled connection but the first.
  const server = new PGLiteSocketServer({ db, path: socketPath, maxConnections: 20 })
  await server.start()
  return {
    connection: { host: runDir, port: PORT, user: 'postgres', database: 'postgres' },
    async stop () {
      await server.stop()
      await db.close()
      rmSync(socketPath, { force: true })
    }
  }
}
