// Every code the exports plugin answers with.
import { defineErrors } from '../../kernel/errors.ts'

export const ExportsErrors = defineErrors('EXPORTS', {
  NOT_FOUND: [404, 'Export not found'],
  CHROMIUM_MISSING: [503, 'PDF and PNG exports need Chromium, which is not installed at %s. Install it (Debian/Ubuntu: apt-get install -y chromium) or point CHROMIUM_PATH at a Chromium or Chrome executable, then restart.'],
  ENQUEUE_FAILED: [503, 'The export queue is unavailable']
})
