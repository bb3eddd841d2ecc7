// users and refresh_tokens (migrations/ holds their DDL). Property names follow the
// columns and the wire shapes (snake_case) so nothing is renamed on the way through.
import { randomUUID } from 'node:crypto'
import { defineEntity, p, type InferEntity } from '@mikro-orm/core'
import { TIER_NAMES } from '../../config/index.ts'

export const User = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    email: p.string(),
    password_hash: p.text().hidden().lazy(),
    full_name: p.string(),
    avatar_url: p.text().nullable(),
    subscription_tier: p.enum([...TIER_NAMES]).default('free'),
    is_admin: p.boolean().default(false),
    created_at: p.datetime().onCreate(() => new Date()),
    last_login: p.datetime().nullable()
  }
})

export const RefreshToken = defineEntity({
  name: 'RefreshToken',
  tableName: 'refresh_tokens',
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    user_id: p.uuid(),
    family_id: p.uuid(),
    token_hash: p.string(),
    created_at: p.datetime().onCreate(() => new Date()),
    expires_at: p.datetime(),
    revoked_at: p.datetime().nullable(),
    replaced_by: p.uuid().nullable()
  }
})

export type UserRow = InferEntity<typeof User>
