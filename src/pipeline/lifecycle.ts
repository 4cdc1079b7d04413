/**
 * `shopcast lifecycle`: the life-cycle stage of every SKU from its weekly demand in the workspace,
 * with evidence, a launch curve where the history covers the launch, and a curve-informed forecast
 * for young products. Each full run is stored (`lifecycle_runs`, `lifecycle_stages`) and a change of
 * stage since the latest run as of the same or an earlier date (by as-of date, not by when it was
 * stored: a backdated run is no one's baseline but earlier ones') becomes an alert (`lifecycle_alerts`).
 * When the data ends mid-week, the current week counts at its pace so far (see `part_week`).
 *
 * Short histories (< `priorWeeks` weeks since launch) borrow Bass p and q from similar products:
 * the median of the good Bass fits (R² ≥ 0.5 on the smoothed history) of older launches with at
 * least 100 units sold in the same group (the catalog's category, else the first word of the
 * description), else of all of them.
 *
 * Young products whose curve fits (R² ≥ 0.5) have forecasts blending the curve (at most twice the
 * product's best smoothed week so far) with the statistical engine (`auto`). The weight is one
 * for the catalogue, chosen on a backtest: every young product's last `h` weeks are held out, both
 * forecast from the weeks before (those whose curve fits), and the weight in 0, 0.1, …, 1 with the
 * least absolute error wins.
 */
import { DAY_MS, isoDate } from '../numerics/calendar.js';
import { autoForecast } from '../engine/auto-choice.js';
import { type BassPrior, type CurveFit, fitLifeCycle } from '../lifecycle/curves.js';
import {
  type StageAssessment,
  type Stage,
  type StageRules,
  DEFAULT_STAGE_RULES,
  curveR2,
  curveSales,
  fillGaps,
  movingAverage,
} from '../lifecycle/stage.js';
import { quantileSorted } from '../numerics/quantile.js';
import { readCatalog } from '../store/catalog.js';
import { baselineLifecycleRun, nextLifecycleRunId, storeLifecycleRun } from '../store/lifecycle-runs.js';
import type { Workspace } from '../store/workspace.js';
import { type ReadPanel, workspaceSeries } from './forecast-workspace.js';
import { classifyStages } from './lifecycle-stages.js';
import type { ShardRunner } from '../engine/shards.js';

/** Options of `lifecycleWorkspace`. */
export interface LifecycleOptions {
  /** use only data up to this date (`YYYY-MM-DD`) */
  asOf?: string;
  /** report only this SKU (the priors and the blend weight still come from all) */
  sku?: string;
  /** weeks since launch below which a product is young (prior on the curve, curve-informed forecast; default 26) */
  priorWeeks?: number;
  /** weeks forecast for young products (default 8) */
  horizon?: number;
  /** store the run and raise alerts (default: when no `sku` is given) */
  store?: boolean;
  /**
   * keep the weekly units (as classified) in `weekly`: of every SKU (true), or of the SKUs listed only (a plan keeps
   * those its report shows: every SKU's weeks are about 1 KB of heap a SKU, 90 MB at 100,000 SKUs)
   */
  series?: boolean | readonly string[];
  /** worker threads for the classification (default: one per core) */
  threads?: number;
  /** classify on this shard runner (BullMQ workers: `shopcast plan --redis`) instead of threads */
  shards?: ShardRunner;
  /** the daily panel a plan read up to the same `asOf` (`workspaceSeries`' `panel`): not read again */
  panel?: ReadPanel;
}

/** One SKU's life-cycle stage, its evidence and, for young products, the curve-informed forecast. */
export interface SkuLifecycle {
  sku: string;
  description: string | null;
  /** the group it borrows priors from: `category:…`, `word:…` (first word of the description) or `all` */
  group: string;
  /** the Monday of its first week, `YYYY-MM-DD` */
  first_week: string;
  /** weeks of history */
  weeks: number;
  stage: Stage;
  /** the winning stage's share of the votes, 0–1 */
  confidence: number;
  /** its stage in the baseline run (the latest stored as of this run's date or before), null when none */
  previous_stage: Stage | null;
  /** the trend test, level against the peak, silence and curve fit behind the stage */
  evidence: StageAssessment['evidence'];
  /** stage of each week since the first (compact: one letter per week, see STAGE_LETTERS) */
  history: string;
  /** Bass p and q borrowed by a young product, and the group they came from */
  prior?: BassPrior & { from: string };
  /**
   * weekly units from `first_week` on, gaps filled (with the `series` option only); the last is the
   * current week read as a whole week when the data ends mid-week (see `part_week`)
   */
  weekly?: number[];
  /** units sold so far in the current, incomplete week (when the data ends mid-week) */
  part_week_units?: number;
  /**
   * young products whose curve fits: weekly units from the curve, the engine and their blend; the
   * first is the current week when the data ends mid-week (`current`: its units so far plus the
   * forecast of its remaining days)
   */
  forecast?: { week_start: string; curve: number; engine: number; blend: number; current?: true }[];
}

