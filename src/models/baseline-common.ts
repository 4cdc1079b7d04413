import { normalQuantile } from '../numerics/normal.js';

/** Quantiles mean ± z·sd_h under normal errors, shared by the baseline models. */
export function normalQuantiles(mean: Float64Array, sd: (step: number) => number, levels: readonly number[]) {
  return levels.map((level) => {
    const z = normalQuantile(level);
    return { level, values: mean.map((mu, i) => mu + z * sd(i + 1)) };
  });
}

/** Root mean square of the finite values of y − f (the residual scale of a baseline). */
export function residualSd(y: Float64Array, f: Float64Array, dof = 0): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < y.length; i++) {
    const e = y[i]! - f[i]!;
    if (Number.isFinite(e)) {
      s += e * e;
      n++;
    }
  }
  return n - dof > 0 ? Math.sqrt(s / (n - dof)) : 0;
}

export function checkFinite(name: string, y: Float64Array, minLength: number): void {
  if (y.length < minLength) throw new RangeError(`${name}: need at least ${minLength} observations, got ${y.length}`);
  for (let i = 0; i < y.length; i++)
    if (!Number.isFinite(y[i]!)) throw new RangeError(`${name}: the series has missing or infinite values`);
}
