// Every code the portfolios plugin answers with.
import { defineErrors } from '../../kernel/errors.ts'

export const PortfoliosErrors = defineErrors('PORTFOLIOS', {
  NOT_FOUND: [404, 'Portfolio not found'],
  SUBDOMAIN_TAKEN: [409, 'This subdomain is taken by another portfolio'],
  SUBDOMAIN_RESERVED: [400, 'The subdomain "%s" is reserved'],
  CUSTOM_DOMAIN_TAKEN: [409, 'This domain is already attached to another portfolio'],
  UNKNOWN_TEMPLATE: [400, 'There is no portfolio theme "%s"'],
  INVALID_CONTENT: [400, 'The portfolio content is not valid'],
  INVALID_THEME_CONFIG: [400, "theme_config does not fit the theme's options"],
  IMAGE_NOT_OWNED: [400, 'Project images must be your own uploads']
})
