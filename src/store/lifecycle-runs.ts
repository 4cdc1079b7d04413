/** Life-cycle runs: `lifecycle_runs`, their stages per SKU and the alerts on stage changes. */
import { sql } from './sql.js';
import type { Workspace } from './workspace.js';

export interface StoredStage {
  sku: string;
  stage: string;
  confidence: number;
  weeks: number;
  history: string;
  evidence: unknown;
}

/**
 * The run a new run as of `asOf` is compared with: the stored run with the latest as-of date on or
 * before `asOf` (the newest of those when several share it), with the stage of each of its SKUs;
 * null when none. By as-of date, not by when runs were stored: a backdated run (`--as-of` in the
 * past) is not the baseline of a later run about today, and a run about today is not the baseline
 * of a backdated one.
 */
export async function baselineLifecycleRun(
  ws: Workspace,
  asOf: string,
): Promise<{ run_id: number; as_of: string; stages: Map<string, string> } | null> {
  const prev = await ws.all<{ run_id: number; as_of: string }>(
    sql`SELECT run_id, as_of::VARCHAR AS as_of FROM lifecycle_runs WHERE as_of <= ${asOf}::DATE
      ORDER BY as_of DESC, run_id DESC LIMIT 1`,
  );
  if (prev.length === 0) return null;
  const runId = Number(prev[0]!.run_id);
  const rows = await ws.all<{ sku: string; stage: string }>(
    sql`SELECT sku, stage FROM lifecycle_stages WHERE run_id = ${runId}::INTEGER`,
  );
  return { run_id: runId, as_of: prev[0]!.as_of, stages: new Map(rows.map((r) => [r.sku, r.stage])) };
}

/** The id the next stored run gets: one more than the highest stored (1 for the first). */
export async function nextLifecycleRunId(ws: Workspace): Promise<number> {
  const r = await ws.all<{ id: number | null }>(`SELECT max(run_id) AS id FROM lifecycle_runs`);
  return Number(r[0]?.id ?? 0) + 1;
}

/** Stores a run, its stages (appended) and its alerts in one transaction. */
export async function storeLifecycleRun(
  ws: Workspace,
  run: {
    runId: number;
    asOf: string;
    stages: readonly StoredStage[];
    alerts: readonly { sku: string; from: string; to: string; confidence: number }[];
  },
): Promise<void> {
  await ws.transaction(async () => {
    await ws.run(
      sql`INSERT INTO lifecycle_runs VALUES (${run.runId}::INTEGER, now()::TIMESTAMP,
        ${run.asOf}::DATE, ${run.stages.length}::INTEGER)`,
    );
    await ws.appendRows(
      'lifecycle_stages',
      ['INTEGER', 'VARCHAR', 'VARCHAR', 'DOUBLE', 'INTEGER', 'VARCHAR', 'VARCHAR'],
      run.stages.map((s) => [run.runId, s.sku, s.stage, s.confidence, s.weeks, s.history, JSON.stringify(s.evidence)]),
    );
    for (const a of run.alerts)
      await ws.run(
        sql`INSERT INTO lifecycle_alerts VALUES (${run.runId}::INTEGER, now()::TIMESTAMP, ${run.asOf}::DATE,
          ${a.sku}, ${a.from}, ${a.to}, ${a.confidence})`,
      );
  });
}
