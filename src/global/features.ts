/**
 * Features of the global model for one (SKU, forecast origin T, horizon k) row, the target being
 * the demand of day D = T + k: the horizon; the calendar of D (weekday, day of month, month, day
 * of year); demand before the origin (last day, means over 7, 28, 91 days and the whole history,
 * spread and share of zero days over 28 days, days since the last sale, the last four values on
 * D's weekday, the week around D one year earlier); age; the last price and its ratio to the
 * SKU's mean price; promotion and closed flags of D (planned ahead) and the promotion share of the
 * last 28 days; the 28/91-day trend. Unknown values are NaN (the trees send them left).
 *
 * The model learns demand relative to each SKU's level at the origin (mean units per day over the
 * last 91 days, else over its history, at least 0.01): the target and the demand features are
 * divided by it and the level itself is a feature, so that one model serves SKUs selling 0.1 and
 * 100 units a day alike (M5 practice).
 */
import { quantileSorted } from '../numerics/quantile.js';
import { DAY_MS } from '../numerics/calendar.js';
import { type Panel } from './panel.js';

export const FEATURE_NAMES = [
  'horizon',
  'weekday',
  'day_of_month',
  'month',
  'day_of_year',
  'last_day',
  'mean_7',
  'mean_28',
  'mean_91',
  'mean_all',
  'sd_28',
  'zero_share_28',
  'days_since_sale',
  'same_weekday_4',
  'last_year_week',
  'age_days',
  'price_last',
  'price_ratio',
  'promo',
  'closed',
  'promo_share_28',
  'trend_28_91',
  'level',
  'q50_35',
  'q75_35',
  'q95_35',
  'q75_14',
  'q95_14',
  'sale_size_91',
] as const;

/** Features on the SKU's own scale: divided by its level (see `writeFeatures`). */
const SCALED = new Set([
  'last_day',
  'mean_7',
  'mean_28',
  'mean_91',
  'mean_all',
  'sd_28',
  'same_weekday_4',
  'last_year_week',
  'q50_35',
  'q75_35',
  'q95_35',
  'q75_14',
  'q95_14',
  'sale_size_91',
]);

/** Days in the recent empirical distributions (open days with known demand), newest first. */
const RECENT = 35;
const SHORT = 14;
const recent = new Float64Array(RECENT);
const recentShort = new Float64Array(SHORT);
const LEVEL = FEATURE_NAMES.indexOf('level');

export const F = FEATURE_NAMES.length;

/** Prefix sums of one SKU's demand, for O(1) window statistics. */
export interface SkuStats {
  sum: Float64Array;
  sq: Float64Array;
  known: Float64Array;
  zeros: Float64Array;
  lastSale: Int32Array;
  lastPrice: Float64Array;
  priceSum: Float64Array;
  priceCount: Float64Array;
  promoSum: Float64Array;
  promoKnown: Float64Array;
}

export function skuStats(p: Panel, s: number): SkuStats {
  const y = p.units[s]!;
  const n = y.length;
  const st: SkuStats = {
    sum: new Float64Array(n + 1),
    sq: new Float64Array(n + 1),
    known: new Float64Array(n + 1),
    zeros: new Float64Array(n + 1),
    lastSale: new Int32Array(n),
    lastPrice: new Float64Array(n),
    priceSum: new Float64Array(n + 1),
    priceCount: new Float64Array(n + 1),
    promoSum: new Float64Array(n + 1),
    promoKnown: new Float64Array(n + 1),
  };
  let lastSale = -1;
  let lastPrice = NaN;
  for (let t = 0; t < n; t++) {
    const v = y[t]!;
    const ok = !Number.isNaN(v);
    st.sum[t + 1] = st.sum[t]! + (ok ? v : 0);
    st.sq[t + 1] = st.sq[t]! + (ok ? v * v : 0);
    st.known[t + 1] = st.known[t]! + (ok ? 1 : 0);
    st.zeros[t + 1] = st.zeros[t]! + (ok && v === 0 ? 1 : 0);
    if (ok && v > 0) lastSale = t;
    st.lastSale[t] = lastSale;
    const pr = p.price[s]![t]!;
    if (!Number.isNaN(pr)) lastPrice = pr;
    st.lastPrice[t] = lastPrice;
    st.priceSum[t + 1] = st.priceSum[t]! + (Number.isNaN(pr) ? 0 : pr);
    st.priceCount[t + 1] = st.priceCount[t]! + (Number.isNaN(pr) ? 0 : 1);
    const pm = p.promo[s]![t]!;
    st.promoSum[t + 1] = st.promoSum[t]! + (Number.isNaN(pm) ? 0 : pm);
    st.promoKnown[t + 1] = st.promoKnown[t]! + (Number.isNaN(pm) ? 0 : 1);
  }
  return st;
}

