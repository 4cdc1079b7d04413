/**
 * `shopcast launch`: a launch plan for a product without history, from the workspace as it was the
 * day before the launch date (nothing later is read):
 *  - forecast: weekly units for the first `weeks` weeks with quantiles, from the learned launch
 *    model (launch/model.ts: what similar products were selling, trained on the shop's earlier
 *    launches);
 *  - analogs: the most similar earlier launches and their own launch curves, adjusted for price
 *    and season (launch/analogs.ts), and the similar products selling now;
 *  - best_launch_week: among the next `candidates` weeks, the start that sells most over the
 *    forecast window given the similar products' sales in the same calendar weeks a year earlier
 *    (when the data reaches back that far; else the first week, said so);
 *  - initial_stock: the service-level quantile of demand over the first `coverWeeks` weeks. Weeks
 *    are taken as comonotonic (the unknown launch level drives them all), so the quantile of the
 *    sum is the sum of the weekly quantiles. Less correlated sums (`sumQuantile`) would stock less,
 *    but on held-out launches they cover fewer of them than the service level (bench/launch.ts:
 *    84 % at ρ = 0.5 against 91 % comonotonic, for a 95 % target), so the bound is kept; the
 *    plan states the expected demand beside it (`cover_mean`);
 *  - price_elasticity: from price variation across similar products (analogs.ts).
 * With a SKU code the plan is stored (`launches`), and `trackLaunches` later compares the SKU's
 * sales with it and updates the remaining weeks.
 */
import { InputError } from '../data/errors.js';
import { parseTimestamp } from '../data/values.js';
import {
  type Analog,
  type Elasticity,
  type LaunchPool,
  buildLaunchPool,
  forecastLaunch,
  DEFAULT_LAUNCH_OPTIONS,
} from '../launch/analogs.js';
import { DAY_MS, dayMs, isoDate } from '../numerics/calendar.js';
import { type QuantilePoint } from '../models/contract.js';
import type { ShopHistory } from '../launch/history.js';
import {
  type LaunchContext,
  type LaunchModel,
  launchContext,
  launchFeatures,
  launchModelFromJson,
  levelAt,
  predictLaunch,
} from '../launch/model.js';
import { withWorkspaceAsOf } from '../store/as-of.js';
import { lastSalesDay } from '../store/ingest.js';
import {
  lastDemandDay,
  latestLaunches,
  launchDataVersion,
  loadLaunchModel,
  salesSince,
  saveLaunch,
  saveLaunchModel,
} from '../store/launches.js';
import type { Workspace } from '../store/workspace.js';
import { runWorker } from './job-worker.js';
import { loadShopHistory } from './panels.js';

/** The new product and what to plan for it (`planLaunch`). */
export interface LaunchRequest {
  /** the product's name; with the description it finds similar products */
  name: string;
  description?: string;
  category?: string;
  /** selling price per unit, > 0 */
  price: number;
  /** launch date (ISO); default the day after the workspace's last day */
  date?: string;
  /** its SKU code: the plan is then stored for `trackLaunches` (unless `save` is false) */
  sku?: string;
  /** store the plan to track it against its sales (needs `sku`; default: stored when a SKU is given) */
  save?: boolean;
  /** weeks to forecast, 1–52 (default 12) */
  weeks?: number;
  /** quantile of demand the initial stock covers, 0.05–0.95 (default 0.95) */
  serviceLevel?: number;
  /** weeks the initial stock covers, 1–weeks (default min(4, weeks)) */
  coverWeeks?: number;
  /** weekly start dates compared for the best launch week (default 8) */
  candidates?: number;
}

/** One week of a launch forecast: its first day and the mean and quantiles of its units. */
export interface LaunchWeek extends QuantilePoint {
  /** `YYYY-MM-DD` */
  week_start: string;
}

