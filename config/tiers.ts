// Plan limits per subscription tier. `null` means unlimited. An operator overrides any of
// them with a JSON file named by TIERS_FILE, e.g. {"free": {"resumes": 5}}.
import { readFileSync } from 'node:fs'

export const TIER_NAMES = ['free', 'pro', 'enterprise'] as const
export type Tier = typeof TIER_NAMES[number]

export interface TierLimits {
  resumes: number | null
  portfolios: number | null
  analysesPerDay: number | null
  customDomains: number | null
  uploadBytes: number
}

const MB = 1024 * 1024

export const DEFAULT_TIERS: Record<Tier, TierLimits> = {
  free: { resumes: 10, portfolios: 3, analysesPerDay: 20, customDomains: 1, uploadBytes: 5 * MB },
  pro: { resumes: 100, portfolios: 20, analysesPerDay: 200, customDomains: 10, uploadBytes: 10 * MB },
  enterprise: { resumes: null, portfolios: null, analysesPerDay: 2000, customDomains: 100, uploadBytes: 25 * MB }
}

const LIMIT_KEYS = Object.keys(DEFAULT_TIERS.free) as (keyof TierLimits)[]

export function loadTiers (file: string | undefined): Record<Tier, TierLimits> {
  const tiers = structuredClone(DEFAULT_TIERS)
  if (!file) return tiers
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    throw new Error(`cannot read ${file} as JSON: ${(err as Error).message}`)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('must hold a JSON object keyed by tier')
  for (const [tier, limits] of Object.entries(parsed)) {
    if (!(TIER_NAMES as readonly string[]).includes(tier)) throw new Error(`unknown tier "${tier}" (known: ${TIER_NAMES.join(', ')})`)
    if (typeof limits !== 'object' || limits === null) throw new Error(`${tier} must be an object`)
    for (const [key, value] of Object.entries(limits) as [string, any][]) {
      if (!(LIMIT_KEYS as string[]).includes(key)) throw new Error(`${tier}.${key} is not a limit (known: ${LIMIT_KEYS.join(', ')})`)
      const unlimitedOk = key !== 'uploadBytes'
      if (!((value === null && unlimitedOk) || (Number.isInteger(value) && value >= 0))) {
        throw new Error(`${tier}.${key} must be a whole number >= 0${unlimitedOk ? ' or null (unlimited)' : ''}`)
      }
      ;(tiers[tier as Tier] as unknown as Record<string, number | null>)[key] = value
    }
  }
  return tiers
}
