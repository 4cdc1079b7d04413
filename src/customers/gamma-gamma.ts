/**
 * The Gamma-Gamma model of spend per purchase (Colombo & Jiang 1999; Fader, Hardie & Lee 2005, "RFM and CLV: using
 * iso-value curves for customer base analysis", J. Marketing Research 42(4)): a customer's purchase values are
 * Gamma(p, ν) around their own mean, ν ~ Gamma(q, γ) across customers, independent of how often they buy. Fitted by
 * maximum likelihood on the mean value m_x of each customer's x ≥ 1 repeat purchases; gives each customer's expected
 * value per purchase, their mean pulled towards the population's by how few purchases it rests on.
 */
import { logGamma } from '../numerics/count-distribution.js';
import { type CustomerFit, maximiseLogLik } from './histories.js';

/** Gamma-Gamma parameters: purchase values ~ Gamma(p, ν) per customer, ν ~ Gamma(q, γ) across customers. */
export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

/**
 * The log-likelihood of the customers' mean values `m` over `x` repeat purchases (customers with x = 0 or m ≤ 0
 * are skipped: they carry no spend information). O(customers).
 * @example gammaGammaLogLik({ p: 6.25, q: 3.74, gamma: 15.44 }, x, m)
 */
export function gammaGammaLogLik(g: GammaGammaParams, x: Float64Array, m: Float64Array): number {
  const { p, q, gamma } = g;
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const [xi, mi] = [x[i]!, m[i]!];
    if (!(xi >= 1 && mi > 0)) continue;
    s +=
      logGamma(p * xi + q) -
      logGamma(p * xi) -
      logGamma(q) +
      q * Math.log(gamma) +
      (p * xi - 1) * Math.log(mi) +
      p * xi * Math.log(xi) -
      (p * xi + q) * Math.log(gamma + mi * xi);
  }
  return s;
}

/**
 * Fits the Gamma-Gamma model by maximum likelihood on the customers with at least one repeat purchase and a
 * positive mean value (start p = q = γ = 1). Throws a RangeError when none has one, or the columns differ in length.
 * @example const { params } = fitGammaGamma(frequency, meanValue);
 */
export function fitGammaGamma(x: Float64Array, m: Float64Array): CustomerFit<GammaGammaParams> {
  if (x.length !== m.length) throw new RangeError('fitGammaGamma: frequency and mean value differ in length');
  let n = 0;
  for (let i = 0; i < x.length; i++) if (x[i]! >= 1 && m[i]! > 0) n++;
  if (n === 0) throw new RangeError('fitGammaGamma: no customer with a repeat purchase of positive value');
  const of = (v: ArrayLike<number>): GammaGammaParams => ({ p: v[0]!, q: v[1]!, gamma: v[2]! });
  const params = of(maximiseLogLik((v) => gammaGammaLogLik(of(v), x, m), [1, 1, 1]));
  return { params, logLik: gammaGammaLogLik(params, x, m), customers: n };
}

/**
 * E[value of a purchase | x, m_x] = p(γ + m_x·x) / (p·x + q − 1): a weighted mean of the population's pγ/(q−1) and
 * the customer's m_x (for x = 0 the population's). NaN when q ≤ 1 (the population mean does not exist).
 * @example gammaGammaExpected({ p: 6.25, q: 3.74, gamma: 15.44 }, 2, 22.35)
 */
export function gammaGammaExpected(g: GammaGammaParams, x: number, m: number): number {
  const { p, q, gamma } = g;
  if (!(q > 1)) return NaN;
  return x >= 1 && m > 0 ? (p * (gamma + m * x)) / (p * x + q - 1) : (p * gamma) / (q - 1);
}
