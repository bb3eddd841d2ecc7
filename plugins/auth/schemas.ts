// Wire shapes of /auth (docs/architecture.md "API"; the routes in plugins/auth/README.md).
import { Type, type Static } from 'typebox'
import { TIER_NAMES } from '../../config/index.ts'
import { Nullable, Ref, StringEnum } from '../../kernel/schemas.ts'
import { PASSWORD_MAX, PASSWORD_MIN } from './passwords.ts'

export const UserSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  email: Type.String({ format: 'email' }),
  full_name: Type.String(),
  avatar_url: Nullable(Type.String()),
  subscription_tier: StringEnum(TIER_NAMES),
  is_admin: Type.Boolean(),
  created_at: Type.String({ format: 'date-time' }),
  last_login: Nullable(Type.String({ format: 'date-time' }))
}, { $id: 'User' })

const email = Type.String({ format: 'email', minLength: 3, maxLength: 254 })
const fullName = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' })
const refreshToken = Type.String({ minLength: 20, maxLength: 200 })

export const RegisterBody = Type.Object({
  email,
  password: Type.String({ minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX }),
  full_name: fullName
}, { additionalProperties: false })

export const LoginBody = Type.Object({
  // No length policy on login: old accounts keep working if the policy changes; the cap
  // stops a megabyte "password" from reaching argon2.
  email,
  password: Type.String({ minLength: 1, maxLength: PASSWORD_MAX })
}, { additionalProperties: false })

export const ChangePasswordBody = Type.Object({
  current_password: Type.String({ minLength: 1, maxLength: PASSWORD_MAX }),
  new_password: Type.String({ minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX, description: 'judged like a new account\'s password (zxcvbn score 3 or more)' })
}, { additionalProperties: false })

export const PasswordChangedSchema = Type.Object({
  revoked_sessions: Type.Integer({ description: "how many of the account's other sessions were ended" })
})

export const DeviceHeaders = Type.Object({
  'x-device-token': Type.Optional(Type.String({ maxLength: 200, description: 'the device_token of an earlier login of this account (or the cvgen_device cookie): waives the per-email wait' }))
})

export const RefreshBody = Type.Object({ refresh_token: refreshToken }, { additionalProperties: false })

export const UpdateMeBody = Type.Object({
  full_name: Type.Optional(fullName),
  avatar_url: Type.Optional(Nullable(Type.String({
    format: 'uri',
    maxLength: 2048,
    description: 'the public_url of one of your own uploads (POST /uploads/presigned-url), or null to clear it'
  })))
}, { additionalProperties: false, minProperties: 1 })

export const SessionSchema = Type.Object({
  user: Ref('User'),
  access_token: Type.String(),
  refresh_token: Type.String(),
  device_token: Type.String({ description: 'send it back on later logins (X-Device-Token; browsers also get it as the cvgen_device cookie)' }),
  token_type: StringEnum(['Bearer']),
  expires_in: Type.Integer({ description: 'access token lifetime in seconds' })
})

export const TokenPairSchema = Type.Object({
  access_token: Type.String(),
  refresh_token: Type.String(),
  token_type: StringEnum(['Bearer']),
  expires_in: Type.Integer()
})

export type RegisterInput = Static<typeof RegisterBody>
export type LoginInput = Static<typeof LoginBody>
export type ChangePasswordInput = Static<typeof ChangePasswordBody>
export type ProfileChanges = Static<typeof UpdateMeBody>
