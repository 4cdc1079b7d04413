/**
 * The ETS(error, trend, season) state-space family of Hyndman, Koehler, Ord & Snyder,
 * *Forecasting with Exponential Smoothing: The State Space Approach* (Springer 2008), written in
 * the error-correction form, with the conventions of R's `forecast::ets` (Hyndman & Khandakar
 * 2008) so that fits can be checked against it: the same initial states and parameters, the same
 * likelihood (n·log SSE, plus 2·Σ log|ŷ| for multiplicative errors), the same bounds and
 * admissibility tests, the same Nelder–Mead.
 */
import { mean } from '../numerics/summation.js';
import { nelderMead } from '../numerics/nelder-mead.js';
import { rootsInsideCircle } from '../numerics/polynomial.js';

export type ErrorType = 'A' | 'M';
export type TrendType = 'N' | 'A' | 'M';
export type SeasonType = 'N' | 'A' | 'M';

export interface EtsSpec {
  error: ErrorType;
  trend: TrendType;
  season: SeasonType;
  damped: boolean;
  /** season length (1 when season is N) */
  m: number;
}

export interface EtsParams {
  alpha: number;
  /** NaN without trend */
  beta: number;
  /** NaN without season */
  gamma: number;
  /** 1 when not damped */
  phi: number;
}

/** A fitted ETS model: an immutable value. */
export interface EtsFit {
  spec: EtsSpec;
  params: EtsParams;
  /** initial state [l, b?, s0 … s(m−1)] */
  initState: Float64Array;
  /** state after the last observation, same layout */
  lastState: Float64Array;
  fitted: Float64Array;
  /** innovations: y − ŷ (additive error) or (y − ŷ)/ŷ (multiplicative error) */
  residuals: Float64Array;
  sigma2: number;
  loglik: number;
  aic: number;
  aicc: number;
  bic: number;
  mse: number;
  /** number of estimated parameters, σ included (as R counts them) */
  np: number;
  n: number;
}

/** The name in the literature's notation, e.g. ETS(M,Ad,N). */
export function etsName(spec: EtsSpec): string {
  return `ETS(${spec.error},${spec.trend}${spec.damped ? 'd' : ''},${spec.season})`;
}

// Bounds of the smoothing parameters alpha, beta, gamma, phi (R: lower, upper).
export const LOWER = [1e-4, 1e-4, 1e-4, 0.8] as const;
export const UPPER = [0.9999, 0.9999, 0.9999, 0.98] as const;
const TOL = 1e-10;
const HUGEN = 1e10;

/**
 * Runs the model through the data from the initial state `x0`. Returns n·log(SSE) (+ 2·Σ log|ŷ|
 * for multiplicative errors), or NaN when a forecast cannot be made (multiplicative trend below
 * zero). Fills `e` (innovations) and `f` (one-step forecasts) and the final state when given.
 * O(n) with a ring buffer for the seasonal states.
 */
