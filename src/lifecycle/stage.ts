/**
 * Life-cycle stage of a product from its weekly demand.
 *
 * Stages are defined on a demand curve by its level relative to the peak and its side of the peak
 * (the classic product-life-cycle reading, e.g. Kotler & Keller, ch. 12):
 *  - before the peak: introduction while below `introBelow` (30 %) of the peak, growth up to
 *    `matureAbove` (80 %), maturity above it;
 *  - after the peak: maturity while still above 80 %, decline below, ended once 95 % of the
 *    lifetime demand is sold;
 *  - from the data alone: dormant after `dormantWeeks` (8) weeks without a sale, ended after
 *    `endedWeeks` (26).
 * A SKU whose history covers its launch gets a fitted life-cycle curve (curves.ts); its phase at
 * the last week is one vote. The other vote comes from a Mann–Kendall trend test on the last
 * `trendWindow` weeks together with the recent level against the peak level (the highest mean of
 * `trendWindow` consecutive weeks, so a seasonal rush or one big order is not taken for the peak).
 * The trend vote's weight is its stability: the share of residual-bootstrap replicates of the trend
 * window that give the same stage. The curve vote's weight is its R² on the smoothed history (when
 * ≥ 0.5). Agreeing votes add up; the larger weight wins; the confidence is its share of the total
 * (1 + R²). A silent product
 * is dormant or ended with the confidence that the silence is not chance.
 */
import { mulberry32 } from '../numerics/random.js';
import { quantileSorted } from '../numerics/quantile.js';
import { mannKendall, mannKendallTest, senSlope, type TrendTest } from '../numerics/trend.js';
import {
  type BassPrior,
  type CurveFit,
  type CurveFamily,
  bassShare,
  bassShareOf,
  fitLifeCycle,
  gompertzShare,
  gompertzShareOf,
  triangleSales,
} from './curves.js';

export type Stage = 'introduction' | 'growth' | 'maturity' | 'decline' | 'dormant' | 'ended';
export const STAGES: readonly Stage[] = ['introduction', 'growth', 'maturity', 'decline', 'dormant', 'ended'];

export interface StageRules {
  introBelow: number;
  matureAbove: number;
  endedShare: number;
  dormantWeeks: number;
  endedWeeks: number;
  trendWindow: number;
  alpha: number;
  /** weeks of smoothing (centred moving average) for the level evidence */
  smoothWeeks: number;
  /** a curve vote needs at least this R² on the smoothed history */
  minCurveR2: number;
  /** without a significant trend, recent weeks this far above the peak level are a new high: growth */
  newHighAbove: number;
  /** weeks in a row the evidence must show a new stage before the stage history changes to it (hysteresis) */
  confirmWeeks: number;
  /** weeks in a year: with a year of history, growth and decline must show against the same weeks a year earlier */
  yearWeeks: number;
}

export const DEFAULT_STAGE_RULES: StageRules = {
  introBelow: 0.3,
  matureAbove: 0.8,
  endedShare: 0.95,
  dormantWeeks: 8,
  endedWeeks: 26,
  trendWindow: 13,
  alpha: 0.05,
  smoothWeeks: 5,
  minCurveR2: 0.5,
  newHighAbove: 1.25,
  confirmWeeks: 3,
  yearWeeks: 52,
};

/** Sales in period t (1 = the first period after launch) of a fitted curve. */
export function curveSales(fit: Pick<CurveFit, 'family' | 'params'>, t: number): number {
  return curveSalesOf(fit)(t);
}

/**
 * curveSales as a function of t for one curve, its parameters read once (the same numbers: for a scan over t).
 * @example curveSalesOf(fit)(3) === curveSales(fit, 3)
 */
export function curveSalesOf(fit: Pick<CurveFit, 'family' | 'params'>): (t: number) => number {
  const p = fit.params;
  if (fit.family === 'triangle') {
    const [tp, te, a] = [p['tp']!, p['te']!, p['a']!];
    return (t) => triangleSales(t, tp, te, a);
  }
  const share = fit.family === 'bass' ? bassShareOf(p['p']!, p['q']!) : gompertzShareOf(p['b']!, p['c']!);
  const m = p['m']!;
  return (t) => m * (share(t) - share(t - 1));
}