/**
 * The SKU's level at origin T: mean units per day over the last 91 known days, else the whole history, at least 0.01.
 */
export function levelAt(st: SkuStats, T: number): number {
  const a = Math.max(0, T + 1 - 91);
  const c = st.known[T + 1]! - st.known[a]!;
  const m = c > 0 ? (st.sum[T + 1]! - st.sum[a]!) / c : st.known[T + 1]! > 0 ? st.sum[T + 1]! / st.known[T + 1]! : 0;
  return Math.max(0.01, m);
}

/** Writes the features of (SKU s, origin T, horizon k) into column-major X at row `row`; returns the SKU's level. */
export function writeFeatures(
  p: Panel,
  s: number,
  st: SkuStats,
  T: number,
  k: number,
  X: Float32Array,
  rows: number,
  row: number,
): number {
  const y = p.units[s]!;
  const D = T + k;
  const date = new Date(p.starts[s]! + D * DAY_MS);
  const window = (w: number): { mean: number; sd: number; zero: number } => {
    const a = Math.max(0, T + 1 - w);
    const c = st.known[T + 1]! - st.known[a]!;
    if (c === 0) return { mean: NaN, sd: NaN, zero: NaN };
    const m = (st.sum[T + 1]! - st.sum[a]!) / c;
    const v = Math.max(0, (st.sq[T + 1]! - st.sq[a]!) / c - m * m);
    return { mean: m, sd: Math.sqrt(v), zero: (st.zeros[T + 1]! - st.zeros[a]!) / c };
  };
  const w7 = window(7);
  const w28 = window(28);
  const w91 = window(91);
  const all = window(T + 1);
  let same = 0;
  let sameN = 0;
  for (let d = D - 7; d >= 0 && sameN < 4; d -= 7)
    if (d <= T && !Number.isNaN(y[d]!)) {
      same += y[d]!;
      sameN++;
    }
  let ly = 0;
  let lyN = 0;
  for (let d = D - 367; d <= D - 361; d++)
    if (d >= 0 && d <= T && !Number.isNaN(y[d]!)) {
      ly += y[d]!;
      lyN++;
    }
  const meanPrice = st.priceCount[T + 1]! > 0 ? st.priceSum[T + 1]! / st.priceCount[T + 1]! : NaN;
  const a28 = Math.max(0, T + 1 - 28);
  const promoKnown = st.promoKnown[T + 1]! - st.promoKnown[a28]!;
  const start = Date.UTC(date.getUTCFullYear(), 0, 1);
  // the recent empirical distribution of open days, and the mean size of a sale day over 91 days
  let nr = 0;
  for (let t = T; t >= 0 && nr < RECENT; t--) if (p.closed[s]![t] !== 1 && !Number.isNaN(y[t]!)) recent[nr++] = y[t]!;
  const ns = Math.min(nr, SHORT);
  recentShort.set(recent.subarray(0, ns));
  const short = recentShort.subarray(0, ns).sort();
  const sorted = recent.subarray(0, nr).sort();
  const a91 = Math.max(0, T + 1 - 91);
  const saleDays = st.known[T + 1]! - st.known[a91]! - (st.zeros[T + 1]! - st.zeros[a91]!);
  const values = [
    k,
    (date.getUTCDay() + 6) % 7,
    date.getUTCDate(),
    date.getUTCMonth() + 1,
    Math.floor((date.getTime() - start) / DAY_MS) + 1,
    y[T]!,
    w7.mean,
    w28.mean,
    w91.mean,
    all.mean,
    w28.sd,
    w28.zero,
    st.lastSale[T]! >= 0 ? T - st.lastSale[T]! : T + 1,
    sameN > 0 ? same / sameN : NaN,
    lyN > 0 ? ly / lyN : NaN,
    T,
    st.lastPrice[T]!,
    st.lastPrice[T]! / meanPrice,
    D < p.promo[s]!.length ? p.promo[s]![D]! : NaN,
    D < p.closed[s]!.length ? p.closed[s]![D]! : NaN,
    promoKnown > 0 ? (st.promoSum[T + 1]! - st.promoSum[a28]!) / promoKnown : NaN,
    w28.mean / w91.mean,
    0,
    quantileSorted(sorted, 0.5),
    quantileSorted(sorted, 0.75),
    quantileSorted(sorted, 0.95),
    quantileSorted(short, 0.75),
    quantileSorted(short, 0.95),
    saleDays > 0 ? (st.sum[T + 1]! - st.sum[a91]!) / saleDays : NaN,
  ];
  const level = levelAt(st, T);
  values[LEVEL] = level;
  for (let f = 0; f < F; f++) X[f * rows + row] = SCALED.has(FEATURE_NAMES[f]!) ? values[f]! / level : values[f]!;
  return level;
}
