// What OpenAI's strict structured output (response_format json_schema, strict: true) accepts, as the
// "Supported schemas" section of OpenAI's Structured Outputs guide states it
// (https://platform.openai.com/docs/guides/structured-outputs#supported-schemas):
// - the root is an object (type: 'object'), not anyOf;
// - every object sets additionalProperties: false and lists every property in required (an
//   optional field is a union with null, e.g. type: ['string', 'null']);
// - types string, number, integer, boolean, object, array, null; enum, const, anyOf (each branch
//   in this subset); $ref to '#' or to the schema's own $defs;
// - string: pattern, format (date-time, time, date, duration, email, hostname, ipv4, ipv6, uuid);
//   number: multipleOf, maximum, exclusiveMaximum, minimum, exclusiveMinimum; array: minItems,
//   maxItems. minLength/maxLength are listed only among what fine-tuned models "additionally" do
//   not support, so they are accepted here;
// - not supported: allOf, not, dependentRequired, dependentSchemas, if, then, else. The vendor
//   also refuses keywords outside the subset ("'default' is not permitted"); so does this check,
//   for every keyword not listed above (title and description are annotations, accepted);
// - at most 5000 object properties in all and 10 levels of nesting; at most 1000 enum values;
//   at most 120,000 characters of property names, definition names, enum and const values.
// The fake (llm-fake.ts) answers a schema that breaks them with the vendor's HTTP 400; tests use
// strictProblems() to check the schemas we send.

export const LIMITS = { properties: 5000, depth: 10, enumValues: 1000, chars: 120_000 }
export const FORMATS = new Set(['date-time', 'time', 'date', 'duration', 'email', 'hostname', 'ipv4', 'ipv6', 'uuid'])
const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'])
const KEYWORDS: Record<string, string[]> = {
  any: ['type', 'description', 'title', 'enum', 'const', 'anyOf', '$ref', '$defs'],
  string: ['pattern', 'format', 'minLength', 'maxLength'],
  number: ['multipleOf', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum'],
  integer: ['multipleOf', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum'],
  array: ['items', 'minItems', 'maxItems'],
  object: ['properties', 'required', 'additionalProperties']
}

type Node = Record<string, unknown>
const isNode = (v: unknown): v is Node => v !== null && typeof v === 'object' && !Array.isArray(v)
/** The vendor names the place as a tuple of keys, e.g. In context=('properties', 'basics'). */
const at = (ctx: string[]) => `In context=(${ctx.map((k) => `'${k}'`).join(', ')})`

/** Every way `schema` breaks the rules above, in the vendor's wording where it is known; [] when none. */
export function strictProblems (schema: unknown): string[] {
  const problems: string[] = []
  const size = { properties: 0, enumValues: 0, chars: 0, depth: 0 }
  const root = isNode(schema) ? schema : {}
  const defs = isNode(root.$defs) ? root.$defs : {}
  if (root.type !== 'object' || 'anyOf' in root) problems.push(`${at([])}, the root schema must be an object (type: 'object'), not anyOf or another type.`)

  const walk = (node: unknown, ctx: string[], depth: number): void => {
    if (!isNode(node)) { problems.push(`${at(ctx)}, a schema must be a JSON object.`); return }
    const types = (node.type === undefined ? [] : Array.isArray(node.type) ? node.type : [node.type]) as string[]
    for (const t of types) if (!TYPES.has(t)) problems.push(`${at(ctx)}, type '${t}' is not supported.`)
    const allowed = new Set([...KEYWORDS.any!, ...types.flatMap((t) => KEYWORDS[t] ?? [])])
    for (const k of Object.keys(node)) if (!allowed.has(k)) problems.push(`${at(ctx)}, '${k}' is not permitted.`)
    if (types.length === 0 && !['anyOf', '$ref', 'enum', 'const'].some((k) => k in node)) problems.push(`${at(ctx)}, schema must have a 'type' key.`)
    if ('format' in node && !FORMATS.has(node.format as string)) problems.push(`${at(ctx)}, format '${String(node.format)}' is not supported.`)
    if (Array.isArray(node.enum)) {
      size.enumValues += node.enum.length
      for (const v of node.enum) if (typeof v === 'string') size.chars += v.length
    }
    if (typeof node.const === 'string') size.chars += node.const.length
    if ('$ref' in node) {
      const ref = node.$ref
      const name = typeof ref === 'string' && ref.startsWith('#/$defs/') ? ref.slice(8) : null
      if (ref !== '#' && !(name !== null && name in defs)) problems.push(`${at(ctx)}, reference '${String(ref)}' must be '#' or '#/$defs/<name>' of this schema.`)
    }
    if ('anyOf' in node) {
      if (!Array.isArray(node.anyOf) || node.anyOf.length === 0) problems.push(`${at(ctx)}, 'anyOf' must be a non-empty array.`)
      else node.anyOf.forEach((s, i) => walk(s, [...ctx, 'anyOf', String(i)], depth))
    }
    if (types.includes('object')) {
      size.depth = Math.max(size.depth, depth)
      if (node.additionalProperties !== false) problems.push(`${at(ctx)}, 'additionalProperties' is required to be supplied and to be false.`)
      const properties = isNode(node.properties) ? node.properties : {}
      const keys = Object.keys(properties)
      const required = Array.isArray(node.required) ? node.required as string[] : []
      const missing = keys.filter((k) => !required.includes(k))
      if (!Array.isArray(node.required) || missing.length) problems.push(`${at(ctx)}, 'required' is required to be supplied and to be an array including every key in properties. Missing '${missing[0] ?? ''}'.`)
      const extra = required.filter((k) => !keys.includes(k))
      if (extra.length) problems.push(`${at(ctx)}, Extra required key '${extra[0]}' supplied.`)
      size.properties += keys.length
      for (const k of keys) {
        size.chars += k.length
        walk(properties[k], [...ctx, 'properties', k], depth + 1)
      }
    }
    if (types.includes('array')) {
      if (!('items' in node)) problems.push(`${at(ctx)}, array schema missing items.`)
      else walk(node.items, [...ctx, 'items'], depth)
    }
  }

  walk(root, [], 1)
  for (const [name, def] of Object.entries(defs)) {
    size.chars += name.length
    walk(def, ['$defs', name], 1)
  }
  if (size.depth > LIMITS.depth) problems.push(`${size.depth} levels of nesting exceeds limit of ${LIMITS.depth}.`)
  if (size.properties > LIMITS.properties) problems.push(`${size.properties} object properties exceeds limit of ${LIMITS.properties}.`)
  if (size.enumValues > LIMITS.enumValues) problems.push(`${size.enumValues} enum values exceeds limit of ${LIMITS.enumValues}.`)
  if (size.chars > LIMITS.chars) problems.push(`${size.chars} characters of names and enum values exceeds limit of ${LIMITS.chars}.`)
  return problems
}

/** The vendor's HTTP 400 body for a strict schema it refuses (one problem, as the API reports one). */
export function strictRefusal (schemaName: string, problem: string) {
  return { error: { message: `Invalid schema for response_format '${schemaName}': ${problem}`, type: 'invalid_request_error', param: 'response_format', code: 'invalid_json_schema' } }
}
