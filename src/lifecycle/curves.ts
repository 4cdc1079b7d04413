/**
 * Life-cycle curves of one product's demand per period since its launch (period 1 = the first
 * period after launch), fitted by nonlinear least squares on the per-period sales:
 *  - Bass diffusion (Bass 1969): cumulative share F(t) = (1 − e^{−(p+q)t}) / (1 + (q/p)e^{−(p+q)t}),
 *    sales s(t) = m·(F(t) − F(t−1)); p innovation, q imitation, m lifetime demand.
 *  - Gompertz: F(t) = exp(−b·e^{−ct}) − exp(−b) (so that F(0) = 0), s(t) = m·(F(t) − F(t−1)).
 *  - Triangle: rises linearly from 0 at t = 0 to its peak a at t = tp, falls linearly to 0 at te
 *    (a shape a merchant draws; fitted by grid over tp, te with a by least squares).
 * The smooth curves are fitted in log-parameters (all positive) by Levenberg–Marquardt from
 * several starts; the better family is kept by AICc (Gaussian errors, 3 parameters each).
 * Derived: time to peak, peak sales, demand left after the last observed period, end of life (the
 * period by which 95 % of the lifetime demand is sold; for the triangle, te).
 */
import { levenbergMarquardt } from '../numerics/levenberg-marquardt.js';
import { neumaierSum } from '../numerics/summation.js';

export type CurveFamily = 'bass' | 'gompertz' | 'triangle';

export interface CurveFit {
  family: CurveFamily;
  /** bass: p, q, m; gompertz: b, c, m; triangle: tp, te, a */
  params: Record<string, number>;
  sse: number;
  aicc: number;
  /** time of the peak (periods since launch, continuous) and the sales per period there */
  peakTime: number;
  peakSales: number;
  /** lifetime demand and what is left of it after the last observed period */
  lifetime: number;
  remaining: number;
  /** periods since launch by which 95 % of the lifetime demand is sold */
  endOfLife: number;
}

export function bassShare(t: number, p: number, q: number): number {
  if (t <= 0) return 0;
  const e = Math.exp(-(p + q) * t);
  return (1 - e) / (1 + (q / p) * e);
}

export function gompertzShare(t: number, b: number, c: number): number {
  if (t <= 0) return 0;
  return (Math.exp(-b * Math.exp(-c * t)) - Math.exp(-b)) / (1 - Math.exp(-b));
}

/**
 * bassShare and gompertzShare as functions of t for one pair of parameters, what does not depend on t computed once:
 * the same operations on the same numbers, so the same results bit for bit, in a fit's inner loops.
 * @example bassShareOf(0.03, 0.4)(3) === bassShare(3, 0.03, 0.4)
 */
export function bassShareOf(p: number, q: number): (t: number) => number {
  const rate = p + q;
  const ratio = q / p;
  return (t) => (t <= 0 ? 0 : bassShareAt(Math.exp(-rate * t), ratio));
}

/** bassShareOf at t > 0 from e = e^{−(p+q)t} and ratio = q / p: its arithmetic, for a fit that has e already. */
function bassShareAt(e: number, ratio: number): number {
  return (1 - e) / (1 + ratio * e);
}

/** @example gompertzShareOf(5, 0.3)(3) === gompertzShare(3, 5, 0.3) (see bassShareOf) */
export function gompertzShareOf(b: number, c: number): (t: number) => number {
  const eb = Math.exp(-b);
  const w = 1 - eb;
  return (t) => (t <= 0 ? 0 : gompertzShareAt(Math.exp(-b * Math.exp(-c * t)), eb, w));
}

/** gompertzShareOf at t > 0 from A = e^{−b·e^{−ct}}, eb = e^{−b} and w = 1 − eb: its arithmetic, for a fit. */
function gompertzShareAt(A: number, eb: number, w: number): number {
  return (A - eb) / w;
}

/** Sales per period of the triangle shape at period t (its value at the period's midpoint). */
export function triangleSales(t: number, tp: number, te: number, a: number): number {
  const x = t - 0.5;
  if (x <= 0 || x >= te) return 0;
  return x <= tp ? (a * x) / tp : (a * (te - x)) / (te - tp);
}

/**
 * bassShare(t, p, q) and its derivatives by log p and log q (into `grad`): with e = e^{−(p+q)t}, N = 1 − e and
 * D = 1 + (q/p)·e, F = N / D, ∂F/∂log p = e·(p·t·D + N·(q/p)·(1 + p·t)) / D² and
 * ∂F/∂log q = q·e·(t·D − N·(1 − q·t)/p) / D². 0 and no change for t ≤ 0.
 * @example const g = new Float64Array(2); bassShareGrad(3, 0.03, 0.4, g) === bassShare(3, 0.03, 0.4)
 */
