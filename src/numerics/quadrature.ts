/**
 * Adaptive Simpson quadrature (Kuncir 1962; Lyness 1969's error estimate with Richardson extrapolation): each
 * interval is halved until the two halves' Simpson sums agree with the whole's within 15·tol, the tolerance halved
 * with each split, so that a sharply peaked integrand gets its points where it varies.
 */

/**
 * ∫ f over [a, b] to an absolute tolerance `tol` (default 1e-12), splitting at most `depth` times (default 50).
 * O(evaluations: about 4 per interval kept).
 * @example adaptiveSimpson(Math.sin, 0, Math.PI) // 2
 */
export function adaptiveSimpson(f: (x: number) => number, a: number, b: number, tol = 1e-12, depth = 50): number {
  const fa = f(a);
  const fb = f(b);
  const m = (a + b) / 2;
  const fm = f(m);
  const whole = ((b - a) / 6) * (fa + 4 * fm + fb);
  return step(f, a, b, fa, fm, fb, whole, tol, depth);
}

function step(
  f: (x: number) => number,
  a: number,
  b: number,
  fa: number,
  fm: number,
  fb: number,
  whole: number,
  tol: number,
  depth: number,
): number {
  const m = (a + b) / 2;
  const [lm, rm] = [(a + m) / 2, (m + b) / 2];
  const [flm, frm] = [f(lm), f(rm)];
  const left = ((m - a) / 6) * (fa + 4 * flm + fm);
  const right = ((b - m) / 6) * (fm + 4 * frm + fb);
  const delta = left + right - whole;
  if (depth <= 0 || Math.abs(delta) <= 15 * tol) return left + right + delta / 15;
  return step(f, a, m, fa, flm, fm, left, tol / 2, depth - 1) + step(f, m, b, fm, frm, fb, right, tol / 2, depth - 1);
}
