// Shared wire schemas, registered once with $id so routes and the OpenAPI document reuse
// them. Success bodies are {data, meta?}; failures are {error: {code, message, details?}}.
export const ErrorEnvelope = {
  $id: 'ErrorEnvelope',
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'UPPER_SNAKE, prefixed by the plugin' },
        message: { type: 'string' },
        details: {
          description: 'validation: [{path, message}] with JSON Pointer paths; plan limits: {limit, used, tier}',
          anyOf: [
            { type: 'array', items: { type: 'object', additionalProperties: true } },
            { type: 'object', additionalProperties: true }
          ]
        }
      }
    }
  }
} as const

export const PaginationMeta = {
  $id: 'PaginationMeta',
  type: 'object',
  required: ['limit', 'offset', 'total'],
  properties: {
    limit: { type: 'integer' },
    offset: { type: 'integer' },
    total: { type: 'integer' }
  }
} as const

export const PaginationQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
    offset: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 0 }
  }
} as const

/** `/:id` of every resource route: a UUID, so a malformed id is a 400, never a query. */
export const IdParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', format: 'uuid' } }
} as const

export const sharedSchemas = [ErrorEnvelope, PaginationMeta]

/** `{data: <schema>}` */
export function ok (data: object) {
  return { type: 'object', required: ['data'], properties: { data } } as const
}

/** `{data: [<item>], meta: PaginationMeta}` */
export function okList (item: object) {
  return {
    type: 'object',
    required: ['data', 'meta'],
    properties: { data: { type: 'array', items: item }, meta: { $ref: 'PaginationMeta#' } }
  } as const
}

/** Response entries for the failure statuses a route can answer. */
export function errors (...statuses: number[]): Record<number, { $ref: string }> {
  return Object.fromEntries(statuses.map((s) => [s, { $ref: 'ErrorEnvelope#' }]))
}

export const NoContent = { type: 'null', description: 'No content' } as const
