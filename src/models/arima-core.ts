/**
 * Seasonal ARIMA(p, d, q)(P, D, Q)[m] with an optional constant (the mean when d + D = 0, the
 * drift when d + D = 1), fitted as R's stats::arima fits it (Box & Jenkins; Brockwell & Davis
 * 2016, ch. 5 and 6.5): the series is differenced d times and D times at lag m, the AR and MA
 * polynomials are the products φ(B)Φ(B^m) and θ(B)Θ(B^m); conditional sum of squares (CSS) for
 * quick fits, exact Gaussian likelihood by the Kalman filter for the final one (Harvey 1989;
 * stationary initial covariance from the Lyapunov equation), forecasts with ψ-weight variances.
 */
import { levenbergMarquardt, solveLinear } from '../numerics/levenberg-marquardt.js';
import { nelderMead } from '../numerics/nelder-mead.js';
import { rootsInsideCircle } from '../numerics/polynomial.js';
import { difference } from '../numerics/kpss.js';

export interface ArimaOrder {
  p: number;
  d: number;
  q: number;
  /** mean (d + D = 0) or drift (d + D = 1); never with d + D ≥ 2 */
  constant: boolean;
  /** seasonal AR order (default 0) */
  P?: number | undefined;
  /** seasonal differences at lag m (default 0) */
  D?: number | undefined;
  /** seasonal MA order (default 0) */
  Q?: number | undefined;
  /** season length (default 1: no seasonal part) */
  m?: number;
}

/** The seasonal part of an order with its defaults. */
export function seasonalOrder(o: ArimaOrder): { P: number; D: number; Q: number; m: number } {
  const m = o.m ?? 1;
  return m > 1 ? { P: o.P ?? 0, D: o.D ?? 0, Q: o.Q ?? 0, m } : { P: 0, D: 0, Q: 0, m: 1 };
}

/** Number of estimated coefficients (AR, MA, seasonal AR and MA, constant). */
export function coefficientCount(o: ArimaOrder): number {
  const s = seasonalOrder(o);
  return o.p + o.q + s.P + s.Q + (o.constant ? 1 : 0);
}

/** Differences x d times at lag 1 and D times at lag m. */
export function differenceFor(x: Float64Array, o: ArimaOrder): Float64Array {
  const s = seasonalOrder(o);
  let w: Float64Array = x;
  for (let i = 0; i < o.d; i++) w = difference(w);
  for (let i = 0; i < s.D; i++) w = difference(w, s.m);
  return w;
}

export interface ArimaFit {
  order: ArimaOrder;
  phi: Float64Array;
  theta: Float64Array;
  /** seasonal AR and MA coefficients (empty without a seasonal part) */
  sphi: Float64Array;
  stheta: Float64Array;
  /** mean of the differenced series (0 without constant) */
  mu: number;
  sigma2: number;
  loglik: number;
  aic: number;
  aicc: number;
  /** n − d − D·m */
  nUsed: number;
  /** the undifferenced series (for forecasting) */
  x: Float64Array;
  method: 'CSS' | 'ML';
  /** residuals on the differenced scale (NaN before the first conditional one) */
  residuals: Float64Array;
}

export function arimaName(o: ArimaOrder): string {
  const s = seasonalOrder(o);
  const diffs = o.d + s.D;
  const c = o.constant ? (diffs === 0 ? ' with non-zero mean' : ' with drift') : diffs === 0 ? ' with zero mean' : '';
  const seasonal = s.m > 1 && s.P + s.D + s.Q > 0 ? `(${s.P},${s.D},${s.Q})[${s.m}]` : '';
  return `ARIMA(${o.p},${o.d},${o.q})${seasonal}${c}`;
}

