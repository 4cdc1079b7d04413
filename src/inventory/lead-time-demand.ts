/**
 * The distribution of demand over the lead time L and over the protection period L + R (lead time
 * plus review period), as equally likely scenarios. The level comes from the forecast (its daily
 * means over the coming days); the shape — how lumpy and how autocorrelated the SKU's demand is
 * over windows of that length — from the SKU's own history: each scenario takes a random window
 * of L + R consecutive past days, divides its demand by the history's mean daily demand, and
 * multiplies the forecast's sum over the same days by that ratio (a scaled block bootstrap;
 * Efron & Tibshirani 1993 ch. 8 for the block bootstrap of dependent data). A lead time with a
 * spread is drawn per scenario (log-normal with the given mean and sd, in whole days), so lead-time
 * uncertainty enters by simulation, not by a z·σ formula.
 *
 * Demand is counted in whole units, so every scenario is a whole number: a scaled window's value x
 * becomes ⌊x⌋ or ⌊x⌋ + 1 with probability x − ⌊x⌋ (unbiased stochastic rounding: the mean stays x and
 * the variance added, at most ¼, is the least any integer-valued draw with that mean can add). A
 * reorder point is then a whole number of units and a stock-out means a whole unit short: a slow
 * seller with 0.2 scenario units is 0 in 80 % of the scenarios, not a fraction short in all of them.
 */
import { poissonDraw as poisson } from '../numerics/random.js';

/** A supplier's lead time: its mean and spread (a log-normal in whole days when the spread is above 0). */
export interface LeadTime {
  /** days */
  mean: number;
  /** days; 0 for a fixed lead time */
  sd: number;
}

/** Equally likely scenarios of one SKU's demand (units) over the lead time and the protection period. */
export interface ProtectionDemand {
  /** demand over the lead time, one value per scenario */
  lead: Float64Array;
  /** demand over lead time + review period, same scenarios */
  protection: Float64Array;
  /** forecast demand (units) over one review period after the lead time (the demand one order cycle serves) */
  cycleMean: number;
}

/**
 * Draws a lead time in whole days ≥ 0: the rounded mean when sd is 0, else log-normal with that
 * mean and sd, exp(ln m − s²/2 + s·Z) with s² = ln(1 + (sd/m)²). `normal` gives standard normal draws.
 * @example [drawLeadTime({ mean: 7.4, sd: 0 }, normal), drawLeadTime({ mean: 7, sd: 2 }, () => 1)] // [7, 9]
 */
export function drawLeadTime(lt: LeadTime, normal: () => number): number {
  return leadTimeSampler(lt, normal)();
}

/** `drawLeadTime`'s draws, its log-normal's constants computed once (the same arithmetic, so the same numbers). */
function leadTimeSampler(lt: LeadTime, normal: () => number): () => number {
  if (lt.sd <= 0) {
    const L = Math.round(lt.mean);
    return () => L;
  }
  const s2 = Math.log(1 + (lt.sd / lt.mean) ** 2);
  const mu = Math.log(lt.mean) - s2 / 2;
  const s = Math.sqrt(s2);
  return () => Math.max(0, Math.round(Math.exp(mu + s * normal())));
}

/** Sum of the forecast's daily means over days [from, to); beyond its horizon the last day repeats. */
function forecastSum(mean: Float64Array, from: number, to: number): number {
  let s = 0;
  for (let d = from; d < to; d++) s += mean[Math.min(d, mean.length - 1)]!;
  return s;
}

/**
 * x rounded to a whole number without bias: ⌊x⌋ + 1 with probability x − ⌊x⌋, else ⌊x⌋ (x ≥ 0).
 * @example roundCount(2.25, () => 0.1) // 3 (0.1 < 0.25); roundCount(2.25, () => 0.5) // 2
 */
export function roundCount(x: number, uniform: () => number): number {
  const f = Math.floor(x);
  return x > f && uniform() < x - f ? f + 1 : f;
}

