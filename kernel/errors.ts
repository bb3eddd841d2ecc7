// Typed application errors. Each plugin lists its codes once, in its errors.ts, with
// defineErrors(); the kernel's error handler is the only place that shapes them for the wire.
import createError from '@fastify/error'

/**
 * One problem with a request. `in` is the request part the path points into; left out, it
 * is the body (kernel/error-handler.ts fills it in, so the wire always has it).
 */
export interface ErrorDetail { path?: string, in?: 'body' | 'querystring' | 'params' | 'headers', message: string, [key: string]: unknown }

/** Base of every error the API means to send; anything else is an unexpected 500. */
export class AppError extends Error {
  statusCode = 500
  code = 'INTERNAL_ERROR'
  details?: ErrorDetail[] | Record<string, unknown>
  headers?: Record<string, string>

  withDetails (details: ErrorDetail[] | Record<string, unknown>): this {
    this.details = details
    return this
  }

  withHeaders (headers: Record<string, string>): this {
    this.headers = { ...this.headers, ...headers }
    return this
  }
}

/**
 * An error whose message was written for the user (it lands on a job row they read): a
 * worker thread's limit, a job's deadline. It is not an API answer, so no status code.
 */
export class PublicError extends Error {
  constructor (message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'PublicError'
  }
}

/**
 * A job that cannot succeed however often it runs (its target was deleted, its file is
 * unreadable): app.jobs fails it at once, without retries, with this message and code.
 */
export class JobRefused extends PublicError {
  /** Stored in the row's error code column, when the table has one. */
  readonly code: string | null
  constructor (message: string, code: string | null = null, options?: ErrorOptions) {
    super(message, options)
    this.name = 'JobRefused'
    this.code = code
  }
}

/**
 * What a stored job error may tell its owner. An AppError's or PublicError's message is
 * written for them; anything else (a database, driver or browser error) can carry SQL, file
 * paths or internal names, so it goes to the log only and the owner reads `fallback`.
 */
export function publicReason (err: unknown, fallback: string): string {
  return err instanceof AppError || err instanceof PublicError ? err.message : fallback
}

type ErrorTable = Record<string, readonly [status: number, message: string]>
export type AppErrorConstructor = new (...args: unknown[]) => AppError

/**
 * defineErrors('AUTH', { EMAIL_TAKEN: [409, 'An account with this email exists'] }) gives
 * `new AuthErrors.EMAIL_TAKEN()` with code AUTH_EMAIL_TAKEN. Messages may hold %s
 * placeholders filled by the constructor's arguments.
 */
/** Every code defineErrors made in this process, for the generated reference (docs/errors.md). */
export const DEFINED_ERRORS: { code: string, status: number, message: string }[] = []

export function defineErrors<const T extends ErrorTable> (prefix: string, table: T): { [K in keyof T]: AppErrorConstructor } {
  const out: Record<string, AppErrorConstructor> = {}
  for (const [key, [status, message]] of Object.entries(table)) {
    const code = prefix ? `${prefix}_${key}` : key
    DEFINED_ERRORS.push({ code, status, message })
    out[key] = createError(code, message, status, AppError as unknown as ErrorConstructor) as unknown as AppErrorConstructor
  }
  return out as { [K in keyof T]: AppErrorConstructor }
}

/** Failures that belong to no plugin: request shape, routing, limits, dependencies. */
export const KernelErrors = defineErrors('', {
  VALIDATION_FAILED: [400, 'The request is not valid'],
  BAD_REQUEST: [400, '%s'],
  UNAUTHENTICATED: [401, 'Authentication is required'],
  FORBIDDEN: [403, 'You are not allowed to do this'],
  NOT_FOUND: [404, 'Not found'],
  ROUTE_NOT_FOUND: [404, 'No route %s %s'],
  METHOD_NOT_ALLOWED: [405, 'Method not allowed'],
  CONFLICT: [409, '%s'],
  PAYLOAD_TOO_LARGE: [413, 'The request body is too large (limit %s bytes)'],
  UNSUPPORTED_MEDIA_TYPE: [415, 'Unsupported content type %s'],
  RATE_LIMITED: [429, 'Too many requests, retry in %s seconds'],
  SERVICE_UNAVAILABLE: [503, '%s is unavailable'],
  DATABASE_UNAVAILABLE: [503, 'The database is unavailable; try again shortly'],
  INTERNAL_ERROR: [500, 'Something went wrong on our side']
})