/** A SKU whose stage changed since the baseline run (the latest stored as of this run's date or before). */
export interface LifecycleAlert {
  sku: string;
  from: Stage;
  to: Stage;
  confidence: number;
}

/** A life-cycle run: every SKU's stage, the counts per stage, the blend weight and the alerts. */
export interface LifecycleResult {
  /** the last day classified: the data's last day up to the as-of date */
  as_of: string;
  /**
   * the current week when the data ends before its Sunday: its Monday, days in the data and the
   * share of a week's units the shop sells on them; each SKU's last week is its units so far over
   * that share (what the week comes to at that pace), so the week is neither dropped nor read as a
   * short week, and a SKU first sold in it is listed (in its introduction)
   */
  part_week: { week_start: string; days: number; share: number } | null;
  /** the stored run's id, null when not stored */
  run_id: number | null;
  previous_run: { run_id: number; as_of: string } | null;
  counts: Record<Stage, number>;
  /** the curve's weight in young products' forecasts and the backtest's WAPEs; null without young products to test */
  blend: { weight: number; products: number; wape_curve: number; wape_engine: number; wape_blend: number } | null;
  alerts: LifecycleAlert[];
  skus: SkuLifecycle[];
}

export const STAGE_LETTERS: Record<Stage, string> = {
  introduction: 'I',
  growth: 'G',
  maturity: 'M',
  decline: 'D',
  dormant: 'Z',
  ended: 'E',
};

const WEEK_MS = 7 * DAY_MS;

export function groupKey(description: string | null, category: string | null): string {
  if (category !== null && category.trim() !== '') return `category:${category.trim().toLowerCase()}`;
  const word = (description ?? '').trim().split(/\s+/)[0]?.toUpperCase() ?? '';
  return word === '' ? 'all' : `word:${word}`;
}

function median(xs: number[]): number {
  return quantileSorted(Float64Array.from(xs).sort(), 0.5);
}

/** The fitted curve's next h weeks; undefined when no curve fits (R² below the rules' minCurveR2). */
function curveForecast(
  y: Float64Array,
  h: number,
  prior: BassPrior | undefined,
  rules: StageRules,
): Float64Array | undefined {
  const lc = fitLifeCycle(y, prior);
  if (lc === undefined || !(curveR2(y, lc.best, rules) >= rules.minCurveR2)) return undefined;
  return curveAhead(lc.best, y, h, rules);
}

/** Units a product must have sold for its curve to lend its shape (Bass p and q) to younger ones. */
const MIN_PRIOR_UNITS = 100;
/** A curve may not forecast more than this many times the product's best (smoothed) week so far. */
const CURVE_CAP = 2;

/**
 * The curve's sales in the h weeks after the history y, at most CURVE_CAP × its best week smoothed
 * as the stage rules smooth (one wholesale order is not a level): a young product's curve fitted
 * still rising (a Gompertz peak far ahead) would otherwise grow without a bound the data supports.
 */
function curveAhead(fit: CurveFit, y: ArrayLike<number>, h: number, rules: StageRules): Float64Array {
  let best = 0;
  for (const v of movingAverage(y, rules.smoothWeeks)) if (v > best) best = v;
  return Float64Array.from({ length: h }, (_, k) =>
    Math.min(CURVE_CAP * best, Math.max(0, curveSales(fit, y.length + k + 1))),
  );
}

function engineForecast(y: Float64Array, h: number): Float64Array {
  try {
    return Float64Array.from(autoForecast(y, h, [], { seasonLength: 1 }).mean, (v) => Math.max(0, v));
  } catch {
    let s = 0;
    for (const v of y) s += v;
    return new Float64Array(h).fill(s / Math.max(1, y.length));
  }
}