/** AR polynomial 1 − Σφz^i has all roots outside |z| = radius. */
export function arStationary(phi: ArrayLike<number>, radius = 1): boolean {
  const p = phi.length;
  if (p === 0) return true;
  // reversed: z^p − φ1 z^{p−1} − … − φp, roots inside 1/radius
  const c = new Float64Array(p + 1);
  for (let i = 0; i < p; i++) c[i] = -phi[p - 1 - i]!;
  c[p] = 1;
  return rootsInsideCircle(c, 1 / radius);
}

/** MA polynomial 1 + Σθz^i has all roots outside |z| = radius. */
export function maInvertible(theta: ArrayLike<number>, radius = 1): boolean {
  const q = theta.length;
  if (q === 0) return true;
  const c = new Float64Array(q + 1);
  for (let i = 0; i < q; i++) c[i] = theta[q - 1 - i]!;
  c[q] = 1;
  return rootsInsideCircle(c, 1 / radius);
}

/**
 * CSS residuals of a demeaned differenced series w (R's ARIMA_CSS): the first p residuals are 0,
 * e_t = w_t − Σφ_i w_{t−i} − Σθ_j e_{t−j}. Returns the sum of squares and the count.
 */
export function cssResiduals(
  w: Float64Array,
  mu: number,
  phi: ArrayLike<number>,
  theta: ArrayLike<number>,
  e: Float64Array,
): { ssq: number; nu: number } {
  const n = w.length;
  const p = phi.length;
  const q = theta.length;
  let ssq = 0;
  let nu = 0;
  for (let t = 0; t < p && t < n; t++) e[t] = 0;
  for (let t = p; t < n; t++) {
    let v = w[t]! - mu;
    for (let i = 0; i < p; i++) v -= phi[i]! * (w[t - i - 1]! - mu);
    const jmax = Math.min(t - p, q);
    for (let j = 0; j < jmax; j++) v -= theta[j]! * e[t - j - 1]!;
    e[t] = v;
    ssq += v * v;
    nu++;
  }
  return { ssq, nu };
}

interface Coefficients {
  phi: Float64Array;
  theta: Float64Array;
  sphi: Float64Array;
  stheta: Float64Array;
  mu: number;
  /** the products φ(B)Φ(B^m) and θ(B)Θ(B^m) as plain AR and MA coefficients */
  arFull: Float64Array;
  maFull: Float64Array;
}

/** (1 + Σ a_i B^i)(1 + Σ b_j B^{jm}) = 1 + Σ c_k B^k; returns c (sign of the AR side handled by the caller). */
function multiplySeasonal(a: ArrayLike<number>, b: ArrayLike<number>, m: number): Float64Array {
  const c = new Float64Array(a.length + b.length * m);
  for (let i = 0; i < a.length; i++) c[i] = a[i]!;
  for (let j = 0; j < b.length; j++) {
    c[(j + 1) * m - 1] = c[(j + 1) * m - 1]! + b[j]!;
    for (let i = 0; i < a.length; i++) c[(j + 1) * m + i] = c[(j + 1) * m + i]! + a[i]! * b[j]!;
  }
  return c;
}

/** Parameter vector [φ…, θ…, Φ…, Θ…, μ?] (R's coefficient order) → parts. */
function unpack(v: ArrayLike<number>, o: ArimaOrder): Coefficients {
  const s = seasonalOrder(o);
  const take = (from: number, k: number): Float64Array => {
    const out = new Float64Array(k);
    for (let i = 0; i < k; i++) out[i] = v[from + i]!;
    return out;
  };
  const phi = take(0, o.p);
  const theta = take(o.p, o.q);
  const sphi = take(o.p + o.q, s.P);
  const stheta = take(o.p + o.q + s.P, s.Q);
  const mu = o.constant ? v[o.p + o.q + s.P + s.Q]! : 0;
  if (s.P + s.Q === 0) return { phi, theta, sphi, stheta, mu, arFull: phi, maFull: theta };
  // AR: (1 − Σφ B^i)(1 − ΣΦ B^{jm}) = 1 − Σ a_k B^k, so a = −c for c computed from −φ and −Φ
  const arFull = multiplySeasonal(
    phi.map((x) => -x),
    sphi.map((x) => -x),
    s.m,
  ).map((x) => -x);
  const maFull = multiplySeasonal(theta, stheta, s.m);
  return { phi, theta, sphi, stheta, mu, arFull, maFull };
}