export function etsLikelihood(
  y: Float64Array,
  spec: EtsSpec,
  alpha: number,
  beta: number,
  gamma: number,
  phi: number,
  x0: Float64Array,
  e?: Float64Array,
  f?: Float64Array,
  xEnd?: Float64Array,
): number {
  const { trend, season } = spec;
  const m = season === 'N' ? 1 : spec.m;
  const hasTrend = trend !== 'N';
  let l = x0[0]!;
  let b = hasTrend ? x0[1]! : 0;
  const off = hasTrend ? 2 : 1;
  const S = new Float64Array(m);
  if (season !== 'N') for (let j = 0; j < m; j++) S[j] = x0[off + j]!;
  let start = 0;
  let sse = 0;
  let sumLogF = 0;
  const multError = spec.error === 'M';
  const multTrendUndamped = Math.abs(phi - 1) < TOL;
  const n = y.length;
  for (let i = 0; i < n; i++) {
    const yi = y[i]!;
    // one-step forecast
    let q: number;
    let phib: number;
    if (trend === 'N') {
      phib = 0;
      q = l;
    } else if (trend === 'A') {
      phib = phi * b;
      q = l + phib;
    } else {
      if (b < 0) return NaN;
      phib = multTrendUndamped ? b : Math.pow(b, phi);
      q = l * phib;
    }
    const si = (start + m - 1) % m;
    const sOld = S[si]!;
    const fc = season === 'N' ? q : season === 'A' ? q + sOld : q * sOld;
    const err = multError ? (yi - fc) / fc : yi - fc;
    if (e !== undefined) e[i] = err;
    if (f !== undefined) f[i] = fc;
    sse += err * err;
    if (multError) sumLogF += Math.log(Math.abs(fc));
    // update: level, growth, season (the same for additive and multiplicative errors)
    const p = season === 'N' ? yi : season === 'A' ? yi - sOld : Math.abs(sOld) < TOL ? HUGEN : yi / sOld;
    const lNew = q + alpha * (p - q);
    if (hasTrend) {
      const r = trend === 'A' ? lNew - l : Math.abs(l) < TOL ? HUGEN : lNew / l;
      b = phib + (beta / alpha) * (r - phib);
    }
    if (season !== 'N') {
      const t = season === 'A' ? yi - q : Math.abs(q) < TOL ? HUGEN : yi / q;
      S[si] = sOld + gamma * (t - sOld);
      start = si;
    }
    l = lNew;
  }
  if (xEnd !== undefined) {
    xEnd[0] = l;
    if (hasTrend) xEnd[1] = b;
    if (season !== 'N') for (let j = 0; j < m; j++) xEnd[off + j] = S[(start + j) % m]!;
  }
  let lik = n * Math.log(sse);
  if (multError) lik += 2 * sumLogF;
  return lik;
}

/**
 * The likelihood of etsLikelihood for the non-seasonal models without multiplicative trend
 * (ANN, AAN, AAdN, MNN, MAN, MAdN) — the hot loop of AutoETS on non-seasonal data — with the
 * branches hoisted out of the loop and Σ log|ŷ| taken as the log of running products, one
 * logarithm per ~hundred steps instead of one per step.
 */
export function etsLikelihoodNonSeasonal(
  y: Float64Array,
  hasTrend: boolean,
  multError: boolean,
  alpha: number,
  beta: number,
  phi: number,
  l0: number,
  b0: number,
): number {
  const n = y.length;
  let l = l0;
  let sse = 0;
  if (!multError && !hasTrend) {
    for (let i = 0; i < n; i++) {
      const d = y[i]! - l;
      sse += d * d;
      l += alpha * d;
    }
    return n * Math.log(sse);
  }
  if (!multError) {
    let b = b0;
    const bovera = beta / alpha;
    for (let i = 0; i < n; i++) {
      const phib = phi * b;
      const q = l + phib;
      const d = y[i]! - q;
      sse += d * d;
      const lNew = q + alpha * d;
      b = phib + bovera * (lNew - l - phib);
      l = lNew;
    }
    return n * Math.log(sse);
  }
  let logSum = 0;
  let prod = 1;
  let b = hasTrend ? b0 : 0;
  const ph = hasTrend ? phi : 0;
  const bovera = hasTrend ? beta / alpha : 0;
  for (let i = 0; i < n; i++) {
    const phib = ph * b;
    const q = l + phib;
    const d = y[i]! - q;
    const e = d / q;
    sse += e * e;
    prod *= q < 0 ? -q : q;
    if (prod > 1e250 || prod < 1e-250) {
      logSum += Math.log(prod);
      prod = 1;
    }
    const lNew = q + alpha * d;
    b = phib + bovera * (lNew - l - phib);
    l = lNew;
  }
  return n * Math.log(sse) + 2 * (logSum + Math.log(prod));
}

