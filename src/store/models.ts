/**
 * The global model in the workspace: one row per trained model in `models`, the boosters as JSON
 * (the format of gbdt/learner.ts), so that `shopcast explain` and later runs can load it.
 */
import { type Booster, boosterFromJson, boosterToJson } from '../gbdt/learner.js';
import type { GlobalModel } from '../global/global-model.js';
import { sql } from './sql.js';
import type { Workspace } from './workspace.js';

export interface StoredModel {
  model: GlobalModel;
  asOf: string;
  horizon: number;
  createdAt: string;
}

export async function saveGlobalModel(ws: Workspace, model: GlobalModel, asOf: string, horizon: number): Promise<void> {
  const body = JSON.stringify({
    mean: JSON.parse(boosterToJson(model.mean)),
    quantiles: model.quantiles.map((q) => ({ level: q.level, booster: JSON.parse(boosterToJson(q.booster)) })),
    rows: model.rows,
    seconds: model.seconds,
  });
  await ws.run(sql`INSERT INTO models VALUES ('global', now()::TIMESTAMP, ${asOf}::DATE, ${horizon}, ${body})`);
}

export async function loadGlobalModel(ws: Workspace): Promise<StoredModel | undefined> {
  const rows = await ws.all<{ as_of: string; horizon: number; created_at: string; body: string }>(
    `SELECT as_of::VARCHAR AS as_of, horizon, created_at::VARCHAR AS created_at, body
      FROM models WHERE name = 'global' ORDER BY created_at DESC LIMIT 1`,
  );
  if (rows.length === 0) return undefined;
  const r = rows[0]!;
  const o = JSON.parse(r.body) as {
    mean: object;
    quantiles: { level: number; booster: object }[];
    rows: GlobalModel['rows'];
    seconds: number;
  };
  const b = (x: object): Booster => boosterFromJson(JSON.stringify(x));
  return {
    model: {
      mean: b(o.mean),
      quantiles: o.quantiles.map((q) => ({ level: q.level, booster: b(q.booster) })),
      rows: o.rows,
      seconds: o.seconds,
    },
    asOf: r.as_of,
    horizon: Number(r.horizon),
    createdAt: r.created_at,
  };
}
