/**
 * npm run bench:inventory — ordering policies proven by replay on Online Retail (issue #6).
 *
 * The 500 SKUs with the most revenue before 2011-08-13 are replayed day by day over the 12 weeks
 * 2011-08-13 … 2011-11-04 on the units customers actually ordered: weekly review (every 7th day
 * from the first), lead time 7 days, lost sales, each SKU starting with one lead time's demand in
 * stock (its mean daily demand of the 28 days before × 7), target fill rate 95 %. Costs: unit cost
 * 60 % of the median price, holding 25 % of unit cost a year, a lost unit costs its margin
 * (price − unit cost) — the stated defaults of src/inventory/defaults.ts.
 *
 * Policies, side by side on the same replay:
 *  - forecast-quantile base stock: at each review the engine (`--model`, default auto) forecasts
 *    the next 14 days from the clean history up to the day before; scenarios of lead-time and
 *    protection-period demand (lead-time-demand.ts) give the order-up-to level for a 95 % fill
 *    rate per SKU; nothing of the replay window is seen before its day; scenarios and the 95 %
 *    quantile level come from plan's own stock policy (src/inventory/stock-policy.ts);
 *  - the same scenarios at a 95 % cycle service level; cost-optimal newsvendor levels; (s, S)
 *    with an EOQ lot (order cost 20);
 *  - moving-average min/max: min = k · MA28 · (L + R), max = min + MA28 · R, with k tuned by
 *    bisection *on this replay* until its fill rate equals the forecast policy's (an advantage the
 *    forecast policy does not get);
 *  - the same min/max with k tuned on the 12 weeks *before* the window (what a merchant could have
 *    tuned): to 95 % fill there when reachable, and the k of least holding + shortage cost there; the
 *    forecast policy's cost at that rule's fill rate on the window is interpolated over a sweep of
 *    its service levels (equal fill rate);
 *  - tabular Q-learning, trained in the simulator on the 24 weeks before the window (MA28 level in
 *    its state), then run greedily on the window;
 *  - perfect foresight: knows each week's demand; a lower bound on cost, not a policy;
 *  - level bounds: the forecast policy's scenarios around each SKU's true mean demand of the next
 *    14 days, or halfway (geometrically) between it and the forecast — how good a level forecast
 *    would have to be for a given saving against the min/max rule.
 *
 * Scenarios are whole units drawn from the clean (outlier-capped) history, as plan draws them since
 * issue #18; --actual draws the windows from the units customers actually ordered instead (plan's
 * scenarios before). Reads ../shared/data/online-retail/transactions.csv.gz (says so when absent),
 * or --workspace DIR with it ingested. --floor S sets the scenarios' floor (a share of the forecast;
 * default 0.25). Writes bench/out/inventory.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { forecastParallel } from '../src/engine/parallel-forecast.js';
import { makeBatch } from '../src/engine/series-batch.js';
import { demandCv, xyzClass } from '../src/inventory/abc-xyz.js';
import { skuCosts } from '../src/inventory/defaults.js';
import { eoq } from '../src/inventory/eoq.js';
import {
  type ScenarioTables,
  baseStockForFillRate,
  levelsForAggregateFillRate,
  newsvendorBaseStock,
} from '../src/inventory/policies.js';
import { DEFAULT_Q_CONFIG, emptyQTable, qPolicy } from '../src/inventory/q-learning.js';
import { type ReplayMetrics, type ReplayPolicy, type ReplaySku, replay } from '../src/inventory/replay.js';
import { stockPolicy, stockScenarios } from '../src/inventory/stock-policy.js';
import { DEFAULT_LEVELS } from '../src/models/contract.js';
import { mulberry32, normalSource } from '../src/numerics/random.js';
import { loadInventoryPanel } from '../src/pipeline/inventory-panel.js';
import { Workspace } from '../src/store/workspace.js';
import { onlineRetailWorkspace } from './or-workspace.js';
import { DAY_MS } from '../src/numerics/calendar.js';
import { sql } from '../src/store/sql.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const out = join(repo, 'bench/out');
const { values } = parseArgs({
  options: {
    workspace: { type: 'string' },
    model: { type: 'string', default: 'auto' },
    scenarios: { type: 'string', default: '2000' },
    skus: { type: 'string', default: '500' },
    floor: { type: 'string', default: '0.25' },
    /** scenario windows from the units customers actually ordered (outliers uncapped), as plan drew them before issue #18 */
    actual: { type: 'boolean', default: false },
  },
});
const START = '2011-08-13';
const END = '2011-11-04';
const L = 7;
const R = 7;
const TARGET = 0.95;
const TRAIN_WEEKS = 24;
const SCENARIOS = Number(values.scenarios);
/** --floor: a scenario window's expected level is at least this share of the forecast (the plan's 0.25) */
const FLOOR = Number(values.floor);
if (!(FLOOR >= 0)) throw new RangeError(`bench:inventory: --floor must be a number ≥ 0, got ${values.floor}`);

