/**
 * Live refresh: after a batch of order lines is cleaned, the SKUs it touched are forecast again and their stock
 * policy recomputed, so that their forecast, position, days of stock, stock-out date, order suggestion and alerts are
 * current within seconds while the rest keep theirs. It reads only those SKUs' demand, and in worker threads, a chunk
 * of SKUs at a time (refresh-chunk.ts), forecasts them with the champion model (and the challenger, when one is set),
 * applies the planners' overrides and runs their stock policies, with the plan's own steps (plan-steps/steps.ts
 * `forecastPanel`, `skuPolicy`): the service's main thread only reads and writes. It stores in one transaction: each
 * forecast as an append-only forecast run (source live), the SKUs' sku_state rows, their stock-out alerts raised or
 * cleared.
 *
 * What is kept from the last plan (sku_state): the ABC and XYZ classes and the life-cycle stage (ABC ranks a SKU's
 * revenue against the whole catalogue, the stage needs the life-cycle run). A SKU without a stored state gets its ABC
 * class by ranking its revenue among the stored ones, its XYZ class from its own series, and stage `introduction`
 * (the classifier needs the catalogue's weekly panel: too slow for a live update). The horizon, service level,
 * demand scenarios, their seed and full EOQ lots are the last plan run's (without a plan: 28 days, the class matrix
 * and the policy's defaults). So a refresh with the data of the last plan gives each SKU exactly what that plan gave
 * it.
 */
import { availableParallelism } from 'node:os';
import { InputError } from '../data/errors.js';
import { ForecastPool, runTask } from '../engine/parallel-forecast.js';
import { type AbcClass, type XyzClass, abcClassAmong, abcClasses, abcRanking } from '../inventory/abc-xyz.js';
import type { AlertRow } from '../store/alerts.js';
import { insertForecastRun, readForecastStates } from '../store/forecast-runs.js';
import { readModelRoles } from '../store/model-roles.js';
import { type PlanRunSettings, latestPlanRun } from '../store/plan-runs.js';
import {
  type SkuClasses,
  type SkuState,
  readSkuClasses,
  readSkuState,
  skusBehindState,
  storedRevenues,
} from '../store/sku-state.js';
import type { Workspace } from '../store/workspace.js';
import { checkModelName } from './forecast-series.js';
import { readOverrides } from '../store/overrides.js';
import { round } from './plan-steps/format.js';
import { type PlanInputs, readStep, sliceInputs } from './plan-steps/read.js';
import { type PolicyOptions, type PolicyOutcome, revenue365, xyzOf } from './plan-steps/steps.js';
import { forecastRunRows, storeSkuStates } from './plan-steps/store.js';
import type { RefreshChunk, RefreshChunkResult } from './refresh-chunk.js';

/** What a refresh did. */
export interface RefreshResult {
  /** the last day of data the SKUs were forecast from */
  as_of: string;
  /** the SKUs refreshed (those asked for that have sales), in code order */
  skus: string[];
  /** the forecast runs stored (0: nothing to refresh) */
  forecast_runs: { champion: number; challenger: number | null };
  /** the SKUs' sku_state rows as stored (none with `state: false`) */
  state: SkuState[];
  /** stock-out alerts new or risen in severity */
  alerts: AlertRow[];
  /** the champion's forecasts run forward from a stored fit (the others were estimated anew) */
  resumed: number;
  /**
   * wall-clock seconds per step and in all: read, forecast and policy (the workers' time, fits and policies together,
   * split in proportion to the workers' time in each), write
   */
  seconds: Record<string, number>;
}