/** Share of the lifetime demand sold by the end of period t. */
export function curveShare(fit: Pick<CurveFit, 'family' | 'params'>, t: number): number {
  const p = fit.params;
  if (fit.family === 'bass') return bassShare(t, p['p']!, p['q']!);
  if (fit.family === 'gompertz') return gompertzShare(t, p['b']!, p['c']!);
  const [tp, te] = [p['tp']!, p['te']!];
  const x = Math.min(Math.max(t, 0), te);
  return x <= tp ? (x * x) / (tp * te) : 1 - (te - x) ** 2 / (te * (te - tp));
}

/**
 * Where the per-period sales of a curve peak (continuous period) and the sales there: the first greatest value on
 * the grid 0.5, 0.51, … (each point the last plus 0.01, as a running sum) up to `horizon`.
 * A period's sales are unimodal in t: the triangle's are, and Bass's and Gompertz's are the density's integral over
 * (t − 1, t], of a log-concave density zero before launch, smoothed by a box, which keeps it unimodal. So the peak is
 * found on every STRIDE-th point first, then every point around the best of those is scanned; the answer is the whole
 * scan's when the best coarse point is above both its coarse neighbours by more than twice the rounding of the sales
 * (`roundingBound`): the true peak lies between those neighbours, every grid point beyond them sells less than they do
 * (truly, hence by more than the rounding as computed) — and less than the best coarse point. Otherwise, the whole
 * scan. A slow curve's horizon reaches 100 × its history: scanned whole, this was a third of the life cycle's time.
 * @example periodPeak({ family: 'triangle', params: { tp: 4, te: 10, a: 8 } }, 20) // { at: 4.5 (about), sales: 8 }
 */
export function periodPeak(fit: Pick<CurveFit, 'family' | 'params'>, horizon: number): { at: number; sales: number } {
  // the grid is walked (and kept, every 50th point) up to the horizon
  if (!Number.isFinite(horizon)) throw new RangeError(`periodPeak: the horizon must be finite, got ${horizon}`);
  const salesAt = curveSalesOf(fit);
  const tc = coarseGrid(horizon);
  const margin = 2 * roundingBound(fit);
  let best = 0;
  let bestSales = -Infinity;
  const coarse = new Float64Array(tc.length);
  for (let c = 0; c < tc.length; c++) {
    coarse[c] = salesAt(tc[c]!);
    if (coarse[c]! > bestSales) {
      bestSales = coarse[c]!;
      best = c;
    } else if (coarse[c]! < bestSales - margin) {
      // past the peak: c sells less than the best point before it by more than the rounding, so truly less, and (the
      // sales unimodal) c is past the true peak; every later point truly sells no more than c, so as computed less
      // than the best, and cannot replace it. The best point and its neighbours are known: the rest is not scanned.
      break;
    }
  }
  const left = best > 0 ? coarse[best - 1]! : -Infinity;
  const right = best + 1 < coarse.length ? coarse[best + 1]! : -Infinity;
  const clear = tc.length > 0 && bestSales - left > margin && bestSales - right > margin;
  // the points strictly between the best coarse point's neighbours (to the horizon when it has no right one), else
  // all of them; each the last plus 0.01, from the left neighbour on: the grid's own points
  let at = 1;
  let sales = -Infinity;
  let t = clear && best > 0 ? tc[best - 1]! + 0.01 : 0.5;
  const points = clear && best + 1 < coarse.length ? (best > 0 ? 2 * STRIDE - 1 : STRIDE) : Infinity;
  for (let k = 0; k < points && t <= horizon; k++, t += 0.01) {
    const s = salesAt(t);
    if (s > sales) {
      sales = s;
      at = t;
    } else if (s < sales - margin) break; // past the peak, as in the coarse scan: no later point can replace it
  }
  return { at, sales };
}

