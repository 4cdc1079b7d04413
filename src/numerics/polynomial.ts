/**
 * Whether every root of c0 + c1·z + … + cn·zⁿ (real coefficients, lowest degree first) lies
 * strictly inside the circle |z| < radius: the Schur–Cohn–Jury test (Jury 1964), done on the
 * polynomial rescaled to the unit circle. At each step the constant term must be smaller in
 * magnitude than the leading one, and the polynomial is reduced by one degree:
 * b_j = a_k·a_{j+1} − a_0·a_{k−1−j}. O(n²), no iterations, exact up to rounding.
 */
export function rootsInsideCircle(coef: ArrayLike<number>, radius = 1): boolean {
  let n = coef.length - 1;
  while (n > 0 && coef[n] === 0) n--;
  if (n < 1) return true;
  let a = new Float64Array(n + 1);
  let scale = 1;
  for (let k = 0; k <= n; k++) {
    a[k] = coef[k]! * scale;
    scale *= radius;
  }
  for (let k = n; k >= 1; k--) {
    const a0 = a[0]!;
    const ak = a[k]!;
    if (!(Math.abs(a0) < Math.abs(ak))) return false;
    const b = new Float64Array(k);
    for (let j = 0; j < k; j++) b[j] = ak * a[j + 1]! - a0 * a[k - 1 - j]!;
    // keep the numbers in range: the test only depends on ratios
    let big = 0;
    for (let j = 0; j < k; j++) big = Math.max(big, Math.abs(b[j]!));
    if (big === 0) return false;
    for (let j = 0; j < k; j++) b[j] = b[j]! / big;
    a = b;
  }
  return true;
}
