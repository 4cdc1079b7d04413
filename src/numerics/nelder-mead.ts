/** Options of the Nelder–Mead minimiser; the defaults are those of R's optim(method = "Nelder-Mead"). */
export interface NelderMeadOptions {
  /** Stop when the spread of function values in the simplex is ≤ reltol·(|f0| + reltol). */
  reltol?: number;
  /** Stop when the best value is ≤ abstol. */
  abstol?: number;
  /** Maximum number of function evaluations. */
  maxit?: number;
  /** Reflection, contraction and expansion coefficients. */
  alpha?: number;
  beta?: number;
  gamma?: number;
}

export interface NelderMeadResult {
  x: Float64Array;
  value: number;
  evaluations: number;
  /** 0 converged, 1 evaluation limit reached, 10 the simplex stopped shrinking */
  fail: 0 | 1 | 10;
}

/** Values at which a function cannot be evaluated count as this (as in R's optim). */
const BIG = 1.0e35;

/**
 * Minimises `f` by the Nelder–Mead simplex method in the variant of J. C. Nash, *Compact Numerical
 * Methods for Computers* (2nd ed., 1990), Algorithm 19 — the variant R's optim uses, so that models
 * fitted here land where R's land. The initial simplex steps each coordinate by 10 % of the largest
 * |x0| (0.1 when x0 = 0); non-finite values count as 1e35. O(maxit · cost(f)).
 */
export function nelderMead(
  f: (x: Float64Array) => number,
  x0: ArrayLike<number>,
  options: NelderMeadOptions = {},
): NelderMeadResult {
  const reltol = options.reltol ?? 1.490116119384765625e-8; // sqrt(machine epsilon)
  const abstol = options.abstol ?? -Infinity;
  const maxit = options.maxit ?? 500;
  const alpha = options.alpha ?? 1;
  const beta = options.beta ?? 0.5;
  const gamma = options.gamma ?? 2;
  const n = x0.length;
  const evaluate = (x: Float64Array): number => {
    const v = f(x);
    return Number.isFinite(v) ? v : BIG;
  };
  // Simplex: n + 1 vertices, plus one slot for the centroid; values alongside.
  const P: Float64Array[] = Array.from({ length: n + 2 }, () => new Float64Array(n));
  const V = new Float64Array(n + 2);
  const b = Float64Array.from(x0);
  let fv = f(b);
  if (!Number.isFinite(fv)) throw new RangeError('nelderMead: function cannot be evaluated at the initial point');
  let evaluations = 1;
  const convtol = reltol * (Math.abs(fv) + reltol);
  P[0]!.set(b);
  V[0] = fv;
  let L = 0;
  let step = 0;
  for (let i = 0; i < n; i++) step = Math.max(step, 0.1 * Math.abs(b[i]!));
  if (step === 0) step = 0.1;
  let size = 0;
  for (let j = 1; j <= n; j++) {
    P[j]!.set(b);
    let trystep = step;
    while (P[j]![j - 1] === b[j - 1]) {
      P[j]![j - 1] = b[j - 1]! + trystep;
      trystep *= 10;
    }
    size += trystep;
  }
  let oldsize = size;
  let calcvert = true;
  const C = n + 1;
  let fail: 0 | 1 | 10 = 0;
  for (;;) {
    if (calcvert) {
      for (let j = 0; j <= n; j++) {
        if (j !== L) {
          V[j] = evaluate(P[j]!);
          evaluations++;
        }
      }
      calcvert = false;
    }
    let VL = V[L]!;
    let VH = VL;
    let H = L;
    for (let j = 0; j <= n; j++) {
      if (j === L) continue;
      const v = V[j]!;
      if (v < VL) {
        L = j;
        VL = v;
      }
      if (v > VH) {
        H = j;
        VH = v;
      }
    }
    if (VH <= VL + convtol || VL <= abstol) break;
    // centroid of all vertices but the highest
    const c = P[C]!;
    for (let i = 0; i < n; i++) {
      let t = -P[H]![i]!;
      for (let j = 0; j <= n; j++) t += P[j]![i]!;
      c[i] = t / n;
    }
    for (let i = 0; i < n; i++) b[i] = (1 + alpha) * c[i]! - alpha * P[H]![i]!;
    fv = evaluate(b);
    evaluations++;
    const VR = fv;
    if (VR < VL) {
      // expansion: the reflected point becomes the "centroid" slot, b moves further out
      V[C] = fv;
      for (let i = 0; i < n; i++) {
        const e = gamma * b[i]! + (1 - gamma) * c[i]!;
        c[i] = b[i]!;
        b[i] = e;
      }
      fv = evaluate(b);
      evaluations++;
      if (fv < VR) {
        P[H]!.set(b);
        V[H] = fv;
      } else {
        P[H]!.set(c);
        V[H] = VR;
      }
    } else {
      if (VR < VH) {
        P[H]!.set(b);
        V[H] = VR;
      }
      for (let i = 0; i < n; i++) b[i] = (1 - beta) * P[H]![i]! + beta * c[i]!;
      fv = evaluate(b);
      evaluations++;
      if (fv < V[H]!) {
        P[H]!.set(b);
        V[H] = fv;
      } else if (VR >= VH) {
        // shrink towards the lowest vertex
        calcvert = true;
        size = 0;
        for (let j = 0; j <= n; j++) {
          if (j === L) continue;
          for (let i = 0; i < n; i++) {
            P[j]![i] = beta * (P[j]![i]! - P[L]![i]!) + P[L]![i]!;
            size += Math.abs(P[j]![i]! - P[L]![i]!);
          }
        }
        if (size < oldsize) oldsize = size;
        else {
          fail = 10;
          break;
        }
      }
    }
    if (evaluations > maxit) break;
  }
  if (evaluations > maxit) fail = 1;
  return { x: Float64Array.from(P[L]!), value: V[L]!, evaluations, fail };
}
