/**
 * The Gauss hypergeometric function ₂F₁(a, b; c; z) for the arguments the customer-base models need
 * (a, b, c > 0, 0 ≤ z < 1), by its defining power series Σ (a)ₖ(b)ₖ / ((c)ₖ k!) zᵏ (Abramowitz & Stegun
 * 15.1.1), summed in log scale: each term is the previous one times (a+k)(b+k)z / ((c+k)(k+1)), and the sum is
 * rescaled whenever it grows past 1e250, so a customer with hundreds of purchases (terms near e³⁰⁰) neither
 * overflows nor loses the small terms. Stops when a term adds less than 1e-16 of the sum after the terms have
 * started to shrink.
 */

/** Most terms `logHyp2f1` sums (z ≤ 0.999 converges well within it). */
const MAX_TERMS = 200_000;

/**
 * ln ₂F₁(a, b; c; z) for a, b, c > 0 and 0 ≤ z < 1. O(terms until convergence: about ln(1e-16)/ln z past the peak).
 * @example logHyp2f1(1, 1, 2, 0.5) // ln(−ln(1 − 0.5) / 0.5) = ln(2 ln 2)
 */
export function logHyp2f1(a: number, b: number, c: number, z: number): number {
  if (!(a > 0 && b > 0 && c > 0)) throw new RangeError(`logHyp2f1: a, b, c must be > 0, got ${a}, ${b}, ${c}`);
  if (!(z >= 0 && z < 1)) throw new RangeError(`logHyp2f1: z must be in [0, 1), got ${z}`);
  if (z === 0) return 0;
  let logScale = 0;
  let term = 1;
  let sum = 1;
  for (let k = 0; k < MAX_TERMS; k++) {
    const ratio = ((a + k) * (b + k) * z) / ((c + k) * (k + 1));
    term *= ratio;
    sum += term;
    if (sum > 1e250) {
      logScale += Math.log(sum);
      term /= sum;
      sum = 1;
    }
    if (ratio < 1 && term < 1e-16 * sum) return logScale + Math.log(sum);
  }
  throw new RangeError(`logHyp2f1: no convergence in ${MAX_TERMS} terms (a ${a}, b ${b}, c ${c}, z ${z})`);
}