/** Point forecasts 1…h ahead from a state (R's etscalc `forecast`); NaN where a multiplicative trend turns negative. */
export function etsPointForecast(spec: EtsSpec, phi: number, state: Float64Array, h: number): Float64Array {
  const out = new Float64Array(h);
  const hasTrend = spec.trend !== 'N';
  const l = state[0]!;
  const b = hasTrend ? state[1]! : 0;
  const off = hasTrend ? 2 : 1;
  const m = spec.season === 'N' ? 1 : spec.m;
  let phistar = phi;
  for (let i = 0; i < h; i++) {
    let v: number;
    if (spec.trend === 'N') v = l;
    else if (spec.trend === 'A') v = l + phistar * b;
    else v = b < 0 ? NaN : l * Math.pow(b, phistar);
    let j = m - 1 - i;
    while (j < 0) j += m;
    if (spec.season === 'A') v += state[off + j]!;
    else if (spec.season === 'M') v *= state[off + j]!;
    out[i] = v;
    // the damped multiplier of step i + 2 is φ + φ² + … + φ^(i+2)
    if (i < h - 1) phistar += Math.abs(phi - 1) < TOL ? 1 : Math.pow(phi, i + 2);
  }
  return out;
}

/** R's admissibility region of the smoothing parameters (Hyndman et al. 2008, ch. 10). */
export function admissible(alpha: number, beta: number, gamma: number, phi: number, m: number): boolean {
  const ph = Number.isNaN(phi) ? 1 : phi;
  if (ph < 0 || ph > 1 + 1e-8) return false;
  if (Number.isNaN(gamma)) {
    if (alpha < 1 - 1 / ph || alpha > 1 + 1 / ph) return false;
    if (!Number.isNaN(beta) && (beta < alpha * (ph - 1) || beta > (1 + ph) * (2 - alpha))) return false;
    return true;
  }
  if (m > 1) {
    const be = Number.isNaN(beta) ? 0 : beta;
    if (gamma < Math.max(1 - 1 / ph - alpha, 0) || gamma > 1 + 1 / ph - alpha) return false;
    if (alpha < 1 - 1 / ph - (gamma * (1 - m + ph + ph * m)) / (2 * ph * m)) return false;
    if (be < -(1 - ph) * (gamma / m + alpha)) return false;
    // characteristic polynomial, lowest degree first
    const P = new Float64Array(m + 2);
    P[0] = ph * (1 - alpha - gamma);
    P[1] = alpha + be - alpha * ph + gamma - 1;
    for (let k = 2; k < m; k++) P[k] = alpha + be - alpha * ph;
    P[m] = alpha + be - ph;
    P[m + 1] = 1;
    // R: max(abs(polyroot(P))) > 1 + 1e-10 is not admissible
    if (!rootsInsideCircle(P, 1 + 1e-10)) return false;
  }
  return true;
}

/** R's check.param with bounds = "both": the usual region and the admissible one. */
export function paramsOk(spec: EtsSpec, alpha: number, beta: number, gamma: number, phi: number): boolean {
  if (alpha < LOWER[0] || alpha > UPPER[0]) return false;
  if (spec.trend !== 'N' && (beta < LOWER[1] || beta > alpha || beta > UPPER[1])) return false;
  if (spec.damped && (phi < LOWER[3] || phi > UPPER[3])) return false;
  if (spec.season !== 'N' && (gamma < LOWER[2] || gamma > 1 - alpha || gamma > UPPER[2])) return false;
  return admissible(
    alpha,
    spec.trend !== 'N' ? beta : NaN,
    spec.season !== 'N' ? gamma : NaN,
    spec.damped ? phi : NaN,
    spec.m,
  );
}