/** periodPeak's coarse step, in grid points (of 0.01 period). */
const STRIDE = 50;

/**
 * Every STRIDE-th point (from the first) of the grid 0.5, 0.51, … up to `horizon`, where each point is the last plus
 * 0.01: a prefix of one array per thread, grown (by doubling) as far as the longest horizon asked for.
 */
function coarseGrid(horizon: number): Float64Array {
  const g = COARSE;
  while (g.n === 0 || g.next <= horizon) {
    let x = g.next;
    if (g.n === g.t.length) {
      const grown = new Float64Array(Math.max(256, 2 * g.t.length));
      grown.set(g.t);
      g.t = grown;
    }
    g.t[g.n++] = x;
    for (let k = 0; k < STRIDE; k++) x += 0.01;
    g.next = x;
  }
  // the points up to the horizon: a binary search (the grid increases)
  let lo = 0;
  let hi = g.n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (g.t[mid]! <= horizon) lo = mid + 1;
    else hi = mid;
  }
  return g.t.subarray(0, lo);
}

/** The coarse grid so far (`n` points in `t`) and the point after its last. */
const COARSE = { t: new Float64Array(0), n: 0, next: 0.5 };

/**
 * A bound on the rounding of a period's computed sales m·(F(t) − F(t − 1)). Each computed Bass share is within a few
 * units of 2⁻⁵³ of the true one; a Gompertz share within some 50 units (its exponent's rounding, times b·g·e^{−b·g}),
 * divided by its W = 1 − e^{−b}, which a fit can walk down to 10⁻¹³ (its sales are then mostly rounding). The sales
 * are so within about m·10⁻¹⁴/W (W = 1 for Bass), bounded here by m·10⁻¹²/W; the triangle's, computed directly, by
 * a·10⁻¹². Infinity when it cannot be told.
 */
function roundingBound(fit: Pick<CurveFit, 'family' | 'params'>): number {
  const p = fit.params;
  const scale = fit.family === 'triangle' ? Math.abs(p['a']!) : Math.abs(p['m']!);
  const w = fit.family === 'gompertz' ? -Math.expm1(-p['b']!) : 1;
  const bound = (scale * 1e-12) / w;
  return Number.isFinite(bound) && w > 0 ? bound : Infinity;
}

/** The stage of each period 1..n on a life-cycle curve. */
export function curveStages(
  fit: Pick<CurveFit, 'family' | 'params'>,
  n: number,
  rules: StageRules = DEFAULT_STAGE_RULES,
): Stage[] {
  let horizon = n + 10;
  while (curveShare(fit, horizon) < 0.999 && horizon < 100 * (n + 10)) horizon *= 2;
  const peak = periodPeak(fit, horizon);
  const salesAt = curveSalesOf(fit);
  const out: Stage[] = [];
  for (let t = 1; t <= n; t++) {
    const ratio = peak.sales > 0 ? salesAt(t) / peak.sales : 0;
    if (ratio >= rules.matureAbove) out.push('maturity');
    else if (t < peak.at) out.push(ratio < rules.introBelow ? 'introduction' : 'growth');
    else out.push(curveShare(fit, t) >= rules.endedShare ? 'ended' : 'decline');
  }
  return out;
}

/**
 * The fewest weeks on which the Mann–Kendall test can find a trend at level `alpha` at all: the
 * length of the shortest strictly monotone series whose p is below alpha (5 weeks at 0.05). On fewer
 * weeks no sales pattern can be significant, so no trend is tested or reported.
 */
export function minTrendWeeks(alpha: number): number {
  let n = 2;
  while (n < 1000 && !(mannKendall(Array.from({ length: n }, (_, i) => i)).p < alpha)) n++;
  return n;
}

export function movingAverage(y: ArrayLike<number>, width: number): Float64Array {
  const n = y.length;
  const half = Math.floor(width / 2);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    let c = 0;
    for (let j = Math.max(0, i - half); j <= Math.min(n - 1, i + half); j++) {
      s += y[j]!;
      c++;
    }
    out[i] = s / c;
  }
  return out;
}