const workspace = onlineRetailWorkspace('bench:inventory', values.workspace);
mkdirSync(out, { recursive: true });
const t0 = performance.now();
const ws = await Workspace.open(workspace.dir);
const top = (
  await ws.all(sql`
  SELECT sku FROM daily_demand d JOIN catalog c USING (sku)
  WHERE d.date < ${START}::DATE AND c.is_product GROUP BY sku ORDER BY sum(d.revenue) DESC, sku LIMIT ${Number(values.skus)}::INTEGER`)
).map((r) => r['sku'] as string);
const panel = await loadInventoryPanel(ws, { skus: top, to: END });
ws.close();
const n = panel.ids.length;
const s0 = Math.round((Date.parse(`${START}T00:00:00Z`) - panel.firstDay) / DAY_MS);
const days = panel.days - s0;
const reviews = Math.ceil(days / R);
console.error(`bench:inventory: ${n} SKUs, ${days} days from ${START}, ${reviews} reviews`);

const mean = (a: Float64Array, from: number, to: number): number => {
  let s = 0;
  for (let t = Math.max(0, from); t < to; t++) s += a[t]!;
  return to > from ? s / (to - Math.max(0, from)) : 0;
};
const costs = panel.ids.map((_, i) => skuCosts(panel.price[i]!));
const skusAt = (from: number, len: number): ReplaySku[] =>
  panel.ids.map((id, i) => ({
    id,
    demand: panel.actual[i]!.slice(from, from + len),
    initialStock: mean(panel.actual[i]!, from - 28, from) * L,
    ...costs[i]!,
    leadTime: { mean: L, sd: 0 },
  }));
const test = skusAt(s0, days);
const opts = { reviewDays: R, lostSales: true, seed: 1 };

// forecasts and scenario tables at every review, from data before the review's day only
const tf = performance.now();
const u = mulberry32(2026);
const normal = normalSource(u);
/** Scenario tables of SKU i at a review on day `cut` around the daily means `level` (history before `cut` only), drawn as plan draws them. */
const scenarios = (i: number, cut: number, level: Float64Array): ScenarioTables =>
  stockScenarios({
    history: panel.clean[i]!.subarray(0, cut),
    ...(values.actual === true ? { actual: panel.actual[i]!.subarray(0, cut) } : {}),
    mean: level,
    leadTime: { mean: L, sd: 0 },
    reviewDays: R,
    scenarios: SCENARIOS,
    uniform: u,
    normal,
    floorShare: FLOOR,
  });
const tables: ScenarioTables[][] = [];
/** each review's forecast daily means of every SKU (L + R days) */
const forecastMeans: Float64Array[][] = [];
const dailyMean: Float64Array[] = [];
for (let r = 0; r < reviews; r++) {
  const cut = s0 + r * R;
  const batch = makeBatch(
    panel.ids,
    panel.clean.map((c) => c.subarray(0, cut)),
  );
  const fc = await forecastParallel(batch, {
    model: values.model!,
    h: L + R,
    levels: DEFAULT_LEVELS,
    seasonLength: 7,
    nonNegative: true,
  });
  const row: ScenarioTables[] = [];
  const means = new Float64Array(n);
  const daily: Float64Array[] = [];
  for (let i = 0; i < n; i++) {
    const m = fc.mean.subarray(i * fc.h, (i + 1) * fc.h);
    means[i] = mean(m, 0, m.length);
    daily.push(m);
    row.push(scenarios(i, cut, m));
  }
  tables.push(row);
  forecastMeans.push(daily);
  dailyMean.push(means);
  console.error(`  review ${r + 1}/${reviews} forecast and scenarios`);
}
const forecastSeconds = (performance.now() - tf) / 1000;