/** Both AR factors stationary and both MA factors invertible. */
function admissible(u: Coefficients): boolean {
  return arStationary(u.phi) && arStationary(u.sphi) && maInvertible(u.theta) && maInvertible(u.stheta);
}

/**
 * JᵀJ and Jᵀe of the CSS residuals from the derivatives of the residual recursion:
 * ∂e_t/∂φ_i = −(w_{t−i} − μ) − Σθ_j ∂e_{t−j}/∂φ_i, ∂e_t/∂θ_j = −e_{t−j} − Σθ_k ∂e_{t−k}/∂θ_j,
 * ∂e_t/∂μ = −1 + Σφ_i − Σθ_j ∂e_{t−j}/∂μ. Each column of J is its own filtered series, so J is
 * built column by column into `cols` (k·n, column-major) and JᵀJ taken as dot products of
 * columns: the same O(n·k·(q + k)) work as row by row, in tight loops.
 */
function cssNormalEquations(
  w: Float64Array,
  v: Float64Array,
  o: ArimaOrder,
  e: Float64Array,
  JtJ: Float64Array,
  Jtr: Float64Array,
  cols: Float64Array,
): void {
  const { p, q } = o;
  const k = p + q + (o.constant ? 1 : 0);
  const n = w.length;
  const mu = o.constant ? v[k - 1]! : 0;
  let sumPhi = 0;
  for (let i = 0; i < p; i++) sumPhi += v[i]!;
  for (let c = 0; c < k; c++) {
    const off = c * n;
    for (let t = 0; t < p; t++) cols[off + t] = 0;
    if (c < p) for (let t = p; t < n; t++) cols[off + t] = mu - w[t - c - 1]!;
    else if (c < p + q) {
      const lag = c - p + 1;
      for (let t = p; t < n; t++) cols[off + t] = t - p >= lag ? -e[t - lag]! : 0;
    } else cols.fill(sumPhi - 1, off + p, off + n);
  }
  // the MA filter, in place: J_t −= Σ θ_j J_{t−j} (rows before p are 0); the columns are
  // independent recursions, interleaved so that one does not wait on the previous step of another
  if (q > 0)
    for (let t = p + 1; t < n; t++) {
      const jmax = t - p < q ? t - p : q;
      for (let c = 0; c < k; c++) {
        const at = c * n + t;
        let d = cols[at]!;
        for (let j = 0; j < jmax; j++) d -= v[p + j]! * cols[at - j - 1]!;
        cols[at] = d;
      }
    }
  for (let a = 0; a < k; a++) {
    Jtr[a] = dot(cols, a * n + p, e, p, n - p);
    for (let b = a; b < k; b++) JtJ[a * k + b] = dot(cols, a * n + p, cols, b * n + p, n - p);
  }
}

/** Σ x[xo + i]·y[yo + i] for i < len, with four accumulators so that the additions do not wait on one another. */
function dot(x: Float64Array, xo: number, y: Float64Array, yo: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < len; i += 4) {
    s0 += x[xo + i]! * y[yo + i]!;
    s1 += x[xo + i + 1]! * y[yo + i + 1]!;
    s2 += x[xo + i + 2]! * y[yo + i + 2]!;
    s3 += x[xo + i + 3]! * y[yo + i + 3]!;
  }
  for (; i < len; i++) s0 += x[xo + i]! * y[yo + i]!;
  return s0 + s1 + (s2 + s3);
}

