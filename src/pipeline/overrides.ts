/**
 * Planners' forecast overrides: "+40 % for the two weeks of the promotion", "we will sell 300 of these in December".
 * Stored with who and why (store/overrides.ts), applied to the forecast the stock policy takes by the plan and by the
 * live refresh (engine/forecast-overrides.ts says how: an uplift scales mean and quantiles; `units` is the total
 * for the period, spread over its days in proportion to the model's mean, quantiles scaled by the same ratio). The
 * forecast runs stored stay the model's (its accuracy is measured on them); `GET /skus/{sku}` shows both.
 *
 * Adding or removing an override re-forecasts the SKU through the live refresh (pipeline/refresh.ts), so its order
 * suggestion (sku_state) is the one the override implies as soon as the call returns. Functions that write assume
 * the caller holds the workspace's WriteLock.
 */
import { InputError } from '../data/errors.js';
import { DAY_MS, dayMs, isoDate } from '../numerics/calendar.js';
import {
  type OverrideRow,
  insertOverride,
  markOverrideRemoved,
  readOverride,
  readOverrides,
} from '../store/overrides.js';
import { type SkuState, readSkuState } from '../store/sku-state.js';
import type { Workspace } from '../store/workspace.js';
import { type RefreshOptions, refreshSkus } from './refresh.js';
import { type SkuDetail, skuDetail } from './skus.js';

export type { OverrideRow };

/** What a planner asks for: a period (inclusive, `YYYY-MM-DD`), a kind and value, and why. */
export interface ForecastOverrideInput {
  from: string;
  to: string;
  /** uplift_pct: mean and quantiles × (1 + value/100), value > −100; units: value ≥ 0 units in all over the period */
  kind: 'uplift_pct' | 'units';
  value: number;
  /** 1–500 characters */
  reason: string;
}

/** A SKU's order suggestion as its sku_state holds it (what the live refresh recomputes). */
export interface OrderSuggestion {
  as_of: string;
  order_qty: number;
  order_by: string | null;
  reorder_point: number;
  order_up_to: number;
  position: number;
  days_of_stock: number | null;
  stockout_date: string | null;
  stockout_risk: number;
  expedite: boolean;
  held_back: boolean;
  reason: string | null;
  /** Σ forecast mean over the next 28 days, overrides applied */
  forecast_28: number;
}

/** What adding or removing an override answers: the override, the recomputed suggestion, the SKU's forecast. */
export interface OverrideResult {
  override: OverrideRow;
  order: OrderSuggestion | null;
  forecast: SkuDetail['forecast'];
}

const MAX_REASON = 500;
const MAX_WHO = 200;
/** The furthest an override may reach past the first forecast day (the closed-day calendar's two years). */
const MAX_DAYS_AHEAD = 730;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function suggestion(s: SkuState | undefined): OrderSuggestion | null {
  if (s === undefined) return null;
  const { as_of, order_qty, order_by, reorder_point, order_up_to, position, days_of_stock, stockout_date } = s;
  const { stockout_risk, expedite, held_back, reason, forecast_28 } = s;
  return {
    as_of,
    order_qty,
    order_by,
    reorder_point,
    order_up_to,
    position,
    days_of_stock,
    stockout_date,
    stockout_risk,
    expedite,
    held_back,
    reason,
    forecast_28,
  };
}

function checkDate(field: string, value: unknown): string {
  if (
    typeof value !== 'string' ||
    !DATE.test(value) ||
    !Number.isFinite(dayMs(value)) ||
    isoDate(dayMs(value)) !== value
  )
    throw new InputError(`${field} must be a date YYYY-MM-DD, got ${JSON.stringify(value)}`, { field });
  return value;
}

function checkText(field: string, value: unknown, max: number): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw new InputError(`${field} is required (a non-empty text)`, { field });
  if (value.length > max)
    throw new InputError(`${field} must be at most ${max} characters, got ${value.length}`, { field });
  return value;
}

