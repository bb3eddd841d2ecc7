// The `parse` rows of the operator CLI (kernel/cli.ts finds this file, see kernel/cli-commands.ts).
import type { CliCommand, WithApp } from '../../kernel/cli-commands.ts'

export function commands (withApp: WithApp): Record<string, CliCommand> {
  return {
    'parse eval': {
      usage: 'parse eval                       resume parser field accuracy per theme and format (needs Chromium)',
      args: 0,
      async run (config) {
        // role api: this run only reads; it must not pick up queued jobs meanwhile.
        return withApp({ ...config, role: 'api' }, async (app) => (await app.parse.evaluate()).table)
      }
    }
  }
}