export function bassShareGrad(t: number, p: number, q: number, grad: Float64Array): number {
  return bassShareGradOf(p, q)(t, grad);
}

/**
 * bassShareGrad as a function of t for one p and q (see bassShareOf).
 * @example bassShareGradOf(0.03, 0.4)(3, g) === bassShareGrad(3, 0.03, 0.4, g)
 */
export function bassShareGradOf(p: number, q: number): (t: number, grad: Float64Array) => number {
  const rate = p + q;
  const ratio = q / p;
  return (t, grad) => (t <= 0 ? beforeLaunch(grad) : bassGradAt(t, Math.exp(-rate * t), p, q, ratio, grad));
}

/** bassShareGradOf at t > 0 from e = e^{−(p+q)t} and ratio = q / p: its arithmetic, for a fit that has e already. */
function bassGradAt(t: number, e: number, p: number, q: number, ratio: number, grad: Float64Array): number {
  const N = 1 - e;
  const D = 1 + ratio * e;
  const D2 = D * D;
  grad[0] = (e * (p * t * D + N * ratio * (1 + p * t))) / D2;
  grad[1] = (q * e * (t * D - (N * (1 - q * t)) / p)) / D2;
  return N / D;
}

/** A share and its gradient before launch (t ≤ 0): all 0. */
function beforeLaunch(grad: Float64Array): number {
  grad[0] = 0;
  grad[1] = 0;
  return 0;
}

/**
 * gompertzShare(t, b, c) and its derivatives by log b and log c (into `grad`): with g = e^{−ct}, A = e^{−b·g},
 * B = e^{−b} and W = 1 − B, F = (A − B) / W, ∂F/∂log b = b·(B·(1 − e^{−b·g}) − g·A·W) / W² and
 * ∂F/∂log c = b·c·t·g·A / W. The differences are formed by expm1, not subtraction: a fit can walk to b ≈ 10⁻¹³, where
 * 1 − e^{−b} keeps three digits; there, below b = 10⁻⁸, ∂F/∂log b is its series b·g·(g − 1)/2 (the two terms agree
 * to O(b²)). 0 and no change for t ≤ 0.
 * @example const g = new Float64Array(2); gompertzShareGrad(3, 5, 0.3, g) // ≈ gompertzShare(3, 5, 0.3)
 */
export function gompertzShareGrad(t: number, b: number, c: number, grad: Float64Array): number {
  return gompertzShareGradOf(b, c)(t, grad);
}

/**
 * gompertzShareGrad as a function of t for one b and c (see bassShareOf).
 * @example gompertzShareGradOf(5, 0.3)(3, g) === gompertzShareGrad(3, 5, 0.3, g)
 */
export function gompertzShareGradOf(b: number, c: number): (t: number, grad: Float64Array) => number {
  const B = Math.exp(-b);
  const W = -Math.expm1(-b);
  const W2 = W * W;
  return (t, grad) => {
    if (t <= 0) return beforeLaunch(grad);
    const g = Math.exp(-c * t);
    return gompertzGradAt(t, g, Math.exp(-b * g), b, c, B, W, W2, grad);
  };
}

/**
 * gompertzShareGradOf at t > 0 from g = e^{−ct} and A = e^{−b·g} (B = e^{−b}, W = 1 − B by expm1, W2 = W²): its
 * arithmetic, for a fit that has g and A already.
 */
function gompertzGradAt(
  t: number,
  g: number,
  A: number,
  b: number,
  c: number,
  B: number,
  W: number,
  W2: number,
  grad: Float64Array,
): number {
  const gap = b * (1 - g);
  // A − B = B·(e^{b(1−g)} − 1), without the cancellation where b(1 − g) is small
  const AB = gap < 1 ? B * Math.expm1(gap) : A - B;
  grad[0] = b < 1e-8 ? (b * g * (g - 1)) / 2 : (b * (-B * Math.expm1(-b * g) - g * A * W)) / W2;
  grad[1] = (b * c * t * g * A) / W;
  return AB / W;
}

function aicc(sse: number, n: number, k: number): number {
  const s = Math.max(sse, 1e-12 * n);
  return n * Math.log(s / n) + 2 * k + (n - k - 1 > 0 ? (2 * k * (k + 1)) / (n - k - 1) : Infinity);
}