/** A launch plan (see the file's comment for each part); units are per week, prices per unit. */
export interface LaunchPlan {
  name: string;
  sku: string | null;
  launch_date: string;
  /** the last day of data the plan saw */
  data_until: string;
  price: number;
  forecast: LaunchWeek[];
  analogs: (Analog & { adjusted: number[] })[];
  selling_now: { sku: string; description: string; similarity: number; weekly_units: number; first_price: number }[];
  best_launch_week: {
    week_start: string;
    expected_units: number;
    reason: string;
    candidates: { week_start: string; expected_units: number }[];
  };
  /** the best launch week in short (best_launch_week's week and reason) */
  best_week: { week_start: string; reason: string };
  /** the candidate launch weeks compared, with the units expected over the forecast weeks from each */
  weeks_compared: { week_start: string; expected_units: number }[];
  /** whether the plan was stored (tracked by `trackLaunches`) */
  saved: boolean;
  /** how the launch model was had: trained now, loaded from the workspace, or kept in memory; and the ms taken */
  model_source: { source: 'trained' | 'stored' | 'memory'; ms: number };
  /**
   * units: the service-level quantile of the cover weeks' summed demand (comonotonic weeks: the sum of
   * their quantiles); cover_mean: the expected units over those weeks
   */
  initial_stock: { units: number; service_level: number; cover_weeks: number; cover_mean: number };
  price_elasticity: Elasticity;
  model: { launches_learned_from: number; established_products_learned_from: number; weeks: number };
}

const LEVELS = [0.05, 0.25, 0.5, 0.75, 0.95];

/** The q-quantile from the five quantile levels by linear interpolation (clamped at the ends). */
function quantileAt(week: LaunchWeek, q: number): number {
  const v = [week.p05, week.p25, week.p50, week.p75, week.p95];
  if (q <= LEVELS[0]!) return v[0]!;
  for (let k = 1; k < LEVELS.length; k++)
    if (q <= LEVELS[k]!)
      return v[k - 1]! + ((v[k]! - v[k - 1]!) * (q - LEVELS[k - 1]!)) / (LEVELS[k]! - LEVELS[k - 1]!);
  return v[v.length - 1]!;
}

/**
 * A launch plan for a product without history: forecast, analogs, best launch week, initial stock
 * and price elasticity (see the file's comment), from the workspace as it was the day before
 * `r.date`. Needs at least 20 earlier launches to learn from; stores the plan when `r.sku` is given.
 * @example
 * const plan = await planLaunch(ws, { name: 'RETRO SPOT LUNCH BAG', price: 1.65, sku: '99001', date: '2011-09-05' });
 * plan.initial_stock.units; // the 95 % quantile of the first 4 weeks' demand
 */
export async function planLaunch(ws: Workspace | LaunchAccess, r: LaunchRequest): Promise<LaunchPlan> {
  const access = accessOf(ws);
  if (r.name.trim() === '') throw new InputError('launch: name must not be empty', { field: 'name' });
  if (!(r.price > 0))
    throw new InputError(`launch: price must be a positive number, got ${r.price}`, { field: 'price' });
  const o = {
    weeks: r.weeks ?? 12,
    serviceLevel: r.serviceLevel ?? 0.95,
    coverWeeks: r.coverWeeks ?? Math.min(4, r.weeks ?? 12),
    candidates: r.candidates ?? 8,
  };
  if (!Number.isInteger(o.weeks) || o.weeks < 1 || o.weeks > 52)
    throw new InputError(`launch: weeks must be a whole number from 1 to 52, got ${o.weeks}`, { field: 'weeks' });
  if (!(o.serviceLevel >= 0.05 && o.serviceLevel <= 0.95))
    throw new InputError(`launch: serviceLevel must be between 0.05 and 0.95, got ${o.serviceLevel}`, {
      field: 'serviceLevel',
    });
  if (!Number.isInteger(o.coverWeeks) || o.coverWeeks < 1 || o.coverWeeks > o.weeks)
    throw new InputError(
      `launch: coverWeeks must be a whole number from 1 to weeks (${o.weeks}), got ${o.coverWeeks}`,
      { field: 'coverWeeks' },
    );
  const save = r.save ?? r.sku !== undefined;
  if (save && r.sku === undefined)
    throw new InputError('launch: save needs the sku the product will sell under (to track its sales)', {
      field: 'sku',
    });
  let date: string | undefined;
  if (r.date !== undefined) {
    const ts = parseTimestamp(r.date);
    if (ts === undefined) throw new InputError(`launch: date: unreadable date '${r.date}'`, { field: 'date' });
    date = ts.slice(0, 10);
  }
  // the workspace as it was the day before the launch: all of it when no row is dated on or after the launch
  const last = await lastSalesDay(access.reader);
  const cutoff = date !== undefined && last !== null && last >= date ? date : null;
  const state = await launchState(access, o.weeks, cutoff);
  const plan = planFromState(state, r, o, date);
  plan.saved = save;
  if (save) await access.write((w) => storeLaunch(w, plan));
  return plan;
}