/**
 * The life-cycle stage of every SKU from its weekly demand (see the file's comment): stages with
 * evidence, Bass priors for young products, the curve/engine blend chosen on a backtest, and
 * alerts for stages changed since the latest stored run as of the same date or before.
 * @example
 * const life = await lifecycleWorkspace(ws, { asOf: '2011-11-30' });
 * life.counts.decline; life.alerts; // SKUs per stage, stage changes
 */
export async function lifecycleWorkspace(ws: Workspace, o: LifecycleOptions = {}): Promise<LifecycleResult> {
  const rules = DEFAULT_STAGE_RULES;
  const priorWeeks = o.priorWeeks ?? 26;
  const h = o.horizon ?? 8;
  const input = await workspaceSeries(ws, 'week', o.asOf, {
    partWeek: true,
    ...(o.panel === undefined ? {} : { panel: o.panel }),
  });
  const pw = input.partWeek;
  // the complete weeks, and with them the current week as a whole week at its pace so far
  const complete = input.values.map((v) => fillGaps(v));
  const weeklyOf = (i: number): Float64Array => {
    if (pw === undefined) return complete[i]!;
    const y = new Float64Array(complete[i]!.length + 1);
    y.set(complete[i]!);
    y[y.length - 1] = pw.share > 0 ? pw.units[i]! / pw.share : pw.units[i]!;
    return y;
  };
  // loops, not Math.min(...xs): spreading 100,000 SKUs into arguments overflows the stack
  let dataStart = Infinity;
  for (const s of input.starts) dataStart = Math.min(dataStart, s);
  let lastWeek = -Infinity;
  input.starts.forEach(
    (s, i) => (lastWeek = Math.max(lastWeek, s + (input.values[i]!.length - (pw === undefined ? 1 : 0)) * WEEK_MS)),
  );
  const asOf = isoDate(lastWeek + (pw === undefined ? 6 : pw.days - 1) * DAY_MS);
  const cat = await readCatalog(ws);
  const info = input.ids.map((sku, i) => {
    const c = cat.get(sku);
    const y = weeklyOf(i);
    // a launch is seen when the first sale is at least 4 weeks after the start of the shop's data
    const coversLaunch = input.starts[i]! >= dataStart + 4 * WEEK_MS;
    return {
      sku,
      i,
      y,
      complete: complete[i]!,
      coversLaunch,
      description: c?.description ?? null,
      group: groupKey(c?.description ?? null, c?.category ?? null),
    };
  });

  // priors from the good Bass fits of older launches
  const byGroup = new Map<string, { lp: number[]; lq: number[] }>();
  const all = { lp: [] as number[], lq: [] as number[] };
  const assessed = new Map<number, StageAssessment>();
  const older = info.filter((s) => s.coversLaunch && s.y.length >= priorWeeks);
  const olderStages = await classifyStages(
    older.map((s) => ({ y: s.y, coversLaunch: true })),
    rules,
    o.threads,
    o.shards && { runner: o.shards, labels: older.map((s) => s.sku) },
  );
  for (const [k, s] of older.entries()) {
    const a = olderStages[k]!;
    assessed.set(s.i, a);
    const c = a.evidence.curve;
    // a curve through a handful of units says nothing about how a product spreads
    if (
      c === undefined ||
      c.family !== 'bass' ||
      c.r2 < rules.minCurveR2 ||
      s.y.reduce((a, b) => a + b, 0) < MIN_PRIOR_UNITS
    )
      continue;
    const g = byGroup.get(s.group) ?? { lp: [], lq: [] };
    byGroup.set(s.group, g);
    for (const t of [g, all]) {
      t.lp.push(Math.log(c.params['p']!));
      t.lq.push(Math.log(c.params['q']!));
    }
  }
  // one prior per group (two medians each), asked for by every young product of the group
  const priors = new Map<string, (BassPrior & { from: string }) | undefined>();
  const priorFor = (group: string): (BassPrior & { from: string }) | undefined => {
    if (!priors.has(group)) priors.set(group, groupPrior(group));
    return priors.get(group);
  };
  const groupPrior = (group: string): (BassPrior & { from: string }) | undefined => {
    const g = byGroup.get(group);
    const src =
      g !== undefined && g.lp.length >= 3
        ? { t: g, from: group }
        : all.lp.length >= 3
          ? { t: all, from: 'all' }
          : undefined;
    if (src === undefined) return undefined;
    return { p: Math.exp(median(src.t.lp)), q: Math.exp(median(src.t.lq)), sdLog: 0.5, from: src.from };
  };

  const chosen = o.sku === undefined ? info : info.filter((s) => s.sku === o.sku);
  const young = (s: (typeof info)[number]): boolean => s.coversLaunch && s.y.length < priorWeeks;

  // the blend weight, from a backtest over all young products with enough weeks
  let blend: LifecycleResult['blend'] = null;
  const trials: { y: Float64Array; curve: Float64Array; engine: Float64Array }[] = [];
  for (const s of info) {
    // complete weeks only: the current week's units are not a whole week's
    const y = s.complete;
    if (!young(s) || y.length < h + 4) continue;
    const train = y.subarray(0, y.length - h);
    const curve = curveForecast(train, h, priorFor(s.group), rules);
    if (curve === undefined) continue;
    trials.push({ y: y.subarray(y.length - h), curve, engine: engineForecast(train, h) });
  }
  if (trials.length > 0) {
    const wape = (w: number): number => {
      let e = 0;
      let a = 0;
      for (const t of trials)
        for (let k = 0; k < h; k++) {
          e += Math.abs(t.y[k]! - (w * t.curve[k]! + (1 - w) * t.engine[k]!));
          a += t.y[k]!;
        }
      return a > 0 ? e / a : e;
    };
    let weight = 0;
    for (let k = 1; k <= 10; k++) if (wape(k / 10) < wape(weight)) weight = k / 10;
    blend = { weight, products: trials.length, wape_curve: wape(1), wape_engine: wape(0), wape_blend: wape(weight) };
  }

  // the other products' stages, young ones with their group's prior
  const rest = chosen.filter((s) => !assessed.has(s.i));
  const restStages = await classifyStages(
    rest.map((s) => ({ y: s.y, coversLaunch: s.coversLaunch, prior: young(s) ? priorFor(s.group) : undefined })),
    rules,
    o.threads,
    o.shards && { runner: o.shards, labels: rest.map((s) => s.sku) },
  );
  for (const [k, s] of rest.entries()) assessed.set(s.i, restStages[k]!);
  const listed = Array.isArray(o.series) ? new Set<string>(o.series) : null;
  const keepSeries = (sku: string): boolean => (listed === null ? o.series === true : listed.has(sku));
  const skus: SkuLifecycle[] = [];
  for (const s of chosen) {
    const prior = young(s) ? priorFor(s.group) : undefined;
    const a = assessed.get(s.i)!;
    const entry: SkuLifecycle = {
      sku: s.sku,
      description: s.description,
      group: s.group,
      first_week: isoDate(input.starts[s.i]!),
      weeks: s.y.length,
      stage: a.stage,
      confidence: a.confidence,
      previous_stage: null,
      evidence: a.evidence,
      history: a.history.map((x) => STAGE_LETTERS[x]).join(''),
      ...(prior ? { prior } : {}),
      ...(keepSeries(s.sku) ? { weekly: Array.from(s.y) } : {}),
      ...(pw !== undefined ? { part_week_units: pw.units[s.i]! } : {}),
    };
    // only a curve that fits (R² ≥ minCurveR2, as for the stage vote) informs the forecast
    if (young(s) && a.fit !== undefined && (a.evidence.curve?.r2 ?? -Infinity) >= rules.minCurveR2 && blend !== null) {
      const b = blend.weight;
      const curves = curveAhead(a.fit, s.y, h, rules);
      entry.forecast = [];
      let engine: Float64Array;
      if (pw !== undefined) {
        // the current week first: its units so far plus the rest of the week at the forecast's pace
        engine = engineForecast(s.complete.length > 0 ? s.complete : s.y, h + 1);
        const sold = pw.units[s.i]!;
        const rest = 1 - pw.share;
        const curve = sold + rest * curveAhead(a.fit, s.complete, 1, rules)[0]!;
        const eng = sold + rest * engine[0]!;
        entry.forecast.push({
          week_start: isoDate(lastWeek),
          curve,
          engine: eng,
          blend: b * curve + (1 - b) * eng,
          current: true,
        });
        engine = engine.subarray(1);
      } else engine = engineForecast(s.y, h);
      for (let k = 0; k < h; k++)
        entry.forecast.push({
          week_start: isoDate(lastWeek + (k + 1) * WEEK_MS),
          curve: curves[k]!,
          engine: engine[k]!,
          blend: b * curves[k]! + (1 - b) * engine[k]!,
        });
    }
    skus.push(entry);
  }

  const counts = Object.fromEntries(Object.keys(STAGE_LETTERS).map((k) => [k, 0])) as Record<Stage, number>;
  for (const s of skus) counts[s.stage]++;
  const { previous, runId, alerts } = await storeRun(ws, asOf, skus, o.store ?? o.sku === undefined);
  const part_week = pw === undefined ? null : { week_start: pw.week_start, days: pw.days, share: pw.share };
  return { as_of: asOf, run_id: runId, previous_run: previous, part_week, counts, blend, alerts, skus };
}

