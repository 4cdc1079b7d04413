/**
 * AutoARIMA (Hyndman & Khandakar 2008) as R's auto.arima searches: D (0 or 1) by the
 * seasonal-strength heuristic (STL seasonal strength above 0.64, Wang, Smith & Hyndman 2006), d
 * by repeated KPSS tests on the seasonally differenced series; a stepwise search over p, q ≤ 5,
 * P, Q ≤ 2 and the constant, starting from ARIMA(2,d,2)(1,D,1), (0,d,0)(0,D,0), (1,d,0)(1,D,0),
 * (0,d,1)(0,D,1) and (0,d,0)(0,D,0) without constant, moving P and Q, then p and q, by ±1 while
 * AICc improves; models whose expanded AR or MA polynomial has roots within 1.01 of the unit
 * circle are rejected. For long series (more than 150 values) or long seasons (m > 12) the search
 * compares conditional-sum-of-squares fits and the chosen models are then refitted by exact
 * maximum likelihood, in order of their criterion, until one is admissible.
 */
import { ndiffs, difference } from '../numerics/kpss.js';
import { isConstant, meanVariance } from '../numerics/summation.js';
import { normalQuantile } from '../numerics/normal.js';
import {
  type ArimaFit,
  type ArimaOrder,
  arStationary,
  arimaName,
  differenceFor,
  expandedPolynomials,
  fitArima,
  forecastArima,
  maInvertible,
  seasonalOrder,
} from './arima-core.js';
import type { Forecaster } from './contract.js';
import { mstl } from './mstl.js';

/** Options of AutoARIMA (R `auto.arima`): orders searched, seasonal differencing, stepwise search. */
export interface AutoArimaOptions {
  maxP?: number;
  maxQ?: number;
  maxD?: number;
  /** season length (1 or absent: non-seasonal search) */
  m?: number;
  /** compare CSS fits during the search: default when n > 150 or m > 12 */
  approximation?: boolean;
  /** most models tried by the stepwise search (R: 94) */
  maxModels?: number;
}

interface Candidate {
  order: ArimaOrder;
  ic: number;
}

function icOf(fit: ArimaFit): number {
  // R rejects models whose expanded polynomials have roots close to the unit circle
  const { ar, ma } = expandedPolynomials(fit);
  if (!arStationary(ar, 1.01) || !maInvertible(ma, 1.01)) return Infinity;
  return Number.isFinite(fit.aicc) ? fit.aicc : Infinity;
}

/**
 * Seasonal strength max(0, 1 − Var(R)/Var(S + R)) of an STL decomposition with one period m
 * (Wang, Smith & Hyndman 2006; R's seas.heuristic); 0 when the series is shorter than two seasons.
 */
export function seasonalStrength(x: Float64Array, m: number): number {
  if (m < 2 || m >= x.length / 2) return 0;
  const dec = mstl(x, [m], 1);
  const rem = dec.remainder;
  const seas = dec.seasonals[0]!;
  const both = rem.map((r, i) => r + seas[i]!);
  return Math.max(0, Math.min(1, 1 - meanVariance(rem).variance / meanVariance(both).variance));
}

/** Seasonal differences (0 or 1) by the seasonal-strength heuristic, as R's nsdiffs(test = "seas"). */
export function nsdiffs(x: Float64Array, m: number): number {
  if (m < 2 || isConstant(x) || m >= x.length) return 0;
  return seasonalStrength(x, m) > 0.64 ? 1 : 0;
}

