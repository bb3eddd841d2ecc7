// The `parse` rows of the operator CLI (kernel/cli.ts finds this file, see kernel/cli-commands.ts).
import { UsageError, type CliCommand, type WithApp } from '../../kernel/cli-commands.ts'
import { CORPUS_CHOICES, type CorpusChoice } from './eval.ts'

export function commands (withApp: WithApp): Record<string, CliCommand> {
  return {
    'parse eval': {
      usage: 'parse eval [--corpus all|themes|external]  resume parser field accuracy: cvgen\'s themes (needs Chromium) and/or the external corpus in samples/corpus (default all)',
      args: 0,
      options: ['corpus'],
      async run (config, _args, options) {
        const corpus = (options.corpus ?? 'all') as CorpusChoice
        if (!CORPUS_CHOICES.includes(corpus)) throw new UsageError(`--corpus must be one of ${CORPUS_CHOICES.join(', ')}, not "${options.corpus}"`)
        // role api: this run only reads; it must not pick up queued jobs meanwhile.
        return withApp({ ...config, role: 'api' }, async (app) => (await app.parse.evaluate(corpus)).table)
      }
    }
  }
}