// Bounds, not policies: the same scenarios around a level the forecast could not know — each SKU's
// true mean demand over the next L + R days (w = 1), or the geometric mean of that and the
// forecast's (w = 0.5: a forecast whose log error is half as large). They show how much of the cost
// gap to perfect foresight is the forecast's level and how accurate a level must be to save a
// given share against the min/max rule. Drawn after the forecast's tables, so those are unchanged.
const levelBound = (w: number): { t: ScenarioTables[][]; means: Float64Array[][] } => {
  const means = tables.map(() => [] as Float64Array[]);
  const t = tables.map((_, r) => {
    const cut = s0 + r * R;
    return panel.ids.map((_, i) => {
      const truth = Math.max(mean(panel.actual[i]!, cut, Math.min(cut + L + R, panel.days)), 1e-3);
      const level = Math.exp((1 - w) * Math.log(Math.max(dailyMean[r]![i]!, 1e-3)) + w * Math.log(truth));
      means[r]!.push(new Float64Array(L + R).fill(level));
      return scenarios(i, cut, means[r]![i]!);
    });
  });
  return { t, means };
};
const boundTables = { half: levelBound(0.5), truth: levelBound(1) };

// how accurate the levels are: WAPE of each review's forecast, and of the 28-day moving average,
// against the units of the next L + R days (fewer at the window's end), over all SKUs and reviews
const levelWape = { forecast: 0, moving_average_28: 0 };
let levelActual = 0;
for (let r = 0; r < reviews; r++) {
  const cut = s0 + r * R;
  const span = Math.min(L + R, panel.days - cut);
  for (let i = 0; i < n; i++) {
    const a = mean(panel.actual[i]!, cut, cut + span) * span;
    levelWape.forecast += Math.abs(a - dailyMean[r]![i]! * span);
    levelWape.moving_average_28 += Math.abs(a - mean(panel.actual[i]!, cut - 28, cut) * span);
    levelActual += a;
  }
}
levelWape.forecast /= levelActual;
levelWape.moving_average_28 /= levelActual;

const levelPolicy = (name: string, level: (i: number, r: number) => number): ReplayPolicy => ({
  name,
  order: (s) => level(s.sku, s.review) - s.position,
});
/**
 * plan's stock policy (src/inventory/stock-policy.ts) at the target cycle service level, without an
 * EOQ lot, MOQ or packs: at each review it wants the TARGET quantile of protection-period demand
 * minus the position (the replay takes fractional units, so `wanted`, not the rounded quantity).
 */
const basePolicy = (
  name: string,
  t: ScenarioTables[][],
  means: Float64Array[][],
  serviceLevel = TARGET,
): ReplayPolicy => ({
  name,
  order: (s) =>
    stockPolicy({
      scenarios: t[s.review]![s.sku]!,
      mean: means[s.review]![s.sku]!,
      serviceLevel,
      position: s.position,
      reviewDays: R,
    }).wanted,
});
const fillLevels = tables.map((row) => row.map((t) => baseStockForFillRate(t, TARGET)));
const results: (ReplayMetrics & { note?: string })[] = [];
const run = (p: ReplayPolicy, skus = test): ReplayMetrics => replay(skus, p, opts).total;

