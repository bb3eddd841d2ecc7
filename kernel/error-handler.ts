// The one place a failure becomes an HTTP answer. Known errors keep their status, code and
// details; anything unexpected is logged with the request id and answered as a bare 500.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AppError, KernelErrors, type ErrorDetail } from './errors.ts'
import { isDatabaseUnavailable } from './db.ts'

/** How long a client should wait before retrying while the database is unreachable. */
const DATABASE_RETRY_AFTER_S = 5
import { validationDetails } from './validation.ts'

interface Shaped { status: number, code: string, message: string, details?: unknown, headers?: Record<string, string> }

// Fastify's own request errors (content-type parser, URL, body size) mapped to our codes.
const FASTIFY_CODES: Record<string, { status: number, code: string, message?: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Unsupported content type; send application/json' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'BAD_REQUEST', message: 'The body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'BAD_REQUEST', message: 'The body is empty but the content type says JSON' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'BAD_REQUEST', message: 'Content-Length does not match the body' },
  FST_ERR_BAD_URL: { status: 400, code: 'BAD_REQUEST', message: 'The URL is malformed' },
  FST_ERR_ASYNC_CONSTRAINT: { status: 400, code: 'BAD_REQUEST', message: 'The request cannot be routed' }
}

const GENERIC_4XX: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE',
  429: 'RATE_LIMITED',
  431: 'HEADERS_TOO_LARGE'
}

export function shapeError (err: FastifyError & Partial<AppError>): Shaped | null {
  if (err instanceof AppError) {
    return { status: err.statusCode, code: err.code, message: err.message, details: err.details, headers: err.headers }
  }
  if (err.validation) {
    return {
      status: 400,
      code: 'VALIDATION_FAILED',
      message: `The ${err.validationContext ?? 'request'} is not valid`,
      details: validationDetails(err.validation, err.validationContext)
    }
  }
  if (isDatabaseUnavailable(err)) {
    const e = new KernelErrors.DATABASE_UNAVAILABLE()
    return { status: e.statusCode, code: e.code, message: e.message, headers: { 'retry-after': String(DATABASE_RETRY_AFTER_S) } }
  }
  const known = err.code ? FASTIFY_CODES[err.code] : undefined
  if (known) return { status: known.status, code: known.code, message: known.message ?? err.message }
  // Other 4xx errors raised by Fastify or a library: their message is meant for the client.
  const status = err.statusCode ?? 500
  if (status >= 400 && status < 500) {
    return { status, code: GENERIC_4XX[status] ?? 'BAD_REQUEST', message: err.message }
  }
  return null
}

/**
 * Every item of an array of details becomes {path, in, message} (the ErrorDetail schema):
 * services check body fields and name them by JSON Pointer without saying `in`, so a
 * missing part is the body and a missing path the whole of it.
 */
function wireDetails (details: unknown): unknown {
  if (!Array.isArray(details)) return details
  return details.map(({ path, in: part, message, ...rest }: ErrorDetail) => ({ path: path ?? '/', in: part ?? 'body', message, ...rest }))
}

export function sendError (err: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const shaped = shapeError(err)
  if (!shaped || shaped.status >= 500) {
    // 5xx: full error in the log (with reqId from the request logger), nothing inside out.
    request.log.error({ err }, 'request failed')
  }
  const final = shaped ?? { status: 500, code: 'INTERNAL_ERROR', message: new KernelErrors.INTERNAL_ERROR().message }
  if (final.headers) reply.headers(final.headers)
  const error: Record<string, unknown> = { code: final.code, message: final.message }
  if (final.details !== undefined) error.details = wireDetails(final.details)
  return reply.code(final.status).type('application/json; charset=utf-8').send({ error })
}

export function registerErrorHandling (app: FastifyInstance): void {
  app.setErrorHandler(sendError)
  app.setNotFoundHandler((request, reply) =>
    sendError(new KernelErrors.ROUTE_NOT_FOUND(request.method, request.url.split('?')[0]) as FastifyError, request, reply))
}
