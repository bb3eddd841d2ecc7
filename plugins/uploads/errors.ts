// Every code the uploads plugin answers with (plan limits come as PLAN_LIMIT_UPLOAD_SIZE).
import { defineErrors } from '../../kernel/errors.ts'

export const UploadsErrors = defineErrors('UPLOADS', {
  UNSUPPORTED_TYPE: [415, 'Uploads must be PNG, JPEG, WebP or GIF images, not %s'],
  NOT_AN_IMAGE: [422, 'The uploaded file is not a %s image (its first bytes say otherwise); upload the image again']
})