/** Starting values of the smoothing parameters (R's initparam). */
function initialParams(spec: EtsSpec): { alpha: number; beta: number; gamma: number; phi: number } {
  const m = spec.season === 'N' ? 1 : spec.m;
  let alpha = LOWER[0] + (0.2 * (UPPER[0] - LOWER[0])) / m;
  if (alpha > 1 || alpha < 0) alpha = LOWER[0] + 2e-3;
  let beta = NaN;
  if (spec.trend !== 'N') {
    const up = Math.min(UPPER[1], alpha);
    beta = LOWER[1] + 0.1 * (up - LOWER[1]);
    if (beta < 0 || beta > alpha) beta = alpha - 1e-3;
  }
  let gamma = NaN;
  if (spec.season !== 'N') {
    const up = Math.min(UPPER[2], 1 - alpha);
    gamma = LOWER[2] + 0.05 * (up - LOWER[2]);
    if (gamma < 0 || gamma > 1 - alpha) gamma = 1 - alpha - 1e-3;
  }
  let phi = 1;
  if (spec.damped) {
    phi = LOWER[3] + 0.99 * (UPPER[3] - LOWER[3]);
    if (phi < 0 || phi > 1) phi = UPPER[3] - 1e-3;
  }
  return { alpha, beta, gamma, phi };
}

/** Least-squares line through (1, y0), (2, y1), …: [intercept, slope]. */
function lineFit(y: Float64Array, n: number): [number, number] {
  const xbar = (n + 1) / 2;
  const ybar = mean(y, 0, n);
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    const dx = i + 1 - xbar;
    sxy += dx * (y[i]! - ybar);
    sxx += dx * dx;
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  return [ybar - slope * xbar, slope];
}

/**
 * Initial states by R's heuristic (initstate): seasonal indices from a classical decomposition
 * (or a one-harmonic regression when n < 3m), level and trend from a regression on the first
 * max(10, 2m) seasonally adjusted values. Returns [l, b?, s0 … s(m−2)] (the last seasonal state is
 * implied by the others).
 */
export function initialStates(
  y: Float64Array,
  spec: EtsSpec,
  seasonal: (y: Float64Array, m: number, type: 'A' | 'M') => Float64Array,
): Float64Array {
  const n = y.length;
  let ysa = y;
  let initSeas: number[] = [];
  let m = 1;
  if (spec.season !== 'N') {
    m = spec.m;
    const s = seasonal(y, m, spec.season);
    initSeas = [];
    for (let k = m - 1; k >= 1; k--) initSeas.push(s[k]!);
    if (spec.season === 'A') {
      ysa = new Float64Array(n);
      for (let i = 0; i < n; i++) ysa[i] = y[i]! - s[i]!;
    } else {
      initSeas = initSeas.map((v) => Math.max(v, 1e-2));
      const sum = initSeas.reduce((a, v) => a + v, 0);
      if (sum > m) {
        const denom = initSeas.reduce((a, v) => a + v + 1e-2, 0);
        initSeas = initSeas.map((v) => v / denom);
      }
      ysa = new Float64Array(n);
      for (let i = 0; i < n; i++) ysa[i] = y[i]! / Math.max(s[i]!, 1e-2);
    }
  }
  const maxn = Math.min(Math.max(10, 2 * m), n);
  const out: number[] = [];
  if (spec.trend === 'N') out.push(mean(ysa, 0, maxn));
  else {
    const [a, slope] = lineFit(ysa, maxn);
    if (spec.trend === 'A') {
      let l0 = a;
      let b0 = slope;
      if (Math.abs(l0 + b0) < 1e-8) {
        l0 *= 1 + 1e-3;
        b0 *= 1 - 1e-3;
      }
      out.push(l0, b0);
    } else {
      let l0 = a + slope;
      if (Math.abs(l0) < 1e-8) l0 = 1e-7;
      let b0 = (a + 2 * slope) / l0;
      l0 = l0 / b0;
      if (Math.abs(b0) > 1e10) b0 = Math.sign(b0) * 1e10;
      if (l0 < 1e-8 || b0 < 1e-8) {
        l0 = Math.max(ysa[0]!, 1e-3);
        b0 = Math.max(ysa[1]! / ysa[0]!, 1e-3);
      }
      out.push(l0, b0);
    }
  }
  return Float64Array.from([...out, ...initSeas]);
}