/**
 * CSS fit by Levenberg–Marquardt on the residual vector (Marquardt 1963), from zero ARMA
 * coefficients and the sample mean (R starts its BFGS from the same point; a Hannan–Rissanen start
 * converges faster but lands in other local optima than R's for some series, so R's is kept). Minimises the
 * conditional sum of squares; σ² = SSQ / (number of residuals). The Jacobian is analytic for
 * non-seasonal orders and by forward differences for seasonal ones.
 */
export function fitCss(w: Float64Array, o: ArimaOrder): { v: Float64Array; sigma2: number } {
  const k = coefficientCount(o);
  const n = w.length;
  const s = seasonalOrder(o);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += w[i]!;
  mean /= n;
  const v = new Float64Array(k);
  if (o.constant) v[k - 1] = mean;
  const seasonal = s.P + s.Q > 0;
  const residuals = (x: Float64Array, out: Float64Array): number => {
    if (!seasonal)
      return cssResiduals(w, o.constant ? x[k - 1]! : 0, x.subarray(0, o.p), x.subarray(o.p, o.p + o.q), out).ssq;
    const u = unpack(x, o);
    return cssResiduals(w, u.mu, u.arFull, u.maFull, out).ssq;
  };
  const rbuf = new Float64Array(n);
  const trial = new Float64Array(k);
  const cols = new Float64Array(seasonal ? 0 : n * k);
  const numericJacobian = (x: Float64Array, r: Float64Array, J: Float64Array): boolean => {
    for (let c = 0; c < k; c++) {
      const h = 1e-7 * Math.max(1, Math.abs(x[c]!));
      trial.set(x);
      trial[c] = x[c]! + h;
      residuals(trial, rbuf);
      for (let t = 0; t < n; t++) J[t * k + c] = (rbuf[t]! - r[t]!) / h;
    }
    return true;
  };
  const ssq = levenbergMarquardt(
    {
      n,
      residuals,
      jacobian: numericJacobian,
      normalEquations: seasonal
        ? undefined
        : (x, r, JtJ, Jtr) => {
            cssNormalEquations(w, x, o, r, JtJ, Jtr, cols);
            return true;
          },
    },
    v,
    // R's optim stops when 0.5·log(SSQ/n) changes by less than 1e-8 of itself, about 1e-7 of SSQ;
    // ill-conditioned fits (nearly cancelling AR and MA roots) crawl for tens of steps at 1e-6 each
    { relTol: 1e-7, slowTol: 1e-6, window: 3 },
  );
  return { v, sigma2: ssq / Math.max(1, n - o.p - s.P * s.m) };
}

/**
 * The stationary state covariance P = T P Tᵀ + R Rᵀ: for small state vectors by solving
 * (I − T⊗T) vec P = vec(R Rᵀ) directly, for larger ones (seasonal models) by the doubling
 * iteration P ← P + A P Aᵀ, A ← A² (Anderson & Moore 1979), O(r³) per step, which sums the series
 * Σ Tᵏ R Rᵀ Tᵏᵀ in log₂ of its length. undefined when the process is not stationary.
 */