/** Solves share(t) = target for t ≥ 0 by bisection (share increasing). */
function timeOfShare(share: (t: number) => number, target: number): number {
  let lo = 0;
  let hi = 1;
  while (share(hi) < target && hi < 1e6) hi *= 2;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (share(mid) < target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * A prior on Bass's p and q from similar products, for short histories: log p ~ N(log p0, sd²),
 * log q ~ N(log q0, sd²). The fit then minimises SSE + σ²·((log p − log p0)² + (log q − log q0)²)/sd²
 * (the posterior mode under Gaussian sales noise of sd σ, estimated from the week-to-week changes).
 */
export interface BassPrior {
  p: number;
  q: number;
  sdLog: number;
}

function noiseSd(y: ArrayLike<number>): number {
  let s = 0;
  for (let t = 1; t < y.length; t++) s += (y[t]! - y[t - 1]!) ** 2;
  return Math.max(1e-6, Math.sqrt(s / Math.max(1, y.length - 1) / 2));
}

function fitShare(
  y: ArrayLike<number>,
  family: 'bass' | 'gompertz',
  starts: [number, number][],
  total: number,
  prior?: BassPrior,
): CurveFit | undefined {
  const n = y.length;
  const priorScale = prior === undefined ? 0 : noiseSd(y) / prior.sdLog;
  const share = family === 'bass' ? bassShare : gompertzShare;
  const model = (x: Float64Array, t: number): number =>
    Math.exp(x[2]!) * (share(t, Math.exp(x[0]!), Math.exp(x[1]!)) - share(t - 1, Math.exp(x[0]!), Math.exp(x[1]!)));
  // Each period's exponentials at the last (u, v) = (e^{x₀}, e^{x₁}) a residual pass computed (bass: e^{−(u+v)t}
  // in k1; gompertz: e^{−vt} in k1 and e^{−u·e^{−vt}} in k2): Levenberg–Marquardt's normal equations are formed where
  // its last accepted trial's residuals were, and read them there instead of computing them again (the same numbers)
  const k1 = new Float64Array(n + 1);
  const k2 = new Float64Array(n + 1);
  let keptU = NaN;
  let keptV = NaN;
  const keep = (u: number, v: number): void => {
    if (u === keptU && v === keptV) return;
    if (family === 'bass') {
      const rate = u + v;
      for (let t = 1; t <= n; t++) k1[t] = Math.exp(-rate * t);
    } else
      for (let t = 1; t <= n; t++) {
        const g = Math.exp(-v * t);
        k1[t] = g;
        k2[t] = Math.exp(-u * g);
      }
    keptU = u;
    keptV = v;
  };
  const residuals = (x: Float64Array, out: Float64Array): number => {
    if (!x.every((v) => Number.isFinite(v) && Math.abs(v) < 30)) return Infinity;
    // model(x, t) with each period's share computed once (it is the next period's share at t − 1), by bassShareOf's
    // and gompertzShareOf's arithmetic on the kept exponentials: the same numbers
    const u = Math.exp(x[0]!);
    const v = Math.exp(x[1]!);
    keep(u, v);
    const ratio = v / u;
    const eb = Math.exp(-u);
    const w = 1 - eb;
    const m = Math.exp(x[2]!);
    let before = 0;
    let s = 0;
    for (let t = 1; t <= n; t++) {
      const now = family === 'bass' ? bassShareAt(k1[t]!, ratio) : gompertzShareAt(k2[t]!, eb, w);
      const r = y[t - 1]! - m * (now - before);
      before = now;
      out[t - 1] = r;
      s += r * r;
    }
    if (prior !== undefined) {
      out[n] = priorScale * (x[0]! - Math.log(prior.p));
      out[n + 1] = priorScale * (x[1]! - Math.log(prior.q));
      s += out[n]! ** 2 + out[n + 1]! ** 2;
    }
    return Number.isFinite(s) ? s : Infinity;
  };
  const rows = prior === undefined ? n : n + 2;
  const now = new Float64Array(2);
  const before = new Float64Array(2);
  const problem = {
    n: rows,
    residuals,
    // analytic: r_t = y_t − m·(F(t) − F(t − 1)), so ∂r_t/∂log m = −m·ΔF and ∂r_t/∂log θ = −m·Δ(∂F/∂log θ)
    // (a forward difference cost three more evaluations of every period's share); JᵀJ and Jᵀr accumulated row by row
    normalEquations: (x: Float64Array, r: Float64Array, JtJ: Float64Array, Jtr: Float64Array): boolean => {
      const u = Math.exp(x[0]!);
      const v = Math.exp(x[1]!);
      keep(u, v);
      // bassShareGradOf's and gompertzShareGradOf's arithmetic on the kept exponentials
      const ratio = v / u;
      const B = Math.exp(-u);
      const W = -Math.expm1(-u);
      const W2 = W * W;
      const m = Math.exp(x[2]!);
      let f0 = beforeLaunch(before);
      for (let t = 1; t <= n; t++) {
        const f1 =
          family === 'bass'
            ? bassGradAt(t, k1[t]!, u, v, ratio, now)
            : gompertzGradAt(t, k1[t]!, k2[t]!, u, v, B, W, W2, now);
        const j0 = -m * (now[0]! - before[0]!);
        const j1 = -m * (now[1]! - before[1]!);
        const j2 = -m * (f1 - f0);
        if (!(Number.isFinite(j0) && Number.isFinite(j1) && Number.isFinite(j2))) return false;
        const rt = r[t - 1]!;
        Jtr[0] = Jtr[0]! + j0 * rt;
        Jtr[1] = Jtr[1]! + j1 * rt;
        Jtr[2] = Jtr[2]! + j2 * rt;
        JtJ[0] = JtJ[0]! + j0 * j0;
        JtJ[1] = JtJ[1]! + j0 * j1;
        JtJ[2] = JtJ[2]! + j0 * j2;
        JtJ[4] = JtJ[4]! + j1 * j1;
        JtJ[5] = JtJ[5]! + j1 * j2;
        JtJ[8] = JtJ[8]! + j2 * j2;
        f0 = f1;
        before.set(now);
      }
      if (prior !== undefined) {
        // the prior's rows: priorScale on log p, then on log q
        Jtr[0] = Jtr[0]! + priorScale * r[n]!;
        JtJ[0] = JtJ[0]! + priorScale * priorScale;
        Jtr[1] = Jtr[1]! + priorScale * r[n + 1]!;
        JtJ[4] = JtJ[4]! + priorScale * priorScale;
      }
      return true;
    },
  };
  let best: Float64Array | undefined;
  let bestSse = Infinity;
  for (const [a, b] of prior === undefined ? starts : [[prior.p, prior.q] as [number, number], ...starts])
    for (const mScale of [1.1, 1.5, 3]) {
      const x = Float64Array.of(Math.log(a), Math.log(b), Math.log(Math.max(1e-9, total * mScale)));
      const sse = levenbergMarquardt(problem, x, { maxIterations: 200 });
      if (sse < bestSse) {
        bestSse = sse;
        best = x;
      }
    }
  if (best === undefined || !Number.isFinite(bestSse)) return undefined;
  if (prior !== undefined) {
    const r = new Float64Array(rows);
    residuals(best, r);
    bestSse = 0;
    for (let t = 0; t < n; t++) bestSse += r[t]! ** 2;
  }
  const [u, v, m] = [Math.exp(best[0]!), Math.exp(best[1]!), Math.exp(best[2]!)];
  const peakTime = family === 'bass' ? (v > u ? Math.log(v / u) / (u + v) : 0) : Math.max(0, Math.log(u) / v);
  const density = (t: number): number => model(best, t + 0.5);
  const done = m * share(n, u, v);
  return {
    family,
    params: family === 'bass' ? { p: u, q: v, m } : { b: u, c: v, m },
    sse: bestSse,
    aicc: aicc(bestSse, n, 3),
    peakTime,
    peakSales: density(peakTime),
    lifetime: m,
    remaining: Math.max(0, m - done),
    endOfLife: timeOfShare((t) => share(t, u, v), 0.95),
  };
}

/** Bass fit; with a prior (from similar products) it needs only 3 periods. */
export function fitBass(y: ArrayLike<number>, prior?: BassPrior): CurveFit | undefined {
  const total = neumaierSum(y);
  if (y.length < (prior === undefined ? 4 : 3) || total <= 0) return undefined;
  return fitShare(
    y,
    'bass',
    [
      [0.01, 0.1],
      [0.01, 0.4],
      [0.03, 0.3],
      [0.05, 0.8],
      [0.2, 0.05],
    ],
    total,
    prior,
  );
}

export function fitGompertz(y: ArrayLike<number>): CurveFit | undefined {
  const total = neumaierSum(y);
  if (y.length < 4 || total <= 0) return undefined;
  return fitShare(
    y,
    'gompertz',
    [
      [3, 0.1],
      [5, 0.3],
      [10, 0.2],
      [2, 0.05],
    ],
    total,
  );
}

export function fitTriangle(y: ArrayLike<number>): CurveFit | undefined {
  const n = y.length;
  const total = neumaierSum(y);
  if (n < 4 || total <= 0) return undefined;
  let best = { sse: Infinity, tp: 0, te: 0, a: 0 };
  const shape = new Float64Array(n);
  // Prefix sums over t = 1..n (x = t − 0.5) give each candidate's SSE in O(1): Σy² − 2a·Σ(shape·y) + a²·Σshape².
  // That screens the grid; a candidate within `tol` of the best so far (rounding of the short form is far below it)
  // is then scored exactly as before, so the fit is the grid's exact least-squares choice, in O(n²), not O(n³).
  const cy = new Float64Array(n + 1);
  const cxy = new Float64Array(n + 1);
  const cx = new Float64Array(n + 1);
  const cx2 = new Float64Array(n + 1);
  let syy = 0;
  for (let t = 1; t <= n; t++) {
    const x = t - 0.5;
    const v = y[t - 1]!;
    cy[t] = cy[t - 1]! + v;
    cxy[t] = cxy[t - 1]! + x * v;
    cx[t] = cx[t - 1]! + x;
    cx2[t] = cx2[t - 1]! + x * x;
    syy += v * v;
  }
  const tol = 1e-9 * syy + 1e-300;
  // peak up to half the window past its end (a product still rising); end up to three windows after the peak
  for (let tp = 0.5; tp <= 1.5 * n; tp += tp < n ? 0.5 : 1)
    for (let te = tp + 0.5; te <= tp + 3 * n; te += te < n + 1 ? 0.5 : 1) {
      // rising on t ≤ r (x ≤ tp), falling on r < t ≤ f (tp < x < te)
      const r = Math.min(n, Math.floor(tp + 0.5));
      const f = Math.min(n, Math.ceil(te + 0.5) - 1);
      const w = te - tp;
      let qy = cxy[r]! / tp;
      let qs = cx2[r]! / (tp * tp);
      if (f > r) {
        qy += (te * (cy[f]! - cy[r]!) - (cxy[f]! - cxy[r]!)) / w;
        qs += (te * te * (f - r) - 2 * te * (cx[f]! - cx[r]!) + (cx2[f]! - cx2[r]!)) / (w * w);
      }
      if (qs > 0 && best.sse < Infinity) {
        const qa = Math.max(0, qy / qs);
        if (syy - 2 * qa * qy + qa * qa * qs > best.sse + tol) continue;
      }
      let sy = 0;
      let ss = 0;
      for (let t = 1; t <= n; t++) {
        shape[t - 1] = triangleSales(t, tp, te, 1);
        sy += shape[t - 1]! * y[t - 1]!;
        ss += shape[t - 1]! ** 2;
      }
      if (ss === 0) continue;
      const a = Math.max(0, sy / ss);
      let sse = 0;
      for (let t = 1; t <= n; t++) sse += (y[t - 1]! - a * shape[t - 1]!) ** 2;
      if (sse < best.sse) best = { sse, tp, te, a };
    }
  const { tp, te, a } = best;
  const lifetime = (a * te) / 2;
  let sold = 0;
  for (let t = 1; t <= n; t++) sold += triangleSales(t, tp, te, a);
  // 95 % sold when the remaining tail area (te − x)² a / (2 (te − tp)) is 5 % of the lifetime
  const tail = te - Math.sqrt(0.05 * te * (te - tp));
  return {
    family: 'triangle',
    params: { tp, te, a },
    sse: best.sse,
    aicc: aicc(best.sse, n, 3),
    peakTime: tp,
    peakSales: a,
    lifetime,
    remaining: Math.max(0, lifetime - sold),
    endOfLife: tail >= tp ? tail : te,
  };
}

/** Fits every family and keeps the one with the lowest AICc. */
export function fitLifeCycle(
  y: ArrayLike<number>,
  prior?: BassPrior,
): { best: CurveFit; fits: CurveFit[] } | undefined {
  // with a prior (a short history), only the Bass curve borrows strength from similar products
  if (prior !== undefined) {
    const b = fitBass(y, prior);
    return b === undefined ? undefined : { best: b, fits: [b] };
  }
  const fits = [fitBass(y), fitGompertz(y), fitTriangle(y)].filter((f): f is CurveFit => f !== undefined);
  if (fits.length === 0) return undefined;
  return { best: fits.reduce((a, b) => (b.aicc < a.aicc ? b : a)), fits };
}