export interface StageVote {
  source: 'curve' | 'trend' | 'silence';
  stage: Stage;
  weight: number;
  /** trend vote: the share of bootstrap replicates giving each stage */
  bootstrap?: Partial<Record<Stage, number>>;
}

export interface StageEvidence {
  weeks: number;
  weeksSinceLastSale: number;
  coversLaunch: boolean;
  /** the trend test on the last weeks; `tested` false when they are too few for the test to find any trend */
  trend: TrendTest & { window: number; relativeSlope: number; tested: boolean };
  level: { recent: number; peak: number; ratio: number; peakWeek: number };
  curve?: {
    family: CurveFamily;
    params: Record<string, number>;
    r2: number;
    peakWeek: number;
    lifetime: number;
    remaining: number;
    endOfLifeWeek: number;
    stage: Stage;
  };
  votes: StageVote[];
}

export interface StageAssessment {
  stage: Stage;
  confidence: number;
  evidence: StageEvidence;
  /**
   * the stage of every week of the history: the curve's where it fits, else the trend and level rule's on the weeks up
   * to each
   */
  history: Stage[];
  fit?: CurveFit;
}

/**
 * The peak level up to each week: the highest mean of `w` consecutive weeks seen so far (before
 * `w` weeks have passed, the mean of all weeks so far), and the middle week of the best window.
 * Whole windows only, so one wholesale order or the first weeks of the data cannot make the peak.
 */
export function peakLevels(y: ArrayLike<number>, w: number): { toDate: Float64Array; peakWeek: number } {
  const n = y.length;
  const toDate = new Float64Array(n);
  let sum = 0;
  let best = -Infinity;
  let peakWeek = 0;
  for (let t = 0; t < n; t++) {
    sum += y[t]!;
    if (t >= w) sum -= y[t - w]!;
    if (t < w - 1) {
      toDate[t] = sum / (t + 1);
      peakWeek = Math.floor(t / 2);
      continue;
    }
    if (sum / w > best) {
      best = sum / w;
      peakWeek = t - Math.floor((w - 1) / 2);
    }
    toDate[t] = best;
  }
  return { toDate, peakWeek };
}

/** The same weeks a year earlier as the window ending at week t (inclusive), when the history reaches back that far. */
function lastYearWindow(y: Float64Array, t: number, rules: StageRules): Float64Array | undefined {
  const from = t + 1 - rules.trendWindow - rules.yearWeeks;
  return from >= 0 ? y.subarray(from, from + rules.trendWindow) : undefined;
}

/**
 * Stages of a history week by week: each week gets the stage the trend and level rule (and silence)
 * give on the weeks up to it, with hysteresis: the history moves to a new selling stage only once
 * the rule has shown that stage `confirmWeeks` weeks in a row (a one-week dip or burst does not
 * change a life-cycle stage) and the history then dates it from the first of those weeks. Maturity
 * (no trend, near the peak level) follows as soon as the evidence for growth or decline is gone, and
 * a silence (already `dormantWeeks` long) or the first sale after one changes the stage at once. The
 * last week's is the current stage: what a run on that week says.
 */
export function rollingStages(
  y: Float64Array,
  peakToDate: Float64Array,
  coversLaunch: boolean,
  rules: StageRules,
): Stage[] {
  const out: Stage[] = [];
  let last = -1;
  let held: Stage | undefined;
  let pending: Stage | undefined;
  let seen = 0;
  for (let t = 0; t < y.length; t++) {
    if (y[t]! > 0) last = t;
    const silent = last < 0 ? t + 1 : t - last;
    const quiet = last >= 0 && silent >= rules.dormantWeeks;
    const raw: Stage = quiet
      ? silent >= rules.endedWeeks
        ? 'ended'
        : 'dormant'
      : trendRule(
          y.subarray(Math.max(0, t + 1 - rules.trendWindow), t + 1),
          peakToDate[t]!,
          coversLaunch && t + 1 <= rules.dormantWeeks,
          rules,
          lastYearWindow(y, t, rules),
        );
    if (held === undefined || raw === held) {
      held = raw;
      pending = undefined;
      seen = 0;
    } else if (quiet || held === 'dormant' || held === 'ended' || held === 'introduction') {
      // silence is sustained evidence by itself, and a sale ends it; a young product's introduction
      // ends when its first weeks are over
      held = raw;
      pending = undefined;
      seen = 0;
    } else {
      seen = raw === pending ? seen + 1 : 1;
      pending = raw;
      // growth and decline are claims that need the weeks of evidence; maturity, the stage without a
      // trend or a fall below the peak level, follows once the evidence for the claim is gone
      if (seen >= (raw === 'growth' || raw === 'decline' ? rules.confirmWeeks : 1)) {
        // the history dates the new stage from the first week of its evidence
        for (let k = t - seen + 1; k < t; k++) out[k] = raw;
        held = raw;
        pending = undefined;
        seen = 0;
      }
    }
    out.push(held);
  }
  return out;
}

