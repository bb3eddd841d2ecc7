// The `users` rows of the operator CLI (kernel/cli.ts finds this file, see kernel/cli-commands.ts):
// plans and operator rights are set by an operator, never through the API.
import { TIER_NAMES, type Tier } from '../../config/index.ts'
import { UsageError, type CliCommand, type WithApp } from '../../kernel/cli-commands.ts'

export function commands (withApp: WithApp): Record<string, CliCommand> {
  return {
    'users set-tier': {
      usage: 'users set-tier <email> <tier>    set a subscription tier (free, pro, enterprise)',
      args: 2,
      async run (config, [email, tier]) {
        if (!(TIER_NAMES as readonly string[]).includes(tier!)) throw new UsageError(`unknown tier "${tier}" (known: ${TIER_NAMES.join(', ')})`)
        const found = await withApp(config, (app) => app.auth.setTier(email!, tier as Tier))
        if (!found) throw new UsageError(`no account with email ${email}`)
        return `${email} is now on the ${tier} tier`
      }
    },
    'users grant-admin': {
      usage: 'users grant-admin <email>        give operator rights',
      args: 1,
      async run (config, [email]) {
        if (!await withApp(config, (app) => app.auth.setAdmin(email!, true))) throw new UsageError(`no account with email ${email}`)
        return `${email} is now an admin`
      }
    },
    'users revoke-admin': {
      usage: 'users revoke-admin <email>       take operator rights away',
      args: 1,
      async run (config, [email]) {
        if (!await withApp(config, (app) => app.auth.setAdmin(email!, false))) throw new UsageError(`no account with email ${email}`)
        return `${email} is no longer an admin`
      }
    }
  }
}