/** Expands [l, b?, s0 … s(m−2)] with the last seasonal state (seasonal states sum to 0, or to m). */
export function fullState(spec: EtsSpec, partial: ArrayLike<number>): Float64Array {
  if (spec.season === 'N') return Float64Array.from(partial as ArrayLike<number>);
  const off = spec.trend !== 'N' ? 2 : 1;
  const x = new Float64Array(partial.length + 1);
  let sum = 0;
  for (let i = 0; i < partial.length; i++) {
    x[i] = partial[i]!;
    if (i >= off) sum += partial[i]!;
  }
  x[partial.length] = (spec.season === 'M' ? spec.m : 0) - sum;
  return x;
}

export interface EtsFitOptions {
  maxit?: number | undefined;
  /** what is minimised: the likelihood (default), or the mean squared one-step error (R's ses, holt and hw use it) */
  optCrit?: 'lik' | 'mse' | undefined;
  /** decomposition giving the seasonal component for the initial states */
  seasonal: (y: Float64Array, m: number, type: 'A' | 'M') => Float64Array;
}

/**
 * Fits one ETS model by maximum likelihood: Nelder–Mead over the smoothing parameters and the
 * initial states together, inside the usual and admissible regions (R's etsmodel with
 * opt.crit = "lik", bounds = "both"). Throws RangeError when no admissible start exists.
 */
export function fitEts(y: Float64Array, spec: EtsSpec, options: EtsFitOptions): EtsFit {
  const n = y.length;
  const p0 = initialParams(spec);
  const s0 = initialStates(y, spec, options.seasonal);
  const hasB = spec.trend !== 'N';
  const hasS = spec.season !== 'N';
  const start: number[] = [p0.alpha];
  if (hasB) start.push(p0.beta);
  if (hasS) start.push(p0.gamma);
  if (spec.damped) start.push(p0.phi);
  const nParams = start.length;
  start.push(...s0);
  if (!paramsOk(spec, p0.alpha, p0.beta, p0.gamma, p0.phi))
    throw new RangeError(`fitEts: ${etsName(spec)} has no admissible start`);
  const unpack = (v: Float64Array): [number, number, number, number] => {
    const alpha = v[0]!;
    const beta = hasB ? v[1]! : NaN;
    const gamma = hasS ? v[hasB ? 2 : 1]! : NaN;
    const phi = spec.damped ? v[nParams - 1]! : 1;
    return [alpha, beta, gamma, phi];
  };
  const x0 = new Float64Array(s0.length + (hasS ? 1 : 0));
  const mseCrit = options.optCrit === 'mse';
  const fast = !hasS && spec.trend !== 'M' && !mseCrit;
  const fc = new Float64Array(mseCrit ? n : 0);
  const objective = (v: Float64Array): number => {
    const [alpha, beta, gamma, phi] = unpack(v);
    if (!paramsOk(spec, alpha, beta, gamma, phi)) return Infinity;
    if (fast) {
      const lik = etsLikelihoodNonSeasonal(
        y,
        hasB,
        spec.error === 'M',
        alpha,
        beta,
        phi,
        v[nParams]!,
        hasB ? v[nParams + 1]! : 0,
      );
      if (Number.isNaN(lik)) return Infinity;
      if (!mseCrit) return lik < -1e10 ? -1e10 : lik;
    }
    x0.set(fullState(spec, v.subarray(nParams)));
    // multiplicative seasonal states must stay positive (as in R's ets target function)
    if (spec.season === 'M') for (let i = hasB ? 2 : 1; i < x0.length; i++) if (x0[i]! < 0) return Infinity;
    const lik = etsLikelihood(y, spec, alpha, beta, gamma, phi, x0, undefined, mseCrit ? fc : undefined);
    if (Number.isNaN(lik)) return Infinity;
    if (mseCrit) {
      let sse = 0;
      for (let i = 0; i < n; i++) sse += (y[i]! - fc[i]!) ** 2;
      return sse / n;
    }
    return lik < -1e10 ? -1e10 : lik;
  };
  const opt = nelderMead(objective, start, { maxit: options.maxit ?? 2000 });
  const [alpha, beta, gamma, phi] = unpack(opt.x);
  const initState = fullState(spec, opt.x.subarray(nParams));
  const e = new Float64Array(n);
  const f = new Float64Array(n);
  const lastState = new Float64Array(initState.length);
  const lik = etsLikelihood(y, spec, alpha, beta, gamma, phi, initState, e, f, lastState);
  if (!Number.isFinite(lik)) throw new RangeError(`fitEts: ${etsName(spec)} gives no finite likelihood`);
  const np = opt.x.length + 1;
  const loglik = -0.5 * lik;
  const aic = lik + 2 * np;
  let sse = 0;
  let mse = 0;
  for (let i = 0; i < n; i++) {
    sse += e[i]! * e[i]!;
    mse += (y[i]! - f[i]!) ** 2;
  }
  return {
    spec,
    params: { alpha, beta, gamma, phi },
    initState,
    lastState,
    fitted: f,
    residuals: e,
    sigma2: sse / (n - (np - 1)), // R: the number of estimated parameters without σ
    loglik,
    aic,
    aicc: n - np - 1 > 0 ? aic + (2 * np * (np + 1)) / (n - np - 1) : Infinity,
    bic: lik + Math.log(n) * np,
    mse: mse / n,
    np,
    n,
  };
}

