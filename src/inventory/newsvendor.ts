import { normalCdf, normalQuantile } from '../numerics/normal.js';
import { scenarioQuantile } from './policies.js';

/**
 * The newsvendor problem (Snyder & Shen §4.3): choose the stock S before a random demand D, with
 * h the cost of each unit left over and p the cost of each unit short. The optimal S is the
 * critical-ratio quantile of D, F(S*) = p / (p + h).
 */

export interface NewsvendorResult {
  /** the stock to hold */
  s: number;
  /** expected cost h·E[(S−D)+] + p·E[(D−S)+] at S */
  cost: number;
  criticalRatio: number;
}

function checkCosts(h: number, p: number): void {
  if (!(h > 0 && p > 0 && Number.isFinite(h) && Number.isFinite(p)))
    throw new RangeError(`newsvendor: h and p must be positive, got ${h}, ${p}`);
}

/**
 * Normal demand N(μ, σ²): S* = μ + σ·z, z = Φ⁻¹(p/(p+h)), cost = (p + h)·σ·φ(z)
 * (Snyder & Shen eq. 4.27). Throws a RangeError unless h, p > 0 and σ ≥ 0.
 * @example newsvendorNormal(50, 8, 0.18, 0.7) // → { s: 56.60, cost: 2.00, criticalRatio: 0.795 }
 */
export function newsvendorNormal(mu: number, sigma: number, h: number, p: number): NewsvendorResult {
  checkCosts(h, p);
  if (!(sigma >= 0)) throw new RangeError(`newsvendorNormal: sigma must be ≥ 0, got ${sigma}`);
  const cr = p / (p + h);
  const z = normalQuantile(cr);
  const pdf = Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
  return { s: mu + sigma * z, cost: (p + h) * sigma * pdf, criticalRatio: cr };
}

/**
 * Expected shortfall E[(X − s)+] of a normal N(μ, σ²): σ·L(z) with z = (s − μ)/σ and
 * L(z) = φ(z) − z(1 − Φ(z)), the standard normal loss function; max(μ − s, 0) when σ ≤ 0.
 * @example normalLoss(50, 8, 56) // → 1.049 units short on average
 */
export function normalLoss(mu: number, sigma: number, s: number): number {
  if (sigma <= 0) return Math.max(mu - s, 0);
  const z = (s - mu) / sigma;
  return sigma * (Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI) - z * (1 - normalCdf(z)));
}

/**
 * Newsvendor on demand given as equally likely scenarios (e.g. simulated demand over lead time):
 * S* is the smallest scenario value whose empirical CDF reaches the critical ratio, cost the
 * scenarios' average. O(n log n).
 * @example newsvendorSamples([40, 45, 50, 55, 60], 0.18, 0.7) // → { s: 55, cost: 1.78, criticalRatio: 0.795 }
 */
export function newsvendorSamples(samples: ArrayLike<number>, h: number, p: number): NewsvendorResult {
  checkCosts(h, p);
  const n = samples.length;
  if (n === 0) throw new RangeError('newsvendorSamples: no samples');
  const sorted = Float64Array.from(samples).sort();
  const cr = p / (p + h);
  const s = scenarioQuantile(sorted, cr);
  let cost = 0;
  for (let i = 0; i < n; i++) {
    const d = sorted[i]!;
    cost += d < s ? h * (s - d) : p * (d - s);
  }
  return { s, cost: cost / n, criticalRatio: cr };
}
