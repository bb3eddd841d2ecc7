// Every code the themes plugin answers (or fails start-up) with.
import { defineErrors } from '../../kernel/errors.ts'

export const ThemesErrors = defineErrors('THEMES', {
  NOT_FOUND: [404, 'No theme "%s" is installed'],
  KIND_UNSUPPORTED: [400, 'Theme "%s" does not support %s'],
  // Raised at start-up only, never over HTTP: theme folders the operator must fix.
  INVALID_MANIFEST: [500, 'Invalid theme manifest %s: %s'],
  DIR_UNREADABLE: [500, 'Theme folder %s cannot be read (%s); check CVGEN_THEME_DIRS']
})
