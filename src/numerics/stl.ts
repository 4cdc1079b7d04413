/**
 * STL: seasonal-trend decomposition by loess (Cleveland, Cleveland, McRae & Terpenning 1990,
 * Journal of Official Statistics 6), the non-robust version with the defaults of R's stl:
 * seasonal loess of degree 0, trend and low-pass loess of degree 1, two inner passes, and the
 * paper's "jumps" (loess evaluated every ⌈window/10⌉ points, linear in between).
 */

/**
 * Loess estimate at xs (1-based positions) from y[nleft..nright] with tricube weights; undefined when all weights
 * vanish.
 */
function loessAt(
  y: Float64Array,
  n: number,
  len: number,
  degree: number,
  xs: number,
  nleft: number,
  nright: number,
  w: Float64Array,
): number | undefined {
  const range = n - 1;
  let h = Math.max(xs - nleft, nright - xs);
  if (len > n) h += Math.floor((len - n) / 2);
  const h9 = 0.999 * h;
  const h1 = 0.001 * h;
  let a = 0;
  for (let j = nleft; j <= nright; j++) {
    w[j] = 0;
    const r = Math.abs(j - xs);
    if (r <= h9) {
      // tricube by multiplication: Math.pow made this loop most of STL's time
      const q = r / h;
      const u = 1 - q * q * q;
      w[j] = r <= h1 ? 1 : u * u * u;
      a += w[j]!;
    }
  }
  if (a <= 0) return undefined;
  for (let j = nleft; j <= nright; j++) w[j] = w[j]! / a;
  if (h > 0 && degree > 0) {
    let mean = 0;
    for (let j = nleft; j <= nright; j++) mean += w[j]! * j;
    let b = xs - mean;
    let c = 0;
    for (let j = nleft; j <= nright; j++) c += w[j]! * (j - mean) * (j - mean);
    if (Math.sqrt(c) > 0.001 * range) {
      b /= c;
      for (let j = nleft; j <= nright; j++) w[j] = w[j]! * (b * (j - mean) + 1);
    }
  }
  let ys = 0;
  for (let j = nleft; j <= nright; j++) ys += w[j]! * y[j]!;
  return ys;
}

/**
 * Loess smoothing of y[1..n] (1-based arrays: index 0 unused) with window `len`, evaluated every
 * `jump` points and linearly interpolated in between, into ys[1..n].
 */
function loessSmooth(
  y: Float64Array,
  n: number,
  len: number,
  degree: number,
  jump: number,
  ys: Float64Array,
  w: Float64Array,
): void {
  if (n < 2) {
    ys[1] = y[1]!;
    return;
  }
  const nj = Math.min(jump, n - 1);
  let nleft = 1;
  let nright = n;
  if (len >= n) {
    for (let i = 1; i <= n; i += nj) ys[i] = loessAt(y, n, len, degree, i, 1, n, w) ?? y[i]!;
  } else if (nj === 1) {
    const nsh = Math.floor((len + 1) / 2);
    nleft = 1;
    nright = len;
    for (let i = 1; i <= n; i++) {
      if (i > nsh && nright !== n) {
        nleft++;
        nright++;
      }
      ys[i] = loessAt(y, n, len, degree, i, nleft, nright, w) ?? y[i]!;
    }
  } else {
    const nsh = Math.floor((len + 1) / 2);
    for (let i = 1; i <= n; i += nj) {
      if (i < nsh) {
        nleft = 1;
        nright = len;
      } else if (i >= n - nsh + 1) {
        nleft = n - len + 1;
        nright = n;
      } else {
        nleft = i - nsh + 1;
        nright = len + i - nsh;
      }
      ys[i] = loessAt(y, n, len, degree, i, nleft, nright, w) ?? y[i]!;
    }
  }
  if (nj !== 1) {
    for (let i = 1; i <= n - nj; i += nj) {
      const delta = (ys[i + nj]! - ys[i]!) / nj;
      for (let j = i + 1; j <= i + nj - 1; j++) ys[j] = ys[i]! + delta * (j - i);
    }
    const k = Math.floor((n - 1) / nj) * nj + 1;
    if (k !== n) {
      ys[n] = loessAt(y, n, len, degree, n, nleft, nright, w) ?? y[n]!;
      if (k !== n - 1) {
        const delta = (ys[n]! - ys[k]!) / (n - k);
        for (let j = k + 1; j <= n - 1; j++) ys[j] = ys[k]! + delta * (j - k);
      }
    }
  }
}

