// A start-up failure the operator can act on: server.ts and the CLI print its message as one
// line and exit, with no stack trace (the message says what is wrong and what to do).
export class StartupError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'StartupError'
  }
}

/** The errno code of a failed system call, when there is one. */
export function errnoCode (err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code
}
