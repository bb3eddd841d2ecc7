// argon2id hashing. The library hashes on libuv's thread pool, so a login burst costs CPU
// but does not stall the event loop (bench/auth.ts measures the loop delay).
import argon2 from 'argon2'

export interface Argon2Params { memoryCost: number, timeCost: number, parallelism: number }

export const PASSWORD_MIN = 10
export const PASSWORD_MAX = 256

export class Passwords {
  /** A real hash of nothing, verified when the email is unknown so both paths take as long. */
  private dummy: Promise<string>

  constructor (private readonly params: Argon2Params) {
    this.dummy = this.hash('cvgen-timing-equaliser')
  }

  hash (password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id, ...this.params })
  }

  async verify (hash: string | null, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash ?? await this.dummy, password) && hash !== null
    } catch {
      return false // a corrupt stored hash is a failed login, not a 500
    }
  }

  /** True when a stored hash used weaker (or other) settings than the current ones. */
  needsRehash (hash: string): boolean {
    return argon2.needsRehash(hash, this.params)
  }

  /** Policy checks that a schema cannot express; lengths are counted in code points. */
  problem (password: string, email: string): string | null {
    const length = [...password].length
    if (length < PASSWORD_MIN) return `The password needs at least ${PASSWORD_MIN} characters`
    if (length > PASSWORD_MAX) return `The password may have at most ${PASSWORD_MAX} characters`
    if (password.trim().length === 0) return 'The password cannot be only spaces'
    if (password.toLowerCase() === email.toLowerCase()) return 'The password cannot be your email address'
    return null
  }
}