/**
 * The stage from the last weeks alone: a young product (the first 8 weeks since launch; only a
 * launch curve can tell its growth from its introduction) is in introduction; otherwise a significant
 * Mann–Kendall trend up is growth, down is decline; without a significant trend, a median of the
 * last 4 weeks at ≥ 125 % of the peak level so far is a new high (growth); else their mean at ≥ 50 %
 * of the peak level is maturity, below decline. With a year of history (`lastYear`: the same weeks a
 * year earlier), growth and decline must also show against last year: growth needs the window's units
 * at ≥ 125 % of last year's, decline at ≤ 80 % (1 / 1.25); a fall or rise last year's same weeks also
 * had is the season, and the product is in maturity.
 */
function trendRule(
  window: ArrayLike<number>,
  peak: number,
  young: boolean,
  rules: StageRules,
  lastYear?: ArrayLike<number>,
): Stage {
  const stage = levelTrendStage(window, peak, young, rules);
  if (lastYear === undefined || (stage !== 'growth' && stage !== 'decline')) return stage;
  let now = 0;
  let before = 0;
  for (let i = 0; i < window.length; i++) now += window[i]!;
  for (let i = 0; i < lastYear.length; i++) before += lastYear[i]!;
  if (stage === 'growth') return now >= rules.newHighAbove * before ? 'growth' : 'maturity';
  return now * rules.newHighAbove <= before ? 'decline' : 'maturity';
}

function levelTrendStage(window: ArrayLike<number>, peak: number, young: boolean, rules: StageRules): Stage {
  if (young) return 'introduction';
  let recent = 0;
  const from = Math.max(0, window.length - 4);
  for (let i = from; i < window.length; i++) recent += window[i]!;
  recent /= Math.max(1, window.length - from);
  const ratio = peak > 0 ? recent / peak : 0;
  // Sen's slope (a sort of every pairwise slope) only when the test finds a trend: its sign is all the rule reads
  if (mannKendallTest(window).p < rules.alpha) {
    const slope = senSlope(window);
    if (slope > 0) return 'growth';
    if (slope < 0) return 'decline';
  }
  // a new high needs at least two of the last 4 weeks up there (their median), not one big order
  const last = Array.from(window)
    .slice(from)
    .sort((a, b) => a - b);
  const median = last.length === 0 ? 0 : (last[(last.length - 1) >> 1]! + last[last.length >> 1]!) / 2;
  if (peak > 0 && median >= rules.newHighAbove * peak) return 'growth';
  return ratio >= 0.5 ? 'maturity' : 'decline';
}

/** Unknown weeks (stock-outs, missing data) filled linearly from the known weeks around them. */
export function fillGaps(y: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(y);
  let prev = -1;
  for (let i = 0; i <= out.length; i++) {
    if (i < out.length && !Number.isFinite(out[i]!)) continue;
    for (let k = prev + 1; k < i; k++) {
      const a = prev >= 0 ? out[prev]! : i < out.length ? out[i]! : 0;
      const b = i < out.length ? out[i]! : a;
      out[k] = prev >= 0 && i < out.length ? a + ((b - a) * (k - prev)) / (i - prev) : prev >= 0 ? a : b;
    }
    prev = i;
  }
  return out;
}

