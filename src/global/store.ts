/**
 * The global model in the workspace: one row per trained model in `models`, the boosters as JSON
 * (the format of gbdt/learner.ts), so that `shopcast explain` and later runs can load it.
 */
import { type Booster, boosterFromJson, boosterToJson } from '../gbdt/learner.js';
import { type Workspace, sqlString } from '../store/workspace.js';
import type { GlobalModel } from './global-model.js';

export interface StoredModel {
  model: GlobalModel;
  asOf: string;
  horizon: number;
  createdAt: string;
}

export async function saveGlobalModel(ws: Workspace, model: GlobalModel, asOf: string, horizon: number): Promise<void> {
  await ws.run(`CREATE TABLE IF NOT EXISTS models (name VARCHAR, created_at TIMESTAMP, as_of DATE, horizon INTEGER, body VARCHAR)`);
  const body = JSON.stringify({
    mean: JSON.parse(boosterToJson(model.mean)),
    quantiles: model.quantiles.map((q) => ({ level: q.level, booster: JSON.parse(boosterToJson(q.booster)) })),
    rows: model.rows,
    seconds: model.seconds,
  });
  await ws.run(`INSERT INTO models VALUES ('global', now()::TIMESTAMP, DATE ${sqlString(asOf)}, ${horizon}, ?)`, [body]);
}

export async function loadGlobalModel(ws: Workspace): Promise<StoredModel | undefined> {
  const t = await ws.all(`SELECT 1 FROM duckdb_tables() WHERE table_name = 'models' AND NOT temporary`);
  if (t.length === 0) return undefined;
  const rows = await ws.all(`SELECT as_of::VARCHAR AS as_of, horizon, created_at::VARCHAR AS created_at, body FROM models WHERE name = 'global' ORDER BY created_at DESC LIMIT 1`);
  if (rows.length === 0) return undefined;
  const o = JSON.parse(rows[0]!['body'] as string) as { mean: object; quantiles: { level: number; booster: object }[]; rows: GlobalModel['rows']; seconds: number };
  const b = (x: object): Booster => boosterFromJson(JSON.stringify(x));
  return {
    model: { mean: b(o.mean), quantiles: o.quantiles.map((q) => ({ level: q.level, booster: b(q.booster) })), rows: o.rows, seconds: o.seconds },
    asOf: rows[0]!['as_of'] as string,
    horizon: Number(rows[0]!['horizon']),
    createdAt: rows[0]!['created_at'] as string,
  };
}
