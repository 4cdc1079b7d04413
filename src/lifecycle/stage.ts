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
 * `trendWindow` weeks together with the recent level against the peak of the smoothed history.
 * The trend vote's weight is its stability: the share of residual-bootstrap replicates of the trend
 * window that give the same stage. The curve vote's weight is its R² on the smoothed history (when
 * ≥ 0.5). Agreeing votes add up; the larger weight wins; the confidence is its share of the total
 * (1 + R²). A silent product
 * is dormant or ended with the confidence that the silence is not chance.
 */
import { mulberry32, quantileSorted } from '../numerics/random.js';
import { mannKendall, type TrendTest } from '../numerics/trend.js';
import { type BassPrior, type CurveFit, type CurveFamily, bassShare, fitLifeCycle, gompertzShare, triangleSales } from './curves.js';

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
};

/** Sales in period t (1 = the first period after launch) of a fitted curve. */
export function curveSales(fit: Pick<CurveFit, 'family' | 'params'>, t: number): number {
  const p = fit.params;
  if (fit.family === 'triangle') return triangleSales(t, p['tp']!, p['te']!, p['a']!);
  const share = fit.family === 'bass' ? (x: number): number => bassShare(x, p['p']!, p['q']!) : (x: number): number => gompertzShare(x, p['b']!, p['c']!);
  return p['m']! * (share(t) - share(t - 1));
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

/** Where the per-period sales of a curve peak (continuous period) and the sales there. */
function periodPeak(fit: Pick<CurveFit, 'family' | 'params'>, horizon: number): { at: number; sales: number } {
  let at = 1;
  let sales = -Infinity;
  for (let t = 0.5; t <= horizon; t += 0.01) {
    const s = curveSales(fit, t);
    if (s > sales) {
      sales = s;
      at = t;
    }
  }
  return { at, sales };
}

/** The stage of each period 1..n on a life-cycle curve. */
export function curveStages(fit: Pick<CurveFit, 'family' | 'params'>, n: number, rules: StageRules = DEFAULT_STAGE_RULES): Stage[] {
  let horizon = n + 10;
  while (curveShare(fit, horizon) < 0.999 && horizon < 100 * (n + 10)) horizon *= 2;
  const peak = periodPeak(fit, horizon);
  const out: Stage[] = [];
  for (let t = 1; t <= n; t++) {
    const ratio = peak.sales > 0 ? curveSales(fit, t) / peak.sales : 0;
    if (ratio >= rules.matureAbove) out.push('maturity');
    else if (t < peak.at) out.push(ratio < rules.introBelow ? 'introduction' : 'growth');
    else out.push(curveShare(fit, t) >= rules.endedShare ? 'ended' : 'decline');
  }
  return out;
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
  trend: TrendTest & { window: number; relativeSlope: number };
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
  /** the stage of every week of the history (the curve's where it fits, else the smoothed level's) */
  history: Stage[];
  fit?: CurveFit;
}

/** Stages of a history from its smoothed level alone (no curve). */
function levelStages(smooth: Float64Array, rules: StageRules): Stage[] {
  let peakAt = 0;
  for (let i = 1; i < smooth.length; i++) if (smooth[i]! > smooth[peakAt]!) peakAt = i;
  const peak = smooth[peakAt]!;
  return Array.from(smooth, (v, i) => {
    const ratio = peak > 0 ? v / peak : 0;
    if (ratio >= rules.matureAbove) return 'maturity';
    if (i < peakAt) return ratio < rules.introBelow ? 'introduction' : 'growth';
    return 'decline';
  });
}

/**
 * The stage from the last weeks alone: a young product (the first 8 weeks since launch; only a
 * launch curve can tell its growth from its introduction) is in introduction; otherwise a significant
 * Mann–Kendall trend up is growth, down is decline; no significant trend is maturity while the last
 * 4 weeks are at ≥ 50 % of the peak of the smoothed history, decline below.
 */
function trendRule(window: ArrayLike<number>, peak: number, young: boolean, rules: StageRules): Stage {
  const mk = mannKendall(window);
  let recent = 0;
  const from = Math.max(0, window.length - 4);
  for (let i = from; i < window.length; i++) recent += window[i]!;
  recent /= Math.max(1, window.length - from);
  const ratio = peak > 0 ? recent / peak : 0;
  if (young) return 'introduction';
  if (mk.p < rules.alpha && mk.slope > 0) return 'growth';
  if (mk.p < rules.alpha && mk.slope < 0) return 'decline';
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
export function classifyStage(yIn: ArrayLike<number>, coversLaunch: boolean, rules: StageRules = DEFAULT_STAGE_RULES, prior?: BassPrior): StageAssessment {
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
  const smooth = movingAverage(y, rules.smoothWeeks);
  let peakWeek = 0;
  for (let i = 1; i < n; i++) if (smooth[i]! > smooth[peakWeek]!) peakWeek = i;
  const peak = n > 0 ? smooth[peakWeek]! : 0;
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
  const trend = { ...mk, window: window.length, relativeSlope: wMean > 0 ? mk.slope / wMean : 0 };
  const votes: StageVote[] = [];
  const young = coversLaunch && n <= rules.dormantWeeks;

  // silence: the chance of this many empty weeks at the earlier weekly selling rate r is (1 − r)^weeks
  let silence: StageVote | undefined;
  if (last >= 0 && weeksSinceLastSale >= rules.dormantWeeks) {
    let rate = 0;
    const from = Math.max(0, last - rules.trendWindow + 1);
    for (let i = from; i <= last; i++) rate += y[i]! > 0 ? 1 : 0;
    rate /= last - from + 1;
    silence = { source: 'silence', stage: weeksSinceLastSale >= rules.endedWeeks ? 'ended' : 'dormant', weight: 1 - (1 - Math.min(rate, 0.999)) ** weeksSinceLastSale };
  }

  // the trend and level vote, and how stable it is: the share of residual-bootstrap replicates of
  // the trend window (Sen's line plus resampled residuals, 200 of them) that give each stage
  const trendStage = trendRule(window, peak, young, rules);
  const boot = new Map<Stage, number>();
  const u = mulberry32(20_111);
  const mid = (window.length - 1) / 2;
  const centre = quantileSorted(Float64Array.from(window).sort(), 0.5);
  const resid = Array.from(window, (v, i) => v - (centre + mk.slope * (i - mid)));
  const rep = new Float64Array(window.length);
  const REPS = 200;
  for (let k = 0; k < REPS; k++) {
    for (let i = 0; i < rep.length; i++) rep[i] = Math.max(0, centre + mk.slope * (i - mid) + resid[Math.floor(u() * resid.length)]!);
    const st = trendRule(rep, peak, young, rules);
    boot.set(st, (boot.get(st) ?? 0) + 1 / REPS);
  }
  votes.push({ source: 'trend', stage: trendStage, weight: boot.get(trendStage) ?? 0, bootstrap: Object.fromEntries(boot) });

  // the curve vote
  let curve: StageEvidence['curve'];
  let fit: CurveFit | undefined;
  let history: Stage[] | undefined;
  if (coversLaunch && n >= (prior === undefined ? 6 : 3)) {
    const lc = fitLifeCycle(y, prior);
    if (lc !== undefined) {
      fit = lc.best;
      const fitted = Float64Array.from({ length: n }, (_, i) => curveSales(lc.best, i + 1));
      const r2 = rSquared(smooth, movingAverage(fitted, rules.smoothWeeks));
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
  history ??= levelStages(smooth, rules);

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
  return {
    stage,
    confidence: sum > 0 ? best / sum : 0,
    evidence: { weeks: n, weeksSinceLastSale, coversLaunch, trend, level: { recent, peak, ratio, peakWeek }, ...(curve ? { curve } : {}), votes },
    history,
    ...(fit ? { fit } : {}),
  };
}
