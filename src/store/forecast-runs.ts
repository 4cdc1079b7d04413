/**
 * Every forecast made, append-only (`forecast_runs`, `forecast_skus`, `forecast_values`; schema version 5): a plan's,
 * a live re-forecast's, a challenger's. `origin` is the last day of data the forecast was made from; step 1 is the
 * day after it and `date` = origin + step days. Quantiles p005…p995 are the 0.5/5/25/50/75/95/99.5 % quantiles of
 * that day's demand (NULL where a model gave none). Run ids are `max + 1`: the caller holds the writer's lock.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { DuckDBBlobValue } from '@duckdb/node-api';
import { type Sql, codeRows, joinSql, sql } from './sql.js';
import type { AppendType, Workspace } from './workspace.js';

/** The quantile levels `forecast_values` stores, in column order p005…p995. */
export const FORECAST_RUN_LEVELS: readonly number[] = [0.005, 0.05, 0.25, 0.5, 0.75, 0.95, 0.995];

export type ForecastRole = 'champion' | 'challenger';
export type ForecastSource = 'plan' | 'live' | 'backtest';

/** One SKU of a run: the model it got, the engine's fallback reason (null: none), its backtest MASE (null: unknown). */
export interface ForecastRunSku {
  sku: string;
  model: string;
  fallback: string | null;
  backtest_mase: number | null;
}

/** One SKU and step of a run (after `run_id`), in column order: sku, step, date, mean, p005…p995. */
export type ForecastValueRow = [
  sku: string,
  step: number,
  date: string,
  mean: number,
  p005: number | null,
  p05: number | null,
  p25: number | null,
  p50: number | null,
  p75: number | null,
  p95: number | null,
  p995: number | null,
];

/** A run to store. */
export interface NewForecastRun {
  /** the last day of data, YYYY-MM-DD */
  origin: string;
  /** the model asked for (auto, ets…); each SKU's concrete model is in `skus` */
  model: string;
  role: ForecastRole;
  source: ForecastSource;
  planRunId: number | null;
  skus: readonly ForecastRunSku[];
  values: Iterable<ForecastValueRow>;
  /**
   * per SKU of `skus` (same order), what the forecast stored to be resumed from (engine/forecast-batch.ts
   * `BatchForecast.states`); null: nothing new (a SKU resumed keeps its stored state)
   */
  states?: readonly (Uint8Array | null)[];
}

/** A stored run's header. */
export interface ForecastRunInfo {
  run_id: number;
  created_at: string;
  origin: string;
  model: string;
  role: ForecastRole;
  source: ForecastSource;
  plan_run_id: number | null;
  skus: number;
}

const SKU_TYPES: readonly AppendType[] = ['INTEGER', 'VARCHAR', 'VARCHAR', 'VARCHAR', 'DOUBLE'];
// prettier-ignore
const VALUE_TYPES: readonly AppendType[] = [
  'INTEGER', 'VARCHAR', 'INTEGER', 'DATE', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'DOUBLE',
  'DOUBLE',
];

function* withRunId<T extends readonly (string | number | null)[]>(
  id: number,
  rows: Iterable<T>,
): Generator<(string | number | null)[]> {
  for (const r of rows) yield [id, ...r];
}

/**
 * Appends a run (header, SKUs, values) without a transaction of its own: for a caller that stores it together with
 * other rows in one transaction (a plan, a refresh). Returns its run id. O(rows).
 */
export async function insertForecastRun(ws: Workspace, run: NewForecastRun): Promise<number> {
  const id = (await ws.one<{ id: number }>('SELECT coalesce(max(run_id), 0)::INTEGER + 1 AS id FROM forecast_runs')).id;
  await ws.run(sql`INSERT INTO forecast_runs VALUES (${id}::INTEGER, now()::TIMESTAMP, ${run.origin}::DATE,
    ${run.model}, ${run.role}, ${run.source}, ${run.planRunId}::INTEGER, ${run.skus.length}::INTEGER)`);
  await ws.appendRows(
    'forecast_skus',
    SKU_TYPES,
    withRunId(
      id,
      run.skus.map((s) => [s.sku, s.model, s.fallback, Number.isFinite(s.backtest_mase) ? s.backtest_mase : null]),
    ),
  );
  await appendInSlices(ws, 'forecast_values', VALUE_TYPES, withRunId(id, run.values));
  if (run.states !== undefined && run.states.some((b) => b !== null)) {
    const rows = run.skus.flatMap((s, i) => (run.states![i] ? [[id, s.sku, run.states![i]!] as const] : []));
    await appendInSlices(ws, 'forecast_states', ['INTEGER', 'VARCHAR', 'BLOB'], rows);
    await pruneForecastStates(ws, sql`run_id = ${id}::INTEGER`);
  }
  return id;
}

/**
 * Deletes the forecast states that a later one of the same SKU and model replaces, among the SKUs of the states
 * `where` selects (a run's; TRUE: all): a SKU keeps one state per model, its latest.
 * @example await pruneForecastStates(ws, sql`TRUE`);
 */
export async function pruneForecastStates(ws: Workspace, where: Sql): Promise<void> {
  await ws.run(sql`DELETE FROM forecast_states USING (
      SELECT s.run_id, s.sku FROM forecast_states s JOIN forecast_runs r USING (run_id)
      WHERE s.sku IN (SELECT sku FROM forecast_states WHERE ${where})
      QUALIFY row_number() OVER (PARTITION BY s.sku, r.model ORDER BY s.run_id DESC) > 1) old
    WHERE forecast_states.run_id = old.run_id AND forecast_states.sku = old.sku`);
}