/** R² of a fitted curve against the history, both smoothed as the stage rules smooth them. */
export function curveR2(
  y: ArrayLike<number>,
  fit: Pick<CurveFit, 'family' | 'params'>,
  rules: StageRules = DEFAULT_STAGE_RULES,
): number {
  const salesAt = curveSalesOf(fit);
  const fitted = Float64Array.from({ length: y.length }, (_, i) => salesAt(i + 1));
  return rSquared(movingAverage(y, rules.smoothWeeks), movingAverage(fitted, rules.smoothWeeks));
}

function rSquared(y: ArrayLike<number>, fitted: ArrayLike<number>): number {
  let mean = 0;
  for (let i = 0; i < y.length; i++) mean += y[i]!;
  mean /= y.length;
  let ss = 0;
  let sr = 0;
  for (let i = 0; i < y.length; i++) {
    ss += (y[i]! - mean) ** 2;
    sr += (y[i]! - fitted[i]!) ** 2;
  }
  return ss > 0 ? 1 - sr / ss : 0;
}

/**
 * Classifies a product from its weekly demand `y` (week 0 = its first week with data; NaN =
 * unknown, read as no evidence and skipped). `coversLaunch`: the history starts at the launch (the
 * first sale is after the start of the shop's data), so a launch curve can be fitted.
 */
