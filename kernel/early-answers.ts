// Answers given before Fastify routes a request, for the one kind of answer whose bytes are
// already in memory: a fresh cached public page. Measured on the real start command (bench/
// product.ts), routing, the request's logger child, its Request and Reply objects and hooks cost
// more than serving the page itself (a plain Fastify route with a logger reached 0.63x bare
// Node, a cache HIT through cvgen's routes 0.55x). An early answer skips all of that.
//
// The contract (docs/extending.md): a responder is synchronous and cheap; it returns null to
// leave the request to Fastify, or the whole answer. Hooks (onRequest, onResponse...) do not
// run for early answers, and app.inject() never sees them: injected requests are always routed.
import { randomUUID } from 'node:crypto'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'

export interface EarlyAnswer {
  status: number
  /** Lower-case names; content-length is added from the body. */
  headers: Record<string, string>
  /** null: no body (a 304). */
  body: Buffer | null
}

export type EarlyResponder = (req: IncomingMessage) => EarlyAnswer | null

export interface EarlyAnswers {
  add (responder: EarlyResponder): void
  /** From now on every request is routed (shutdown: Fastify answers with Connection: close). */
  stop (): void
}

type Log = { error (obj: object, msg: string): void }

/**
 * Puts the responders in front of the server's one request listener (Fastify's router). Node's
 * server options Fastify set (timeouts, keep-alive) stay as they are.
 */
export function installEarlyAnswers (server: Server, log: Log): EarlyAnswers {
  const listeners = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>
  if (listeners.length !== 1) throw new Error(`early answers: expected Fastify's one request listener, found ${listeners.length}`)
  const route = listeners[0]!
  const responders: EarlyResponder[] = []
  let open = true
  server.removeListener('request', route)
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (open) {
      for (const responder of responders) {
        let answer: EarlyAnswer | null
        try {
          answer = responder(req)
        } catch (err) {
          // Nothing was written yet: the router still answers, the way it would have anyway.
          log.error({ err }, 'early answer failed; routing the request')
          break
        }
        if (answer) {
          // The request id rides on every answer, as on routed ones (kernel/app.ts).
          const headers: Record<string, string | number> = { ...answer.headers, 'x-request-id': randomUUID() }
          if (answer.body) headers['content-length'] = answer.body.length
          res.writeHead(answer.status, headers)
          res.end(answer.body ?? undefined)
          return
        }
      }
    }
    route.call(server, req, res)
  })
  return {
    add: (responder) => { responders.push(responder) },
    stop: () => { open = false }
  }
}
