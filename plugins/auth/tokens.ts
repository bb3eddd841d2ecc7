// Refresh tokens are opaque random strings; only their SHA-256 is stored, so a database
// leak does not hand out sessions. (A fast hash is right here: the token has 256 bits of
// entropy, unlike a password.)
import { createHash, randomBytes } from 'node:crypto'

export function newRefreshToken (): string {
  return randomBytes(32).toString('base64url')
}

export function hashToken (token: string): string {
  return createHash('sha256').update(token).digest('hex')
}
