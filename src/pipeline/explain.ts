/**
 * `explain`: why the workspace's stored global model forecasts what it does for a SKU and day
 * (exact TreeSHAP contributions, global/explain.ts).
 */
import { InputError } from '../data/errors.js';
import { ExplainError, type SkuExplanation, explainForecasts } from '../global/explain.js';
import { loadGlobalModel } from '../store/models.js';
import type { Workspace } from '../store/workspace.js';
import { loadPanel } from './panels.js';

/**
 * Explanations of several (SKU, day) forecasts of the stored global model, loading it once.
 * @example const [e] = await explainSkus(ws, [{ sku: '85123A', date: '2011-11-07' }]);
 */
export async function explainSkus(
  ws: Workspace,
  requests: readonly { sku: string; date?: string }[],
): Promise<SkuExplanation[]> {
  const stored = await loadGlobalModel(ws);
  if (stored === undefined)
    throw new InputError(
      'explain: the workspace has no global model yet: train it first (forecastWorkspace with model global, ' +
        'i.e. `shopcast forecast --model global --freq day`)',
    );
  const panel = await loadPanel(ws, stored.asOf, stored.horizon);
  try {
    return explainForecasts(stored, panel, requests);
  } catch (e) {
    if (e instanceof ExplainError) throw new InputError(e.message, { field: e.field });
    throw e;
  }
}

/**
 * Why the stored global model forecasts what it does for one SKU on one day (default: the first
 * day of its forecast window).
 * @example const e = await explainSku(ws, '85123A');
 */
export async function explainSku(ws: Workspace, sku: string, date?: string): Promise<SkuExplanation> {
  return (await explainSkus(ws, [{ sku, ...(date === undefined ? {} : { date }) }]))[0]!;
}