/** What a launch plan is made from: the shop's history as of the launch, its context, the trained model. */
interface LaunchState {
  history: ShopHistory;
  ctx: LaunchContext;
  model: LaunchModel;
  pool: LaunchPool;
  source: LaunchPlan['model_source'];
}

/** Histories and models kept in memory, by workspace, data version and cut-off (a few: the oldest go first). */
interface Kept {
  history: ShopHistory;
  /** built on the first plan (a warm-up only trains: the worker builds its own) */
  ctx: LaunchContext | undefined;
  models: Map<number, LaunchModel>;
  pools: Map<number, LaunchPool>;
}
const kept = new Map<string, Promise<Kept>>();
const KEEP = 4;
/** Models being had (loaded or trained), by memory key and weeks: a second caller waits for the first. */
const pending = new Map<string, Promise<{ model: LaunchModel; source: 'trained' | 'stored' }>>();

/**
 * How launch plans reach the workspace: reads through `reader` (committed data), writes (the trained model, a saved
 * plan, a cut-off's snapshot) through `write`, which runs its function with the writer (in the service: inside the
 * WriteLock). A plain Workspace is both.
 */
export interface LaunchAccess {
  reader: Workspace;
  write: <T>(fn: (ws: Workspace) => Promise<T>) => Promise<T>;
  /** stops a training under way (its worker thread ended; the promises waiting for it reject) */
  signal?: AbortSignal;
}

function accessOf(ws: Workspace | LaunchAccess): LaunchAccess {
  return 'reader' in ws ? ws : { reader: ws, write: (fn) => fn(ws) };
}

/** What the launch model's worker thread gets (launch-train-worker.ts). */
export interface LaunchTrainTask {
  history: ShopHistory;
  weeks: number;
  levels: number[];
}

/**
 * The history, context and launch model for a launch after the data (`cutoff` null) or on `cutoff` (the workspace
 * as it was before it). Trained once per data version (store/launches.ts launchDataVersion), cut-off and number of
 * weeks, then kept in memory and stored in the workspace (`models`, name 'launch'), so that a restarted service or
 * another CLI call loads it instead of training again (training takes minutes on a large shop). The training runs
 * in a worker thread with no lock held (the history is read through the reader; a cut-off's snapshot needs the
 * writer); only storing the model takes the writer. Calls for a model being trained wait for that training.
 */
async function launchState(access: LaunchAccess, weeks: number, cutoff: string | null): Promise<LaunchState>;
async function launchState(
  access: LaunchAccess,
  weeks: number,
  cutoff: string | null,
  onlyModel: true,
): Promise<LaunchPlan['model_source']>;
async function launchState(
  access: LaunchAccess,
  weeks: number,
  cutoff: string | null,
  onlyModel = false,
): Promise<LaunchState | LaunchPlan['model_source']> {
  const start = performance.now();
  const key = `${await launchDataVersion(access.reader)}|${cutoff ?? 'all'}`;
  const memoryKey = `${access.reader.dbPath}\u0000${key}`;
  let entryP = kept.get(memoryKey);
  if (entryP === undefined) {
    entryP = (async (): Promise<Kept> => {
      const history =
        cutoff === null
          ? await readHistory(access.reader)
          : await access.write((ws) => withWorkspaceAsOf(ws, cutoff, () => loadShopHistory(ws)));
      return { history, ctx: undefined, models: new Map(), pools: new Map() };
    })();
    kept.set(memoryKey, entryP);
    entryP.catch(() => kept.get(memoryKey) === entryP && kept.delete(memoryKey));
    while (kept.size > KEEP) kept.delete(kept.keys().next().value!);
  }
  const entry = await entryP;
  let model = entry.models.get(weeks);
  let source: LaunchPlan['model_source']['source'] = 'memory';
  if (model === undefined) {
    const pendingKey = `${memoryKey}\u0000${weeks}`;
    let p = pending.get(pendingKey);
    if (p === undefined) {
      p = loadOrTrain(access, entry, key, weeks).finally(() => pending.delete(pendingKey));
      pending.set(pendingKey, p);
    }
    ({ model, source } = await p);
    entry.models.set(weeks, model);
  }
  if (onlyModel) return { source, ms: Math.round(performance.now() - start) };
  let pool = entry.pools.get(weeks);
  if (pool === undefined) {
    pool = buildLaunchPool(entry.history, weeks);
    entry.pools.set(weeks, pool);
  }
  entry.ctx ??= launchContext(entry.history);
  const ms = Math.round(performance.now() - start);
  return { history: entry.history, ctx: entry.ctx, model, pool, source: { source, ms } };
}

