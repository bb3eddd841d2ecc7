// What a request log line may say. Fastify logs every request's URL at info level, and some
// URLs carry credentials in their query: EventSource sends its bearer token as
// ?access_token= (it cannot send headers), and signed storage URLs carry their signature
// (sig=, X-Amz-Signature, X-Amz-Credential, X-Amz-Security-Token). A log line is read by
// more people, and kept longer, than a token is meant to live, so those values never reach it.
import type { FastifyRequest } from 'fastify'

/** Query parameters whose values are credentials (compared case-insensitively). */
const SECRET_PARAMS = new Set(['access_token', 'refresh_token', 'token', 'device_token', 'sig', 'signature', 'password',
  'x-amz-signature', 'x-amz-credential', 'x-amz-security-token'])
const REDACTED = '[redacted]'

/** The URL with the value of every credential-bearing query parameter replaced. */
export function redactUrl (url: string): string {
  const q = url.indexOf('?')
  if (q < 0) return url
  const parts = url.slice(q + 1).split('&').map((pair) => {
    const eq = pair.indexOf('=')
    const rawName = eq < 0 ? pair : pair.slice(0, eq)
    let name: string
    try { name = decodeURIComponent(rawName.replace(/\+/g, ' ')).toLowerCase() } catch { name = rawName.toLowerCase() }
    return SECRET_PARAMS.has(name) ? `${rawName}=${REDACTED}` : pair
  })
  return `${url.slice(0, q)}?${parts.join('&')}`
}

/** Fastify's own request fields, with the URL redacted; headers are never logged. */
function serializeRequest (request: FastifyRequest) {
  return {
    method: request.method,
    url: redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort
  }
}

/**
 * Pino options for every logger the app makes: the request serializer above and, for any
 * code that logs a request, reply or headers object itself, the credentials among them.
 */
export function loggerOptions<T extends object> (options: T): T & { serializers: object, redact: object } {
  const headers = ['authorization', 'cookie', 'set-cookie', 'x-device-token', 'proxy-authorization']
  return {
    ...options,
    serializers: { req: serializeRequest, ...('serializers' in options ? options.serializers as object : {}) },
    redact: {
      paths: ['req.headers', 'request.headers', ...headers.flatMap((h) => [`headers["${h}"]`, `res.headers["${h}"]`])],
      censor: REDACTED
    }
  }
}
