// Wire shapes of /auth (DESIGN.md "Wire shapes that clients rely on").
import { TIER_NAMES } from '../../config/index.ts'
import { PASSWORD_MAX, PASSWORD_MIN } from './passwords.ts'

export const UserSchema = {
  $id: 'User',
  type: 'object',
  required: ['id', 'email', 'full_name', 'avatar_url', 'subscription_tier', 'is_admin', 'created_at', 'last_login'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    email: { type: 'string', format: 'email' },
    full_name: { type: 'string' },
    avatar_url: { type: ['string', 'null'] },
    subscription_tier: { type: 'string', enum: TIER_NAMES },
    is_admin: { type: 'boolean' },
    created_at: { type: 'string', format: 'date-time' },
    last_login: { type: ['string', 'null'], format: 'date-time' }
  }
} as const

const email = { type: 'string', format: 'email', minLength: 3, maxLength: 254 } as const
const fullName = { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S' } as const
const refreshToken = { type: 'string', minLength: 20, maxLength: 200 } as const

export const RegisterBody = {
  type: 'object',
  additionalProperties: false,
  required: ['email', 'password', 'full_name'],
  properties: {
    email,
    password: { type: 'string', minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX },
    full_name: fullName
  }
} as const

export const LoginBody = {
  type: 'object',
  additionalProperties: false,
  required: ['email', 'password'],
  // No length policy on login: old accounts keep working if the policy changes; the cap
  // stops a megabyte "password" from reaching argon2.
  properties: { email, password: { type: 'string', minLength: 1, maxLength: PASSWORD_MAX } }
} as const

export const ChangePasswordBody = {
  type: 'object',
  additionalProperties: false,
  required: ['current_password', 'new_password'],
  properties: {
    current_password: { type: 'string', minLength: 1, maxLength: PASSWORD_MAX },
    new_password: { type: 'string', minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX, description: 'judged like a new account\'s password (zxcvbn score 3 or more)' }
  }
} as const

export const PasswordChangedSchema = {
  type: 'object',
  required: ['revoked_sessions'],
  properties: { revoked_sessions: { type: 'integer', description: "how many of the account's other sessions were ended" } }
} as const

export const DeviceHeaders = {
  type: 'object',
  properties: {
    'x-device-token': { type: 'string', maxLength: 200, description: 'the device_token of an earlier login of this account (or the cvgen_device cookie): waives the per-email wait' }
  }
} as const

export const RefreshBody = {
  type: 'object',
  additionalProperties: false,
  required: ['refresh_token'],
  properties: { refresh_token: refreshToken }
} as const

export const UpdateMeBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    full_name: fullName,
    avatar_url: {
      type: ['string', 'null'],
      format: 'uri',
      maxLength: 2048,
      description: 'the public_url of one of your own uploads (POST /uploads/presigned-url), or null to clear it'
    }
  }
} as const

export const SessionSchema = {
  type: 'object',
  required: ['user', 'access_token', 'refresh_token', 'device_token', 'token_type', 'expires_in'],
  properties: {
    user: { $ref: 'User#' },
    access_token: { type: 'string' },
    refresh_token: { type: 'string' },
    device_token: { type: 'string', description: 'send it back on later logins (X-Device-Token; browsers also get it as the cvgen_device cookie)' },
    token_type: { type: 'string', enum: ['Bearer'] },
    expires_in: { type: 'integer', description: 'access token lifetime in seconds' }
  }
} as const

export const TokenPairSchema = {
  type: 'object',
  required: ['access_token', 'refresh_token', 'token_type', 'expires_in'],
  properties: {
    access_token: { type: 'string' },
    refresh_token: { type: 'string' },
    token_type: { type: 'string', enum: ['Bearer'] },
    expires_in: { type: 'integer' }
  }
} as const
