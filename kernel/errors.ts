// Typed application errors. Each plugin lists its codes once, in its errors.ts, with
// defineErrors(); the kernel's error handler is the only place that shapes them for the wire.
import createError from '@fastify/error'

export interface ErrorDetail { path?: string, message: string, [key: string]: unknown }

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
 * What a stored job error may tell its owner. An AppError's message is written for them;
 * anything else (a database, driver or browser error) can carry SQL, file paths or internal
 * names, so it goes to the log only and the owner reads `fallback`.
 */
export function publicReason (err: unknown, fallback: string): string {
  return err instanceof AppError ? err.message : fallback
}

type ErrorTable = Record<string, readonly [status: number, message: string]>
export type AppErrorConstructor = new (...args: unknown[]) => AppError

/**
 * defineErrors('AUTH', { EMAIL_TAKEN: [409, 'An account with this email exists'] }) gives
 * `new AuthErrors.EMAIL_TAKEN()` with code AUTH_EMAIL_TAKEN. Messages may hold %s
 * placeholders filled by the constructor's arguments.
 */
export function defineErrors<const T extends ErrorTable> (prefix: string, table: T): { [K in keyof T]: AppErrorConstructor } {
  const out: Record<string, AppErrorConstructor> = {}
  for (const [key, [status, message]] of Object.entries(table)) {
    const code = prefix ? `${prefix}_${key}` : key
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
  INTERNAL_ERROR: [500, 'Something went wrong on our side']
})
