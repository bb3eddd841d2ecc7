// The contract between the operator CLI (kernel/cli.ts) and the plugins that add commands to
// it. A plugin folder may hold a `cli.ts` (or `cli.js`) exporting `commands(withApp)`; the CLI
// finds it the way autoload finds `index.ts`, so the kernel names no plugin.
import type { FastifyInstance } from 'fastify'
import type { Config } from '../config/index.ts'

/** Builds the app for the length of `fn` (logs to stderr: stdout is the command's output). */
export type WithApp = <T>(config: Config, fn: (app: FastifyInstance) => Promise<T>) => Promise<T>

/** options: names of `--name value` flags the command takes. */
export interface CliCommand { usage: string, args: number, options?: string[], run (config: Config, args: string[], options: Record<string, string>): Promise<string> }

export interface PluginCli {
  commands (withApp: WithApp): Record<string, CliCommand>
  /** Errors a user caused (a missing version, a bad flag): printed without a stack, exit code 1. */
  isUsageError? (err: unknown): boolean
}

/** A mistake of the caller's (an unknown email, a bad value): printed without a stack, exit code 1. */
export class UsageError extends Error {}
