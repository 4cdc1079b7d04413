/**
 * Largest modulus of the roots of the polynomial c0 + c1·z + … + cn·zⁿ (coefficients lowest
 * degree first, cn ≠ 0), by the Durand–Kerner (Weierstrass) simultaneous iteration
 * (Kerner 1966). O(iterations · n²); fine for the small degrees of ETS admissibility checks.
 */
export function maxPolynomialRootModulus(coef: ArrayLike<number>): number {
  let n = coef.length - 1;
  while (n > 0 && coef[n] === 0) n--;
  if (n < 1) return 0;
  const lead = coef[n]!;
  const a = new Float64Array(n + 1);
  for (let i = 0; i <= n; i++) a[i] = coef[i]! / lead;
  // starting points on a circle of radius bounded by Cauchy's bound, at an irrational angle
  let bound = 0;
  for (let i = 0; i < n; i++) bound = Math.max(bound, Math.abs(a[i]!));
  const r0 = 1 + bound;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const ang = (2 * Math.PI * k) / n + 0.4;
    re[k] = r0 * Math.cos(ang);
    im[k] = r0 * Math.sin(ang);
  }
  for (let iter = 0; iter < 500; iter++) {
    let change = 0;
    for (let k = 0; k < n; k++) {
      // p(z_k) by Horner
      let pr = 1;
      let pi = 0;
      for (let i = n - 1; i >= 0; i--) {
        const tr = pr * re[k]! - pi * im[k]! + a[i]!;
        pi = pr * im[k]! + pi * re[k]!;
        pr = tr;
      }
      // Π (z_k − z_j)
      let dr = 1;
      let di = 0;
      for (let j = 0; j < n; j++) {
        if (j === k) continue;
        const xr = re[k]! - re[j]!;
        const xi = im[k]! - im[j]!;
        const tr = dr * xr - di * xi;
        di = dr * xi + di * xr;
        dr = tr;
      }
      const den = dr * dr + di * di;
      if (den === 0) continue;
      const qr = (pr * dr + pi * di) / den;
      const qi = (pi * dr - pr * di) / den;
      re[k] = re[k]! - qr;
      im[k] = im[k]! - qi;
      change = Math.max(change, Math.hypot(qr, qi));
    }
    if (change < 1e-14 * r0) break;
  }
  let max = 0;
  for (let k = 0; k < n; k++) max = Math.max(max, Math.hypot(re[k]!, im[k]!));
  return max;
}