/**
 * Scenarios of lead-time and protection-period demand for one SKU.
 * `history`: past daily demand, oldest first, NaN where unknown (only its last `window` days are
 * used); `mean`: the forecast's daily means from the first day of the lead time on. Without sales,
 * with fewer than 28 known days or too few days for a window of L + R after the trailing days,
 * the scenarios are Poisson draws around the forecast instead. O(history + scenarios · (L + R)).
 * @example
 * const pd = protectionDemand(history, forecastMean, { mean: 7, sd: 2 }, 7,
 *   { scenarios: 2000, window: 365, uniform, normal });  // uniform in [0, 1), normal N(0, 1)
 * pd.lead.length; // 2000
 */
export function protectionDemand(
  history: Float64Array,
  mean: Float64Array,
  leadTime: LeadTime,
  reviewDays: number,
  o: {
    scenarios: number;
    window: number;
    uniform: () => number;
    normal: () => number;
    /** days before a window whose mean is its expected level (default 28; 0: the whole history's mean) */
    trailing?: number;
    /** the units customers actually ordered each day, aligned with `history`, when the history is
     * cleaned (outliers capped): windows then hold the real big orders stock must serve */
    actual?: Float64Array;
    /** a window's expected level is at least this share of the forecast's daily mean (default 0.25):
     * a product selling far above its past must not have its quiet past's ratios (a big order over
     * a near-empty month: ×30) applied to today's much larger forecast */
    floorShare?: number;
  },
): ProtectionDemand {
  if (mean.length === 0) throw new RangeError('protectionDemand: empty forecast');
  const n = o.scenarios;
  const lead = new Float64Array(n);
  const protection = new Float64Array(n);
  const Lmean = Math.round(leadTime.mean);
  const cycleMean = forecastSum(mean, Lmean, Lmean + reviewDays);
  const from = Math.max(0, history.length - o.window);
  const hist = history.subarray(from);
  const act = o.actual?.subarray(from, history.length) ?? hist;
  // prefix sums of known demand (clean and actual) and of known days, so a window's mean is O(1)
  const m = hist.length;
  const sum = new Float64Array(m + 1);
  const sumA = new Float64Array(m + 1);
  const known = new Float64Array(m + 1);
  for (let t = 0; t < m; t++) {
    const v = hist[t]!;
    const ok = Number.isFinite(v);
    sum[t + 1] = sum[t]! + (ok ? v : 0);
    sumA[t + 1] = sumA[t]! + (ok ? act[t]! : 0);
    known[t + 1] = known[t]! + (ok ? 1 : 0);
  }
  const level = known[m]! > 0 ? sum[m]! / known[m]! : 0;
  const trail = o.trailing ?? 28;
  const floor = ((o.floorShare ?? 0.25) * forecastSum(mean, 0, Lmean + reviewDays)) / Math.max(1, Lmean + reviewDays);
  // a window is compared with what a forecast made at its start would have said: the mean of the
  // `trail` days before it (floored at a quarter of the overall level and at `floorShare` of the
  // forecast, so a quiet month does not make one sale look like a surge). Its ratio thus holds the
  // forecast's own error of the level as well as the lumpiness of demand around it. Without
  // trailing days: the overall level.
  const base = (s: number): number => {
    if (trail <= 0) return level;
    const k = known[s]! - known[Math.max(0, s - trail)]!;
    const mean = k > 0 ? (sum[s]! - sum[Math.max(0, s - trail)]!) / k : 0;
    return Math.max(mean, 0.25 * level, floor);
  };
  const first = trail > 0 ? trail : 0;
  // the forecast's sums over the lead time and the protection period, per lead time drawn (a few distinct ones):
  // computed once each, by the same loop, so the same numbers
  const sums = new Map<number, { lead: number; all: number }>();
  const draw = leadTimeSampler(leadTime, o.normal);
  for (let k = 0; k < n; k++) {
    const L = draw();
    const len = L + reviewDays;
    let fc = sums.get(L);
    if (fc === undefined) {
      const lead = forecastSum(mean, 0, L);
      fc = { lead, all: lead + forecastSum(mean, L, len) };
      sums.set(L, fc);
    }
    const fcLead = fc.lead;
    const fcAll = fc.all;
    if (level <= 0 || m - first < len || known[m]! < 28) {
      const a = poisson(fcLead, o.uniform, o.normal);
      lead[k] = a;
      protection[k] = a + poisson(fcAll - fcLead, o.uniform, o.normal);
      continue;
    }
    const s = first + Math.floor(o.uniform() * (m - first - len + 1));
    const b = base(s);
    const kAll = known[s + len]! - known[s]!;
    const kLead = known[s + L]! - known[s]!;
    const rAll = kAll > 0 ? (sumA[s + len]! - sumA[s]!) / kAll / b : 1;
    const rLead = kLead > 0 ? (sumA[s + L]! - sumA[s]!) / kLead / b : rAll;
    lead[k] = roundCount(fcLead * rLead, o.uniform);
    // the protection period holds the lead time: its demand is the lead part plus the rest of the window
    const kRest = kAll - kLead;
    const rRest = kRest > 0 ? (sumA[s + len]! - sumA[s + L]!) / kRest / b : rAll;
    protection[k] = lead[k]! + roundCount((fcAll - fcLead) * (len > L ? rRest : 0), o.uniform);
  }
  return { lead, protection, cycleMean };
}

