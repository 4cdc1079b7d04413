/**
 * Loss functions of the gradient-boosted trees: gradient and hessian of the loss in the raw score
 * f (Friedman 2001; second-order boosting as Chen & Guestrin 2016), the starting score, and the map
 * from score to prediction.
 *  - l2: ½(y − f)², prediction f.
 *  - poisson: e^f − y·f (log link), prediction e^f; the hessian is taken at f + maxDeltaStep so
 *    that leaves with few counts do not take huge steps (as LightGBM's poisson_max_delta_step).
 *  - tweedie (variance power ρ in (1, 2)): −y·e^{(1−ρ)f}/(1−ρ) + e^{(2−ρ)f}/(2−ρ), prediction e^f
 *    (Zhou, Yang & Qian 2022).
 *  - quantile (level τ): pinball loss; gradient (1{y < f} − τ), ½ − τ at a tie y = f (the middle of
 *    the subgradient, so that split search still tells zeros from sales when most targets and the
 *    start score are 0), unit hessian; after each tree the
 *    leaf values are reset to the τ-quantile of the residuals in the leaf (Friedman 2001, §4.3),
 *    weighted by the rows' weights when there are any (as are the start score and the gradients).
 */
import { quantileSorted, weightedQuantile } from '../numerics/quantile.js';

export type ObjectiveName = 'l2' | 'poisson' | 'tweedie' | 'quantile';

export interface ObjectiveSpec {
  name: ObjectiveName;
  /** tweedie variance power, 1 < ρ < 2 (default 1.5) */
  tweediePower?: number;
  /** quantile level τ (default 0.5) */
  quantile?: number;
}

export interface Objective {
  spec: ObjectiveSpec;
  /** the constant score that minimises the loss on y (weighted) */
  initScore(y: Float64Array, w?: Float64Array): number;
  /** gradient and hessian at score f for every row */
  gradients(y: Float64Array, f: Float64Array, g: Float64Array, h: Float64Array, w?: Float64Array): void;
  /** score → prediction */
  transform(f: number): number;
  /** average loss (for early stopping) */
  loss(y: Float64Array, f: Float64Array): number;
  /** the quantile objective recomputes leaf values from the residuals */
  leafQuantile?: number;
}

const POISSON_MAX_DELTA = 0.7;

function weightedMean(y: Float64Array, w?: Float64Array): number {
  let s = 0;
  let sw = 0;
  for (let i = 0; i < y.length; i++) {
    const wi = w === undefined ? 1 : w[i]!;
    s += wi * y[i]!;
    sw += wi;
  }
  return sw > 0 ? s / sw : 0;
}

export function makeObjective(spec: ObjectiveSpec): Objective {
  switch (spec.name) {
    case 'l2':
      return {
        spec,
        initScore: (y, w) => weightedMean(y, w),
        gradients: (y, f, g, h, w) => {
          for (let i = 0; i < y.length; i++) {
            const wi = w === undefined ? 1 : w[i]!;
            g[i] = wi * (f[i]! - y[i]!);
            h[i] = wi;
          }
        },
        transform: (f) => f,
        loss: (y, f) => {
          let s = 0;
          for (let i = 0; i < y.length; i++) s += (y[i]! - f[i]!) ** 2;
          return s / Math.max(1, y.length);
        },
      };
    case 'poisson':
      return {
        spec,
        initScore: (y, w) => Math.log(Math.max(1e-9, weightedMean(y, w))),
        gradients: (y, f, g, h, w) => {
          for (let i = 0; i < y.length; i++) {
            const wi = w === undefined ? 1 : w[i]!;
            g[i] = wi * (Math.exp(f[i]!) - y[i]!);
            h[i] = wi * Math.exp(f[i]! + POISSON_MAX_DELTA);
          }
        },
        transform: (f) => Math.exp(f),
        loss: (y, f) => {
          let s = 0;
          for (let i = 0; i < y.length; i++) s += Math.exp(f[i]!) - y[i]! * f[i]!;
          return s / Math.max(1, y.length);
        },
      };
    case 'tweedie': {
      const rho = spec.tweediePower ?? 1.5;
      if (!(rho > 1 && rho < 2)) throw new RangeError(`tweedie: the variance power must lie in (1, 2), got ${rho}`);
      return {
        spec,
        initScore: (y, w) => Math.log(Math.max(1e-9, weightedMean(y, w))),
        gradients: (y, f, g, h, w) => {
          for (let i = 0; i < y.length; i++) {
            const wi = w === undefined ? 1 : w[i]!;
            const a = Math.exp((1 - rho) * f[i]!);
            const b = Math.exp((2 - rho) * f[i]!);
            g[i] = wi * (-y[i]! * a + b);
            h[i] = wi * (-y[i]! * (1 - rho) * a + (2 - rho) * b);
          }
        },
        transform: (f) => Math.exp(f),
        loss: (y, f) => {
          let s = 0;
          for (let i = 0; i < y.length; i++)
            s += (-y[i]! * Math.exp((1 - rho) * f[i]!)) / (1 - rho) + Math.exp((2 - rho) * f[i]!) / (2 - rho);
          return s / Math.max(1, y.length);
        },
      };
    }
    case 'quantile': {
      const tau = spec.quantile ?? 0.5;
      if (!(tau > 0 && tau < 1)) throw new RangeError(`quantile: the level must lie in (0, 1), got ${tau}`);
      return {
        spec,
        initScore: (y, w) => {
          if (y.length === 0) return 0;
          return w === undefined ? quantileSorted(Float64Array.from(y).sort(), tau) : weightedQuantile(y, w, tau);
        },
        gradients: (y, f, g, h, w) => {
          for (let i = 0; i < y.length; i++) {
            const wi = w === undefined ? 1 : w[i]!;
            // at a tie (common with zero demand) the midpoint of the subgradient interval [−τ, 1 − τ]
            g[i] = wi * ((y[i]! < f[i]! ? 1 : y[i]! === f[i]! ? 0.5 : 0) - tau);
            h[i] = wi;
          }
        },
        transform: (f) => f,
        loss: (y, f) => {
          let s = 0;
          for (let i = 0; i < y.length; i++) {
            const d = y[i]! - f[i]!;
            s += d >= 0 ? tau * d : (tau - 1) * d;
          }
          return s / Math.max(1, y.length);
        },
        leafQuantile: tau,
      };
    }
  }
}
