// Request validation with two Ajv instances. Query strings, params and headers arrive as
// text, so they are coerced ("20" -> 20). Bodies are JSON and are validated as sent: no
// coercion and no silent removal of unknown fields — a wrong type or an unexpected field is
// a 400 naming its path, never a quietly altered document.
import { Ajv, type ErrorObject, type Options } from 'ajv'
import addFormats from 'ajv-formats'
import type { FastifySchemaValidationError } from 'fastify/types/schema.js'
import type { ErrorDetail } from './errors.ts'

type ExternalSchemas = Record<string, unknown>
interface RouteSchemaInfo { schema: any, httpPart?: string }

const common: Options = { allErrors: false, strict: false, useDefaults: true, removeAdditional: false }

function makeAjv (opts: Options, external: ExternalSchemas): Ajv {
  const ajv = new Ajv({ ...common, ...opts })
  addFormats.default(ajv)
  for (const schema of Object.values(external)) ajv.addSchema(schema as object)
  return ajv
}

export function buildValidator (external: ExternalSchemas) {
  const textual = makeAjv({ coerceTypes: 'array' }, external)
  const json = makeAjv({ coerceTypes: false }, external)
  return ({ schema, httpPart }: RouteSchemaInfo) =>
    (httpPart === 'body' ? json : textual).compile(schema)
}

/** Ajv errors -> envelope details with a JSON Pointer to the offending field. */
export function validationDetails (errors: (FastifySchemaValidationError | ErrorObject)[], part?: string): ErrorDetail[] {
  return errors.map((e) => {
    const params = e.params as Record<string, unknown>
    let path = (e as ErrorObject).instancePath ?? ''
    if (e.keyword === 'required') path += `/${String(params.missingProperty)}`
    if (e.keyword === 'additionalProperties') path += `/${String(params.additionalProperty)}`
    const message = e.keyword === 'additionalProperties'
      ? 'is not an allowed property'
      : e.keyword === 'required' ? 'is required' : e.message ?? 'is invalid'
    return { path: path || '/', in: (part ?? 'body') as ErrorDetail['in'], message }
  })
}