/**
 * The fit without its per-observation arrays (fitted values, residuals): what `extendEts` reads, kept where a fit is
 * stored to be run forward later (auto-pool.ts). O(states).
 * @example extendEts(etsParams(fit), longer) // as extendEts(fit, longer)
 */
export function etsParams(fit: EtsFit): EtsFit {
  return { ...fit, fitted: new Float64Array(0), residuals: new Float64Array(0) };
}

/**
 * The fitted model run over y, a longer series with the same start: the same parameters and initial
 * state, new one-step errors, last state and σ² (no re-estimation; how `auto` backtests several
 * origins from one fit). Information criteria are those of the fit on its own data. O(n·m).
 */
export function extendEts(fit: EtsFit, y: Float64Array): EtsFit {
  const n = y.length;
  const { alpha, beta, gamma, phi } = fit.params;
  const e = new Float64Array(n);
  const f = new Float64Array(n);
  const lastState = new Float64Array(fit.initState.length);
  const lik = etsLikelihood(y, fit.spec, alpha, beta, gamma, phi, fit.initState, e, f, lastState);
  if (!Number.isFinite(lik)) throw new RangeError(`extendEts: ${etsName(fit.spec)} gives no finite likelihood on y`);
  let sse = 0;
  let mse = 0;
  for (let i = 0; i < n; i++) {
    sse += e[i]! * e[i]!;
    mse += (y[i]! - f[i]!) * (y[i]! - f[i]!);
  }
  return {
    ...fit,
    lastState,
    fitted: f,
    residuals: e,
    sigma2: sse / Math.max(1, n - (fit.np - 1)),
    mse: mse / n,
    n,
  };
}

/** Innovation-state matrices (F, g, w) of a linear (additive) ETS model, for analytic variances. */
function linearMatrices(spec: EtsSpec, p: EtsParams): { F: number[][]; g: number[]; w: number[] } {
  const hasB = spec.trend !== 'N';
  const m = spec.season === 'N' ? 0 : spec.m;
  const k = 1 + (hasB ? 1 : 0) + m;
  const F = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const g = new Array<number>(k).fill(0);
  const w = new Array<number>(k).fill(0);
  F[0]![0] = 1;
  w[0] = 1;
  g[0] = p.alpha;
  if (hasB) {
    F[0]![1] = p.phi;
    F[1]![1] = p.phi;
    w[1] = p.phi;
    g[1] = p.beta;
  }
  if (m > 0) {
    const o = hasB ? 2 : 1;
    // seasonal states s_t, s_{t−1}, …, s_{t−m+1}: the oldest one is used, then shifted
    w[o + m - 1] = 1;
    F[o]![o + m - 1] = 1;
    for (let j = 1; j < m; j++) F[o + j]![o + j - 1] = 1;
    g[o] = p.gamma;
  }
  return { F, g, w };
}