function stationaryCovariance(T: Float64Array, R: Float64Array, r: number): Float64Array | undefined {
  const r2 = r * r;
  if (r <= 10) {
    const A = new Float64Array(r2 * r2);
    const b = new Float64Array(r2);
    for (let i = 0; i < r; i++)
      for (let j = 0; j < r; j++) {
        const row = i * r + j;
        b[row] = R[i]! * R[j]!;
        A[row * r2 + row] = A[row * r2 + row]! + 1;
        for (let k = 0; k < r; k++) {
          const tik = T[i * r + k]!;
          if (tik === 0) continue;
          for (let l = 0; l < r; l++) A[row * r2 + k * r + l] = A[row * r2 + k * r + l]! - tik * T[j * r + l]!;
        }
      }
    return solveLinear(A, b, r2);
  }
  const P = new Float64Array(r2);
  for (let i = 0; i < r; i++) for (let j = 0; j < r; j++) P[i * r + j] = R[i]! * R[j]!;
  let A = Float64Array.from(T);
  const AP = new Float64Array(r2);
  const next = new Float64Array(r2);
  const multiply = (X: Float64Array, Y: Float64Array, out: Float64Array, transposeY: boolean): void => {
    out.fill(0);
    for (let i = 0; i < r; i++)
      for (let k = 0; k < r; k++) {
        const x = X[i * r + k]!;
        if (x === 0) continue;
        for (let j = 0; j < r; j++) out[i * r + j] = out[i * r + j]! + x * (transposeY ? Y[j * r + k]! : Y[k * r + j]!);
      }
  };
  for (let it = 0; it < 64; it++) {
    multiply(A, P, AP, false);
    multiply(AP, A, next, true);
    let added = 0;
    let size = 0;
    for (let i = 0; i < r2; i++) {
      P[i] = P[i]! + next[i]!;
      added = Math.max(added, Math.abs(next[i]!));
      size = Math.max(size, Math.abs(P[i]!));
    }
    if (!Number.isFinite(size)) return undefined;
    if (added <= 1e-15 * size) return P;
    const A2 = new Float64Array(r2);
    multiply(A, A, A2, false);
    A = A2;
  }
  return undefined;
}

/**
 * Exact Gaussian likelihood of a zero-mean ARMA(p, q) series z by the Kalman filter on the
 * state-space form with r = max(p, q + 1) states, started at the stationary covariance. Returns
 * SSQ = Σ v_t²/F_t and Σ log F_t (σ² concentrated out), or undefined when not stationary.
 */
export function armaKalman(
  z: Float64Array,
  phi: ArrayLike<number>,
  theta: ArrayLike<number>,
  keepState?: { a: Float64Array },
  standardized?: Float64Array,
): { ssq: number; sumlog: number } | undefined {
  const p = phi.length;
  const q = theta.length;
  const r = Math.max(p, q + 1);
  const T = new Float64Array(r * r);
  for (let i = 0; i < p; i++) T[i * r] = phi[i]!;
  for (let i = 0; i < r - 1; i++) T[i * r + i + 1] = 1;
  const R = new Float64Array(r);
  R[0] = 1;
  for (let j = 0; j < q; j++) R[j + 1] = theta[j]!;
  const P0 = stationaryCovariance(T, R, r);
  if (P0 === undefined) return undefined;
  // T is a companion matrix: T a = [φ_i a_0 + a_{i+1}], so the steps below are O(r²), not O(r³)
  const ph = new Float64Array(r);
  for (let i = 0; i < p; i++) ph[i] = phi[i]!;
  const P = P0;
  const r2 = r * r;
  const a = new Float64Array(r);
  const TP = new Float64Array(r2);
  const K = new Float64Array(r);
  let ssq = 0;
  let sumlog = 0;
  let steady = false;
  let lastF = NaN;
  const lastK = new Float64Array(r).fill(NaN);
  for (let t = 0; t < z.length; t++) {
    if (t > 0) {
      const a0 = a[0]!;
      for (let i = 0; i < r; i++) a[i] = ph[i]! * a0 + (i + 1 < r ? a[i + 1]! : 0);
      if (!steady) {
        for (let i = 0; i < r; i++)
          for (let j = 0; j < r; j++) TP[i * r + j] = ph[i]! * P[j]! + (i + 1 < r ? P[(i + 1) * r + j]! : 0);
        for (let i = 0; i < r; i++)
          for (let j = 0; j < r; j++)
            P[i * r + j] = TP[i * r]! * ph[j]! + (j + 1 < r ? TP[i * r + j + 1]! : 0) + R[i]! * R[j]!;
      }
    }
    // in the steady state the predicted variance and the gain no longer change: keep the last ones
    const F = steady ? lastF : P[0]!;
    if (!(F > 0)) return undefined;
    const v = z[t]! - a[0]!;
    ssq += (v * v) / F;
    sumlog += Math.log(F);
    if (standardized !== undefined) standardized[t] = v / Math.sqrt(F);
    if (!steady) for (let i = 0; i < r; i++) K[i] = P[i * r]! / F;
    for (let i = 0; i < r; i++) a[i] = a[i]! + K[i]! * v;
    if (!steady) {
      for (let i = 0; i < r; i++) for (let j = 0; j < r; j++) P[i * r + j] = P[i * r + j]! - K[i]! * F * K[j]!;
      // steady once the variance and the gain stop changing (F alone can stay flat for a season
      // before it drops, e.g. for a seasonal AR, while the gain moves)
      let change = Math.abs(F - lastF) / F;
      for (let i = 0; i < r; i++) change = Math.max(change, Math.abs(K[i]! - lastK[i]!));
      if (change < 1e-9) steady = true;
      lastF = F;
      lastK.set(K);
    }
  }
  if (keepState !== undefined) keepState.a = a;
  return { ssq, sumlog };
}