// the headline policy: order up to the 95 % quantile of the forecast's protection-period demand
const main = run(
  basePolicy('forecast-quantile base stock: 95 % quantile of demand over lead time + review', tables, forecastMeans),
);
results.push(main);
results.push(
  run(levelPolicy('forecast-quantile base stock: level for a 95 % fill rate per SKU', (i, r) => fillLevels[r]![i]!)),
);
const levelCosts = costs.map((c) => ({ holdingPerCycle: c.holdingPerUnitDay * R, shortagePerUnit: c.shortagePerUnit }));
const aggregate = tables.map((row) => levelsForAggregateFillRate(row, levelCosts, TARGET).levels);
results.push(
  run(
    levelPolicy(
      'forecast-quantile levels for a 95 % fill rate over all SKUs at least expected cost',
      (i, r) => aggregate[r]![i]!,
    ),
  ),
);
results.push(
  run(
    levelPolicy('newsvendor (cost-optimal critical ratio)', (i, r) =>
      newsvendorBaseStock(tables[r]![i]!, costs[i]!.holdingPerUnitDay * R, costs[i]!.shortagePerUnit),
    ),
  ),
);
results.push(
  run({
    name: '(s, S): s for fill rate 95 %, S = s + EOQ (order cost 20)',
    // not plan's lot (stock-policy.ts): λ here is the forecast's mean daily demand over L + R, as bench/RESULTS.md measured it
    order: (st) => {
      const s = fillLevels[st.review]![st.sku]!;
      if (st.position > s) return 0;
      const lambda = Math.max(dailyMean[st.review]![st.sku]! * 365, 1e-9);
      return (
        s +
        eoq(costs[st.sku]!.orderCost, Math.max(costs[st.sku]!.holdingPerUnitDay * 365, 1e-9), lambda).q -
        st.position
      );
    },
  }),
);

// moving-average min/max, k tuned on this replay to the forecast policy's fill rate
function maPolicy(k: number, from = s0, how = 'tuned on the replay'): ReplayPolicy {
  return {
    name: `moving-average min/max, k = ${k.toFixed(3)} (${how})`,
    order: (st) => {
      const day = from + st.day;
      const ma = mean(panel.actual[st.sku]!, day - 28, day);
      const min = k * ma * (L + R);
      return st.position <= min ? min + ma * R - st.position : 0;
    },
  };
}
/** The smallest k (bisection over 0.05 … 20) whose min/max replay over `skus` from day `from` reaches `fill`. */
function tuneK(fill: number, skus = test, from = s0): number {
  let lo = 0.05;
  let hi = 20;
  for (let it = 0; it < 40; it++) {
    const mid = (lo + hi) / 2;
    if (run(maPolicy(mid, from), skus).fillRate < fill) lo = mid;
    else hi = mid;
  }
  return hi;
}
/** The min/max rule tuned on this replay to reach `fill`. */
const tunedMinMax = (fill: number): ReplayMetrics => run(maPolicy(tuneK(fill)));
const ma = tunedMinMax(main.fillRate);
results.push(ma);
const maTarget = tunedMinMax(TARGET);
results.push({
  ...maTarget,
  policy: maTarget.policy.replace('tuned on the replay', 'tuned on the replay to exactly 95 %'),
});
// what a merchant could actually have tuned: k reaching 95 % on the 12 weeks before the window (each starting with
// one lead time's demand, as the window does), then run unchanged on the window
const BEFORE_WEEKS = 12;
const before = s0 - BEFORE_WEEKS * 7;
const beforeSkus = skusAt(before, BEFORE_WEEKS * 7);
const kBefore95 = tuneK(TARGET, beforeSkus, before);
const before95 = run(maPolicy(kBefore95, before), beforeSkus);
results.push(
  run(
    maPolicy(
      kBefore95,
      s0,
      `tuned on the ${BEFORE_WEEKS} weeks before the window to 95 % fill` +
        (before95.fillRate < TARGET ? `, unreachable there: ${(before95.fillRate * 100).toFixed(2)} % at k = 20` : ''),
    ),
  ),
);
// the k with the least holding + shortage cost on the weeks before (a log grid over 0.25 … 20): what a merchant
// minimising the same cost would have kept
let kBefore = 1;
let bestBefore = Infinity;
for (let g = 0; g <= 60; g++) {
  const k = 0.25 * Math.pow(80, g / 60);
  const c = run(maPolicy(k, before), beforeSkus).cost;
  if (c < bestBefore) {
    bestBefore = c;
    kBefore = k;
  }
}
const maBefore = run(maPolicy(kBefore, s0, `least cost on the ${BEFORE_WEEKS} weeks before the window`));
results.push(maBefore);
const savingVsBefore = 1 - main.cost / maBefore.cost;
// the forecast policy at the pre-tuned rule's fill rate: its cost over a sweep of service levels, interpolated
// linearly in fill rate between the two levels around that fill rate
const sweep = [0.7, 0.75, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.98, 0.99, 0.995].map((sl) => {
  const m = run(basePolicy(`forecast-quantile base stock at ${sl}`, tables, forecastMeans, sl));
  return { serviceLevel: sl, fillRate: m.fillRate, cost: m.cost };
});
const atFill = (fill: number): number | null => {
  for (let k = 1; k < sweep.length; k++) {
    const a = sweep[k - 1]!;
    const b = sweep[k]!;
    if ((a.fillRate - fill) * (b.fillRate - fill) <= 0 && a.fillRate !== b.fillRate)
      return a.cost + ((fill - a.fillRate) / (b.fillRate - a.fillRate)) * (b.cost - a.cost);
  }
  return null;
};
const forecastAtBeforeFill = atFill(maBefore.fillRate);
const savingVsBeforeAtEqualFill = forecastAtBeforeFill === null ? null : 1 - forecastAtBeforeFill / maBefore.cost;