/**
 * The shop history through a connection of its own: the demand panel is read in chunks, which another query on the
 * same connection (a second history read, a route's read) would cut short.
 */
async function readHistory(reader: Workspace): Promise<ShopHistory> {
  const conn = await reader.connect();
  try {
    return await loadShopHistory(conn);
  } finally {
    conn.close();
  }
}

/** The stored model of `key`, else one trained in a worker thread and stored (with the writer). */
async function loadOrTrain(
  access: LaunchAccess,
  entry: Kept,
  key: string,
  weeks: number,
): Promise<{ model: LaunchModel; source: 'trained' | 'stored' }> {
  const stored = await loadLaunchModel(access.reader, key, weeks);
  if (stored !== null) return { model: launchModelFromJson(stored), source: 'stored' };
  const task: LaunchTrainTask = { history: entry.history, weeks, levels: LEVELS };
  training++;
  let body: string;
  try {
    body = await runWorker<never, string>(
      new URL('./launch-train-worker.js', import.meta.url),
      task,
      () => {},
      access.signal,
    );
  } finally {
    training--;
  }
  trainings++;
  const asOf = isoDate(entry.history.start + (entry.history.days - 1) * DAY_MS);
  await access.write((ws) => saveLaunchModel(ws, { key, weeks, asOf, body }));
  return { model: launchModelFromJson(body), source: 'trained' };
}

/**
 * Has the launch model of the workspace's current data (no cut-off) ready: kept in memory, loaded from the
 * workspace, or trained (in a worker thread) and stored; what the service runs in the background when the data
 * changed, so that `POST /launches` answers from it. Nothing for a workspace without data.
 * @example const { source, ms } = await warmLaunchModel({ reader, write: (fn) => lock.run(() => fn(ws)) });
 */
export async function warmLaunchModel(access: LaunchAccess, weeks = 12): Promise<LaunchPlan['model_source'] | null> {
  warming++;
  try {
    if ((await launchDataVersion(access.reader)) === 'empty' || (await lastSalesDay(access.reader)) === null)
      return null;
    return await launchState(access, weeks, null, true);
  } finally {
    warming--;
  }
}

let warming = 0;

let trainings = 0;

/**
 * How many launch models this process has trained (tests: a call during a training waits for it).
 * @example launchModelsTrained(); // 1 after the first training
 */
export function launchModelsTrained(): number {
  return trainings;
}

/**
 * Whether a launch model is being warmed, loaded or trained now (the service's health and tests).
 * @example launchModelPending(); // true while a training runs
 */
export function launchModelPending(): boolean {
  return warming > 0 || pending.size > 0;
}

let training = 0;

/**
 * Whether a launch model's worker thread is training now (tests).
 * @example launchModelTraining(); // true while the worker runs
 */
export function launchModelTraining(): boolean {
  return training > 0;
}

/**
 * Forgets the launch models kept in memory (tests; a server's shutdown). The stored ones stay.
 * @example forgetLaunchModels();
 */
export function forgetLaunchModels(): void {
  kept.clear();
}