/** −2 log L / n-style objective of R's arima: 0.5·(log(SSQ/n) + Σ log F / n). */
function mlObjective(w: Float64Array, o: ArimaOrder, v: ArrayLike<number>, z: Float64Array): number {
  const u = unpack(v, o);
  if (!admissible(u)) return Infinity;
  for (let i = 0; i < w.length; i++) z[i] = w[i]! - u.mu;
  const k = armaKalman(z, u.arFull, u.maFull);
  if (k === undefined) return Infinity;
  const n = w.length;
  return 0.5 * (Math.log(k.ssq / n) + k.sumlog / n);
}

/**
 * Exact maximum likelihood as non-linear least squares: with σ² concentrated out, −log L is
 * monotone in S = Σ (v_t/√F_t)² · exp(Σ log F_t / n), a sum of squares of the scaled innovations
 * r_t = v_t/√F_t · exp(Σ log F / 2n) (Harvey 1989, §3.4). Levenberg–Marquardt with a
 * forward-difference Jacobian then needs tens of Kalman passes where a simplex needs hundreds.
 * Improves `v` in place; false when it cannot start (not stationary or invertible).
 */
function mlByLeastSquares(w: Float64Array, o: ArimaOrder, v: Float64Array, z: Float64Array): boolean {
  const n = w.length;
  const k = v.length;
  const residuals = (par: Float64Array, out: Float64Array): number => {
    const u = unpack(par, o);
    if (!admissible(u)) return Infinity;
    for (let i = 0; i < n; i++) z[i] = w[i]! - u.mu;
    const kf = armaKalman(z, u.arFull, u.maFull, undefined, out);
    if (kf === undefined) return Infinity;
    const g = Math.exp(kf.sumlog / (2 * n));
    for (let i = 0; i < n; i++) out[i] = out[i]! * g;
    return kf.ssq * g * g;
  };
  const rbuf = new Float64Array(n);
  const trial = new Float64Array(k);
  // forward differences, backward where the forward point leaves the stationary region
  const jacobian = (x: Float64Array, r: Float64Array, J: Float64Array): boolean => {
    for (let c = 0; c < k; c++) {
      const h = 1e-6 * Math.max(1e-3, Math.abs(x[c]!));
      trial.set(x);
      trial[c] = x[c]! + h;
      let sign = 1;
      if (!Number.isFinite(residuals(trial, rbuf))) {
        trial[c] = x[c]! - h;
        sign = -1;
        if (!Number.isFinite(residuals(trial, rbuf))) return false;
      }
      for (let t = 0; t < n; t++) J[t * k + c] = (sign * (rbuf[t]! - r[t]!)) / h;
    }
    return true;
  };
  return Number.isFinite(
    levenbergMarquardt({ n, residuals, jacobian }, v, {
      maxIterations: 50,
      relTol: 1e-8,
      stepTol: 0,
      maxTries: 12,
      slowTol: 1e-7,
      window: 3,
    }),
  );
}

