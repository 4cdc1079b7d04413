/**
 * npm run bench:launch — new-product launch forecasts on Online Retail (issue #5).
 *
 * Every SKU whose first sale falls between 2011-06-01 and 2011-09-09 is treated as new on the day
 * of its first sale: only the products launched before that day (their history up to the day
 * before), its own description and its first selling price are visible. Its first 8 weeks of demand
 * (weeks from the first sale) are forecast and scored against two baselines built from the same
 * visible products: the average launch curve of all products, and the average launch curve of
 * products with the same first word of description (all products when there is none).
 *  - WAPE = Σ|y − ŷ| / Σ y over all new SKUs and weeks;
 *  - RMSSE per SKU = √(mean (y − ŷ)² / mean (Δy)²), Δy the week-to-week changes of its actual 8
 *    weeks counting from 0 before the launch (never 0: week 1 has the first sale), then the mean.
 *
 * Reads ../shared/data/online-retail/transactions.csv.gz (says so when absent); writes
 * bench/out/launch.json. Options: --workspace DIR (reuse an ingested workspace), --opts JSON (options
 * of the analog-curve method, e.g. '{"k":10,"center":"mean"}').
 * Beside the methods, a bound no forecast can use: each SKU's own actual 8-week mean (and median)
 * forecast flat, which shows how much of the WAPE is week-to-week noise.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DAY_MS } from '../src/numerics/calendar.js';
import {
  type LaunchPool,
  type LaunchOptions,
  DEFAULT_LAUNCH_OPTIONS,
  buildLaunchPool,
  forecastLaunch,
  launchCurve,
} from '../src/launch/analogs.js';
import { firstWord, words } from '../src/launch/text.js';
import { type LaunchedProduct } from '../src/launch/history.js';
import { loadShopHistory } from '../src/pipeline/panels.js';
import {
  type LaunchContext,
  type LaunchModel,
  launchContext,
  launchFeatures,
  predictLaunch,
  sumQuantile,
  trainLaunchModel,
} from '../src/launch/model.js';
import { withWorkspaceAsOf } from '../src/store/as-of.js';
import { Workspace } from '../src/store/workspace.js';
import { onlineRetailWorkspace } from './or-workspace.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const out = join(repo, 'bench/out');
const { values } = parseArgs({ options: { workspace: { type: 'string' }, opts: { type: 'string' } } });
const WEEKS = 8;

const workspace = onlineRetailWorkspace('bench:launch', values.workspace);
mkdirSync(out, { recursive: true });
const ws = await Workspace.open(workspace.dir);
const t0 = performance.now();
const history = await loadShopHistory(ws);
const dayOf = (iso: string): number => Math.round((Date.parse(`${iso}T00:00:00Z`) - history.start) / DAY_MS);
const from = dayOf('2011-06-01');
const to = dayOf('2011-09-09');
const news = history.products.filter((p) => p.firstDay >= from && p.firstDay <= to);
const opts: LaunchOptions = {
  ...DEFAULT_LAUNCH_OPTIONS,
  weeks: WEEKS,
  ...(values.opts !== undefined ? (JSON.parse(values.opts) as Partial<LaunchOptions>) : {}),
};

/** Average launch curve over a set of pool products (per week over those that reached it). */
function averageCurve(pool: LaunchPool, keep: (i: number) => boolean): Float64Array | undefined {
  const sum = new Float64Array(WEEKS);
  const cnt = new Float64Array(WEEKS);
  pool.curves.forEach((c, i) => {
    if (!keep(i)) return;
    for (let w = 0; w < WEEKS; w++)
      if (Number.isFinite(c[w]!)) {
        sum[w] = sum[w]! + c[w]!;
        cnt[w] = cnt[w]! + 1;
      }
  });
  if (cnt[0] === 0) return undefined;
  const avg = Float64Array.from(sum, (s, w) => (cnt[w]! > 0 ? s / cnt[w]! : NaN));
  for (let w = 1; w < WEEKS; w++) if (!Number.isFinite(avg[w]!)) avg[w] = avg[w - 1]!;
  return avg;
}

type Method =
  'model_mean' | 'model_p50' | 'knn_scaled' | 'combo' | 'analogs' | 'all_products_curve' | 'first_word_curve';
const methods: Method[] = [
  'model_mean',
  'model_p50',
  'knn_scaled',
  'combo',
  'analogs',
  'all_products_curve',
  'first_word_curve',
];
const err = Object.fromEntries(methods.map((m) => [m, { abs: 0, rmsse: [] as number[] }])) as Record<
  Method,
  { abs: number; rmsse: number[] }