/**
 * How many of the values sorted ascending are ≤ x (an upper-bound binary search). O(log n).
 * @example countAtMostSorted(Float64Array.of(2, 4, 4, 7, 9), 4) // 3
 */
export function countAtMostSorted(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * E[(X − s)+], the expected excess of X over s, over equally likely scenarios sorted ascending,
 * with `suffix[i]` = Σ_{j ≥ i} x_j (from `excessTable`). O(log n).
 * @example
 * const t = excessTable(Float64Array.of(9, 2, 7, 4, 4));
 * expectedExcessSorted(t.sorted, t.suffix, 5); // 1.2 = ((7 − 5) + (9 − 5)) / 5
 */
export function expectedExcessSorted(sorted: Float64Array, suffix: Float64Array, s: number): number {
  const lo = countAtMostSorted(sorted, s);
  return (suffix[lo]! - (sorted.length - lo) * s) / sorted.length;
}

/**
 * Sorted copy and suffix sums of scenarios, for expectedExcessSorted. O(n log n).
 * @example excessTable(Float64Array.of(9, 2, 7, 4, 4)) // { sorted: [2, 4, 4, 7, 9], suffix: [26, 24, 20, 16, 9, 0] }
 */
export function excessTable(x: Float64Array): { sorted: Float64Array; suffix: Float64Array } {
  const sorted = sortedCopy(x);
  const suffix = new Float64Array(sorted.length + 1);
  for (let i = sorted.length - 1; i >= 0; i--) suffix[i] = suffix[i + 1]! + sorted[i]!;
  return { sorted, suffix };
}

/** Whole-number values spanning at most this many times their count (plus a margin) are sorted by counting them. */
const COUNTING_SPAN = 4;

/**
 * A copy of x sorted ascending, as `Float64Array.from(x).sort()` gives it. Scenarios are whole numbers of units in a
 * narrow range, so when every value is an integer of at most 2³¹ in size (no −0, NaN or infinity) and their range is
 * within a few times their count, they are counted into buckets instead: O(n + range) rather than O(n log n).
 * @example sortedCopy(Float64Array.of(3, 1, 2, 1)) // [1, 1, 2, 3]
 */
function sortedCopy(x: Float64Array): Float64Array {
  const n = x.length;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    if (v !== Math.floor(v) || Math.abs(v) > 2147483648 || Object.is(v, -0)) return Float64Array.from(x).sort();
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (n === 0 || hi - lo > COUNTING_SPAN * n + 64) return Float64Array.from(x).sort();
  const counts = new Uint32Array(hi - lo + 1);
  for (let i = 0; i < n; i++) counts[x[i]! - lo]!++;
  const sorted = new Float64Array(n);
  let at = 0;
  for (let b = 0; b < counts.length; b++) {
    const v = lo + b;
    for (let c = counts[b]!; c > 0; c--) sorted[at++] = v;
  }
  return sorted;
}
