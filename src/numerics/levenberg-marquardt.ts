/** Solves A x = b (dense, k × k, row-major) by Gaussian elimination with partial pivoting; undefined when singular. */
export function solveLinear(A: Float64Array, b: Float64Array, k: number): Float64Array | undefined {
  return solveInPlace(Float64Array.from(A), Float64Array.from(b), k);
}

/** solveLinear on its own copies: M is overwritten and x, which holds b, becomes the solution (or undefined). */
function solveInPlace(M: Float64Array, x: Float64Array, k: number): Float64Array | undefined {
  for (let c = 0; c < k; c++) {
    let piv = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(M[r * k + c]!) > Math.abs(M[piv * k + c]!)) piv = r;
    if (Math.abs(M[piv * k + c]!) < 1e-300) return undefined;
    if (piv !== c) {
      for (let j = 0; j < k; j++) {
        const t = M[c * k + j]!;
        M[c * k + j] = M[piv * k + j]!;
        M[piv * k + j] = t;
      }
      const t = x[c]!;
      x[c] = x[piv]!;
      x[piv] = t;
    }
    for (let r = c + 1; r < k; r++) {
      const f = M[r * k + c]! / M[c * k + c]!;
      if (f === 0) continue;
      for (let j = c; j < k; j++) M[r * k + j] = M[r * k + j]! - f * M[c * k + j]!;
      x[r] = x[r]! - f * x[c]!;
    }
  }
  for (let c = k - 1; c >= 0; c--) {
    let s = x[c]!;
    for (let j = c + 1; j < k; j++) s -= M[c * k + j]! * x[j]!;
    x[c] = s / M[c * k + c]!;
  }
  return x;
}

export interface LeastSquaresProblem {
  /** number of residuals */
  n: number;
  /** residuals at x into `out`; returns their sum of squares, or Infinity where x is not allowed */
  residuals: (x: Float64Array, out: Float64Array) => number;
  /**
   * Jacobian at x (row t, column per parameter) given the residuals r there; false when it cannot be computed. Needed
   * unless `normalEquations` is given.
   */
  jacobian?: ((x: Float64Array, r: Float64Array, J: Float64Array) => boolean) | undefined;
  /**
   * Optional: JᵀJ (upper triangle, k×k row-major) and Jᵀr at x straight away, for problems that can
   * accumulate them row by row without storing J; used instead of `jacobian` when given.
   */
  normalEquations?: ((x: Float64Array, r: Float64Array, JtJ: Float64Array, Jtr: Float64Array) => boolean) | undefined;
}

export interface LevenbergMarquardtOptions {
  maxIterations?: number;
  /** stop when an accepted step lowers the sum of squares by less than this share */
  relTol?: number;
  /** stop when the step is smaller than this, relative to 1 + max |x| */
  stepTol?: number;
  /** damping increases tried per iteration before giving up */
  maxTries?: number;
  /**
   * stop when the last `window` accepted steps together lowered the sum of squares by less than
   * this share (a slow crawl along a curved, nearly flat valley); default: never
   */
  slowTol?: number;
  window?: number;
}

/**
 * Levenberg–Marquardt (Levenberg 1944; Marquardt 1963) for min Σ r_t(x)²: Gauss–Newton steps
 * (JᵀJ + λ·diag(JᵀJ)) δ = −Jᵀr, λ divided by 10 after a successful step and multiplied by 10
 * after a failed one. Improves x in place; returns the final sum of squares (Infinity when x0 is
 * not allowed). O(iterations · n · k²).
 */
