// The tokens of one signed-in user, and the fetch every request of the client goes through:
// it sends the access token, keeps the tokens the auth routes answer with, and on a 401
// trades the refresh token for a new pair once (one refresh for all requests waiting on it)
// and sends the request again.
export interface Tokens { access_token: string, refresh_token: string }

export interface SessionOptions {
  baseUrl: string
  tokens?: Tokens | null
  /** Called whenever the tokens change (sign-in, refresh, sign-out): store them here. */
  onTokens?: (tokens: Tokens | null) => void
  fetch?: typeof globalThis.fetch
}

// Answers to these carry a new pair of tokens in data; none of them is retried after a 401.
const ISSUING = new Set(['/auth/register', '/auth/login', '/auth/refresh'])

export class Session {
  private tokens: Tokens | null
  private refreshing: Promise<boolean> | null = null
  private readonly base: URL
  private readonly send: typeof globalThis.fetch
  private readonly opts: SessionOptions

  constructor (opts: SessionOptions) {
    this.opts = opts
    this.tokens = opts.tokens ?? null
    this.base = new URL(opts.baseUrl.endsWith('/') ? opts.baseUrl : opts.baseUrl + '/')
    this.send = opts.fetch ?? globalThis.fetch.bind(globalThis)
  }

  get current (): Tokens | null { return this.tokens }

  set (tokens: Tokens | null): void {
    this.tokens = tokens
    this.opts.onTokens?.(tokens)
  }

  /** The request with the current access token, if there is one and it has none of its own. */
  authorize (request: Request): Request {
    if (!this.tokens || request.headers.has('authorization')) return request
    const headers = new Headers(request.headers)
    headers.set('authorization', `Bearer ${this.tokens.access_token}`)
    return new Request(request, { headers })
  }

  /** A fetch for openapi-fetch (and the SSE helper): the tokens handled as described above. */
  readonly fetch = async (input: Request): Promise<Response> => {
    const path = this.pathOf(input.url)
    const retry = input.clone() // a body can be sent once: keep a copy for the second try
    const sentWith = this.tokens?.access_token
    const response = await this.send(this.authorize(input))
    if (response.ok && ISSUING.has(path)) await this.keep(response)
    if (response.ok && path === '/auth/logout') this.set(null)
    if (response.status !== 401 || ISSUING.has(path) || !this.tokens || input.headers.has('authorization')) return response
    // Another request may have refreshed meanwhile: then just send again with the new token.
    if (this.tokens.access_token === sentWith && !await this.refresh()) return response
    return this.send(this.authorize(retry))
  }

  /** Trades the refresh token for a new pair; false (and signed out) when it is refused. */
  refresh (): Promise<boolean> {
    this.refreshing ??= (async () => {
      const refreshToken = this.tokens?.refresh_token
      if (!refreshToken) return false
      const response = await this.send(new URL('auth/refresh', this.base), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refresh_token: refreshToken })
      })
      if (!response.ok) {
        // A rotated or revoked token stays refused: this session is over.
        if (response.status < 500) this.set(null)
        return false
      }
      await this.keep(response)
      return true
    })().finally(() => { this.refreshing = null })
    return this.refreshing
  }

  private async keep (response: Response): Promise<void> {
    const body = await response.clone().json() as { data?: Partial<Tokens> }
    const { access_token: access, refresh_token: refresh } = body.data ?? {}
    if (access && refresh) this.set({ access_token: access, refresh_token: refresh })
  }

  private pathOf (url: string): string {
    const path = new URL(url).pathname
    const prefix = this.base.pathname.replace(/\/$/, '')
    return path.startsWith(prefix) ? path.slice(prefix.length) || '/' : path
  }
}