async function storeRun(ws: Workspace, asOf: string, skus: SkuLifecycle[], store: boolean) {
  // the baseline is the latest run in time (as-of date) up to this one, not the last one stored
  const latest = await baselineLifecycleRun(ws, asOf);
  const previous = latest === null ? null : { run_id: latest.run_id, as_of: latest.as_of };
  if (latest !== null) for (const s of skus) s.previous_stage = (latest.stages.get(s.sku) as Stage | undefined) ?? null;
  const alerts: LifecycleAlert[] = skus
    .filter((s) => s.previous_stage !== null && s.previous_stage !== s.stage)
    .map((s) => ({ sku: s.sku, from: s.previous_stage!, to: s.stage, confidence: s.confidence }));
  if (!store) return { previous, runId: null, alerts };
  const runId = await nextLifecycleRunId(ws);
  await storeLifecycleRun(ws, { runId, asOf, stages: skus, alerts });
  return { previous, runId, alerts };
}

/**
 * A SKU's stage evidence in one sentence for a merchant: the trend test, the level against the
 * peak, silence, and the launch curve where one fits.
 * Example: 'trend over 13 weeks −4 %/week (p = 0.01); last 4 weeks at 42 % of the peak; Bass curve (R² 0.81) peaked in
 * week 12'.
 */