/** Fits ARIMA(p, d, q)(P, D, Q)[m] to x: by CSS only (`method` 'CSS'), or CSS then exact maximum likelihood ('ML'). */
export function fitArima(x: Float64Array, o: ArimaOrder, method: 'CSS' | 'ML'): ArimaFit {
  const s = seasonalOrder(o);
  if (o.d + s.D >= 2 && o.constant) throw new RangeError('fitArima: no constant with two or more differences');
  const w = differenceFor(x, o);
  const n = w.length;
  const k = coefficientCount(o);
  // CSS needs values past the p + P·m conditioning ones, and more than the coefficients (or the MA lags)
  const nCond = o.p + s.P * s.m;
  if (n <= Math.max(nCond, Math.min(nCond + o.q + s.Q * s.m, k)) + 2)
    throw new RangeError(`fitArima: ${n} differenced values are too few for ${arimaName(o)}`);
  const css = fitCss(w, o);
  let v = css.v;
  let sigma2 = css.sigma2;
  let loglik = NaN;
  if (method === 'ML') {
    const z = new Float64Array(n);
    let start = v;
    if (!admissible(unpack(start, o))) {
      // R starts ML from CSS only when it is stationary; else from zero
      start = new Float64Array(k);
      if (o.constant) start[k - 1] = w.reduce((sum, y) => sum + y, 0) / n;
    }
    if (k > 0 && mlByLeastSquares(w, o, start, z)) {
      v = start;
    } else if (k > 0) {
      // optimise the constant on the scale of its standard error (R's optim uses parscale alike),
      // so that one simplex step fits both the ARMA coefficients and the constant
      let sd = 0;
      for (let i = 0; i < n; i++) sd += (w[i]! - start[k - 1]!) ** 2;
      const scale = o.constant ? Math.max(1e-8, Math.sqrt(sd / n / n)) : 1;
      const centre = o.constant ? start[k - 1]! : 0;
      const toPar = (u: Float64Array): Float64Array => {
        const par = Float64Array.from(u);
        if (o.constant) par[k - 1] = centre + u[k - 1]! * scale;
        return par;
      };
      const u0 = Float64Array.from(start);
      if (o.constant) u0[k - 1] = 0;
      const res = nelderMead((u) => mlObjective(w, o, toPar(u), z), u0, { maxit: 200 * (k + 1) });
      v = toPar(res.x);
    }
    const u = unpack(v, o);
    for (let i = 0; i < n; i++) z[i] = w[i]! - u.mu;
    const kf = armaKalman(z, u.arFull, u.maFull);
    if (kf === undefined) throw new RangeError(`fitArima: ${arimaName(o)} is not stationary`);
    loglik = -0.5 * (kf.sumlog + n * Math.log(kf.ssq / n) + n + n * Math.log(2 * Math.PI));
    // the variance used for forecasting divides by the degrees of freedom, as R's forecast::Arima
    sigma2 = kf.ssq / Math.max(1, n - k);
  }
  const u = unpack(v, o);
  const e = new Float64Array(n);
  cssResiduals(w, u.mu, u.arFull, u.maFull, e);
  const npar = k + 1;
  // CSS fits get R's approximate criterion without the offset (a constant for a given d and D)
  const aic = method === 'ML' ? -2 * loglik + 2 * npar : n * Math.log(sigma2) + 2 * npar;
  const aicc = n - npar - 1 > 0 ? aic + (2 * npar * (npar + 1)) / (n - npar - 1) : Infinity;
  return {
    order: o,
    phi: u.phi,
    theta: u.theta,
    sphi: u.sphi,
    stheta: u.stheta,
    mu: u.mu,
    sigma2,
    loglik,
    aic,
    aicc,
    nUsed: n,
    x,
    method,
    residuals: e,
  };
}