// the level bounds at the headline policy's 95 % quantile, each against the min/max rule tuned to its own fill rate
const bounds = [
  {
    name: 'bound: the same scenarios around the geometric mean of the forecast and the true mean demand of the next 14 days (half the log error)',
    t: boundTables.half,
  },
  { name: 'bound: the same scenarios around the true mean demand of the next 14 days', t: boundTables.truth },
].map(({ name, t }) => {
  const m = run(basePolicy(name, t.t, t.means));
  const vs = tunedMinMax(m.fillRate);
  return { ...m, minMaxAtSameFill: vs.cost, savingVsMinMax: 1 - m.cost / vs.cost };
});
// Q-learning: trained on the weeks before the window, MA28 level in the state
const tq = performance.now();
const trainFrom = s0 - TRAIN_WEEKS * 7;
const train = skusAt(trainFrom, TRAIN_WEEKS * 7);
const classes = panel.ids.map((_, i) => {
  const weekly: number[] = [];
  for (let t = s0 - 364; t + 7 <= s0; t += 7) weekly.push(mean(panel.actual[i]!, t, t + 7) * 7);
  return 'XYZ'.indexOf(xyzClass(demandCv(weekly)));
});
const qCtx = (from: number) => ({
  weeklyLevel: (i: number, r: number) => mean(panel.actual[i]!, from + r * R - 28, from + r * R) * 7,
  skuClass: (i: number) => classes[i]!,
  costScale: (i: number) => Math.max(costs[i]!.shortagePerUnit * mean(panel.actual[i]!, trainFrom - 28, s0) * 7, 1e-6),
});
const table = emptyQTable(DEFAULT_Q_CONFIG);
const uq = mulberry32(7);
const EPOCHS = 60;
for (let e = 0; e < EPOCHS; e++)
  replay(train, qPolicy(table, qCtx(trainFrom), Math.max(0.02, 0.4 * (1 - e / EPOCHS)), uq), { ...opts, seed: e });
const q = run(
  qPolicy(table, qCtx(s0), 0, uq, `tabular Q-learning (${EPOCHS} epochs on the ${TRAIN_WEEKS} weeks before)`),
);
results.push(q);
const qSeconds = (performance.now() - tq) / 1000;

// perfect foresight: each order brings exactly the next cycle's demand
const pf = run({
  name: 'perfect foresight (bound, not a policy)',
  order: (st) => {
    const d = test[st.sku]!.demand;
    let x = st.onHand + st.onOrder;
    for (let t = st.day; t < st.day + L && t < d.length; t++) x = Math.max(0, x - d[t]!);
    let need = 0;
    for (let t = st.day + L; t < st.day + L + R && t < d.length; t++) need += d[t]!;
    return need - x;
  },
});
results.push(pf);
results.push(...bounds);