>;
let actualTotal = 0;
let coverage90 = 0;
const oracle = { mean: 0, median: 0 };
let coverageN = 0;
/** diagnostics of the p50: weeks above it (all, first weeks), its WAPE scaled, and per launch its error for the range split */
const p50 = {
  above: 0,
  firstAbove: 0,
  scaled: new Map<number, number>([
    [0.8, 0],
    [1.25, 0],
    [1.5, 0],
  ]),
};
/** initial stock over the first 4 weeks at 95 % service, per assumed correlation of the weeks */
const stocks = [0, 0.25, 0.5, 0.75, 1].map((rho) => ({ rho, units: 0, covered: 0 }));
// what the plan stocks: the sum of the weekly 95 % quantiles (comonotonic weeks)
const summedP95 = { units: 0, covered: 0 };
let stockN = 0;
let stockMean = 0;
const perLaunch: { day: number; lastWord: string; abs: number; actual: number }[] = [];
// one view per 7-day block: the workspace as it was after the block's last day, cleaned on its own
const views = new Map<number, { pool: LaunchPool; ctx: LaunchContext; model: LaunchModel }>();
const scored: LaunchedProduct[] = [];
for (const p of news) {
  const actual = launchCurve(p, WEEKS, history.days - 1);
  if (!actual.every(Number.isFinite)) continue;
  scored.push(p);
  // the view as of the last day of the previous 7-day block (≤ launch − 1), retrained weekly
  const cut = p.firstDay - 1 - ((p.firstDay - 1) % 7);
  let m = views.get(cut);
  if (m === undefined) {
    const before = new Date(history.start + (cut + 1) * DAY_MS).toISOString().slice(0, 10);
    const h = await withWorkspaceAsOf(ws, before, () => loadShopHistory(ws));
    const ctx = launchContext(h);
    m = { pool: buildLaunchPool(h, WEEKS), ctx, model: trainLaunchModel(ctx, WEEKS, h.days - 1, [0.05, 0.5, 0.95]) };
    views.set(cut, m);
    console.error(`view as of ${before}: ${m.model.products} launches to learn from`);
  }
  const pool = m.pool;
  // day numbers of the view (same start as the full history when the data starts the same day)
  if (m.ctx.history.start !== history.start) throw new Error('the view starts on another day');
  const fc = forecastLaunch(
    pool,
    { name: p.description, price: p.firstPrice },
    Math.min(p.firstDay, pool.asOfDay),
    opts,
  );
  const word = firstWord(p.description);
  const all = averageCurve(pool, () => true)!;
  const same = averageCurve(pool, (i) => pool.groups[i] === word) ?? all;
  const feats = launchFeatures(m.ctx, p.description, p.firstPrice, p.firstDay).features;
  const pred = predictLaunch(m.model, feats);
  const knn = Math.expm1(feats[2]!);
  const forecasts: Record<Method, ArrayLike<number>> = {
    model_mean: pred.mean,
    model_p50: pred.quantiles[1]!.values,
    knn_scaled: m.model.scale.map((c) => c * (Number.isFinite(knn) ? knn : 0)),
    combo: pred.quantiles[1]!.values.map((v, w) => (v + m!.model.scale[w]! * (Number.isFinite(knn) ? knn : 0)) / 2),
    analogs: fc.weeks.map((w) => w.mean),
    all_products_curve: all,
    first_word_curve: same,
  };
  let scale = 0;
  for (let w = 0; w < WEEKS; w++) scale += (actual[w]! - (w > 0 ? actual[w - 1]! : 0)) ** 2;
  scale /= WEEKS;
  for (const m of methods) {
    let se = 0;
    for (let w = 0; w < WEEKS; w++) {
      const f = forecasts[m][w]!;
      err[m].abs += Math.abs(actual[w]! - f);
      se += (actual[w]! - f) ** 2;
    }
    err[m].rmsse.push(Math.sqrt(se / WEEKS / scale));
  }
  const ownMean = actual.reduce((a, b) => a + b, 0) / WEEKS;
  const sorted = Float64Array.from(actual).sort();
  const ownMedian = (sorted[WEEKS / 2 - 1]! + sorted[WEEKS / 2]!) / 2;
  let launchAbs = 0;
  for (let w = 0; w < WEEKS; w++) {
    oracle.mean += Math.abs(actual[w]! - ownMean);
    oracle.median += Math.abs(actual[w]! - ownMedian);
    actualTotal += actual[w]!;
    coverageN++;
    if (actual[w]! >= pred.quantiles[0]!.values[w]! && actual[w]! <= pred.quantiles[2]!.values[w]!) coverage90++;
    const median = pred.quantiles[1]!.values[w]!;
    launchAbs += Math.abs(actual[w]! - median);
    if (actual[w]! > median) {
      p50.above++;
      if (w === 0) p50.firstAbove++;
    }
    for (const [c, e] of p50.scaled) p50.scaled.set(c, e + Math.abs(actual[w]! - c * median));
  }
  // initial stock for 95 % service over the first 4 weeks, by the weeks' correlation (1: comonotonic)
  const cover = Array.from({ length: 4 }, (_, w) => ({
    mean: pred.mean[w]!,
    p05: pred.quantiles[0]!.values[w]!,
    p95: pred.quantiles[2]!.values[w]!,
  }));
  const coverActual = actual.slice(0, 4).reduce((a, b) => a + b, 0);
  stockN++;
  const summed = Math.ceil(cover.reduce((a, w) => a + w.p95, 0));
  summedP95.units += summed;
  if (coverActual <= summed) summedP95.covered++;
  for (const s of stocks) {
    const units = Math.ceil(sumQuantile(cover, 0.95, (w) => cover[w]!.p95, s.rho));
    s.units += units;
    if (coverActual <= units) s.covered++;
  }
  stockMean += cover.reduce((a, w) => a + w.mean, 0);
  perLaunch.push({
    day: p.firstDay,
    lastWord: words(p.description).at(-1) ?? '',
    abs: launchAbs,
    actual: ownMean * WEEKS,
  });
}
const seconds = (performance.now() - t0) / 1000;
// launches that come as a range: another launch on the same day ends in the same word
const rangeKey = (l: (typeof perLaunch)[number]): string => `${l.day}|${l.lastWord}`;
const rangeSize = new Map<string, number>();
for (const l of perLaunch) rangeSize.set(rangeKey(l), (rangeSize.get(rangeKey(l)) ?? 0) + 1);
const wapeOf = (ls: typeof perLaunch): { launches: number; wape: number; share_of_actual: number } => ({
  launches: ls.length,
  wape: ls.reduce((a, l) => a + l.abs, 0) / ls.reduce((a, l) => a + l.actual, 0),
  share_of_actual: ls.reduce((a, l) => a + l.actual, 0) / actualTotal,
});
const result = Object.fromEntries(
  methods.map((m) => [
    m,
    { wape: err[m].abs / actualTotal, rmsse: err[m].rmsse.reduce((a, b) => a + b, 0) / err[m].rmsse.length },
  ]),
) as Record<Method, { wape: number; rmsse: number }>;
const better = {
  wape: Math.min(result.all_products_curve.wape, result.first_word_curve.wape),
  rmsse: Math.min(result.all_products_curve.rmsse, result.first_word_curve.rmsse),
};
const report = {
  measured: new Date().toISOString().slice(0, 10),
  data: 'Online Retail (UCI), launches 2011-06-01 … 2011-09-09, first 8 weeks',
  new_skus: scored.length,
  views: views.size,
  options: opts,
  results: result,
  improvement_vs_better_baseline: {
    wape: 1 - result.model_p50.wape / better.wape,
    rmsse: 1 - result.model_p50.rmsse / better.rmsse,
  },
  interval_90_coverage: coverage90 / coverageN,
  initial_stock_4_weeks_95: {
    plan_sum_of_weekly_p95: {
      launches_covered: summedP95.covered / stockN,
      stock_over_mean: summedP95.units / stockMean,
    },
    lognormal_by_week_correlation: stocks.map((t) => ({
      week_correlation: t.rho,
      launches_covered: t.covered / stockN,
      stock_over_mean: t.units / stockMean,
    })),
  },
  bound_own_actual_flat_wape: { mean: oracle.mean / actualTotal, median: oracle.median / actualTotal },
  p50_diagnostics: {
    weeks_above_p50: p50.above / coverageN,
    first_weeks_above_p50: p50.firstAbove / scored.length,
    wape_of_p50_times: Object.fromEntries([...p50.scaled].map(([c, e]) => [String(c), e / actualTotal])),
    range_launches: wapeOf(perLaunch.filter((l) => rangeSize.get(rangeKey(l))! > 1)),
    single_launches: wapeOf(perLaunch.filter((l) => rangeSize.get(rangeKey(l)) === 1)),
  },
  seconds,
};
console.log(JSON.stringify(report, null, 2));
writeFileSync(join(out, 'launch.json'), JSON.stringify(report, null, 2) + '\n');
ws.close();
workspace.cleanup();
