// Plan limits per subscription tier (config/tiers.ts). Exceeding one is a 403 with code
// PLAN_LIMIT_<NAME> and details {limit, used, tier}, so the dashboard can offer an upgrade.
import type { Tier, TierLimits } from '../config/index.ts'
import { AppError } from './errors.ts'

export class PlanLimitError extends AppError {
  constructor (name: string, limit: number, used: number, tier: Tier) {
    super(`Your ${tier} plan allows ${limit} ${name.toLowerCase().replace(/_/g, ' ')}`)
    this.name = 'PlanLimitError'
    this.statusCode = 403
    this.code = `PLAN_LIMIT_${name}`
    this.details = { limit, used, tier }
  }
}

/**
 * Throws PlanLimitError when adding one more would pass the tier's limit. `used` is the
 * count before the addition; a null limit means unlimited.
 */
export function assertWithinPlan (tiers: Record<Tier, TierLimits>, tier: Tier, key: keyof TierLimits, name: string, used: number): void {
  const limit = tiers[tier][key]
  if (limit !== null && used + 1 > limit) throw new PlanLimitError(name, limit, used, tier)
}
