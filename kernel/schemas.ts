// Shared wire schemas, registered once with $id so routes and the OpenAPI document reuse
// them. Success bodies are {data, meta?}; failures are {error: {code, message, details?}}.
// Written with TypeBox, so a route's request types come from its schemas (the type
// provider in each routes.ts) instead of generics written beside them; the JSON Schema
// they produce is what the hand-written objects were, keyword for keyword.
import { Type, type Static, type TSchema, type TSchemaOptions, type TUnsafe } from 'typebox'

// --- builders for the JSON Schema TypeBox has no builder for ---

/** `{type: 'object', additionalProperties: true}`: any JSON object, kept as sent. */
export const FreeObject = (options: TSchemaOptions = {}) =>
  Type.Unsafe<Record<string, unknown>>({ type: 'object', additionalProperties: true, ...options })

/** `{type: [<the schema's type>, 'null'], ...}`: the schema, or null. */
export function Nullable<T extends TSchema> (schema: T, options: TSchemaOptions = {}): TUnsafe<Static<T> | null> {
  const { type } = schema as { type?: unknown }
  if (typeof type !== 'string') throw new Error('Nullable: the schema has no single type')
  return Type.Unsafe<Static<T> | null>({ ...schema, type: [type, 'null'], ...options })
}

/** `{type: 'string', enum: [...]}` (TypeBox's Enum leaves out the type). */
export function StringEnum<const V extends readonly string[]> (values: V, options: TSchemaOptions = {}): TUnsafe<V[number]> {
  return Type.Unsafe<V[number]>({ type: 'string', enum: values, ...options })
}

/** `{$ref: '<id>#'}` to a schema registered with addSchema, typed as that schema. */
export function Ref<T = unknown> (id: string): TUnsafe<T> {
  return Type.Unsafe<T>({ $ref: `${id}#` })
}

/**
 * A property with a `default`: optional on the wire (not in `required`), but always there
 * for the handler, since Ajv fills it in (useDefaults, kernel/validation.ts).
 */
export function Defaulted<T extends TSchema> (schema: T): T {
  if (!('default' in schema)) throw new Error('Defaulted: the schema has no default')
  return Type.Optional(schema) as TSchema as T
}

// --- shared schemas ---

/** One problem with the request: where it is (a JSON Pointer into that part) and what is wrong. */
export const ErrorDetail = Type.Object({
  path: Type.String({ description: "JSON Pointer into the request part ('/' for the whole part)" }),
  in: StringEnum(['body', 'querystring', 'params', 'headers'], { description: 'the part of the request the path points into' }),
  message: Type.String()
}, { $id: 'ErrorDetail' })

/** A limit was reached: a plan's (403 PLAN_LIMIT_*, 413), or a per-user or per-job one (429). */
export const LimitDetails = Type.Object({
  limit: Type.Integer({ description: 'what is allowed (a count, or bytes for sizes)' }),
  used: Type.Optional(Type.Integer({ description: 'what is in use (or asked for) now' })),
  tier: Type.Optional(Type.String({ description: "the account's plan" })),
  per: Type.Optional(Type.String({ description: 'what the limit counts per (user, analysis)' }))
}, { $id: 'LimitDetails' })

// oneOf, not a bag of unknowns: a generated client narrows details by its shape (an array of
// ErrorDetail, or LimitDetails). The error handler makes every array item an ErrorDetail.
export const ErrorEnvelope = Type.Object({
  error: Type.Object({
    code: Type.String({ description: 'UPPER_SNAKE, prefixed by the plugin' }),
    message: Type.String(),
    details: Type.Optional(Type.Unsafe<ErrorDetailWire[] | LimitDetailsWire>({
      oneOf: [{ type: 'array', items: { $ref: 'ErrorDetail#' } }, { $ref: 'LimitDetails#' }],
      description: 'validation and other request problems: [{path, in, message}]; limits: {limit, used?, tier?, per?}'
    }))
  })
}, { $id: 'ErrorEnvelope' })

type ErrorDetailWire = Static<typeof ErrorDetail>
type LimitDetailsWire = Static<typeof LimitDetails>

export const PaginationMeta = Type.Object({
  limit: Type.Integer(),
  offset: Type.Integer(),
  total: Type.Integer()
}, { $id: 'PaginationMeta' })

export const PaginationQuery = Type.Object({
  limit: Defaulted(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  offset: Defaulted(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }))
}, { additionalProperties: false })

/** `/:id` of every resource route: a UUID, so a malformed id is a 400, never a query. */
export const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) })

export const sharedSchemas = [ErrorDetail, LimitDetails, ErrorEnvelope, PaginationMeta]

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

/** A 204: typed as no payload at all (`reply.code(204).send()`), documented as null. */
export const NoContent = Type.Unsafe<undefined>({ type: 'null', description: 'No content' })
