// Entry point of `npm start`: read settings, build the app, listen, and shut down cleanly
// on SIGTERM/SIGINT (server stops accepting, in-flight requests finish, queue and
// database close).
import closeWithGrace from 'close-with-grace'
import { ConfigError, loadConfig, type Config } from '../config/index.ts'
import { buildApp } from './app.ts'
import { privateFiles } from './data-dir.ts'
import { StartupError } from './startup-error.ts'

privateFiles()
let config: Config
try {
  config = await loadConfig()
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message)
    process.exit(78) // EX_CONFIG
  }
  throw err
}

let app: Awaited<ReturnType<typeof buildApp>>
try {
  app = await buildApp(config)
} catch (err) {
  // What the operator can fix is said in one line; anything else keeps its stack.
  if (!(err instanceof StartupError)) throw err
  console.error(`cvgen: ${err.message}`)
  process.exit(1)
}
closeWithGrace({ delay: 15_000 }, async ({ signal, err }) => {
  if (err) app.log.error({ err }, 'fatal error, shutting down')
  else app.log.info({ signal }, 'shutting down')
  await app.close()
})
try {
  await app.listen({ port: config.port, host: config.host })
} catch (err) {
  const code = (err as NodeJS.ErrnoException).code
  const where = `${config.host}:${config.port}`
  const why = code === 'EADDRINUSE'
    ? `cannot listen on ${where}: the port is taken by another program; stop it or set PORT`
    : code === 'EACCES'
      ? `cannot listen on ${where}: not allowed for this user (ports below 1024 need privileges); set PORT`
      : code === 'EADDRNOTAVAIL'
        ? `cannot listen on ${where}: this machine has no such address; set HOST`
        : `cannot listen on ${where}: ${(err as Error).message}`
  console.error(`cvgen: ${why}`)
  await app.close()
  process.exit(1)
}