/** The input checked against the SKU's first forecast day (the day after its state's data). */
function checkInput(r: ForecastOverrideInput, firstDay: string): ForecastOverrideInput {
  const from = checkDate('from', r.from);
  const to = checkDate('to', r.to);
  if (to < from) throw new InputError(`to (${to}) must not be before from (${from})`, { field: 'to' });
  if (from < firstDay)
    throw new InputError(`from (${from}) is before the forecast's first day ${firstDay}: past days cannot change`, {
      field: 'from',
    });
  const last = isoDate(dayMs(firstDay) + MAX_DAYS_AHEAD * DAY_MS);
  if (to > last)
    throw new InputError(`to (${to}) is more than ${MAX_DAYS_AHEAD} days ahead (${last})`, { field: 'to' });
  if (r.kind !== 'uplift_pct' && r.kind !== 'units')
    throw new InputError(`kind must be one of uplift_pct, units, got ${JSON.stringify(r.kind)}`, { field: 'kind' });
  const v = r.value;
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new InputError(`value must be a number, got ${String(v)}`, { field: 'value' });
  if (r.kind === 'uplift_pct' && !(v > -100 && v <= 10_000))
    throw new InputError(`value: an uplift must be above -100 % and at most 10000 %, got ${v}`, { field: 'value' });
  if (r.kind === 'units' && !(v >= 0 && v <= 1e9))
    throw new InputError(`value: units must be from 0 to 1e9, got ${v}`, { field: 'value' });
  return { from, to, kind: r.kind, value: v, reason: checkText('reason', r.reason, MAX_REASON) };
}

/** The SKU's state, null when it has none (never planned): overrides need a forecast to apply to. */
async function stateOf(ws: Workspace, sku: string): Promise<SkuState | undefined> {
  checkText('sku', sku, Infinity);
  return (await readSkuState(ws, [sku]))[0];
}

async function recomputed(ws: Workspace, sku: string, override: OverrideRow, o: RefreshOptions) {
  const r = await refreshSkus(ws, [sku], o);
  const state = r.state[0] ?? (await readSkuState(ws, [sku]))[0];
  const detail = await skuDetail(ws, sku, { historyDays: 7 });
  return { override, order: suggestion(state), forecast: detail?.forecast ?? null };
}

/**
 * Stores an override of `sku`'s forecast by `who` and recomputes the SKU's forecast and order suggestion at once (the
 * live refresh). null for a SKU without a state (never planned: nothing to override yet). The period must start on
 * or after the first forecast day; an uplift must be above −100 %, units ≥ 0, the reason 1–500 characters: anything
 * else is an InputError naming the field. Call inside the writer's lock.
 * @example
 * const r = await lock.run(() =>
 *   addForecastOverride(ws, '85123A', { from: '2011-12-12', to: '2011-12-25', kind: 'uplift_pct', value: 40,
 *     reason: 'Christmas promotion' }, 'ana'));
 * r?.order?.order_qty; r?.forecast?.days[0]?.base_mean;
 */
export async function addForecastOverride(
  ws: Workspace,
  sku: string,
  input: ForecastOverrideInput,
  who: string,
  o: RefreshOptions = {},
): Promise<OverrideResult | null> {
  const state = await stateOf(ws, sku);
  if (state === undefined) return null;
  const r = checkInput(input, isoDate(dayMs(state.as_of) + DAY_MS));
  const row = await insertOverride(ws, { sku, ...r, who: checkText('who', who, MAX_WHO) });
  return recomputed(ws, sku, row, o);
}

/**
 * Removes override `id` of `sku` (kept, marked removed by `who`) and recomputes the SKU's forecast and order at once.
 * null when `sku` has no active override `id`. Call inside the writer's lock.
 * @example
 * await lock.run(() => removeForecastOverride(ws, '85123A', 3, 'ana')); // { override: { removed_by: 'ana', … }, … }
 */
export async function removeForecastOverride(
  ws: Workspace,
  sku: string,
  id: number,
  who: string,
  o: RefreshOptions = {},
): Promise<OverrideResult | null> {
  checkText('sku', sku, Infinity);
  if (!Number.isInteger(id) || id < 1)
    throw new InputError(`id must be a whole number ≥ 1, got ${id}`, { field: 'id' });
  const row = await markOverrideRemoved(ws, { sku, id, who: checkText('who', who, MAX_WHO) });
  if (row === null) return null;
  return recomputed(ws, sku, row, o);
}

/**
 * `sku`'s overrides in creation order: the active ones, or every one ever stored (removed ones with who removed them)
 * with `all`.
 * @example await listForecastOverrides(ws, '85123A') // [{ override_id: 1, kind: 'uplift_pct', value: 40, … }]
 */
export async function listForecastOverrides(
  ws: Workspace,
  sku: string,
  o: { all?: boolean } = {},
): Promise<OverrideRow[]> {
  checkText('sku', sku, Infinity);
  return readOverrides(ws, { skus: [sku], all: o.all === true });
}

/** Override `id`, whichever SKU it is of; null when none. */
export async function forecastOverride(ws: Workspace, id: number): Promise<OverrideRow | null> {
  return readOverride(ws, id);
}