const saving = 1 - main.cost / ma.cost;
const summary = {
  skus: n,
  window: `${START} … ${END}`,
  days,
  reviews,
  lead_time_days: L,
  review_days: R,
  target_fill_rate: TARGET,
  model: values.model,
  scenarios: SCENARIOS,
  forecast_and_scenarios_seconds: Math.round(forecastSeconds * 10) / 10,
  q_learning_seconds: Math.round(qSeconds * 10) / 10,
  total_seconds: Math.round((performance.now() - t0) / 100) / 10,
  cost_saving_vs_tuned_min_max: Math.round(saving * 10000) / 10000,
  cost_saving_vs_min_max_tuned_before: Math.round(savingVsBefore * 10000) / 10000,
  min_max_k_tuned_before: Math.round(kBefore * 1000) / 1000,
  min_max_k_tuned_before_to_95: Math.round(kBefore95 * 1000) / 1000,
  min_max_before_window_fill_at_k_95: Math.round(before95.fillRate * 10000) / 10000,
  forecast_cost_at_min_max_before_fill: forecastAtBeforeFill === null ? null : Math.round(forecastAtBeforeFill),
  cost_saving_vs_min_max_tuned_before_at_equal_fill:
    savingVsBeforeAtEqualFill === null ? null : Math.round(savingVsBeforeAtEqualFill * 10000) / 10000,
  service_level_sweep: sweep,
  scenario_windows: values.actual === true ? 'actual units' : 'clean (capped) units',
  level_wape_next_14_days: {
    forecast: Math.round(levelWape.forecast * 10000) / 10000,
    moving_average_28: Math.round(levelWape.moving_average_28 * 10000) / 10000,
  },
  results,
};
writeFileSync(join(out, 'inventory.json'), JSON.stringify(summary, null, 2));
const f = (x: number, d = 0): string =>
  x.toLocaleString('en-GB', { minimumFractionDigits: d, maximumFractionDigits: d });
console.log(
  `| policy | fill rate | cycle service | stock-out SKU-days | holding | shortage | holding + shortage | ordering | orders | turns |`,
);
console.log(`|---|---|---|---|---|---|---|---|---|---|`);
for (const r of results)
  console.log(
    `| ${r.policy} | ${f(r.fillRate * 100, 2)} % | ${f(r.cycleServiceLevel * 100, 1)} % | ${f(r.stockoutDays)} | ${f(r.holdingCost)} | ${f(r.shortageCost)} | ${f(r.cost)} | ${f(r.orderingCost)} | ${f(r.orders)} | ${f(r.turns, 1)} |`,
  );
console.log(
  `\nforecast policy vs min/max tuned to the same fill rate: ${f(saving * 100, 1)} % lower holding + shortage cost`,
);
console.log(
  `forecast policy (${f(main.fillRate * 100, 2)} % fill) vs min/max tuned on the ${BEFORE_WEEKS} weeks before ` +
    `(k = ${kBefore.toFixed(3)}, ${f(maBefore.fillRate * 100, 2)} % fill): ${f(savingVsBefore * 100, 1)} % lower holding + shortage cost`,
);
console.log(
  `at the same ${f(maBefore.fillRate * 100, 2)} % fill (forecast policy interpolated over service levels ` +
    `${sweep.map((x) => `${x.serviceLevel}: ${f(x.fillRate * 100, 2)} % / ${f(x.cost)}`).join(', ')}): ` +
    (savingVsBeforeAtEqualFill === null
      ? 'outside the sweep'
      : `${f(forecastAtBeforeFill!)} vs ${f(maBefore.cost)}, ${f(savingVsBeforeAtEqualFill * 100, 1)} % lower`),
);
console.log(
  `level WAPE over the next 14 days: forecast ${f(levelWape.forecast, 3)}, 28-day moving average ${f(levelWape.moving_average_28, 3)}`,
);
for (const b of bounds)
  console.log(
    `${b.policy}: ${f(b.savingVsMinMax * 100, 1)} % lower than the min/max tuned to its fill rate (${f(b.minMaxAtSameFill)})`,
  );
console.log(
  JSON.stringify({
    forecast_and_scenarios_seconds: summary.forecast_and_scenarios_seconds,
    q_learning_seconds: summary.q_learning_seconds,
    total_seconds: summary.total_seconds,
  }),
);
workspace.cleanup();