/** Options of `refreshSkus`. */
export interface RefreshOptions {
  /** worker threads for the fits (default: the shared pool's, one less than the cores, at least one) */
  threads?: number;
  /** the time stored as sku_state.updated_at (default: the database's now) */
  now?: Date;
  /** work in this pool's workers (`refreshWorkerPool`) instead of the module's shared pool (`closeRefreshWorkers`) */
  pool?: ForecastPool;
  /**
   * read through this connection (committed data only, e.g. the service's reader) and take the writer only for the
   * write, with `writer` (waits for the workspace's WriteLock, resolves with its release): the reads and fits then
   * leave the writer to others
   */
  reader?: Workspace;
  writer?: () => Promise<() => void>;
  /** false: leave `RefreshResult.state` empty (a caller that does not read it saves a read of 27 columns a SKU) */
  state?: boolean;
}

let sharedPool: ForecastPool | undefined;

/**
 * A pool of `size` refresh workers (refresh-worker.ts), for `RefreshOptions.pool`; the caller closes it.
 * @example const pool = refreshWorkerPool(1); await refreshSkus(ws, skus, { pool }); await pool.close();
 */
export function refreshWorkerPool(size: number): ForecastPool {
  return new ForecastPool(size, new URL('./refresh-worker.js', import.meta.url));
}

/**
 * The worker threads refreshes work in, started on first use and kept (idle workers do not keep the process alive).
 * One less than the cores: the service's main thread keeps a core to answer requests.
 */
function refreshPool(threads: number | undefined): ForecastPool {
  sharedPool ??= refreshWorkerPool(Math.max(1, threads ?? availableParallelism() - 1));
  return sharedPool;
}

/** Chunks per worker thread: a thread that finishes early takes another (series differ in cost). */
const CHUNKS_PER_THREAD = 4;

/**
 * Runs `refreshChunk` over the panel's SKUs in the pool's workers, a contiguous chunk at a time, and gives the chunks'
 * results in order. Each chunk carries only its SKUs' rows (stock, costs, classes, overrides).
 */
async function inWorkers(
  pool: ForecastPool,
  threads: number,
  inputs: PlanInputs,
  task: Omit<RefreshChunk, 'inputs' | 'classes' | 'overrides' | 'states'>,
  classes: RefreshChunk['classes'],
  overrides: RefreshChunk['overrides'],
  states: RefreshChunk['states'],
): Promise<{ from: number; ids: string[]; result: RefreshChunkResult }[]> {
  const { panel } = inputs;
  const k = panel.ids.length;
  const n = Math.max(1, Math.min(threads, pool.size, k));
  const size = Math.ceil(k / Math.min(k, n * CHUNKS_PER_THREAD));
  const ranges: [number, number][] = [];
  for (let from = 0; from < k; from += size) ranges.push([from, Math.min(k, from + size)]);
  const chunk = (from: number, to: number): RefreshChunk => {
    const wanted = new Set(panel.ids.slice(from, to));
    return {
      ...task,
      inputs: sliceInputs(inputs, from, to),
      classes: classes.slice(from, to),
      overrides: overrides.filter((o) => wanted.has(o.sku)),
      states: {
        champion: states.champion.slice(from, to),
        challenger: states.challenger === null ? null : states.challenger.slice(from, to),
      },
    };
  };
  const out: { from: number; ids: string[]; result: RefreshChunkResult }[] = new Array(ranges.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      const worker = await pool.acquire();
      try {
        while (next < ranges.length) {
          const current = next++;
          const [from, to] = ranges[current]!;
          const result = await runTask<RefreshChunkResult>(worker, chunk(from, to));
          out[current] = { from, ids: panel.ids.slice(from, to), result };
        }
      } catch (e) {
        pool.release(worker, true);
        throw e;
      }
      pool.release(worker, false);
    }),
  );
  return out;
}

/**
 * Ends the shared refresh workers (a server's shutdown; tests). The next refresh starts new ones.
 * @example await closeRefreshWorkers();
 */
export async function closeRefreshWorkers(): Promise<void> {
  const pool = sharedPool;
  sharedPool = undefined;
  await pool?.close();
}

