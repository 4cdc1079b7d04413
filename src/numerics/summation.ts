/**
 * Neumaier's compensated sum (Neumaier 1974, an improved Kahan–Babuška summation): the rounding
 * error of each addition is carried separately, so long sums of mixed magnitudes stay accurate.
 * O(n). Example: neumaierSum([1e100, 1, -1e100]) === 1.
 */
export function neumaierSum(xs: ArrayLike<number>, from = 0, to = xs.length): number {
  let sum = 0;
  let c = 0;
  for (let i = from; i < to; i++) {
    const x = xs[i]!;
    const t = sum + x;
    c += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
  }
  return sum + c;
}

/** Arithmetic mean by compensated summation; NaN for an empty range. */
export function mean(xs: ArrayLike<number>, from = 0, to = xs.length): number {
  return to > from ? neumaierSum(xs, from, to) / (to - from) : NaN;
}

/** Every value equals the first (true for fewer than two values). */
export function isConstant(y: ArrayLike<number>): boolean {
  for (let i = 1; i < y.length; i++) if (y[i] !== y[0]) return false;
  return true;
}

/**
 * Welford's online algorithm for the mean and the (n − 1) variance (Welford 1962; Knuth TAOCP
 * vol. 2, 4.2.2): one pass, no catastrophic cancellation. Returns NaN variance for n < 2.
 */
export function meanVariance(
  xs: ArrayLike<number>,
  from = 0,
  to = xs.length,
): { mean: number; variance: number; n: number } {
  let m = 0;
  let s = 0;
  let n = 0;
  for (let i = from; i < to; i++) {
    n++;
    const x = xs[i]!;
    const d = x - m;
    m += d / n;
    s += d * (x - m);
  }
  return { mean: n > 0 ? m : NaN, variance: n > 1 ? s / (n - 1) : NaN, n };
}
