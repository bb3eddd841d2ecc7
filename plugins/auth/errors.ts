// Every code the auth plugin answers with.
import { defineErrors } from '../../kernel/errors.ts'

export const AuthErrors = defineErrors('AUTH', {
  EMAIL_TAKEN: [409, 'An account with this email already exists'],
  INVALID_CREDENTIALS: [401, 'Email or password is incorrect'],
  TOO_MANY_ATTEMPTS: [429, 'Too many failed logins for this account from this address, retry in %s seconds'],
  LOGIN_DELAYED: [429, 'Several failed logins for this account just now, retry in %s seconds'],
  // 403, not 401: the access token is fine, and a 401 would make clients refresh or log out.
  CURRENT_PASSWORD_WRONG: [403, 'The current password is incorrect'],
  TOKEN_MISSING: [401, 'Send an access token as "Authorization: Bearer <token>"'],
  TOKEN_INVALID: [401, 'The access token is invalid'],
  TOKEN_EXPIRED: [401, 'The access token has expired; refresh it'],
  REFRESH_TOKEN_INVALID: [401, 'The refresh token is not valid'],
  REFRESH_TOKEN_EXPIRED: [401, 'The refresh token has expired; log in again'],
  REFRESH_TOKEN_REVOKED: [401, 'The refresh token was revoked; log in again'],
  REFRESH_TOKEN_REUSED: [401, 'This refresh token was already used; every session of its family is revoked, log in again'],
  USER_NOT_FOUND: [401, 'The account of this token no longer exists'],
  ADMIN_REQUIRED: [403, 'This needs operator (admin) rights'],
  WEAK_PASSWORD: [400, '%s'],
  AVATAR_NOT_OWNED: [400, 'avatar_url must be the URL of one of your own uploaded images']
})
