// Wire schema of GET /ai/prompts.
import { Type } from 'typebox'
import { StringEnum } from '../../kernel/schemas.ts'

export const PromptList = Type.Array(Type.Object({
  id: Type.String(),
  active_version: Type.Integer(),
  pinned: Type.Boolean({ description: 'true when AI_PROMPT_VERSIONS names this prompt' }),
  versions: Type.Array(Type.Object({
    version: Type.Integer(),
    description: Type.String(),
    target: StringEnum(['resume', 'portfolio']),
    output_schema: Type.String(),
    temperature: Type.Optional(Type.Number()),
    max_tokens: Type.Optional(Type.Integer()),
    source: StringEnum(['builtin', 'override', 'operator']),
    file: Type.Optional(Type.String({ description: 'path relative to its prompts folder' })),
    active: Type.Boolean()
  }))
}))