/** The expanded AR and MA polynomials of a fit, φ(B)Φ(B^m) and θ(B)Θ(B^m). */
export function expandedPolynomials(fit: ArimaFit): { ar: Float64Array; ma: Float64Array } {
  const o = fit.order;
  const s = seasonalOrder(o);
  const v = new Float64Array(coefficientCount(o));
  v.set(fit.phi, 0);
  v.set(fit.theta, o.p);
  v.set(fit.sphi, o.p + o.q);
  v.set(fit.stheta, o.p + o.q + s.P);
  if (o.constant) v[v.length - 1] = fit.mu;
  const u = unpack(v, o);
  return { ar: u.arFull, ma: u.maFull };
}

/**
 * Forecasts h steps: the ARMA part from the Kalman filter's last state, the constant added back,
 * then integrated through (1 − B)^d (1 − B^m)^D; variances σ²·Σψ_j² from the ψ-weights of
 * φ(B)Φ(B^m)(1 − B)^d(1 − B^m)^D and θ(B)Θ(B^m).
 */
export function forecastArima(fit: ArimaFit, h: number): { mean: Float64Array; variance: Float64Array } {
  const { order: o, mu } = fit;
  const s = seasonalOrder(o);
  const { ar, ma } = expandedPolynomials(fit);
  const w = differenceFor(fit.x, o);
  const z = w.map((v) => v - mu);
  const keep = { a: new Float64Array(0) };
  armaKalman(z, ar, ma, keep);
  const r = Math.max(ar.length, ma.length + 1);
  let a = keep.a;
  const wf = new Float64Array(h);
  for (let t = 0; t < h; t++) {
    const an = new Float64Array(r);
    for (let i = 0; i < r; i++) an[i] = (i < ar.length ? ar[i]! * a[0]! : 0) + (i + 1 < r ? a[i + 1]! : 0);
    a = an;
    wf[t] = a[0]! + mu;
  }
  // the differencing polynomial (1 − B)^d (1 − B^m)^D = 1 − Σ δ_i B^i
  let delta: Float64Array = Float64Array.of(1);
  const times = (poly: Float64Array, lag: number): Float64Array => {
    const out = new Float64Array(poly.length + lag);
    for (let i = 0; i < poly.length; i++) {
      out[i] = out[i]! + poly[i]!;
      out[i + lag] = out[i + lag]! - poly[i]!;
    }
    return out;
  };
  for (let i = 0; i < o.d; i++) delta = times(delta, 1);
  for (let i = 0; i < s.D; i++) delta = times(delta, s.m);
  // integrate: x_t = w_t + Σ δ_i x_{t−i}, δ_i = −delta[i]
  const n = fit.x.length;
  const ext = new Float64Array(n + h);
  ext.set(fit.x);
  for (let t = 0; t < h; t++) {
    let v = wf[t]!;
    for (let i = 1; i < delta.length; i++) v -= delta[i]! * ext[n + t - i]!;
    ext[n + t] = v;
  }
  const mean = ext.slice(n);
  // ψ-weights of θ*(B) / (φ*(B) Δ(B)): the full AR polynomial 1 − Σ c_i B^i
  const arPoly = new Float64Array(ar.length + 1);
  arPoly[0] = 1;
  for (let i = 0; i < ar.length; i++) arPoly[i + 1] = -ar[i]!;
  const full = new Float64Array(arPoly.length + delta.length - 1);
  for (let i = 0; i < arPoly.length; i++)
    for (let j = 0; j < delta.length; j++) full[i + j] = full[i + j]! + arPoly[i]! * delta[j]!;
  const psi = new Float64Array(h);
  psi[0] = 1;
  for (let j = 1; j < h; j++) {
    let v = j <= ma.length ? ma[j - 1]! : 0;
    for (let i = 1; i < Math.min(j + 1, full.length); i++) v -= full[i]! * psi[j - i]!;
    psi[j] = v;
  }
  const variance = new Float64Array(h);
  let acc = 0;
  for (let t = 0; t < h; t++) {
    acc += psi[t]! * psi[t]!;
    variance[t] = fit.sigma2 * acc;
  }
  return { mean, variance };
}