export function autoArima(x: Float64Array, options: AutoArimaOptions = {}): ArimaFit {
  const n = x.length;
  if (n < 5) throw new RangeError(`autoArima: need at least 5 observations, got ${n}`);
  for (let i = 0; i < n; i++)
    if (!Number.isFinite(x[i]!)) throw new RangeError('autoArima: the series has missing or infinite values');
  if (isConstant(x)) return fitArima(x, { p: 0, d: 0, q: 0, constant: true }, 'ML');
  const m = Math.max(1, Math.round(options.m ?? 1));
  let maxP = Math.min(options.maxP ?? 5, Math.floor(n / 3));
  let maxQ = Math.min(options.maxQ ?? 5, Math.floor(n / 3));
  const maxSP = m > 1 ? Math.min(2, Math.floor(n / 3 / m)) : 0;
  const maxSQ = maxSP;
  const D = m > 1 && n > 2 * m ? nsdiffs(x, m) : 0;
  const dx = D > 0 ? difference(x, m) : x;
  const d = ndiffs(dx, options.maxD ?? 2);
  const base = { d, D, m, constant: d + D <= 1 };
  if (isConstant(differenceFor(x, { p: 0, q: 0, ...base })))
    return fitArima(x, { p: 0, q: 0, P: 0, Q: 0, ...base }, 'CSS');
  if (m > 1) {
    if (maxSP > 0) maxP = Math.min(maxP, m - 1);
    if (maxSQ > 0) maxQ = Math.min(maxQ, m - 1);
  }
  const approximation = options.approximation ?? (n > 150 || m > 12);
  const method = approximation ? 'CSS' : 'ML';
  const maxModels = options.maxModels ?? 94;
  const tried = new Map<string, Candidate>();
  const fitsByKey = new Map<string, ArimaFit>();
  const key = (o: ArimaOrder): string => `${o.p},${o.q},${o.P ?? 0},${o.Q ?? 0},${o.constant ? 1 : 0}`;
  const attempt = (o: ArimaOrder): number => {
    let ic: number;
    try {
      const fit = fitArima(x, o, method);
      ic = icOf(fit);
      fitsByKey.set(key(o), fit);
    } catch {
      ic = Infinity;
    }
    tried.set(key(o), { order: o, ic });
    return ic;
  };
  const order = (p: number, q: number, P: number, Q: number, constant: boolean): ArimaOrder => ({
    p,
    d,
    q,
    P,
    D,
    Q,
    m,
    constant,
  });
  const allowConstant = d + D <= 1;
  let constant = allowConstant;
  let p = Math.min(n < 10 ? 1 : 2, maxP);
  let q = Math.min(n < 10 ? 1 : 2, maxQ);
  let P = Math.min(n < 10 ? 0 : 1, maxSP);
  let Q = Math.min(n < 10 ? 0 : 1, maxSQ);
  let best = attempt(order(p, q, P, Q, constant));
  const consider = (o: ArimaOrder): boolean => {
    if (tried.has(key(o)) || tried.size >= maxModels) return false;
    const ic = attempt(o);
    if (ic < best) {
      best = ic;
      p = o.p;
      q = o.q;
      P = o.P ?? 0;
      Q = o.Q ?? 0;
      constant = o.constant;
      return true;
    }
    return false;
  };
  consider(order(0, 0, 0, 0, constant));
  if (maxP > 0 || maxSP > 0) consider(order(maxP > 0 ? 1 : 0, 0, maxSP > 0 ? 1 : 0, 0, constant));
  if (maxQ > 0 || maxSQ > 0) consider(order(0, maxQ > 0 ? 1 : 0, 0, maxSQ > 0 ? 1 : 0, constant));
  if (constant) consider(order(0, 0, 0, 0, false));
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
  // the first of the moves of (a, b) within 0…maxA, 0…maxB that improves the criterion
  const firstBetter = (
    a: number,
    b: number,
    maxA: number,
    maxB: number,
    make: (a: number, b: number) => ArimaOrder,
  ): boolean => {
    for (const [da, db] of moves) {
      const na = a + da;
      const nb = b + db;
      if (na >= 0 && nb >= 0 && na <= maxA && nb <= maxB && consider(make(na, nb))) return true;
    }
    return false;
  };
  while (tried.size < maxModels) {
    let moved =
      firstBetter(P, Q, maxSP, maxSQ, (a, b) => order(p, q, a, b, constant)) ||
      firstBetter(p, q, maxP, maxQ, (a, b) => order(a, b, P, Q, constant));
    if (!moved && allowConstant) moved = consider(order(p, q, P, Q, !constant));
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
    capabilities: { intervals: 'analytic', acceptsNaN: false, acceptsNegative: true, minLength: 5, seasonal: true },
    fit: (y, ctx) => autoArima(y, { m: ctx.seasonLength, ...options }),
    fittedValues: (fit) => {
      // one-step fitted values on the original scale: x_t − residual (residuals are on the differenced scale, which for
      // one-step errors is the same)
      const out = new Float64Array(fit.x.length).fill(NaN);
      const s = seasonalOrder(fit.order);
      const lost = fit.order.d + s.D * s.m;
      const nCond = fit.order.p + s.P * s.m;
      for (let t = nCond; t < fit.residuals.length; t++) out[t + lost] = fit.x[t + lost]! - fit.residuals[t]!;
      return out;
    },
    predict: (fit, h, levels) => predictArima(fit, h, levels),
  };
}
