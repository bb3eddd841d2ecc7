// argon2id hashing. The library hashes on libuv's thread pool, so a login burst costs CPU
// but does not stall the event loop (bench/auth.ts measures the loop delay).
import { availableParallelism } from 'node:os'
import argon2 from 'argon2'

export interface Argon2Params { memoryCost: number, timeCost: number, parallelism: number }

export const PASSWORD_MIN = 10
export const PASSWORD_MAX = 256

/**
 * At most one hash per core at a time. More only makes the hashes fight the event loop for
 * CPU and fills libuv's pool that file and DNS work share (bench/auth.ts measured the loop
 * delay both ways).
 */
class Gate {
  private active = 0
  private readonly waiting: (() => void)[] = []
  private readonly size: number

  constructor (size: number) {
    this.size = size
  }

  async run<T> (fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve))
    else this.active++
    try {
      return await fn()
    } finally {
      const next = this.waiting.shift()
      if (next) next() // the slot passes straight to the next caller
      else this.active--
    }
  }
}

export class Passwords {
  /** A real hash of nothing, verified when the email is unknown so both paths take as long. */
  private dummy: Promise<string>
  private readonly gate = new Gate(availableParallelism())

  private readonly params: Argon2Params

  constructor (params: Argon2Params) {
    this.params = params
    this.dummy = this.hash('cvgen-timing-equaliser')
  }

  hash (password: string): Promise<string> {
    return this.gate.run(() => argon2.hash(password, { type: argon2.argon2id, ...this.params }))
  }

  async verify (hash: string | null, password: string): Promise<boolean> {
    const stored = hash ?? await this.dummy
    try {
      return await this.gate.run(() => argon2.verify(stored, password)) && hash !== null
    } catch {
      return false // a corrupt stored hash is a failed login, not a 500
    }
  }

  /** True when a stored hash used weaker (or other) settings than the current ones. */
  needsRehash (hash: string): boolean {
    return argon2.needsRehash(hash, this.params)
  }
}
