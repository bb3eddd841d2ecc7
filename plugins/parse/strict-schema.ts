// The JSON Resume schema in the form OpenAI's strict structured output takes (our `openai`
// completer always asks for strict mode). Strict mode ("Supported schemas" in OpenAI's Structured
// Outputs guide) wants every object closed (additionalProperties: false) with all its properties
// in required, optional fields as unions with null, $ref only into the schema's own $defs, and
// only some keywords and string formats. JSON Resume has open objects, nothing required, a
// `definitions` $ref, additionalItems and format uri, so the vendor refuses it as it is.
//
// strictSchema() derives the strict form: objects closed, every property required and nullable,
// $refs inlined, uri formats and keywords outside the subset dropped (result.ts's validateResume
// still checks the whole JSON Resume schema afterwards). It also suits Anthropic's structured
// output, which wants closed objects too. dropNulls() turns an answer back into JSON Resume form.
// A schema feature it does not know (anyOf, oneOf, tuples) throws, so a change to the schema file
// fails strict-schema.test.ts instead of sending something the vendor refuses.

type Schema = Record<string, unknown>

/** The string formats strict mode supports; others (uri) are dropped. */
const FORMATS = new Set(['date-time', 'time', 'date', 'duration', 'email', 'hostname', 'ipv4', 'ipv6', 'uuid'])
const SCALARS = new Set(['string', 'number', 'integer', 'boolean'])

const notes = (node: Schema): Schema => Object.fromEntries(Object.entries(node).filter(([k, v]) => (k === 'title' || k === 'description') && typeof v === 'string'))

/** Optional in JSON Resume means "may be null" here: strict mode has every property present. */
function nullable (s: Schema): Schema {
  if (typeof s.type === 'string' && SCALARS.has(s.type)) {
    return { ...s, type: [s.type, 'null'], ...(Array.isArray(s.enum) ? { enum: [...s.enum, null] } : {}) }
  }
  return { anyOf: [s, { type: 'null' }] }
}

export function strictSchema (root: Schema): Schema {
  const resolve = (node: Schema, path: string): Schema => {
    if (!('$ref' in node)) return node
    const ref = node.$ref
    if (typeof ref !== 'string' || !ref.startsWith('#/')) throw new Error(`strictSchema: ${path} has $ref ${String(ref)}; only references into the schema itself are inlined`)
    const target = ref.slice(2).split('/').reduce<unknown>((n, k) => (n as Schema | undefined)?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], root)
    if (!target || typeof target !== 'object') throw new Error(`strictSchema: ${path} refers to ${ref}, which is not in the schema`)
    const { $ref: _, ...siblings } = node
    return resolve({ ...(target as Schema), ...siblings }, path)
  }

  const convert = (input: Schema, path: string): Schema => {
    const node = resolve(input, path)
    const type = node.type ?? (node.properties ? 'object' : undefined)
    for (const k of ['anyOf', 'oneOf', 'allOf', 'not', 'if', 'patternProperties']) {
      if (k in node) throw new Error(`strictSchema: ${path} uses ${k}, which this conversion does not handle`)
    }
    if (type === 'object') {
      const properties = Object.entries((node.properties ?? {}) as Record<string, Schema>)
      return {
        ...notes(node),
        type: 'object',
        properties: Object.fromEntries(properties.map(([k, v]) => [k, nullable(convert(v, `${path}.${k}`))])),
        required: properties.map(([k]) => k),
        additionalProperties: false
      }
    }
    if (type === 'array') {
      if (!node.items || typeof node.items !== 'object' || Array.isArray(node.items)) throw new Error(`strictSchema: ${path} is an array without one items schema`)
      return { ...notes(node), type: 'array', items: convert(node.items as Schema, `${path}[]`) }
    }
    if (typeof type === 'string' && SCALARS.has(type)) {
      return {
        ...notes(node),
        type,
        ...(typeof node.pattern === 'string' ? { pattern: node.pattern } : {}),
        ...(typeof node.format === 'string' && FORMATS.has(node.format) ? { format: node.format } : {}),
        ...(Array.isArray(node.enum) ? { enum: node.enum } : {})
      }
    }
    throw new Error(`strictSchema: ${path || 'the root'} has type ${JSON.stringify(type)}, which this conversion does not handle`)
  }

  const out = convert(root, '$')
  if (out.type !== 'object') throw new Error('strictSchema: strict mode wants an object at the root')
  return out
}

/**
 * A strict answer back in JSON Resume form: null fields go, and so do objects and arrays that
 * are left empty (the rule-based draft never holds an empty one either). undefined: nothing left.
 */
export function dropNulls (value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(dropNulls).filter((v) => v !== undefined)
    return items.length ? items : undefined
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => [k, dropNulls(v)] as const).filter(([, v]) => v !== undefined)
    return entries.length ? Object.fromEntries(entries) : undefined
  }
  return value === null ? undefined : value
}
