// The JSON the model must answer with, by the name a prompt's front matter gives
// (`output_schema`). Written for OpenAI's strict structured output (every property
// required, no extra ones), which also suits Anthropic tool input and local JSON modes.
import { Ajv, type ValidateFunction } from 'ajv'
import type { AnalysisType } from '../ai/index.ts'
import { parseAnswer } from './json.ts'

/** The rule metrics the model also estimates, so its agreement with the rules can be measured. */
export const SCORE_KEYS: Record<AnalysisType, string[]> = {
  resume: ['ats_score', 'impact_score', 'brevity_score', 'grammar_score'],
  portfolio: ['star_score', 'tag_relevance_score', 'completeness_score']
}

const score = { type: 'integer', minimum: 0, maximum: 100 }
const text = (maxLength: number, description?: string) => ({ type: 'string', maxLength, ...(description ? { description } : {}) })
const object = (properties: Record<string, unknown>) => ({ type: 'object', additionalProperties: false, required: Object.keys(properties), properties })

function judgement (type: AnalysisType, entry: string): Record<string, unknown> {
  return object({
    overall_score: { ...score, description: 'your overall score, 0-100' },
    scores: object(Object.fromEntries(SCORE_KEYS[type].map((k) => [k, score]))),
    critique: text(4000, 'overall critique, Markdown, 2-4 short paragraphs'),
    tone: object({ verdict: { type: 'string', enum: ['confident', 'neutral', 'hesitant', 'inflated'] }, comment: text(600) }),
    star: {
      type: 'array',
      maxItems: 30,
      description: `STAR assessment per ${entry}`,
      items: object({ path: text(120, 'JSON path, e.g. work[0].highlights[1]'), rating: { type: 'string', enum: ['complete', 'partial', 'missing'] }, comment: text(400) })
    },
    rewrites: {
      type: 'array',
      maxItems: 12,
      items: object({ path: text(120), original: text(600), rewrite: text(600), reason: text(300) })
    },
    strengths: { type: 'array', maxItems: 8, items: text(400) },
    improvements: { type: 'array', maxItems: 10, items: text(400) }
  })
}

export const OUTPUT_SCHEMAS: Record<string, { type: AnalysisType, schema: Record<string, unknown> }> = {
  'resume-judgement': { type: 'resume', schema: judgement('resume', 'work highlight') },
  'portfolio-judgement': { type: 'portfolio', schema: judgement('portfolio', 'project') }
}

export interface Judgement {
  overall_score: number
  scores: Record<string, number>
  critique: string
  tone: { verdict: string, comment: string }
  star: Array<{ path: string, rating: string, comment: string }>
  rewrites: Array<{ path: string, original: string, rewrite: string, reason: string }>
  strengths: string[]
  improvements: string[]
}

const ajv = new Ajv({ allErrors: true })
const validators = new Map<string, ValidateFunction>(Object.entries(OUTPUT_SCHEMAS).map(([name, s]) => [name, ajv.compile(s.schema)]))

/**
 * Reads a model's answer: the JSON object (fences or prose around it tolerated, as local
 * models add them), validated against the named schema. Errors name the JSON path.
 */
export function readAnswer (schemaName: string, answer: string): { value: Judgement } | { errors: string[] } {
  const validate = validators.get(schemaName)
  if (!validate) return { errors: [`unknown output schema "${schemaName}"`] }
  const read = parseAnswer(answer)
  if ('errors' in read) return read
  const value = read.value
  if (!validate(value)) return { errors: validate.errors!.slice(0, 20).map((e) => `${e.instancePath || '/'} ${e.message}`) }
  return { value: value as Judgement }
}
