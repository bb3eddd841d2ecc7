// Wire schema of GET /ai/prompts.
export const PromptList = {
  type: 'array',
  items: {
    type: 'object',
    required: ['id', 'active_version', 'pinned', 'versions'],
    properties: {
      id: { type: 'string' },
      active_version: { type: 'integer' },
      pinned: { type: 'boolean', description: 'true when AI_PROMPT_VERSIONS names this prompt' },
      versions: {
        type: 'array',
        items: {
          type: 'object',
          required: ['version', 'description', 'target', 'output_schema', 'source', 'active'],
          properties: {
            version: { type: 'integer' },
            description: { type: 'string' },
            target: { type: 'string', enum: ['resume', 'portfolio'] },
            output_schema: { type: 'string' },
            temperature: { type: 'number' },
            max_tokens: { type: 'integer' },
            source: { type: 'string', enum: ['builtin', 'override', 'operator'] },
            file: { type: 'string', description: 'path relative to its prompts folder' },
            active: { type: 'boolean' }
          }
        }
      }
    }
  }
} as const