function planFromState(
  { history, ctx, model, pool, source }: LaunchState,
  r: LaunchRequest,
  {
    weeks,
    serviceLevel,
    coverWeeks,
    candidates,
  }: { weeks: number; serviceLevel: number; coverWeeks: number; candidates: number },
  date?: string,
): LaunchPlan {
  const lastDay = history.days - 1;
  const launchDay = date === undefined ? history.days : Math.round((dayMs(date) - history.start) / DAY_MS);
  const text = [r.name, r.description ?? ''].join(' ').trim();

  if (model.products < 20)
    throw new InputError(
      `launch: the workspace has only ${model.products} earlier launches to learn from (at least 20 needed: ` +
        `products first sold 4 weeks or more after the data starts)`,
    );
  // the neighbours' levels are read at the last known day (the launch may be in the future)
  const { features, near } = launchFeatures(ctx, text, r.price, Math.min(launchDay, lastDay + 1));
  const pred = predictLaunch(model, features);
  const start = history.start + launchDay * DAY_MS;
  const forecast: LaunchWeek[] = pred.mean.map((mean, w) => {
    const q = pred.quantiles.map((x) => x.values[w]!);
    return {
      week_start: isoDate(start + 7 * w * DAY_MS),
      mean,
      p05: q[0]!,
      p25: q[1]!,
      p50: q[2]!,
      p75: q[3]!,
      p95: q[4]!,
    };
  });

  const analog = forecastLaunch(
    pool,
    {
      name: r.name,
      ...(r.description !== undefined ? { description: r.description } : {}),
      ...(r.category !== undefined ? { category: r.category } : {}),
      price: r.price,
    },
    Math.min(launchDay, lastDay),
    { ...DEFAULT_LAUNCH_OPTIONS, weeks },
  );

  // best launch week: the neighbours' sales in the same weeks a year earlier, relative to their year
  const top = near.slice(0, 25);
  const yearAgo = launchDay - 364;
  let reason: string;
  // each neighbour's average week over the last year
  const yearLevel = top.map((n) => levelAt(ctx, n.product, lastDay + 1, 364, 56));
  const seasonal = (week: number): number => {
    let s = 0;
    let base = 0;
    top.forEach((n, k) => {
      const a = levelAt(ctx, n.product, yearAgo + 7 * (week + 1), 7, 7);
      if (!Number.isFinite(a) || !Number.isFinite(yearLevel[k]!)) return;
      s += n.similarity * a;
      base += n.similarity * yearLevel[k]!;
    });
    return base > 0 ? s / base : NaN;
  };
  const span = candidates + weeks;
  const index = Array.from({ length: span }, (_, k) => seasonal(k));
  const known = index.filter(Number.isFinite).length;
  const cands = Array.from({ length: candidates }, (_, c) => {
    let units = 0;
    for (let w = 0; w < weeks; w++)
      units += forecast[w]!.mean * (known >= span / 2 && Number.isFinite(index[c + w]!) ? index[c + w]! : 1);
    return { week_start: isoDate(start + 7 * c * DAY_MS), expected_units: units };
  });
  let best = 0;
  if (known >= span / 2) {
    for (let c = 1; c < candidates; c++) if (cands[c]!.expected_units > cands[best]!.expected_units) best = c;
    reason = `similar products' sales in the same weeks a year earlier (${top.length} products)`;
  } else reason = 'the data does not reach a year back over these weeks: no seasonal evidence, so the earliest week';

  const cover = forecast.slice(0, coverWeeks);
  const stock = cover.reduce((a, w) => a + quantileAt(w, serviceLevel), 0);
  const coverMean = cover.reduce((a, w) => a + w.mean, 0);
  const plan: LaunchPlan = {
    name: r.name,
    sku: r.sku ?? null,
    launch_date: isoDate(start),
    data_until: isoDate(history.start + lastDay * DAY_MS),
    price: r.price,
    forecast,
    analogs: analog.analogs,
    selling_now: near.slice(0, 10).map((n) => {
      const p = history.products[n.product]!;
      return {
        sku: p.sku,
        description: p.description,
        similarity: n.similarity,
        weekly_units: n.level,
        first_price: p.firstPrice,
      };
    }),
    best_launch_week: { ...cands[best]!, reason, candidates: cands },
    best_week: { week_start: cands[best]!.week_start, reason },
    weeks_compared: cands,
    saved: false,
    initial_stock: {
      units: Math.ceil(stock),
      service_level: serviceLevel,
      cover_weeks: coverWeeks,
      cover_mean: coverMean,
    },
    price_elasticity: analog.elasticity,
    model: { launches_learned_from: model.products, established_products_learned_from: model.established, weeks },
    model_source: source,
  };
  return plan;
}

