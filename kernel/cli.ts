// Operator CLI: `npm run cli -- <command>`. Commands reach plugins only through their
// decorators, like any other part. Plugins add theirs in a cli.ts of their folder
// (kernel/cli-commands.ts), found here as autoload finds their index.ts.
import { pluginFiles } from '../config/plugin-folders.ts'
import { pathToFileURL } from 'node:url'
import type { FastifyInstance } from 'fastify'
import { ConfigError, loadConfig, type Config } from '../config/index.ts'
import { buildApp, PLUGINS_DIR } from './app.ts'
import { UsageError, type CliCommand, type PluginCli } from './cli-commands.ts'
import { Database, pluginMigrations } from './db.ts'
import { privateFiles } from './data-dir.ts'
import { importPglite } from './embedded/import-pglite.ts'
import { StartupError } from './startup-error.ts'

async function withApp<T> (config: Config, fn: (app: FastifyInstance) => Promise<T>): Promise<T> {
  // Logs go to stderr: stdout is the command's output (prompts eval prints a table there).
  const app = await buildApp(config, { logger: { level: 'warn', stream: process.stderr } })
  try {
    await app.ready()
    return await fn(app)
  } finally {
    await app.close()
  }
}

const COMMANDS: Record<string, CliCommand> = {
  migrate: {
    usage: 'migrate                          apply pending database migrations',
    args: 0,
    async run (config) {
      const db = await Database.open(config, { info: (msg) => console.error(msg), warn: (msg) => console.error(msg) })
      try {
        const applied = await db.migrate(pluginMigrations(config.pluginDirs))
        return applied.length > 0 ? `applied ${applied.length}: ${applied.join(', ')}` : 'database is up to date'
      } finally {
        await db.close()
      }
    }
  },
  'db import-pglite': {
    usage: 'db import-pglite                 carry DATA_DIR/pglite (the earlier embedded engine) into the embedded PostgreSQL',
    args: 0,
    async run (config) {
      return importPglite(config, { info: (msg) => console.error(msg), warn: (msg) => console.error(msg) })
    }
  }
}

/** Usage-error tests of the plugins whose commands were added. */
const usageErrors: ((err: unknown) => boolean)[] = []

/** Adds the commands of every plugin folder's cli.ts (ours, then the operators'). */
async function addPluginCommands (dirs: string[]): Promise<void> {
  for (const { path } of pluginFiles(dirs, ['cli.ts', 'cli.js'])) {
    const cli = await import(pathToFileURL(path).href) as PluginCli
    Object.assign(COMMANDS, cli.commands(withApp))
    if (cli.isUsageError) usageErrors.push(cli.isUsageError)
  }
}

/** Splits `--name value` flags from positional arguments; null when a flag is unknown or has no value. */
function splitOptions (argv: string[], names: string[]): { args: string[], options: Record<string, string> } | null {
  const args: string[] = []
  const options: Record<string, string> = {}
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]!)
    if (!m) { args.push(argv[i]!); continue }
    const value = m[2] ?? argv[++i]
    if (!names.includes(m[1]!) || value === undefined) return null
    options[m[1]!] = value
  }
  return { args, options }
}

function help (): string {
  return 'usage: npm run cli -- <command>\n\n' + Object.values(COMMANDS).map((c) => '  ' + c.usage).join('\n')
}

async function main (argv: string[]): Promise<number> {
  // Operators' folders come from the settings; with settings that do not load, the command
  // itself reports them below, and only our plugins' commands are known.
  let loaded: Config | ConfigError
  try { loaded = await loadConfig() } catch (err) { if (!(err instanceof ConfigError)) throw err; loaded = err }
  await addPluginCommands([PLUGINS_DIR, ...(loaded instanceof ConfigError ? [] : loaded.pluginDirs)])
  const name = [argv.slice(0, 2).join(' '), argv[0] ?? ''].find((n) => n in COMMANDS)
  if (!name) {
    console.error(argv.length > 0 ? `unknown command "${argv.join(' ')}"\n\n${help()}` : help())
    return 64 // EX_USAGE
  }
  const command = COMMANDS[name]!
  const parsed = splitOptions(argv.slice(name.split(' ').length), command.options ?? [])
  if (!parsed || parsed.args.length !== command.args) {
    console.error(`usage: npm run cli -- ${command.usage}`)
    return 64
  }
  try {
    if (loaded instanceof ConfigError) throw loaded
    console.log(await command.run(loaded, parsed.args, parsed.options))
    return 0
  } catch (err) {
    if (err instanceof ConfigError) { console.error(err.message); return 78 }
    if (err instanceof UsageError || usageErrors.some((is) => is(err))) { console.error((err as Error).message); return 1 }
    if (err instanceof StartupError) { console.error(`cvgen: ${err.message}`); return 1 }
    throw err
  }
}

privateFiles()
process.exitCode = await main(process.argv.slice(2))