/** The SKUs asked for, checked (non-empty text), without duplicates, in code order. */
function checkSkus(skus: readonly string[]): string[] {
  if (!Array.isArray(skus)) throw new InputError('refresh: skus must be a list of SKU codes', { field: 'skus' });
  skus.forEach((s, i) => {
    if (typeof s !== 'string' || s === '')
      throw new InputError(`refresh: skus[${i}] must be a non-empty SKU code`, { field: `skus[${i}]` });
  });
  return [...new Set(skus)].sort();
}

/**
 * Each SKU's classes and stage: those of its stored state (the last plan's), else ABC by its revenue ranked among the
 * stored revenues, XYZ from its own series, stage introduction (module comment).
 */
async function classesOf(
  ws: Workspace,
  inputs: PlanInputs,
  stored: ReadonlyMap<string, SkuClasses>,
): Promise<{ abc: AbcClass; xyz: XyzClass; stage: string | null; revenue365: number }[]> {
  const { panel } = inputs;
  const revenue = panel.ids.map((_, i) => revenue365(panel, i));
  const isNew = panel.ids.some((s) => !isClass(stored.get(s)));
  const others = isNew ? await storedRevenues(ws) : new Map<string, number>();
  // the others ranked once (a SKU among them ranked without itself, as below, the long way)
  const ranked = isNew ? abcRanking([...others.values()]) : null;
  return panel.ids.map((sku, i) => {
    const s = stored.get(sku);
    if (s !== undefined && isClass(s))
      return { abc: s.abc as AbcClass, xyz: s.xyz as XyzClass, stage: s.stage, revenue365: revenue[i]! };
    const abc =
      ranked !== null && !others.has(sku) && Number.isFinite(revenue[i]!)
        ? abcClassAmong(ranked, revenue[i]!)
        : abcClasses([...[...others].filter(([k]) => k !== sku).map(([, r]) => r), revenue[i]!]).at(-1)!;
    return { abc, xyz: xyzOf(panel, i), stage: 'introduction', revenue365: revenue[i]! };
  });
}

/** The stock-policy settings of the plan a refresh follows (none: the defaults). */
function policyOf(plan: PlanRunSettings | null): PolicyOptions {
  const o: PolicyOptions = {};
  if (plan?.service_level != null) o.serviceLevel = plan.service_level;
  if (plan?.scenarios != null) o.scenarios = plan.scenarios;
  if (plan?.seed != null) o.seed = plan.seed;
  if (plan?.full_lots != null) o.fullLots = plan.full_lots;
  return o;
}

function isClass(s: SkuClasses | undefined): s is SkuClasses & { abc: AbcClass; xyz: XyzClass } {
  return s !== undefined && /^[ABC]$/.test(s.abc ?? '') && /^[XYZ]$/.test(s.xyz ?? '');
}

/**
 * Re-forecasts `skus` and updates their stock policy, state and stock-out alerts (module comment). Writes: call it
 * inside the workspace's WriteLock, or give `reader` and `writer` (the lock is taken for the write alone). SKUs
 * without sales are skipped. The fits and policies run in worker threads (a persistent pool, `closeRefreshWorkers`);
 * the main thread only reads and writes.
 * @example
 * const r = await lock.run(() => refreshSkus(ws, ['85123A', '22423']));
 * r.state[0].stockout_date; r.forecast_runs.champion;
 */