async function storeLaunch(ws: Workspace, plan: LaunchPlan): Promise<void> {
  await saveLaunch(ws, { sku: plan.sku!, name: plan.name, launchDate: plan.launch_date, price: plan.price, plan });
}

/** How a stored launch is going: its plan week by week against the sales so far. */
export interface LaunchTracking {
  sku: string;
  name: string;
  launch_date: string;
  /** complete weeks since the launch with data */
  weeks_observed: number;
  /** per week: the plan, the actual units (null: not yet), and the updated forecast (actual when known) */
  weeks: { week_start: string; forecast: number; p05: number; p95: number; actual: number | null; updated: number }[];
  /** actual over forecast, over the observed weeks */
  ratio: number | null;
  /** observed weeks outside the plan's 90 % interval (p05–p95) */
  outside_90: number;
  /** ratio above 1.25: above forecast, below 0.8: below forecast */
  status: 'not sold yet' | 'on track' | 'above forecast' | 'below forecast';
}

/**
 * Compares every stored launch (the latest plan per SKU) with the SKU's sales since its launch
 * date. The remaining weeks are updated by the observed ratio of actual to forecast, shrunk toward
 * 1 by the weeks seen (k / (k + 2)): one lucky week does not rewrite the plan.
 * @example
 * for (const t of await trackLaunches(ws)) console.log(t.sku, t.status, t.ratio);
 */
export async function trackLaunches(ws: Workspace): Promise<LaunchTracking[]> {
  const last = await lastDemandDay(ws);
  const plans = await latestLaunches<LaunchPlan>(ws);
  const out: LaunchTracking[] = [];
  for (const plan of plans) {
    const sales = await salesSince(ws, plan.sku!, plan.launch_date);
    const lastDay = last === null ? -1 : Math.round((dayMs(last) - dayMs(plan.launch_date)) / DAY_MS);
    const weekly = new Float64Array(plan.forecast.length);
    for (const s of sales) {
      const w = Math.floor(s.d / 7);
      if (w < weekly.length && s.units !== null) weekly[w] = weekly[w]! + s.units;
    }
    const observed = Math.max(0, Math.min(plan.forecast.length, Math.floor((lastDay + 1) / 7)));
    let a = 0;
    let f = 0;
    let outside = 0;
    for (let w = 0; w < observed; w++) {
      a += weekly[w]!;
      f += plan.forecast[w]!.mean;
      if (weekly[w]! < plan.forecast[w]!.p05 || weekly[w]! > plan.forecast[w]!.p95) outside++;
    }
    const ratio = observed > 0 && f > 0 ? a / f : null;
    const shrink = observed / (observed + 2);
    const factor = ratio === null ? 1 : 1 + shrink * (ratio - 1);
    out.push({
      sku: plan.sku!,
      name: plan.name,
      launch_date: plan.launch_date,
      weeks_observed: observed,
      weeks: plan.forecast.map((w, k) => ({
        week_start: w.week_start,
        forecast: w.mean,
        p05: w.p05,
        p95: w.p95,
        actual: k < observed ? weekly[k]! : null,
        updated: k < observed ? weekly[k]! : w.mean * factor,
      })),
      ratio,
      outside_90: outside,
      status:
        observed === 0 || sales.length === 0
          ? 'not sold yet'
          : ratio === null || ratio > 1.25 // sales against a forecast of nothing are above it
            ? 'above forecast'
            : ratio < 0.8
              ? 'below forecast'
              : 'on track',
    });
  }
  return out;
}
