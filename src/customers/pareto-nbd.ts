/**
 * The Pareto/NBD model of repeat buying (Schmittlein, Morrison & Colombo 1987): while alive, a customer buys as a
 * Poisson process of rate λ ~ Gamma(r, α); their lifetime is exponential with rate μ ~ Gamma(s, β). The likelihood,
 * P(alive) and the conditional expectation are those of Fader & Hardie (2005), "A note on deriving the Pareto/NBD
 * model and related expressions", with the A₀ term written as a difference of two ₂F₁ terms taken in log space
 * (ln(e^u − e^v) = u + ln(1 − e^(v−u))), so that it stays accurate when the two are close and finite for customers
 * with hundreds of purchases.
 */
import { logGamma } from '../numerics/count-distribution.js';
import { logHyp2f1 } from '../numerics/hypergeometric.js';
import { adaptiveSimpson } from '../numerics/quadrature.js';
import { type CustomerFit, type CustomerHistories, fitFourParameters, logLikOver, logSumExp } from './histories.js';

/** Pareto/NBD parameters: purchase rates λ ~ Gamma(r, α), dropout rates μ ~ Gamma(s, β). */
export interface ParetoNbdParams {
  r: number;
  alpha: number;
  s: number;
  beta: number;
}

/**
 * ln(s/(r+s+x) · A₀), the log of the likelihood's second term over its common factor: the customer died at some τ
 * between t_x and T. A₀ by the note's eq. 19–20 (m = max(α, β), b' = s + 1 when α ≥ β, else r + x):
 * A₀ = F(t_x) − F(T), F(u) = ₂F₁(r+s+x, b'; r+s+x+1; |α−β| / (m+u)) / (m+u)^(r+s+x). When that argument is
 * near 1 (one of α, β far above the other) the series needs ~1/(1−z) terms, so the term is integrated instead, from
 * its definition: s ∫ from t_x to T of (α+τ)^−(r+x) (β+τ)^−(s+1) dτ (the death density times the purchases'
 * likelihood up to τ), in w = ln(α+τ) and scaled by its value at t_x. −Infinity when t_x = T.
 */
function logDied(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  if (!(tx < T)) return -Infinity;
  const { r, alpha, s, beta } = p;
  const k = r + s + x;
  const m = Math.max(alpha, beta);
  const d = Math.abs(alpha - beta);
  if (d / (m + tx) <= 0.9) {
    const b2 = alpha >= beta ? s + 1 : r + x;
    const logF = (u: number): number => logHyp2f1(k, b2, k + 1, d / (m + u)) - k * Math.log(m + u);
    const [early, late] = [logF(tx), logF(T)];
    if (!(late < early)) return -Infinity;
    return Math.log(s / k) + early + Math.log(-Math.expm1(late - early));
  }
  // dτ = (α+τ) dw: the integrand in w is exp(g(w)), g(w) = (1 − r − x) w − (s + 1) ln(β − α + e^w)
  const g = (w: number): number => (1 - r - x) * w - (s + 1) * Math.log(beta - alpha + Math.exp(w));
  const [w0, w1] = [Math.log(alpha + tx), Math.log(alpha + T)];
  const top = Math.max(g(w0), g(w1));
  const integral = adaptiveSimpson((w) => Math.exp(g(w) - top), w0, w1, 1e-13);
  return Math.log(s) + top + Math.log(integral);
}

/** One customer's log-likelihood (note, eq. 22). */
function customerLogLik(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, s, beta } = p;
  const base = logGamma(r + x) - logGamma(r) + r * Math.log(alpha) + s * Math.log(beta);
  const alive = -(r + x) * Math.log(alpha + T) - s * Math.log(beta + T);
  return base + logSumExp(alive, logDied(p, x, tx, T));
}

/**
 * The log-likelihood of the histories under `p`. O(customers · ₂F₁ terms).
 * @example paretoNbdLogLik({ r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 }, cdnow)
 */
export function paretoNbdLogLik(p: ParetoNbdParams, h: CustomerHistories): number {
  return logLikOver(h, (x, tx, T) => customerLogLik(p, x, tx, T));
}

/**
 * Fits the Pareto/NBD model by maximum likelihood (start r = α = s = β = 1). Throws a RangeError for invalid
 * histories.
 * @example const { params, logLik } = fitParetoNbd(histories);
 */
export function fitParetoNbd(h: CustomerHistories): CustomerFit<ParetoNbdParams> {
  return fitFourParameters(
    h,
    (v): ParetoNbdParams => ({ r: v[0]!, alpha: v[1]!, s: v[2]!, beta: v[3]! }),
    customerLogLik,
  );
}

/**
 * P(alive | x, t_x, T) (note, eq. 18).
 * @example paretoNbdPAlive(params, 2, 30.43, 38.86)
 */
export function paretoNbdPAlive(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, s, beta } = p;
  const logOdds = (r + x) * Math.log(alpha + T) + s * Math.log(beta + T) + logDied(p, x, tx, T);
  return 1 / (1 + Math.exp(logOdds));
}

/**
 * E[Y(t) | x, t_x, T]: the purchases a customer with this history makes in the next t units of time (note, eq. 21):
 * (r+x)(β+T) / ((α+T)(s−1)) · (1 − ((β+T)/(β+T+t))^(s−1)) · P(alive), its s → 1 limit a logarithm.
 * @example paretoNbdExpected(params, 2, 30.43, 38.86, 39)
 */
export function paretoNbdExpected(p: ParetoNbdParams, x: number, tx: number, T: number, t: number): number {
  if (t <= 0) return 0;
  const { r, alpha, s, beta } = p;
  const logRatio = Math.log((beta + T) / (beta + T + t));
  // (1 − q^(s−1)) / (s − 1) with q < 1: −expm1((s−1) ln q)/(s−1), → −ln q as s → 1
  const growth = Math.abs(s - 1) < 1e-9 ? -logRatio : -Math.expm1((s - 1) * logRatio) / (s - 1);
  return (((r + x) * (beta + T)) / (alpha + T)) * growth * paretoNbdPAlive(p, x, tx, T);
}