/**
 * Forecast variances 1…h ahead of a linear ETS model (class 1 of Hyndman et al. 2008, ch. 6):
 * σ²·(1 + Σ_{j<h} c_j²) with c_j = w′F^{j−1}g.
 */
export function linearForecastVariance(fit: EtsFit, h: number): Float64Array {
  const { F, g, w } = linearMatrices(fit.spec, fit.params);
  const k = g.length;
  const out = new Float64Array(h);
  // v = F^{j−1} g, advanced step by step
  let v = g.slice();
  let acc = 0;
  for (let i = 0; i < h; i++) {
    out[i] = fit.sigma2 * (1 + acc);
    let c = 0;
    for (let a = 0; a < k; a++) c += w[a]! * v[a]!;
    acc += c * c;
    const nv = new Array<number>(k).fill(0);
    for (let a = 0; a < k; a++) {
      let s = 0;
      for (let bb = 0; bb < k; bb++) s += F[a]![bb]! * v[bb]!;
      nv[a] = s;
    }
    v = nv;
  }
  return out;
}

/**
 * Forecast variances of a class-2 model (multiplicative error, no multiplicative trend or season;
 * Hyndman et al. 2008, §6.3): v_h = (1 + σ²)θ_h − μ_h², θ_1 = μ_1², θ_h = μ_h² + σ² Σ_{j<h} c_j² θ_{h−j}.
 */
export function class2ForecastVariance(fit: EtsFit, mean: Float64Array): Float64Array {
  const h = mean.length;
  const { F, g, w } = linearMatrices(fit.spec, fit.params);
  const k = g.length;
  const c = new Float64Array(h);
  let v = g.slice();
  for (let j = 1; j < h; j++) {
    let cj = 0;
    for (let a = 0; a < k; a++) cj += w[a]! * v[a]!;
    c[j] = cj;
    const nv = new Array<number>(k).fill(0);
    for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) nv[a] = nv[a]! + F[a]![b]! * v[b]!;
    v = nv;
  }
  const s2 = fit.sigma2;
  const theta = new Float64Array(h);
  const out = new Float64Array(h);
  for (let i = 0; i < h; i++) {
    let t = mean[i]! ** 2;
    for (let j = 1; j <= i; j++) t += s2 * c[j]! ** 2 * theta[i - j]!;
    theta[i] = t;
    out[i] = (1 + s2) * t - mean[i]! ** 2;
  }
  return out;
}

/**
 * Simulated sample paths 1…h ahead from the last state, with Gaussian innovations of variance σ²
 * (Hyndman et al. 2008, §6.1): used for the quantiles of the non-linear models. `normal` draws
 * standard normal numbers (injected for reproducibility). Returns paths row-major [path][step].
 */
export function simulateEts(fit: EtsFit, h: number, nPaths: number, normal: () => number): Float64Array {
  const out = new Float64Array(nPaths * h);
  const sd = Math.sqrt(fit.sigma2);
  const { spec } = fit;
  const { alpha, beta, gamma, phi } = fit.params;
  const y1 = new Float64Array(1);
  const state = new Float64Array(fit.lastState.length);
  const next = new Float64Array(fit.lastState.length);
  const f1 = new Float64Array(1);
  for (let p = 0; p < nPaths; p++) {
    state.set(fit.lastState);
    for (let t = 0; t < h; t++) {
      const mu = etsPointForecast(spec, phi, state, 1)[0]!;
      const eps = sd * normal();
      const y = spec.error === 'A' ? mu + eps : mu * (1 + eps);
      out[p * h + t] = y;
      y1[0] = y;
      etsLikelihood(y1, spec, alpha, beta, gamma, phi, state, undefined, f1, next);
      state.set(next);
    }
  }
  return out;
}
