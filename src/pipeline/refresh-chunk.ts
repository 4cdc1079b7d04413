/**
 * The CPU of a live refresh (pipeline/refresh.ts) for a chunk of its SKUs, as one pure function that runs in a worker
 * thread (refresh-worker.ts): the champion's and the challenger's forecasts (`forecastPanel`), the planners'
 * overrides applied to the champion's (`withOverrides`), and each SKU's stock policy (`skuPolicy`). Everything it
 * needs travels with it (the chunk's panel, stock and cost rows, classes, override rows), so a chunk's result is a
 * function of its input (conventions §24), and a SKU's result does not depend on the chunk it is in.
 */
import type { BatchForecast } from '../engine/forecast-batch.js';
import type { AbcClass, XyzClass } from '../inventory/abc-xyz.js';
import type { OverrideRow } from '../store/overrides.js';
import { withOverrides } from './plan-steps/overrides.js';
import type { PlanInputs } from './plan-steps/read.js';
import { type PolicyOptions, type PolicyOutcome, forecastPanel, skuPolicy } from './plan-steps/steps.js';

/** What a chunk of a refresh needs. */
export interface RefreshChunk {
  /** the chunk's SKUs' inputs (panel rows, stock and catalogue cost of those SKUs only) */
  inputs: PlanInputs;
  classes: { abc: AbcClass; xyz: XyzClass; stage: string | null; revenue365: number }[];
  /** the active overrides of the chunk's SKUs */
  overrides: OverrideRow[];
  champion: string;
  challenger: string | null;
  policy: PolicyOptions;
  /** per SKU of the chunk, the stored forecast states of the champion's and the challenger's model (null: none) */
  states: { champion: (Uint8Array | null)[]; challenger: (Uint8Array | null)[] | null };
}

/** What a chunk gives back. */
export interface RefreshChunkResult {
  champion: BatchForecast;
  challenger: BatchForecast | null;
  /** each SKU's policy (on the forecast with overrides), in the chunk's order; `mean` is its own copy */
  policies: PolicyOutcome[];
  /** the thread's milliseconds in the fits (and overrides) and in the policies */
  ms: { forecast: number; policy: number };
}

/**
 * Forecasts the chunk's SKUs and runs their policies (module comment). Called in a refresh worker; in-process in
 * tests.
 * @example
 * const r = await refreshChunk({ inputs, classes, overrides: [], champion: 'auto', challenger: null, policy: {},
 *   states: { champion: [], challenger: null } });
 */
export async function refreshChunk(c: RefreshChunk): Promise<RefreshChunkResult> {
  const { inputs } = c;
  const t0 = performance.now();
  // each SKU's last fit run forward where its stored state still fits its data (forecast-batch.ts), else estimated
  // anew, its new state kept
  const fit = (model: string, states: (Uint8Array | null)[]): Promise<BatchForecast> =>
    forecastPanel(inputs.panel, { model, h: inputs.h, threads: 1, states, keepStates: true });
  const champion = await fit(c.champion, c.states.champion);
  const challenger = c.challenger === null ? null : await fit(c.challenger, c.states.challenger ?? []);
  const adjusted = withOverrides(inputs, champion, c.overrides);
  const t1 = performance.now();
  const policies = inputs.panel.ids.map((_, i) => {
    // the scenario tables stay here (nothing stores them); the mean is copied out of the forecast's buffer, which a
    // structured clone would otherwise copy whole for every SKU
    const outcome = skuPolicy(inputs, adjusted, i, c.classes[i]!, c.policy);
    delete outcome.tables;
    return { ...outcome, mean: outcome.mean.slice() };
  });
  return { champion, challenger, policies, ms: { forecast: t1 - t0, policy: performance.now() - t1 } };
}

/** The buffers of a chunk's result that can move to the receiving thread instead of being copied. */
export function transferables(r: RefreshChunkResult): ArrayBuffer[] {
  const fcs = r.challenger === null ? [r.champion] : [r.champion, r.challenger];
  const out = new Set<ArrayBuffer>();
  for (const fc of fcs) for (const a of [fc.mean, fc.quantiles]) out.add(a.buffer as ArrayBuffer);
  for (const p of r.policies) out.add(p.mean.buffer as ArrayBuffer);
  return [...out];
}
