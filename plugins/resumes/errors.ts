// Every code the resumes plugin answers with.
import { defineErrors } from '../../kernel/errors.ts'

export const ResumesErrors = defineErrors('RESUMES', {
  NOT_FOUND: [404, 'Resume not found'],
  SLUG_TAKEN: [409, 'This slug is taken by another public resume'],
  SLUG_RESERVED: [400, 'The slug "%s" is reserved'],
  UNKNOWN_TEMPLATE: [400, 'There is no resume theme "%s"'],
  INVALID_CONTENT: [400, 'The resume content is not a valid JSON Resume document'],
  INVALID_THEME_CONFIG: [400, "theme_config does not fit the theme's options"]
})
