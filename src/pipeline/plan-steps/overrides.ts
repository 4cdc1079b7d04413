/**
 * The plan step between forecasting and the stock policy: the planners' active forecast overrides
 * (pipeline/overrides.ts) applied to the forecast the policy takes. The plan and the live refresh both call it.
 */
import type { BatchForecast } from '../../engine/forecast-batch.js';
import { applyOverridesInPlace, dayOverridesAsSteps } from '../../engine/forecast-overrides.js';
import { DAY_MS } from '../../numerics/calendar.js';
import { type OverrideRow, readOverrides } from '../../store/overrides.js';
import type { Workspace } from '../../store/workspace.js';
import type { PlanInputs } from './read.js';

/**
 * The forecast the stock policy takes: `fc` (the model's, for the panel of `inputs`) with the active overrides of its
 * SKUs applied, as a copy; `fc` itself when none of its SKUs has one. The plan and the live refresh call it between
 * forecasting and the policy, so the stored forecast runs stay the model's.
 */
export async function withStoredOverrides(
  ws: Workspace,
  inputs: PlanInputs,
  fc: BatchForecast,
): Promise<BatchForecast> {
  return withOverrides(inputs, fc, await readOverrides(ws, { skus: inputs.panel.ids }));
}

/**
 * `fc` with the override rows `rows` (of the panel's SKUs) applied, as a copy; `fc` itself when there are none. The
 * pure half of `withStoredOverrides`: a live refresh reads the rows and applies them in its worker thread.
 * @example withOverrides(inputs, fc, await readOverrides(ws, { skus: inputs.panel.ids }))
 */
export function withOverrides(inputs: PlanInputs, fc: BatchForecast, rows: readonly OverrideRow[]): BatchForecast {
  const { panel } = inputs;
  if (rows.length === 0) return fc;
  const out: BatchForecast = { ...fc, mean: fc.mean.slice(), quantiles: fc.quantiles.slice() };
  const index = new Map(panel.ids.map((s, i) => [s, i]));
  const firstDay = inputs.lastDay + DAY_MS;
  const closed = panel.closed.subarray(panel.days, panel.days + fc.h);
  const bySku = new Map<string, OverrideRow[]>();
  for (const r of rows) bySku.set(r.sku, [...(bySku.get(r.sku) ?? []), r]);
  for (const [sku, list] of bySku)
    applyOverridesInPlace(out, index.get(sku)!, dayOverridesAsSteps(list, firstDay), closed);
  return out;
}