export function classifyStage(
  yIn: ArrayLike<number>,
  coversLaunch: boolean,
  rules: StageRules = DEFAULT_STAGE_RULES,
  prior?: BassPrior,
): StageAssessment {
  // weeks unknown at the end (no data yet) are left out; gaps inside are filled
  let end = yIn.length;
  while (end > 0 && !Number.isFinite(yIn[end - 1]!)) end--;
  const y = fillGaps(Array.from({ length: end }, (_, i) => yIn[i]!));
  const n = y.length;
  let last = -1;
  for (let i = n - 1; i >= 0; i--)
    if (y[i]! > 0) {
      last = i;
      break;
    }
  const weeksSinceLastSale = last < 0 ? n : n - 1 - last;
  // the peak level is the highest average over a trend window (13 weeks), not the highest few
  // weeks: a seasonal rush or one wholesale order is not a product's peak
  const levels = peakLevels(y, rules.trendWindow);
  const peakWeek = levels.peakWeek;
  const peak = n > 0 ? levels.toDate[n - 1]! : 0;
  const recentFrom = Math.max(0, n - 4);
  let recent = 0;
  for (let i = recentFrom; i < n; i++) recent += y[i]!;
  recent /= Math.max(1, n - recentFrom);
  const ratio = peak > 0 ? recent / peak : 0;
  const window = y.subarray(Math.max(0, n - rules.trendWindow));
  const mk = mannKendall(window);
  let wMean = 0;
  for (const v of window) wMean += v;
  wMean /= Math.max(1, window.length);
  const trend = {
    ...mk,
    window: window.length,
    relativeSlope: wMean > 0 ? mk.slope / wMean : 0,
    tested: window.length >= minTrendWeeks(rules.alpha),
  };
  const votes: StageVote[] = [];
  const young = coversLaunch && n <= rules.dormantWeeks;

  // silence: the chance of this many empty weeks at the earlier weekly selling rate r is (1 − r)^weeks
  let silence: StageVote | undefined;
  if (last >= 0 && weeksSinceLastSale >= rules.dormantWeeks) {
    let rate = 0;
    const from = Math.max(0, last - rules.trendWindow + 1);
    for (let i = from; i <= last; i++) rate += y[i]! > 0 ? 1 : 0;
    rate /= last - from + 1;
    silence = {
      source: 'silence',
      stage: weeksSinceLastSale >= rules.endedWeeks ? 'ended' : 'dormant',
      weight: 1 - (1 - Math.min(rate, 0.999)) ** weeksSinceLastSale,
    };
  }

  // the trend and level vote, and how stable it is: the share of residual-bootstrap replicates of
  // the trend window (Sen's line plus resampled residuals, 200 of them) that give each stage
  // the stage the rule holds at the last week with hysteresis (a change needs confirmWeeks weeks of
  // evidence); the silence vote below speaks for silent products
  const rolling = rollingStages(y, levels.toDate, coversLaunch, rules);
  const lastYear = n > 0 ? lastYearWindow(y, n - 1, rules) : undefined;
  const held = rolling[n - 1];
  const trendStage =
    held !== undefined && held !== 'dormant' && held !== 'ended'
      ? held
      : trendRule(window, peak, young, rules, lastYear);
  const boot = new Map<Stage, number>();
  const u = mulberry32(20_111);
  const mid = (window.length - 1) / 2;
  const centre = quantileSorted(Float64Array.from(window).sort(), 0.5);
  const resid = Array.from(window, (v, i) => v - (centre + mk.slope * (i - mid)));
  const rep = new Float64Array(window.length);
  const REPS = 200;
  for (let k = 0; k < REPS; k++) {
    for (let i = 0; i < rep.length; i++)
      rep[i] = Math.max(0, centre + mk.slope * (i - mid) + resid[Math.floor(u() * resid.length)]!);
    const st = trendRule(rep, peak, young, rules, lastYear);
    boot.set(st, (boot.get(st) ?? 0) + 1 / REPS);
  }
  votes.push({
    source: 'trend',
    stage: trendStage,
    weight: boot.get(trendStage) ?? 0,
    bootstrap: Object.fromEntries(boot),
  });

  // the curve vote
  let curve: StageEvidence['curve'];
  let fit: CurveFit | undefined;
  let history: Stage[] | undefined;
  if (coversLaunch && n >= (prior === undefined ? 6 : 3)) {
    const lc = fitLifeCycle(y, prior);
    if (lc !== undefined) {
      fit = lc.best;
      const r2 = curveR2(y, lc.best, rules);
      const stages = curveStages(lc.best, n, rules);
      curve = {
        family: lc.best.family,
        params: lc.best.params,
        r2,
        peakWeek: lc.best.peakTime,
        lifetime: lc.best.lifetime,
        remaining: lc.best.remaining,
        endOfLifeWeek: lc.best.endOfLife,
        // a peak at the very end of the data is not located yet: the product is still growing
        stage: lc.best.peakTime > n - 2 && stages[n - 1] === 'maturity' ? 'growth' : stages[n - 1]!,
      };
      if (r2 >= rules.minCurveR2) {
        votes.push({ source: 'curve', stage: curve.stage, weight: Math.min(1, r2) });
        history = stages;
      }
    }
  }

  // the trend vote scores its bootstrap share, the curve vote its R²; agreeing votes add up
  const curveVote = votes.find((v) => v.source === 'curve');
  const trendVote = votes.find((v) => v.source === 'trend')!;
  let stage: Stage = trendStage;
  let best = trendVote.weight + (curveVote?.stage === trendStage ? curveVote.weight : 0);
  if (curveVote !== undefined && curveVote.stage !== trendStage && curveVote.weight > best) {
    stage = curveVote.stage;
    best = curveVote.weight;
  }
  let sum = 1 + (curveVote?.weight ?? 0);
  if (silence !== undefined) {
    // a silent product is dormant or ended whatever its earlier shape; the other votes stay as evidence
    votes.unshift(silence);
    stage = silence.stage;
    best = silence.weight;
    sum = 1;
  }
  // the weeks' stages: the curve's where it fits, except for a young product, which is in its
  // introduction whatever a curve through its first few weeks says (the trend vote always wins then)
  if (history === undefined || young) history = rolling;
  return {
    stage,
    confidence: sum > 0 ? best / sum : 0,
    evidence: {
      weeks: n,
      weeksSinceLastSale,
      coversLaunch,
      trend,
      level: { recent, peak, ratio, peakWeek },
      ...(curve ? { curve } : {}),
      votes,
    },
    history,
    ...(fit ? { fit } : {}),
  };
}
