/**
 * The BG/NBD model of repeat buying (Fader, Hardie & Lee 2005, "Counting your customers the easy way: an alternative
 * to the Pareto/NBD model", Marketing Science 24(2)): while alive, a customer buys as a Poisson process of rate λ,
 * λ ~ Gamma(r, α) across customers; after each purchase they drop out with probability p, p ~ Beta(a, b). Fitted by
 * maximum likelihood on customers' histories (histories.ts); gives each customer's probability of being alive and
 * the purchases to expect in the next t units of time. The log-likelihood is summed in log space (ln Γ and a
 * log-sum-exp of its two terms), so customers with hundreds of purchases stay finite.
 */
import { logGamma } from '../numerics/count-distribution.js';
import { logHyp2f1 } from '../numerics/hypergeometric.js';
import { type CustomerFit, type CustomerHistories, fitFourParameters, logLikOver, logSumExp } from './histories.js';

/** BG/NBD parameters: purchase rates λ ~ Gamma(r, α), dropout probabilities p ~ Beta(a, b). */
export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** One customer's log-likelihood (paper, eq. 6). */
function customerLogLik(p: BgNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, a, b } = p;
  const base =
    logGamma(r + x) -
    logGamma(r) +
    r * Math.log(alpha) +
    logGamma(a + b) +
    logGamma(b + x) -
    logGamma(b) -
    logGamma(a + b + x);
  const stays = -(r + x) * Math.log(alpha + T);
  const left = x > 0 ? Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx) : -Infinity;
  return base + logSumExp(stays, left);
}

/**
 * The log-likelihood of the histories under `p`. O(customers).
 * @example bgNbdLogLik({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, cdnow) // ≈ −9582.4
 */
export function bgNbdLogLik(p: BgNbdParams, h: CustomerHistories): number {
  return logLikOver(h, (x, tx, T) => customerLogLik(p, x, tx, T));
}

/**
 * Fits the BG/NBD model by maximum likelihood (start r = α = a = b = 1). Throws a RangeError for invalid histories.
 * @example const { params, logLik } = fitBgNbd(histories);
 */
export function fitBgNbd(h: CustomerHistories): CustomerFit<BgNbdParams> {
  return fitFourParameters(h, (v): BgNbdParams => ({ r: v[0]!, alpha: v[1]!, a: v[2]!, b: v[3]! }), customerLogLik);
}

/**
 * P(alive | x, t_x, T): the probability that a customer with this history has not dropped out (paper, eq. 11).
 * @example bgNbdPAlive(params, 0, 0, 38.86) // 1: a customer who never bought again cannot have dropped out
 */
export function bgNbdPAlive(p: BgNbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return 1;
  const { r, alpha, a, b } = p;
  const logOdds = Math.log(a) - Math.log(b + x - 1) + (r + x) * Math.log((alpha + T) / (alpha + tx));
  return 1 / (1 + Math.exp(logOdds));
}

/**
 * E[Y(t) | x, t_x, T]: the purchases a customer with this history makes in the next t units of time (paper,
 * eq. 10). O(terms of ₂F₁).
 * @example bgNbdExpected({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, 2, 30.43, 38.86, 39) // ≈ 1.226
 */
export function bgNbdExpected(p: BgNbdParams, x: number, tx: number, T: number, t: number): number {
  if (t <= 0) return 0;
  const { r, alpha, a, b } = p;
  const c = a + b + x - 1;
  if (!(c > 0)) throw new RangeError(`bgNbdExpected: a + b + x − 1 must be > 0, got ${c}`);
  const z = t / (alpha + T + t);
  const logTail = (r + x) * Math.log((alpha + T) / (alpha + T + t)) + logHyp2f1(r + x, b + x, c, z);
  // (a+b+x−1)/(a−1) · (1 − tail): both factors change sign together at a = 1; expm1 keeps the small difference
  const a1 = Math.abs(a - 1) < 1e-9 ? 1e-9 : a - 1;
  // eq. 10's denominator is 1 / P(alive)
  return (c / a1) * -Math.expm1(logTail) * bgNbdPAlive(p, x, tx, T);
}
