/**
 * Empirical quantiles with stated definitions (Hyndman & Fan 1996): type 7 for samples, the
 * weighted Hazen (type 5) form for weighted values.
 */
/**
 * Empirical quantile, type 7 of Hyndman & Fan (1996) (R's default): linear interpolation between
 * order statistics at (n − 1)p. `sorted` must be ascending.
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * `quantileSorted` of `values` without sorting them: the two order statistics it interpolates between are found by
 * selection (Hoare's FIND, median-of-three pivots), O(n) expected instead of O(n log n). Reorders `values` in place;
 * the same number as `quantileSorted(values.sort(), p)` for values without NaN.
 * Example: quantileSelect(Float64Array.of(4, 1, 3, 2), 0.5) = 2.5.
 */
export function quantileSelect(values: Float64Array, p: number): number {
  const n = values.length;
  if (n === 0) return NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const vlo = selectInPlace(values, lo);
  // after the selection every value past `lo` is ≥ the lo-th: the next order statistic is their least
  let vhi = vlo;
  if (lo + 1 < n) {
    vhi = values[lo + 1]!;
    for (let i = lo + 2; i < n; i++) if (values[i]! < vhi) vhi = values[i]!;
  }
  return vlo + (h - lo) * (vhi - vlo);
}

/** The k-th smallest of `a` (0-based), `a` reordered so that a[i] ≤ a[k] for i < k and a[i] ≥ a[k] for i > k. */
function selectInPlace(a: Float64Array, k: number): number {
  let left = 0;
  let right = a.length - 1;
  while (left < right) {
    const mid = (left + right) >>> 1;
    const [x0, x1, x2] = [a[left]!, a[mid]!, a[right]!];
    const pivot = x0 < x1 ? (x1 < x2 ? x1 : x0 < x2 ? x2 : x0) : x0 < x2 ? x0 : x1 < x2 ? x2 : x1;
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
  return a[k]!;
}

/**
 * Weighted empirical quantile, the weighted form of type 5 of Hyndman & Fan (Hazen): the k-th of
 * the sorted values sits at (C_k − w_k/2) / W, C_k the weight up to and including it and W the
 * total; the quantile interpolates linearly between the two values around p (the first or last
 * value beyond them). It moves continuously with the weights; with equal weights the positions are
 * (k − ½)/n. Example: values [1, 2, 3] with weights [1, 1, 2] sit at ⅛, ⅜, ¾, so the median is
 * 2 + (½ − ⅜)/(¾ − ⅜) = 2⅓. `sorted` ascending, `weights` ≥ 0 aligned with it. O(n).
 */
export function weightedQuantileSorted(sorted: ArrayLike<number>, weights: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  let total = 0;
  for (let k = 0; k < n; k++) total += weights[k]!;
  if (!(total > 0)) return quantileSorted(sorted, p);
  const target = p * total;
  let cum = 0;
  let prevPos = -Infinity;
  let prevVal = sorted[0]!;
  for (let k = 0; k < n; k++) {
    const pos = cum + weights[k]! / 2;
    if (target <= pos)
      return pos > prevPos && prevPos > -Infinity
        ? prevVal + ((target - prevPos) / (pos - prevPos)) * (sorted[k]! - prevVal)
        : sorted[k]!;
    cum += weights[k]!;
    prevPos = pos;
    prevVal = sorted[k]!;
  }
  return sorted[n - 1]!;
}

/**
 * weightedQuantileSorted of values in any order: a stable sort of the values with their weights
 * (equal values keep their given order). O(n log n), without a comparator callback: the values are
 * sorted natively, and each value's place is its first position among them (binary search) plus
 * the number of equal values placed before it.
 */
export function weightedQuantile(values: ArrayLike<number>, weights: ArrayLike<number>, p: number): number {
  const n = values.length;
  const sorted = Float64Array.from(values).sort();
  const placed = new Int32Array(n);
  const v = new Float64Array(n);
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = values[i]!;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    const at = lo + placed[lo]!++;
    v[at] = x;
    w[at] = weights[i]!;
  }
  return weightedQuantileSorted(v, w, p);
}