export async function refreshSkus(
  ws: Workspace,
  skus: readonly string[],
  o: RefreshOptions = {},
): Promise<RefreshResult> {
  const clock = (): number => performance.now();
  const start = clock();
  const seconds: Record<string, number> = {};
  let t = start;
  const lap = (k: string): void => {
    seconds[k] = round((clock() - t) / 1000, 3);
    t = clock();
  };
  const wanted = checkSkus(skus);
  const rd = o.reader ?? ws;
  // a reader of its own reads in one transaction: one snapshot, though the writer commits a clean meanwhile
  const read = async () => {
    const roles = await readModelRoles(rd);
    for (const m of [roles.champion, roles.challenger]) if (m !== null) checkModelName('refresh', m);
    const plan = await latestPlanRun(rd);
    const inputs = await readStep(rd, undefined, plan?.horizon_days ?? 28, wanted);
    const ids = inputs.panel.ids;
    if (ids.length === 0) return { roles, plan, inputs, ids, found: null };
    const stored = await readSkuClasses(rd, ids);
    const classes = await classesOf(rd, inputs, stored);
    // the policy takes the forecast with the planners' overrides (applied in the workers); the stored run stays the
    // model's
    const overrides = await readOverrides(rd, { skus: ids });
    const states = {
      champion: await readForecastStates(rd, roles.champion, ids),
      challenger: roles.challenger === null ? null : await readForecastStates(rd, roles.challenger, ids),
    };
    return { roles, plan, inputs, ids, found: { classes, overrides, states } };
  };
  const { roles, plan, inputs, ids, found } = rd === ws ? await read() : await rd.transaction(read);
  if (found === null)
    return {
      as_of: inputs.asOf,
      skus: [],
      forecast_runs: { champion: 0, challenger: null },
      state: [],
      alerts: [],
      resumed: 0,
      seconds: { ...seconds, total: round((clock() - start) / 1000, 3) },
    };
  const { classes, overrides, states } = found;
  lap('read');

  const pool = o.pool ?? refreshPool(o.threads);
  const policyOptions = policyOf(plan);
  const task = { champion: roles.champion, challenger: roles.challenger, policy: policyOptions };
  const chunks = await inWorkers(pool, o.threads ?? pool.size, inputs, task, classes, overrides, states);
  const perSku: PolicyOutcome[] = chunks.flatMap((c) => c.result.policies);
  const [fitMs, policyMs] = chunks.reduce(([f, p], c) => [f + c.result.ms.forecast, p + c.result.ms.policy], [0, 0]);
  const workers = clock() - t;
  seconds['forecast'] = round((workers * fitMs) / Math.max(1e-9, fitMs + policyMs) / 1000, 3);
  seconds['policy'] = round((workers * policyMs) / Math.max(1e-9, fitMs + policyMs) / 1000, 3);
  t = clock();

  const planRunId = plan?.run_id ?? null;
  const release = o.writer === undefined ? () => {} : await o.writer();
  const written = ws.transaction(async () => {
    const store = async (role: 'champion' | 'challenger', model: string): Promise<number> => {
      const parts = chunks.map((c) => forecastRunRows(c.ids, c.result[role]!, inputs.lastDay));
      return insertForecastRun(ws, {
        states: parts.flatMap((p) => p.states ?? p.skus.map(() => null)),
        origin: inputs.asOf,
        model,
        role,
        source: 'live',
        planRunId,
        skus: parts.flatMap((p) => p.skus),
        values: (function* () {
          for (const p of parts) yield* p.values();
        })(),
      });
    };
    const championRun = await store('champion', roles.champion);
    const challengerRun = roles.challenger === null ? null : await store('challenger', roles.challenger);
    const { alerts } = await storeSkuStates(ws, inputs, perSku, {
      planRunId,
      forecastRunId: championRun,
      all: false,
      ...(o.now === undefined ? {} : { now: o.now }),
    });
    return { championRun, challengerRun, alerts };
  });
  const runs = await written.finally(release);
  const state = o.state === false ? [] : await readSkuState(rd, ids);
  lap('write');
  seconds['total'] = round((clock() - start) / 1000, 3);
  return {
    as_of: inputs.asOf,
    skus: ids,
    forecast_runs: { champion: runs.championRun, challenger: runs.challengerRun },
    state,
    alerts: runs.alerts,
    resumed: chunks.reduce((a, c) => a + (c.result.champion.resumed ?? 0), 0),
    seconds,
  };
}

/**
 * The SKUs whose order lines arrived after their last forecast (the service stopped between storing a batch and
 * re-forecasting its SKUs): what the service refreshes at start-up.
 * @example await skusBehindTheirData(ws) // ['22423'] after a crash mid-cycle
 */
export async function skusBehindTheirData(ws: Workspace): Promise<string[]> {
  return skusBehindState(ws);
}
