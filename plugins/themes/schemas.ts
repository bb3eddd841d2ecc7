// The theme manifest (themes/<id>/theme.json) and the wire shapes of /themes. The manifest
// schema stays plain JSON Schema: only registry.ts's Ajv reads it, its if/then has no
// TypeBox builder, and ThemeManifest (registry.ts) says more than it can (fonts non-empty).
import { Type } from 'typebox'
import { FreeObject, StringEnum } from '../../kernel/schemas.ts'

export const THEME_KINDS = ['resume', 'portfolio'] as const

const THEME_ID = '^[a-z0-9]+(?:-[a-z0-9]+)*$'
const THEME_ID_MAX = 64
// semver.org's reference pattern.
const SEMVER = '^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$'
// Family names and fallbacks end up inside CSS `font-family:` declarations, so only the
// characters a font stack needs are allowed (no `;`, `}`, `<`, `(`). A fallback must end
// with a CSS generic family, so text always renders.
const FONT_FAMILY = '^[A-Za-z0-9][A-Za-z0-9 -]*$'
const FONT_FALLBACK = "^(?:\\s*[A-Za-z0-9'\"-][A-Za-z0-9'\" -]*,)*\\s*(serif|sans-serif|monospace|cursive|fantasy|system-ui|ui-serif|ui-sans-serif|ui-monospace|ui-rounded|math|emoji|fangsong)$"

/** Readable messages for the patterns an operator or a user is most likely to miss. */
export const PATTERN_MESSAGES: Record<string, string> = {
  [THEME_ID]: 'must be lowercase letters, digits and single dashes, e.g. "my-theme"',
  [SEMVER]: 'must be a semantic version, e.g. "1.0.0"',
  [FONT_FAMILY]: 'must be a font family name (letters, digits, spaces, dashes)',
  [FONT_FALLBACK]: "must be a CSS font stack ending with a generic family, e.g. \"Georgia, 'Times New Roman', serif\"",
  '^#[0-9a-fA-F]{6}$': 'must be a hex color, e.g. "#1a2b3c"'
}

const FontSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['family', 'fallback'],
  properties: {
    family: { type: 'string', pattern: FONT_FAMILY, maxLength: 100 },
    package: { type: 'string', pattern: '^@fontsource(-variable)?/[a-z0-9-]+$', description: 'the npm @fontsource package that ships the font' },
    weights: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'integer', minimum: 100, maximum: 900 } },
    fallback: { type: 'string', pattern: FONT_FALLBACK, maxLength: 200, description: "a CSS generic stack, e.g. \"Georgia, 'Times New Roman', serif\"" }
  }
} as const

const PortfolioStarterSchema = {
  type: 'object',
  required: ['about', 'projects', 'contact'],
  properties: {
    about: { type: 'string', description: 'Markdown' },
    projects: {
      type: 'array',
      items: {
        type: 'object',
        required: ['title', 'description', 'url', 'image', 'tags'],
        properties: {
          title: { type: 'string' },
          description: { type: 'string' },
          url: { type: ['string', 'null'] },
          image: { type: ['string', 'null'] },
          tags: { type: 'array', items: { type: 'string' } }
        }
      }
    },
    contact: {
      type: 'object',
      required: ['links'],
      properties: {
        email: { type: 'string', format: 'email' },
        phone: { type: 'string' },
        location: { type: 'string' },
        links: {
          type: 'array',
          items: {
            type: 'object',
            required: ['label', 'url'],
            properties: { label: { type: 'string' }, url: { type: 'string', format: 'uri' } }
          }
        }
      }
    }
  }
} as const

/** The shape of theme.json. Cross-field rules (id = folder, defaults valid) live in registry.ts. */
export const ThemeManifestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'version', 'description', 'supports', 'fonts', 'options', 'defaults', 'starter'],
  properties: {
    $schema: { type: 'string' },
    id: { type: 'string', pattern: THEME_ID, maxLength: THEME_ID_MAX },
    name: { type: 'string', minLength: 1, maxLength: 100 },
    version: { type: 'string', pattern: SEMVER },
    description: { type: 'string', minLength: 1, maxLength: 1000 },
    supports: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: THEME_KINDS } },
    fonts: { type: 'array', minItems: 1, maxItems: 10, items: FontSchema },
    options: {
      description: 'JSON Schema (draft-07) of the theme_config a user may set',
      type: 'object',
      required: ['type', 'additionalProperties'],
      properties: {
        type: { const: 'object' },
        additionalProperties: { const: false },
        properties: { type: 'object' }
      }
    },
    defaults: { type: 'object' },
    starter: {
      type: 'object',
      additionalProperties: false,
      properties: {
        resume: { type: 'object', description: 'a JSON Resume document' },
        portfolio: PortfolioStarterSchema
      }
    }
  },
  // A starter is required for each kind the theme supports.
  allOf: THEME_KINDS.map((kind) => ({
    if: { required: ['supports'], properties: { supports: { type: 'array', contains: { const: kind } } } },
    then: { properties: { starter: { required: [kind] } } }
  }))
} as const

// --- wire ---

const themeProperties = {
  id: Type.String(),
  name: Type.String(),
  version: Type.String(),
  description: Type.String(),
  supports: Type.Array(StringEnum(THEME_KINDS)),
  fonts: Type.Array(Type.Object({
    family: Type.String(),
    package: Type.Optional(Type.String()),
    weights: Type.Optional(Type.Array(Type.Integer())),
    fallback: Type.String()
  })),
  options: FreeObject({ description: 'JSON Schema of theme_config' }),
  defaults: FreeObject({ description: 'the theme_config a new document starts with' })
}

export const ThemeSummarySchema = Type.Object(themeProperties, { $id: 'ThemeSummary' })

export const ThemeDetailSchema = Type.Object({
  ...themeProperties,
  starter: Type.Object({
    resume: Type.Optional(FreeObject()),
    portfolio: Type.Optional(FreeObject())
  }, { description: 'starter content per supported kind: resume is a JSON Resume document' })
}, { $id: 'ThemeDetail' })

export const ThemesQuery = Type.Object({
  kind: Type.Optional(StringEnum(THEME_KINDS))
}, { additionalProperties: false })

export const ThemeParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: THEME_ID_MAX })
})
