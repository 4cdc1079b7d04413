/**
 * Quantiles of count distributions: Poisson, and the negative binomial matched to a mean and a
 * variance (the Poisson–gamma mixture: variance = μ + μ²/r, Johnson, Kemp & Kotz, "Univariate
 * Discrete Distributions", 3rd ed., ch. 5). Quantile definition: the smallest k with
 * P(X ≤ k) ≥ q (as R's qpois/qnbinom, with the same 64-ulp fuzz on q).
 */

/** ln Γ(x), x > 0: Lanczos (1964) with Godfrey's g = 7, n = 9 coefficients; relative error ~1e-15. */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x); // reflection
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const z = x - 1;
  let a = c[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * The q-quantile of the count distribution with mean `mean` and variance `variance`: negative
 * binomial with size r = mean² / (variance − mean) when variance > mean, else Poisson(mean)
 * (a count cannot vary less than Poisson here: under-dispersion is read as Poisson). 0 for mean 0.
 * O(σ) terms summed from max(0, μ − 10σ), where the left tail is below 1e-20.
 * Examples: countQuantile(0.95, 0.2, 0.2) = 1; countQuantile(0.5, 3, 12) = 2 (geometric, r = 1).
 */
export function countQuantile(q: number, mean: number, variance = mean): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`countQuantile: q must be in [0, 1], got ${q}`);
  if (!(mean >= 0) || !Number.isFinite(mean)) throw new RangeError(`countQuantile: mean must be ≥ 0, got ${mean}`);
  if (mean === 0 || q === 0) return 0;
  const target = q * (1 - 64 * Number.EPSILON);
  const nb = variance > mean * (1 + 1e-9);
  const r = nb ? (mean * mean) / (variance - mean) : Infinity;
  const sd = Math.sqrt(nb ? variance : mean);
  const p = nb ? r / (r + mean) : NaN; // success probability; mean = r(1 − p)/p
  let k = Math.max(0, Math.floor(mean - 10 * sd));
  // ln P(X = k), then the recurrence P(k + 1) = P(k) · ratio(k)
  let logPmf = nb
    ? logGamma(k + r) - logGamma(r) - logGamma(k + 1) + r * Math.log(p) + k * Math.log1p(-p)
    : -mean + k * Math.log(mean) - logGamma(k + 1);
  if (nb && r > 1e12) logPmf = -mean + k * Math.log(mean) - logGamma(k + 1); // numerically Poisson
  let pmf = Math.exp(logPmf);
  let cdf = 0;
  const stop = mean + 100 * sd + 100; // Chebyshev: P(X > μ + 100σ) ≤ 1e-4
  for (;;) {
    cdf += pmf;
    if (cdf >= target || k >= stop) return k;
    pmf *= nb && r <= 1e12 ? ((k + r) / (k + 1)) * (1 - p) : mean / (k + 1);
    k++;
  }
}

/**
 * The q-quantile of a hurdle count: 0 with probability 1 − p, else 1 + a count of mean `size − 1`
 * and variance `sizeVariance` (the shifted Poisson / negative binomial of Snyder, Ord & Beaumont,
 * "Forecasting the intermittent demand for slow-moving inventories: a modelling approach", IJF
 * 2012). Its mean is p · size. Example: hurdleQuantile(0.95, 0.1, 3, 2) = 1 + Poisson(2)'s
 * 0.5-quantile = 3.
 */
export function hurdleQuantile(q: number, p: number, size: number, sizeVariance: number): number {
  if (!(p > 0) || !(size > 0) || q <= 1 - p) return 0;
  const u = Math.min(1, (q - (1 - p)) / p);
  return size <= 1 ? 1 : 1 + countQuantile(u, size - 1, sizeVariance);
}