/**
 * Each SKU's latest stored forecast state for `model` (null: none), in the order of `skus`, as bytes for
 * `SeriesBatch.states`. O(SKUs).
 * @example const states = await readForecastStates(ws, 'auto', ['85123A', '22423']);
 */
export async function readForecastStates(
  ws: Workspace,
  model: string,
  skus: readonly string[],
): Promise<(Uint8Array | null)[]> {
  const found = new Map<string, Uint8Array>();
  if (skus.length > 0) {
    const rows = ws.columnChunks(sql`SELECT s.sku, s.state FROM forecast_states s JOIN forecast_runs r USING (run_id)
      WHERE r.model = ${model} AND s.sku IN (SELECT ${codeRows(skus)})
      QUALIFY row_number() OVER (PARTITION BY s.sku ORDER BY s.run_id DESC) = 1`);
    for await (const [sku, state] of rows)
      sku!.forEach((v, i) => {
        const blob = state![i];
        if (blob instanceof DuckDBBlobValue) found.set(String(v), blob.bytes);
      });
  }
  return skus.map((s) => found.get(s) ?? null);
}

/** Rows per appender call in `appendInSlices`: a few milliseconds of the main thread each. */
const SLICE = 512;

/**
 * Appends rows a slice at a time, letting the event loop run between slices: the appender is synchronous, and a
 * service answering requests on this thread must not stall for a whole run's values.
 */
async function appendInSlices(
  ws: Workspace,
  table: string,
  types: readonly AppendType[],
  rows: Iterable<readonly (string | number | boolean | Uint8Array | null)[]>,
): Promise<void> {
  let slice: (readonly (string | number | boolean | Uint8Array | null)[])[] = [];
  for (const r of rows) {
    slice.push(r);
    if (slice.length < SLICE) continue;
    await ws.appendRows(table, types, slice);
    slice = [];
    await yieldToLoop();
  }
  if (slice.length > 0) await ws.appendRows(table, types, slice);
}

/**
 * Stores a forecast run (append-only) in one transaction: all of it or nothing. Returns its run id.
 * @example const id = await storeForecastRun(ws, { origin: '2011-11-04', model: 'auto', role: 'champion',
 *   source: 'live', planRunId: null, skus, values });
 */
export async function storeForecastRun(ws: Workspace, run: NewForecastRun): Promise<number> {
  return ws.transaction(() => insertForecastRun(ws, run));
}

const RUN_COLUMNS = sql`run_id::INTEGER AS run_id, strftime(created_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS created_at,
  origin::VARCHAR AS origin, model, role, source, plan_run_id::INTEGER AS plan_run_id, skus::INTEGER AS skus`;

/** A run's header, or null when there is none with that id. */
export async function readForecastRun(ws: Workspace, runId: number): Promise<ForecastRunInfo | null> {
  const rows = await ws.all<ForecastRunInfo>(
    sql`SELECT ${RUN_COLUMNS} FROM forecast_runs WHERE run_id = ${runId}::INTEGER`,
  );
  return rows[0] ?? null;
}

/** The runs, newest first, optionally of one role and/or source. */
export async function listForecastRuns(
  ws: Workspace,
  f: { role?: ForecastRole; source?: ForecastSource; limit?: number } = {},
): Promise<ForecastRunInfo[]> {
  const where: Sql[] = [sql`TRUE`];
  if (f.role !== undefined) where.push(sql`role = ${f.role}`);
  if (f.source !== undefined) where.push(sql`source = ${f.source}`);
  return ws.all<ForecastRunInfo>(
    sql`SELECT ${RUN_COLUMNS} FROM forecast_runs WHERE ${joinSql(where, ' AND ')}
      ORDER BY run_id DESC LIMIT ${f.limit ?? 100}`,
  );
}

/** A run's SKUs (model, fallback, backtest MASE), in SKU order. */
export async function readForecastSkus(ws: Workspace, runId: number): Promise<ForecastRunSku[]> {
  return ws.all<ForecastRunSku>(sql`SELECT sku, model, fallback, backtest_mase FROM forecast_skus
    WHERE run_id = ${runId}::INTEGER ORDER BY sku`);
}

/** One stored value row as an object. */
export interface ForecastValue {
  sku: string;
  step: number;
  date: string;
  mean: number;
  p005: number | null;
  p05: number | null;
  p25: number | null;
  p50: number | null;
  p75: number | null;
  p95: number | null;
  p995: number | null;
}

/** A run's values (of some SKUs, or all), by SKU and step. */
export async function readForecastValues(
  ws: Workspace,
  runId: number,
  skus?: readonly string[],
): Promise<ForecastValue[]> {
  if (skus !== undefined && skus.length === 0) return [];
  const only = skus === undefined ? sql`` : sql`AND sku IN (SELECT ${codeRows(skus)})`;
  return ws.all<ForecastValue>(sql`SELECT sku, step::INTEGER AS step, date::VARCHAR AS date, mean, p005, p05, p25,
      p50, p75, p95, p995
    FROM forecast_values WHERE run_id = ${runId}::INTEGER ${only} ORDER BY sku, step`);
}