/** Moving average of length len over x[1..n] into out[1..n−len+1]. */
function movingAverage(x: Float64Array, n: number, len: number, out: Float64Array): void {
  let v = 0;
  for (let i = 1; i <= len; i++) v += x[i]!;
  out[1] = v / len;
  for (let j = 2; j <= n - len + 1; j++) {
    v = v - x[j - 1]! + x[j + len - 1]!;
    out[j] = v / len;
  }
}

const nextOdd = (x: number): number => {
  const r = Math.round(x);
  return r % 2 === 0 ? r + 1 : r;
};

export interface StlOptions {
  /** seasonal smoothing window (odd, ≥ 7) */
  sWindow: number;
  tWindow?: number;
  lWindow?: number;
  inner?: number;
}

/** STL of y with the given period: seasonal and trend components (remainder = y − seasonal − trend). */
export function stl(
  y: ArrayLike<number>,
  period: number,
  options: StlOptions,
): { seasonal: Float64Array; trend: Float64Array } {
  const n = y.length;
  const np = period;
  if (np < 2 || n <= 2 * np) throw new RangeError(`stl: need more than two periods of data (n = ${n}, period = ${np})`);
  const ns = nextOdd(Math.max(3, options.sWindow));
  const nt = nextOdd(options.tWindow ?? Math.ceil((1.5 * np) / (1 - 1.5 / ns)));
  const nl = nextOdd(options.lWindow ?? np);
  const sJump = Math.ceil(ns / 10);
  const tJump = Math.ceil(nt / 10);
  const lJump = Math.ceil(nl / 10);
  const inner = options.inner ?? 2;
  const Y = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) Y[i + 1] = y[i]!;
  const trend = new Float64Array(n + 1);
  const season = new Float64Array(n + 1);
  const big = n + 2 * np + 1;
  const C = new Float64Array(big);
  const work1 = new Float64Array(big);
  const work2 = new Float64Array(big);
  const work3 = new Float64Array(big);
  const w = new Float64Array(big);
  const sub = new Float64Array(Math.floor(n / np) + 3);
  const subSmooth = new Float64Array(Math.floor(n / np) + 4);
  for (let pass = 0; pass < inner; pass++) {
    for (let i = 1; i <= n; i++) work1[i] = Y[i]! - trend[i]!;
    // cycle-subseries smoothing, each subseries extended by one value at both ends
    for (let j = 1; j <= np; j++) {
      const k = Math.floor((n - j) / np) + 1;
      for (let i = 1; i <= k; i++) sub[i] = work1[(i - 1) * np + j]!;
      const out = subSmooth.subarray(1); // out[1..k] = subSmooth[2..k+1]
      loessSmooth(sub, k, ns, 0, sJump, out, w);
      subSmooth[1] = loessAt(sub, k, ns, 0, 0, 1, Math.min(ns, k), w) ?? subSmooth[2]!;
      subSmooth[k + 2] = loessAt(sub, k, ns, 0, k + 1, Math.max(1, k - ns + 1), k, w) ?? subSmooth[k + 1]!;
      for (let m = 1; m <= k + 2; m++) C[(m - 1) * np + j] = subSmooth[m]!;
    }
    // low-pass filter of the cycle-subseries: MA(np), MA(np), MA(3), loess
    movingAverage(C, n + 2 * np, np, work2);
    movingAverage(work2, n + np + 1, np, work3);
    movingAverage(work3, n + 2, 3, work2);
    loessSmooth(work2, n, nl, 1, lJump, work3, w);
    for (let i = 1; i <= n; i++) season[i] = C[np + i]! - work3[i]!;
    for (let i = 1; i <= n; i++) work1[i] = Y[i]! - season[i]!;
    loessSmooth(work1, n, nt, 1, tJump, trend, w);
  }
  return { seasonal: season.slice(1), trend: trend.slice(1) };
}
