/**
 * A plan made on a snapshot of the workspace, and its rows brought back.
 *
 * DuckDB has one writer, and a plan's CPU-heavy steps must not block the service: so a plan job copies the workspace
 * (`snapshotWorkspace`, under the write lock), a child process plans on the copy and exports the rows the plan added as
 * Parquet files (`exportPlanRows`), and the writer copies them in, in one transaction (`mergePlanRows`). The rows are
 * brought back through Parquet rather than by ATTACHing the copy: ATTACH takes no bound path, and the export's reading
 * happens in that process, not under the write lock.
 *
 * What a plan writes is data, below (PLAN_TABLES): each table, the run sequence its rows belong to, and its columns
 * that refer to runs. A row is new when its run id is above the sequence's highest at the snapshot (the baseline);
 * should the workspace have got runs of its own meanwhile (a live re-forecast adds forecast runs), the new ids move up
 * by as many, and every reference with them.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Sql, ident, joinSql, sql } from './sql.js';
import { pruneForecastStates } from './forecast-runs.js';
import type { Workspace } from './workspace.js';

/** The run sequences a plan adds to: each numbered by `run_id` of its table. */
export type RunSequence = 'plan' | 'lifecycle' | 'forecast';

const SEQUENCE_TABLE: Record<RunSequence, string> = {
  plan: 'plan_runs',
  lifecycle: 'lifecycle_runs',
  forecast: 'forecast_runs',
};

/** A table a plan appends to: `run_id` says which run a row is of; `refs` are its other columns naming a run. */
export interface AppendTable {
  table: string;
  run: RunSequence;
  refs?: Readonly<Record<string, RunSequence>>;
}

/** The tables a plan appends rows to, parents first. One line per table. */
export const PLAN_TABLES: readonly AppendTable[] = [
  { table: 'lifecycle_runs', run: 'lifecycle' },
  { table: 'lifecycle_stages', run: 'lifecycle' },
  { table: 'lifecycle_alerts', run: 'lifecycle' },
  { table: 'plan_runs', run: 'plan' },
  { table: 'plan_orders', run: 'plan' },
  { table: 'plan_forecasts', run: 'plan' },
  { table: 'plan_po_lines', run: 'plan' },
  { table: 'plan_transfers', run: 'plan' },
  { table: 'forecast_runs', run: 'forecast', refs: { plan_run_id: 'plan' } },
  { table: 'forecast_skus', run: 'forecast' },
  { table: 'forecast_values', run: 'forecast' },
  { table: 'forecast_states', run: 'forecast' },
];

/**
 * `sku_state` (one row per SKU) is replaced, not appended: the plan's row replaces the workspace's unless the
 * workspace's is newer than the snapshot (updated after it, or from a forecast run made after it: a live refresh).
 */
const SKU_STATE_REFS: Readonly<Record<string, RunSequence>> = { plan_run_id: 'plan', forecast_run_id: 'forecast' };

/** The alerts that follow `sku_state`: for the SKUs whose state the plan replaced, open as the plan left them. */
const PLAN_ALERT_KIND = 'stockout';

/** The highest run id of each sequence when the snapshot was taken, and when (the database's clock, as text). */
export interface Baseline {
  runs: Record<RunSequence, number>;
  at: string;
}

/** The highest run id of each sequence now, and the database's time. */
export async function runBaseline(ws: Workspace): Promise<Baseline> {
  const runs = {} as Record<RunSequence, number>;
  for (const [seq, table] of Object.entries(SEQUENCE_TABLE) as [RunSequence, string][])
    runs[seq] = (
      await ws.one<{ id: number }>(sql`SELECT coalesce(max(run_id), 0)::INTEGER AS id FROM ${ident(table)}`)
    ).id;
  const at = (await ws.one<{ at: string }>(`SELECT now()::TIMESTAMP::VARCHAR AS at`)).at;
  return { runs, at };
}

/** How long CHECKPOINT is retried while another connection's write is under way. */
const CHECKPOINT_WAIT_MS = 10_000;

/**
 * CHECKPOINT, retried while it fails because another connection's write transaction is open: the writer lock does not
 * cover every connection (the service's event log inserts through its own, at any time; its transactions are short).
 * FORCE CHECKPOINT would roll such a transaction back instead.
 */
