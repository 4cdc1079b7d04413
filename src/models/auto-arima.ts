/**
 * AutoARIMA (Hyndman & Khandakar 2008), non-seasonal, as R's auto.arima searches: d by repeated
 * KPSS tests; a stepwise search over p, q ≤ 5 and the constant, starting from ARIMA(2,d,2),
 * (0,d,0), (1,d,0), (0,d,1) and (0,d,0) without constant, moving p and q by ±1 while AICc improves;
 * models with AR or MA roots within 1.01 of the unit circle are rejected. For long series (more
 * than 150 values) the search compares conditional-sum-of-squares fits and the chosen models are
 * then refitted by exact maximum likelihood, in order of their criterion, until one is admissible.
 */
import { ndiffs } from '../numerics/kpss.js';
import { normalQuantile } from '../numerics/normal.js';
import { type ArimaFit, type ArimaOrder, arStationary, arimaName, fitArima, forecastArima, maInvertible } from './arima-core.js';
import type { Forecaster } from './contract.js';

export interface AutoArimaOptions {
  maxP?: number;
  maxQ?: number;
  maxD?: number;
  /** compare CSS fits during the search: default when n > 150 */
  approximation?: boolean;
}

interface Candidate {
  order: ArimaOrder;
  ic: number;
}

function icOf(fit: ArimaFit): number {
  // R rejects models with roots close to the unit circle
  if (!arStationary(fit.phi, 1.01) || !maInvertible(fit.theta, 1.01)) return Infinity;
  return Number.isFinite(fit.aicc) ? fit.aicc : Infinity;
}

export function autoArima(x: Float64Array, options: AutoArimaOptions = {}): ArimaFit {
  const n = x.length;
  if (n < 5) throw new RangeError(`autoArima: need at least 5 observations, got ${n}`);
  for (let i = 0; i < n; i++) if (!Number.isFinite(x[i]!)) throw new RangeError('autoArima: the series has missing or infinite values');
  const maxP = options.maxP ?? 5;
  const maxQ = options.maxQ ?? 5;
  let constantSeries = true;
  for (let i = 1; i < n && constantSeries; i++) constantSeries = x[i] === x[0];
  if (constantSeries) return fitArima(x, { p: 0, d: 0, q: 0, constant: true }, 'ML');
  const d = ndiffs(x, options.maxD ?? 2);
  const approximation = options.approximation ?? n > 150;
  const method = approximation ? 'CSS' : 'ML';
  const tried = new Map<string, Candidate>();
  const fitsByKey = new Map<string, ArimaFit>();
  const key = (o: ArimaOrder): string => `${o.p},${o.q},${o.constant ? 1 : 0}`;
  const attempt = (o: ArimaOrder): number => {
    const k = key(o);
    const seen = tried.get(k);
    if (seen !== undefined) return seen.ic;
    let ic: number;
    try {
      const fit = fitArima(x, o, method);
      ic = icOf(fit);
      fitsByKey.set(k, fit);
    } catch {
      ic = Infinity;
    }
    tried.set(k, { order: o, ic });
    return ic;
  };
  let constant = d <= 1;
  let p = Math.min(2, maxP);
  let q = Math.min(2, maxQ);
  let best = attempt({ p, d, q, constant });
  const consider = (o: ArimaOrder): boolean => {
    if (tried.has(key(o))) return false;
    const ic = attempt(o);
    if (ic < best) {
      best = ic;
      p = o.p;
      q = o.q;
      constant = o.constant;
      return true;
    }
    return false;
  };
  consider({ p: 0, d, q: 0, constant });
  if (maxP > 0) consider({ p: 1, d, q: 0, constant });
  if (maxQ > 0) consider({ p: 0, d, q: 1, constant });
  if (constant) consider({ p: 0, d, q: 0, constant: false });
  for (let guard = 0; guard < 94; guard++) {
    const moves: [number, number][] = [
      [-1, 0],
      [0, -1],
      [1, 0],
      [0, 1],
      [-1, -1],
      [-1, 1],
      [1, -1],
      [1, 1],
    ];
    let moved = false;
    for (const [dp, dq] of moves) {
      const np = p + dp;
      const nq = q + dq;
      if (np < 0 || nq < 0 || np > maxP || nq > maxQ) continue;
      if (consider({ p: np, d, q: nq, constant })) {
        moved = true;
        break;
      }
    }
    if (!moved && d <= 1) moved = consider({ p, d, q, constant: !constant });
    if (!moved) break;
  }
  const ranked = [...tried.values()].filter((c) => Number.isFinite(c.ic)).sort((a, b) => a.ic - b.ic);
  if (!approximation) {
    if (ranked.length === 0) throw new RangeError('autoArima: no admissible model');
    return fitsByKey.get(key(ranked[0]!.order))!;
  }
  for (const c of ranked) {
    try {
      const fit = fitArima(x, c.order, 'ML');
      if (Number.isFinite(icOf(fit))) return fit;
    } catch {
      // try the next one
    }
  }
  throw new RangeError('autoArima: no admissible model after refitting');
}

export function predictArima(fit: ArimaFit, h: number, levels: readonly number[]) {
  const { mean, variance } = forecastArima(fit, h);
  const quantiles = levels.map((level) => {
    const z = normalQuantile(level);
    return { level, values: mean.map((mu, i) => mu + z * Math.sqrt(variance[i]!)) };
  });
  return { mean, quantiles, model: arimaName(fit.order) };
}

export function autoArimaForecaster(options: AutoArimaOptions = {}): Forecaster<ArimaFit> {
  return {
    name: 'arima',
    capabilities: { intervals: 'analytic', missing: false, minLength: 5, seasonal: false },
    fit: (y) => autoArima(y, options),
    fittedValues: (fit) => {
      // one-step fitted values on the original scale: x_t − residual (residuals are on the differenced scale, which for one-step errors is the same)
      const out = new Float64Array(fit.x.length).fill(NaN);
      const d = fit.order.d;
      for (let t = 0; t < fit.residuals.length; t++) if (t >= fit.order.p) out[t + d] = fit.x[t + d]! - fit.residuals[t]!;
      return out;
    },
    predict: (fit, h, levels) => predictArima(fit, h, levels),
  };
}
