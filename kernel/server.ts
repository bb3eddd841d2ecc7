// Entry point of `npm start`: read settings, build the app, listen, and shut down cleanly
// on SIGTERM/SIGINT (server stops accepting, in-flight requests finish, queue and
// database close).
import closeWithGrace from 'close-with-grace'
import { ConfigError, loadConfig, type Config } from '../config/index.js'
import { buildApp } from './app.js'

let config: Config
try {
  config = loadConfig()
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message)
    process.exit(78) // EX_CONFIG
  }
  throw err
}

const app = await buildApp(config)
closeWithGrace({ delay: 15_000 }, async ({ signal, err }) => {
  if (err) app.log.error({ err }, 'fatal error, shutting down')
  else app.log.info({ signal }, 'shutting down')
  await app.close()
})
try {
  await app.listen({ port: config.port, host: config.host })
} catch (err) {
  app.log.error({ err }, 'could not listen')
  await app.close()
  process.exit(1)
}
