// Plan limits, owned here because auth owns `users` (and with it each user's tier). Other
// plugins count their own rows; this locks the owner's row inside their transaction first,
// which serialises one user's creations, so two parallel requests cannot both pass a count.
import type { EntityManager } from '@mikro-orm/postgresql'
import type { Tier, TierLimits } from '../../config/index.ts'
import { KernelErrors } from '../../kernel/errors.ts'
import { assertWithinPlan } from '../../kernel/plans.ts'

/** The plan owner's API (app.auth.plans), for services that create what a plan limits. */
export interface PlanOwner {
  /** Locks the user's row in `em`'s transaction and returns their tier; 401 when the account is gone. */
  lockTier (em: EntityManager, userId: string): Promise<Tier>
  /**
   * lockTier, then 403 PLAN_LIMIT_<name> unless one more fits the tier's `limit`. `used`
   * counts what the user has, after the lock. Returns the tier.
   */
  reserve (em: EntityManager, userId: string, limit: keyof TierLimits, name: string, used: (em: EntityManager) => Promise<number>): Promise<Tier>
  /** The tier's limits. */
  limits (tier: Tier): TierLimits
  /** 403 PLAN_LIMIT_<name> unless one more fits, for a caller that holds the lock and counted itself. */
  check (tier: Tier, limit: keyof TierLimits, name: string, used: number): void
  /** The user's tier without a lock (a read that decides nothing racy); 'free' when unknown. */
  tierOf (userId: string, em: EntityManager): Promise<Tier>
}

export class Plans implements PlanOwner {
  private readonly tiers: Record<Tier, TierLimits>

  constructor (tiers: Record<Tier, TierLimits>) {
    this.tiers = tiers
  }

  async lockTier (em: EntityManager, userId: string): Promise<Tier> {
    const [owner] = await em.execute<{ subscription_tier: Tier }[]>('select subscription_tier from users where id = ? for update', [userId])
    if (!owner) throw new KernelErrors.UNAUTHENTICATED() // the account was deleted under a still-valid token
    return owner.subscription_tier
  }

  async reserve (em: EntityManager, userId: string, limit: keyof TierLimits, name: string, used: (em: EntityManager) => Promise<number>): Promise<Tier> {
    const tier = await this.lockTier(em, userId)
    this.check(tier, limit, name, await used(em))
    return tier
  }

  limits (tier: Tier): TierLimits { return this.tiers[tier] }

  check (tier: Tier, limit: keyof TierLimits, name: string, used: number): void {
    assertWithinPlan(this.tiers, tier, limit, name, used)
  }

  async tierOf (userId: string, em: EntityManager): Promise<Tier> {
    const [row] = await em.execute<{ subscription_tier: Tier }[]>('select subscription_tier from users where id = ?', [userId])
    return row?.subscription_tier ?? 'free'
  }
}