export function levenbergMarquardt(
  problem: LeastSquaresProblem,
  x: Float64Array,
  options: LevenbergMarquardtOptions = {},
): number {
  const { n } = problem;
  const k = x.length;
  const maxIterations = options.maxIterations ?? 100;
  const relTol = options.relTol ?? 1e-9;
  const stepTol = options.stepTol ?? 1e-7;
  const maxTries = options.maxTries ?? 20;
  const slowTol = options.slowTol ?? 0;
  const window = options.window ?? 4;
  const history: number[] = [];
  const r = new Float64Array(n);
  const r2 = new Float64Array(n);
  let S = problem.residuals(x, r);
  if (!Number.isFinite(S) || k === 0) return S;
  const J = problem.normalEquations === undefined ? new Float64Array(n * k) : new Float64Array(0);
  const JtJ = new Float64Array(k * k);
  const Jtr = new Float64Array(k);
  const trial = new Float64Array(k);
  // the damped system and its right-hand side, solved in place: refilled at every try
  const A = new Float64Array(k * k);
  const step = new Float64Array(k);
  let lambda = 1e-3;
  let nu = 2;
  for (let iter = 0; iter < maxIterations; iter++) {
    JtJ.fill(0);
    Jtr.fill(0);
    if (problem.normalEquations !== undefined) {
      if (!problem.normalEquations(x, r, JtJ, Jtr)) return S;
    } else {
      if (problem.jacobian === undefined || !problem.jacobian(x, r, J)) return S;
      for (let t = 0; t < n; t++) {
        const rt = r[t]!;
        if (rt === 0) {
          let zero = true;
          for (let a = 0; a < k && zero; a++) zero = J[t * k + a] === 0;
          if (zero) continue;
        }
        for (let a = 0; a < k; a++) {
          const ja = J[t * k + a]!;
          Jtr[a] = Jtr[a]! + ja * rt;
          for (let b = a; b < k; b++) JtJ[a * k + b] = JtJ[a * k + b]! + ja * J[t * k + b]!;
        }
      }
    }
    for (let a = 0; a < k; a++) for (let b = 0; b < a; b++) JtJ[a * k + b] = JtJ[b * k + a]!;
    let improved = false;
    for (let tries = 0; tries < maxTries; tries++) {
      A.set(JtJ);
      for (let a = 0; a < k; a++) A[a * k + a] = A[a * k + a]! + lambda * (JtJ[a * k + a]! + 1e-12);
      for (let a = 0; a < k; a++) step[a] = -Jtr[a]!;
      if (solveInPlace(A, step, k) === undefined) {
        lambda *= nu;
        nu *= 2;
        continue;
      }
      for (let a = 0; a < k; a++) trial[a] = x[a]! + step[a]!;
      const S2 = problem.residuals(trial, r2);
      if (Number.isFinite(S2) && S2 < S) {
        const rel = (S - S2) / Math.max(S, 1e-300);
        // gain ratio: actual over predicted reduction of the linear model S + 2δᵀJᵀr + δᵀJᵀJδ
        let predicted = 0;
        for (let a = 0; a < k; a++) {
          let q = 0;
          for (let b = 0; b < k; b++) q += JtJ[a * k + b]! * step[b]!;
          predicted -= step[a]! * (2 * Jtr[a]! + q);
        }
        const rho = predicted > 0 ? (S - S2) / predicted : 1;
        let stepMax = 0;
        let xMax = 0;
        for (let a = 0; a < k; a++) {
          stepMax = Math.max(stepMax, Math.abs(step[a]!));
          xMax = Math.max(xMax, Math.abs(x[a]!));
        }
        x.set(trial);
        r.set(r2);
        S = S2;
        // Nielsen's (1999) update: shrink the damping the more the linear model was right
        lambda = Math.max(lambda * Math.max(1 / 3, 1 - (2 * rho - 1) ** 3), 1e-12);
        nu = 2;
        improved = true;
        if (rel < relTol || stepMax < stepTol * (1 + xMax)) return S;
        if (slowTol > 0) {
          history.push(S);
          if (history.length > window && (history[history.length - 1 - window]! - S) / Math.max(S, 1e-300) < slowTol)
            return S;
        }
        break;
      }
      lambda *= nu;
      nu *= 2;
    }
    if (!improved) return S;
  }
  return S;
}