export function evidenceText(s: Pick<SkuLifecycle, 'evidence'>): string {
  const e = s.evidence;
  const t = e.trend;
  const pct = (x: number): string => `${Math.round(x * 100)} %`;
  const slope = `${t.relativeSlope >= 0 ? '+' : '−'}${Math.abs(Math.round(t.relativeSlope * 1000) / 10)}`;
  const parts = [
    // a test on fewer weeks than it can ever find a trend with says nothing: no slope, no p
    t.tested === false
      ? `too few weeks for a trend (${t.window})`
      : `trend over ${t.window} weeks ${slope} %/week (p = ${t.p < 0.001 ? '< 0.001' : t.p.toFixed(3)})`,
    `last 4 weeks at ${pct(e.level.ratio)} of the peak`,
  ];
  if (e.weeksSinceLastSale >= 2) parts.push(`no sale for ${e.weeksSinceLastSale} weeks`);
  const c = e.curve;
  if (c !== undefined) {
    const name = c.family === 'bass' ? 'Bass' : c.family === 'gompertz' ? 'Gompertz' : 'triangle';
    // a peak beyond the data is a forecast: say how far ahead, not a week number past the history's end
    const ahead = Math.round(c.peakWeek - e.weeks);
    const peak =
      c.peakWeek <= e.weeks
        ? `peaked in week ${Math.max(1, Math.round(c.peakWeek))} of ${e.weeks}`
        : ahead <= 1
          ? `expected to peak about now (week ${e.weeks})`
          : `expected to peak in about ${ahead} weeks (${e.weeks} weeks so far)`;
    const loose = c.r2 < DEFAULT_STAGE_RULES.minCurveR2 ? ', too loose to vote' : '';
    parts.push(`${name} curve (R² ${c.r2.toFixed(2)}${loose}) ${peak}`);
  } else if (!e.coversLaunch) parts.push('history starts before the data: no launch curve');
  return parts.join('; ');
}