async function checkpoint(ws: Workspace): Promise<void> {
  const deadline = Date.now() + CHECKPOINT_WAIT_MS;
  for (let wait = 5; ; wait = Math.min(wait * 2, 200)) {
    try {
      await ws.run('CHECKPOINT');
      return;
    } catch (e) {
      if (!/other write transactions/i.test(String(e)) || Date.now() > deadline) throw e;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

/**
 * Copies the workspace's database into `dir` (as `dir/shop.duckdb`, so that `Workspace.open(dir)` opens it) and
 * returns the baseline it was taken at. Call inside the write lock: CHECKPOINT writes every committed change into the
 * database file (readers on other connections do not stop it), and no writer runs until the copy is done. The copy is
 * made off the event loop.
 */
export async function snapshotWorkspace(ws: Workspace, dir: string): Promise<Baseline> {
  await checkpoint(ws);
  const baseline = await runBaseline(ws);
  await mkdir(dir, { recursive: true });
  await copyFile(ws.dbPath, join(dir, 'shop.duckdb'));
  // after a checkpoint there is no write-ahead log; were there one, it holds committed transactions only
  if (existsSync(`${ws.dbPath}.wal`)) await copyFile(`${ws.dbPath}.wal`, join(dir, 'shop.duckdb.wal'));
  return baseline;
}

const parquet = (dir: string, name: string): string => join(dir, `${name}.parquet`);

/**
 * Writes the rows a plan added to the snapshot `snap` (those above `baseline`) into Parquet files in `dir`, one per
 * table, plus `sku_state` rows the plan wrote and the snapshot's open alerts of the kind a plan raises. Returns the
 * rows written per table. Runs in the plan's process, on the snapshot.
 */
export async function exportPlanRows(
  snap: Workspace,
  baseline: Baseline,
  dir: string,
): Promise<Record<string, number>> {
  await mkdir(dir, { recursive: true });
  const counts: Record<string, number> = {};
  const write = async (name: string, query: Sql): Promise<void> => {
    await snap.run(sql`COPY (${query}) TO ${parquet(dir, name)} (FORMAT parquet)`);
    counts[name] = (await snap.one<{ n: number }>(sql`SELECT count(*)::INTEGER AS n FROM (${query})`)).n;
  };
  for (const t of PLAN_TABLES)
    await write(t.table, sql`SELECT * FROM ${ident(t.table)} WHERE run_id > ${baseline.runs[t.run]}::INTEGER`);
  await write(
    'sku_state',
    sql`SELECT * FROM sku_state WHERE coalesce(plan_run_id, 0) > ${baseline.runs.plan}::INTEGER
      OR updated_at > ${baseline.at}::TIMESTAMP`,
  );
  await write(
    'alerts',
    sql`SELECT sku, severity, message, data FROM alerts WHERE kind = ${PLAN_ALERT_KIND} AND cleared_at IS NULL`,
  );
  return counts;
}

/** A run reference moved up by the sequence's offset when it names a run the plan added. */
function remap(column: string, seq: RunSequence, baseline: Baseline, offsets: Record<RunSequence, number>): Sql {
  const c = ident(column);
  const [base, by] = [baseline.runs[seq], offsets[seq]];
  return sql`CASE WHEN ${c} > ${base}::INTEGER THEN ${c} + ${by}::INTEGER ELSE ${c} END AS ${c}`;
}

/** `SELECT * REPLACE (…)` of the remapped columns, from one exported file. */
function remapped(
  file: string,
  columns: Readonly<Record<string, RunSequence>>,
  baseline: Baseline,
  offsets: Record<RunSequence, number>,
): Sql {
  const parts = Object.entries(columns).map(([c, seq]) => remap(c, seq, baseline, offsets));
  return sql`SELECT * REPLACE (${joinSql(parts)}) FROM read_parquet(${file})`;
}

/** What `mergePlanRows` did. */
export interface MergeResult {
  /** the id each sequence's first new run got less the id it had in the snapshot (0 when nothing ran meanwhile) */
  offsets: Record<RunSequence, number>;
  /** rows added per table; `sku_state`: rows replaced or added */
  rows: Record<string, number>;
  /** ids of alerts the merge opened or raised in severity (worth an event) */
  alerts_raised: number[];
}

const SEVERITY_RANK = (column: Sql): Sql => sql`CASE ${column} WHEN 'critical' THEN 2 WHEN 'warning' THEN 1 ELSE 0 END`;

/**
 * Copies a plan's exported rows (`exportPlanRows` into `dir`) into the workspace in one transaction: appended rows
 * with their run ids moved past the workspace's own, `sku_state` rows replacing older ones, and the plan's open
 * alerts of its SKUs. Call inside the write lock. `beforeCommit` runs last inside the transaction, with what the
 * merge did (the job stores its end there, so that a plan is never stored without its job being done). Should
 * anything fail, nothing is stored.
 */
export async function mergePlanRows(
  ws: Workspace,
  baseline: Baseline,
  dir: string,
  beforeCommit?: (merged: MergeResult) => Promise<void>,
): Promise<MergeResult> {
  return ws.transaction(async () => {
    const now = await runBaseline(ws);
    const offsets = {} as Record<RunSequence, number>;
    for (const seq of Object.keys(SEQUENCE_TABLE) as RunSequence[])
      offsets[seq] = Math.max(0, now.runs[seq] - baseline.runs[seq]);
    const rows: Record<string, number> = {};
    const count = async (q: Sql): Promise<number> =>
      (await ws.one<{ n: number }>(sql`SELECT count(*)::INTEGER AS n FROM (${q})`)).n;
    for (const t of PLAN_TABLES) {
      const file = parquet(dir, t.table);
      const select = remapped(file, { run_id: t.run, ...t.refs }, baseline, offsets);
      await ws.run(sql`INSERT INTO ${ident(t.table)} BY NAME ${select}`);
      rows[t.table] = await count(sql`SELECT 1 FROM read_parquet(${file})`);
    }
    // the plan's forecast states replace the older ones of their SKUs
    await pruneForecastStates(ws, sql`run_id > ${now.runs.forecast}::INTEGER`);

    // sku_state: the plan's rows for SKUs the workspace has no newer row of
    const states = parquet(dir, 'sku_state');
    await ws.run(sql`CREATE OR REPLACE TEMP TABLE plan_merge_skus AS
      SELECT s.sku FROM read_parquet(${states}) s LEFT JOIN sku_state m ON m.sku = s.sku
      WHERE m.sku IS NULL OR NOT (coalesce(m.updated_at > ${baseline.at}::TIMESTAMP, FALSE)
        OR coalesce(m.forecast_run_id, 0) > ${baseline.runs.forecast}::INTEGER)`);
    await ws.run(sql`INSERT OR REPLACE INTO sku_state BY NAME
      SELECT * FROM (${remapped(states, SKU_STATE_REFS, baseline, offsets)})
      WHERE sku IN (SELECT sku FROM plan_merge_skus)`);
    rows['sku_state'] = await count(sql`SELECT 1 FROM plan_merge_skus`);

    // alerts of those SKUs: open as the plan left them
    const alerts = parquet(dir, 'alerts');
    const planOpen = sql`SELECT * FROM read_parquet(${alerts}) WHERE sku IN (SELECT sku FROM plan_merge_skus)`;
    const rose = await ws.all<{ alert_id: number }>(sql`SELECT m.alert_id::INTEGER AS alert_id
      FROM alerts m JOIN (${planOpen}) s ON s.sku = m.sku
      WHERE m.kind = ${PLAN_ALERT_KIND} AND m.cleared_at IS NULL
        AND ${SEVERITY_RANK(sql`s.severity`)} > ${SEVERITY_RANK(sql`m.severity`)}`);
    await ws.run(sql`UPDATE alerts SET severity = s.severity, message = s.message, data = s.data,
        acknowledged_at = CASE WHEN ${SEVERITY_RANK(sql`s.severity`)} > ${SEVERITY_RANK(sql`alerts.severity`)}
          THEN NULL ELSE acknowledged_at END,
        acknowledged_by = CASE WHEN ${SEVERITY_RANK(sql`s.severity`)} > ${SEVERITY_RANK(sql`alerts.severity`)}
          THEN NULL ELSE acknowledged_by END
      FROM (${planOpen}) s
      WHERE alerts.sku = s.sku AND alerts.kind = ${PLAN_ALERT_KIND} AND alerts.cleared_at IS NULL`);
    await ws.run(sql`UPDATE alerts SET cleared_at = now()::TIMESTAMP
      WHERE kind = ${PLAN_ALERT_KIND} AND cleared_at IS NULL AND sku IN (SELECT sku FROM plan_merge_skus)
        AND sku NOT IN (SELECT sku FROM read_parquet(${alerts}))`);
    const before = (await ws.one<{ id: number }>('SELECT coalesce(max(alert_id), 0)::INTEGER AS id FROM alerts')).id;
    await ws.run(sql`INSERT INTO alerts
      SELECT (${before}::INTEGER + row_number() OVER (ORDER BY s.sku))::INTEGER, now()::TIMESTAMP, s.sku,
        ${PLAN_ALERT_KIND}, s.severity, s.message, s.data, NULL, NULL, NULL
      FROM (${planOpen}) s
      WHERE NOT EXISTS (SELECT 1 FROM alerts m
        WHERE m.sku = s.sku AND m.kind = ${PLAN_ALERT_KIND} AND m.cleared_at IS NULL)`);
    const added = await ws.all<{ alert_id: number }>(
      sql`SELECT alert_id::INTEGER AS alert_id FROM alerts WHERE alert_id > ${before}::INTEGER ORDER BY alert_id`,
    );
    await ws.run('DROP TABLE plan_merge_skus');
    const merged = { offsets, rows, alerts_raised: [...rose, ...added].map((r) => Number(r.alert_id)) };
    if (beforeCommit !== undefined) await beforeCommit(merged);
    return merged;
  });
}
