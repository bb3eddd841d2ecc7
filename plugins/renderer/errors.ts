// Every code the renderer plugin raises. Public pages answer HTML, not the JSON envelope:
// these codes reach the log (and the JSON envelope only if a page route is misused).
import { defineErrors } from '../../kernel/errors.ts'

export const RendererErrors = defineErrors('RENDERER', {
  PAGE_NOT_FOUND: [404, 'No public page at this address'],
  NO_THEME: [500, 'No installed theme can render a %s']
})
