// The `prompts` rows of the operator CLI (kernel/cli.ts finds this file, see kernel/cli-commands.ts): eval runs versions through a
// provider over the fixtures; diff shows two versions' text. diff needs no database; eval
// builds the app (ROLE=api, so no job worker starts) to use the same providers the API does.
import { fileURLToPath } from 'node:url'
import { createTwoFilesPatch } from 'diff'
import type { CliCommand, WithApp } from '../../kernel/cli-commands.ts'
import { checkEval, EvalError, runEval } from './eval.ts'
import { BUILTIN_PROMPTS, PromptError, PromptStore } from './store.ts'

export const DEFAULT_FIXTURES = fileURLToPath(new URL('../../samples', import.meta.url))

/** Errors a user caused (a missing version, a bad flag): printed without a stack, exit code 1. */
export const isUsageError = (err: unknown) => err instanceof EvalError || err instanceof PromptError

function version (raw: string | undefined, what: string): number | undefined {
  if (raw === undefined) return undefined
  const m = /^v?(\d{1,6})$/.exec(raw)
  if (!m) throw new EvalError(`${what} must be a version number such as 2 or v2 (got "${raw}")`)
  return Number(m[1])
}

export function commands (withApp: WithApp): Record<string, CliCommand> {
  return {
    'prompts eval': {
      usage: 'prompts eval <id> [--version N] [--against M] [--provider P] [--fixtures DIR]\n' +
        '                                   run prompt versions over the test fixtures, side by side',
      args: 1,
      options: ['version', 'against', 'provider', 'fixtures'],
      async run (config, [id], opts) {
        const o = { id: id!, version: version(opts.version, '--version'), against: version(opts.against, '--against'), provider: opts.provider ?? config.ai.provider, fixturesDir: opts.fixtures ?? DEFAULT_FIXTURES }
        // The mistakes that need no app are reported before it starts (it takes seconds).
        checkEval(new PromptStore(BUILTIN_PROMPTS, config.promptsDir, config.ai.promptVersions), o)
        // ROLE=api: no job worker; the provider under test counts as selected (its SDK loads before the run).
        return withApp({ ...config, role: 'api', ai: { ...config.ai, provider: o.provider } }, (app) => runEval(app, o))
      }
    },
    'prompts diff': {
      usage: 'prompts diff <id> <a> <b>        the text diff between two versions of a prompt',
      args: 3,
      async run (config, [id, a, b]) {
        const store = new PromptStore(BUILTIN_PROMPTS, config.promptsDir, config.ai.promptVersions)
        const [pa, pb] = [store.require(id!, version(a, 'a')), store.require(id!, version(b, 'b'))]
        const patch = createTwoFilesPatch(`${pa.file} (${pa.source})`, `${pb.file} (${pb.source})`, pa.text, pb.text, '', '', { context: 3 })
        return patch.replace(/^=+\n/, '').trimEnd()
      }
    }
  }
}
