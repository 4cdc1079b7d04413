/**
 * Forecast monitoring: every stored forecast scored against what then sold (`forecastAccuracy`), the monitoring and
 * sales-anomaly alerts (`monitorForecasts`), champion against challenger with a Diebold–Mariano test
 * (`championChallenger`) and `promoteChallenger`. The scoring is SQL in store/monitor.ts; its module comment says
 * which days are scored and how the MASE scale is measured.
 *
 * Writers (`monitorForecasts`, `promoteChallenger`) assume the caller holds the workspace's WriteLock; the readers
 * may be given a reader connection.
 */
import { InputError } from '../data/errors.js';
import { parseDateOption } from '../data/date-option.js';
import { DAY_MS, dayMs, isoDate } from '../numerics/calendar.js';
import { dieboldMariano } from '../numerics/diebold-mariano.js';
import { normalQuantile } from '../numerics/normal.js';
import { type AlertRow, type NewAlert, clearAlerts, listAlerts, raiseAlerts } from '../store/alerts.js';
import {
  type AccuracyFilter,
  type AccuracyRow,
  type BandBreach,
  type RolePairTotal,
  type RolePairWeek,
  lastDemandDay,
  readAccuracy,
  readBandBreaches,
  readLiveAccuracy,
  readRolePairs,
} from '../store/monitor.js';
import { readModelRoles, writeModelRoles } from '../store/model-roles.js';
import { checkModelName } from './forecast-series.js';
import type { Workspace } from '../store/workspace.js';

export type { AccuracyRow } from '../store/monitor.js';

/** Days of latest forecasts the tracking signal, coverage and drift alerts look at: the last 8 weeks. */
export const MONITOR_DAYS = 56;
/** Fewer scored days than this in the window: too few to judge, no monitoring alert (and an open one clears). */
export const MIN_MONITOR_DAYS = 14;
/**
 * Tracking signal limit (Brown 1959, "Statistical Forecasting for Inventory Control"): |Σ(a − f) / MAD| beyond 4
 * says the errors keep one sign — a biased forecast.
 */
export const TRACKING_SIGNAL_LIMIT = 4;
/** The 90 % band (p05–p95) must cover at least this share of the window's actuals. */
export const MIN_COVERAGE_90 = 0.75;
/** Live MASE above the backtest MASE by more than this fraction (25 %) is drift. */
export const DRIFT_MARGIN = 0.25;
/** Days (up to the as-of day) whose actuals are checked against the 99 % band for sales anomalies. */
export const ANOMALY_DAYS = 7;
/** A price this far (10 %) below the SKU's usual price is a promotion. */
export const PROMO_PRICE_DROP = 0.1;
/** One order line carrying at least this share (50 %) of a day's units is a bulk order. */
export const BULK_LINE_SHARE = 0.5;

const ROLES = ['champion', 'challenger'] as const;
const GROUPS = ['run', 'sku', 'class', 'step', 'week'] as const;

/**
 * Accuracy of the stored forecasts against what then sold, grouped by run, SKU, ABC-XYZ class, horizon step or week of
 * the forecast date: WAPE = Σ|a − f| / Σa, bias = Σ(f − a) / Σa, MASE = mean |a − f| / s with s the in-sample
 * seasonal-naive (m = 7) MAE over the 365 days up to the run's origin (Hyndman & Koehler 2006), pinball loss
 * ρ_τ(a − q_τ) averaged over the stored quantile levels 0.005…0.995 (Gneiting & Raftery 2007), coverage of the 50 %
 * (p25–p75), 90 % (p05–p95) and 99 % (p005–p995) bands. Stock-out, closed and missing days are not scored. Every run
 * matching the filters is scored (backtest runs too, unless `source` says otherwise); the class is the SKU's current
 * one in `sku_state`.
 * @example await forecastAccuracy(ws, { by: 'step', role: 'champion', maxStep: 7 }) // [{ key: '1', n: 412, … }, …]
 */
export async function forecastAccuracy(
  ws: Workspace,
  o: AccuracyFilter & { by: 'run' | 'sku' | 'class' | 'step' | 'week' },
): Promise<AccuracyRow[]> {
  if (!GROUPS.includes(o.by))
    throw new InputError(`accuracy: by must be one of ${GROUPS.join(', ')}, got '${String(o.by)}'`, { field: 'by' });
  if (o.role !== undefined && !ROLES.includes(o.role))
    throw new InputError(`accuracy: role must be champion or challenger, got '${String(o.role)}'`, { field: 'role' });
  if (o.source !== undefined && !['plan', 'live', 'backtest'].includes(o.source))
    throw new InputError(`accuracy: source must be plan, live or backtest, got '${String(o.source)}'`, {
      field: 'source',
    });
  for (const [field, v] of [
    ['runId', o.runId],
    ['maxStep', o.maxStep],
  ] as const)
    if (v !== undefined && (!Number.isInteger(v) || v < 1 || v > 2 ** 31 - 1))
      throw new InputError(`accuracy: ${field} must be a whole number ≥ 1, got ${v}`, { field });
  const { by, ...filter } = o;
  if (o.from !== undefined) filter.from = parseDateOption(o.from, 'from');
  if (o.to !== undefined) filter.to = parseDateOption(o.to, 'to');
  return readAccuracy(ws, by, filter);
}

/** A sale outside the 99 % band of its latest (one-step) forecast. */
export interface Anomaly {
  sku: string;
  date: string;
  actual: number;
  /** the forecast mean */
  expected: number;
  /** the 99 % band: p005–p995 */
  band: { lower: number; upper: number };
  /** the step of the forecast (1: made the day before) */
  step: number;
  direction: 'high' | 'low';
  /** actual / expected (null when the expected is 0) */
  size: number | null;
  /** (actual − expected) / σ with σ the band's width over 2 × 2.576 (the normal's 99 % band): null for a zero width */
  z: number | null;
  likely_cause: 'promotion' | 'stockout' | 'bulk_order' | null;
  /** what the data says, in words */
  evidence: string[];
}

const fmt = (x: number): string => String(Math.round(x * 100) / 100);
const pct = (x: number): string => `${Math.round(x * 100)} %`;

/** A breach's likely cause and the evidence for it (the constants above state the rules). */
function explainBreach(b: BandBreach): Anomaly {
  const high = b.actual > b.p995;
  const evidence: string[] = [];
  const causes: Anomaly['likely_cause'][] = [];
  if (high) {
    if (b.promo === true) {
      evidence.push('the day is marked as a promotion');
      causes.push('promotion');
    }
    if (b.price !== null && b.usual_price !== null && b.price < b.usual_price * (1 - PROMO_PRICE_DROP)) {
      evidence.push(
        `sold at ${fmt(b.price)}, ${pct(1 - b.price / b.usual_price)} below its usual ${fmt(b.usual_price)} ` +
          `(median of the 90 days before)`,
      );
      causes.push('promotion');
    }
    if (b.largest_line !== null && b.line_units !== null && b.line_units > 0) {
      const share = b.largest_line / b.line_units;
      if (share >= BULK_LINE_SHARE) {
        evidence.push(
          `one order line of ${fmt(b.largest_line)} units carried ${pct(share)} of the day's ${fmt(b.line_units)}` +
            (b.lines > 1 ? ` (${b.lines} lines)` : ''),
        );
        causes.push('bulk_order');
      }
    }
    if (b.outlier_capped) {
      evidence.push('an order line was capped as an outlier by the cleaning');
      causes.push('bulk_order');
    }
  } else {
    if (b.stockout) {
      evidence.push('the day is in a run of zero-sale days flagged as a suspected stock-out');
      causes.push('stockout');
    }
    if (b.on_hand !== null && b.on_hand <= 0) {
      evidence.push(`the stock snapshot of ${b.stock_date ?? 'an earlier day'} has ${fmt(b.on_hand)} on hand`);
      causes.push('stockout');
    }
  }
  const sigma = (b.p995 - b.p005) / (2 * normalQuantile(0.995));
  return {
    sku: b.sku,
    date: b.date,
    actual: b.actual,
    expected: b.mean,
    band: { lower: b.p005, upper: b.p995 },
    step: b.step,
    direction: high ? 'high' : 'low',
    size: b.mean > 0 ? b.actual / b.mean : null,
    z: sigma > 0 ? (b.actual - b.mean) / sigma : null,
    likely_cause: causes[0] ?? null,
    evidence,
  };
}

const addDays = (date: string, days: number): string => isoDate(dayMs(date) + days * DAY_MS);

/** The SKUs with an open alert of `kind`. */
async function openAlertSkus(ws: Workspace, kind: NewAlert['kind']): Promise<string[]> {
  const open = await listAlerts(ws, { kind, status: 'open', limit: 1_000_000 });
  return [...new Set(open.alerts.map((a) => a.sku))];
}

/**
 * Checks the champion's latest forecasts against the actuals up to `asOf` (default: the last day of data) and raises
 * or clears the monitoring alerts, one per SKU and kind (the constants above state the thresholds):
 * - `tracking_signal`: over the last 8 weeks, |Σ(a − f) / MAD| > 4 (Brown's tracking signal; f the latest forecast
 *   made before each day — step 1 when the SKU is re-forecast daily);
 * - `coverage`: the 90 % band (p05–p95) covered under 75 % of those weeks' actuals;
 * - `drift`: live MASE over those weeks above the runs' backtest MASE by more than 25 %;
 * - `anomaly`: an actual of the last 7 days outside the 99 % band (p005–p995) of its latest forecast, with its size
 *   and likely cause (promotion, stock-out, bulk order) where the data says so.
 * Stock-out days are left out of the first three (they are lost sales, not demand) but checked for anomalies.
 * Returns the alerts that are new or rose in severity (worth an event), the anomalies, and how many alerts cleared.
 * Call inside the writer's lock (not inside a transaction: it runs its own, so the alerts change all together).
 * @example const { alerts, anomalies } = await lock.run(() => monitorForecasts(ws));
 */
export async function monitorForecasts(
  ws: Workspace,
  o: { asOf?: string } = {},
): Promise<{ as_of: string | null; alerts: AlertRow[]; anomalies: Anomaly[]; cleared: number }> {
  const asOf = o.asOf === undefined ? await lastDemandDay(ws) : parseDateOption(o.asOf, 'asOf');
  const raised: NewAlert[] = [];
  const holding = {
    tracking_signal: new Set<string>(),
    coverage: new Set<string>(),
    drift: new Set<string>(),
    anomaly: new Set<string>(),
  };
  let anomalies: Anomaly[] = [];
  if (asOf !== null) {
    const window = `the 8 weeks to ${asOf}`;
    for (const s of await readLiveAccuracy(ws, addDays(asOf, -MONITOR_DAYS), asOf)) {
      if (s.n < MIN_MONITOR_DAYS) continue;
      const ts = s.mad > 0 ? s.cfe / s.mad : 0;
      if (Math.abs(ts) > TRACKING_SIGNAL_LIMIT) {
        holding.tracking_signal.add(s.sku);
        raised.push({
          sku: s.sku,
          kind: 'tracking_signal',
          severity: 'warning',
          message:
            `${s.sku}: tracking signal ${fmt(ts)} over ${window} (limit ±${TRACKING_SIGNAL_LIMIT}): ` +
            `the forecast is steadily too ${ts > 0 ? 'low' : 'high'} ` +
            `(${fmt(Math.abs(s.cfe))} units ${ts > 0 ? 'more' : 'fewer'} sold than forecast over ${s.n} days)`,
          data: { tracking_signal: ts, cfe: s.cfe, mad: s.mad, days: s.n, as_of: asOf },
        });
      }
      if (s.coverage90 !== null && s.coverage_n >= MIN_MONITOR_DAYS && s.coverage90 < MIN_COVERAGE_90) {
        holding.coverage.add(s.sku);
        raised.push({
          sku: s.sku,
          kind: 'coverage',
          severity: 'warning',
          message:
            `${s.sku}: the 90 % band covered ${pct(s.coverage90)} of ${s.coverage_n} days over ${window} ` +
            `(at least ${pct(MIN_COVERAGE_90)} expected): the forecast is more uncertain than it says`,
          data: { coverage90: s.coverage90, days: s.coverage_n, as_of: asOf },
        });
      }
      if (
        s.mase !== null &&
        s.backtest_mase !== null &&
        s.backtest_mase > 0 &&
        s.mase > s.backtest_mase * (1 + DRIFT_MARGIN)
      ) {
        holding.drift.add(s.sku);
        raised.push({
          sku: s.sku,
          kind: 'drift',
          severity: 'warning',
          message:
            `${s.sku}: live MASE ${fmt(s.mase)} over ${window} is ${pct(s.mase / s.backtest_mase - 1)} above its ` +
            `backtest MASE ${fmt(s.backtest_mase)} (margin ${pct(DRIFT_MARGIN)})`,
          data: { mase: s.mase, backtest_mase: s.backtest_mase, days: s.n, as_of: asOf },
        });
      }
    }
    anomalies = (await readBandBreaches(ws, addDays(asOf, -ANOMALY_DAYS), asOf)).map(explainBreach);
    const bySku = new Map<string, Anomaly[]>();
    for (const a of anomalies) bySku.set(a.sku, [...(bySku.get(a.sku) ?? []), a]);
    for (const [sku, list] of bySku) {
      holding.anomaly.add(sku);
      const last = list[list.length - 1]!;
      raised.push({
        sku,
        kind: 'anomaly',
        // an anomaly the data explains is information; an unexplained one needs a look
        severity: last.likely_cause === null ? 'warning' : 'info',
        message:
          `${sku}: ${fmt(last.actual)} sold on ${last.date}, ${last.direction === 'high' ? 'above' : 'below'} the ` +
          `99 % band ${fmt(last.band.lower)}–${fmt(last.band.upper)} (expected ${fmt(last.expected)})` +
          (last.likely_cause === null ? '' : `; likely ${last.likely_cause.replace('_', ' ')}: ${last.evidence[0]}`) +
          (list.length > 1 ? ` (${list.length} days outside the band in the last ${ANOMALY_DAYS})` : ''),
        data: { anomalies: list, as_of: asOf },
      });
    }
  }
  // one transaction: the alerts change all together (and one commit is far faster than one per alert)
  return ws.transaction(async () => {
    const alerts = await raiseAlerts(ws, raised);
    let cleared = 0;
    for (const [kind, still] of Object.entries(holding) as [NewAlert['kind'], Set<string>][])
      cleared += await clearAlerts(ws, kind, await openAlertSkus(ws, kind), still);
    return { as_of: asOf, alerts, anomalies, cleared };
  });
}

/** Champion against challenger (`championChallenger`). */
export interface ChampionChallenger {
  champion: string;
  challenger: string | null;
  /** first and last forecast day compared */
  from: string | null;
  to: string | null;
  weekly: RolePairWeek[];
  overall: RolePairTotal;
  dm: {
    statistic: number;
    p_value: number;
    n: number;
    horizon: number;
    loss: string;
    /** the role with the smaller loss when p < 0.05, else null */
    better: 'champion' | 'challenger' | null;
  } | null;
}

/**
 * The live accuracy of the champion and the challenger over the last `weeks` weeks (default 8) of actuals, on the
 * SAME (SKU, day, step) forecasts (each role's latest run for each), weekly and overall (WAPE, MASE, bias), and a
 * Diebold–Mariano test (Diebold & Mariano 1995; Harvey, Leybourne & Newbold 1997 correction, as R forecast::dm.test,
 * two-sided) of the difference. Loss: the absolute error of the step-1 forecasts, averaged over the SKUs both
 * forecast each day, so d_t = MAE_champion(t) − MAE_challenger(t) is one daily series (h = 1). A negative statistic
 * favours the champion. `dm` is null with fewer than 3 days or identical losses.
 * @example (await championChallenger(ws, { weeks: 8 })).dm?.p_value
 */
export async function championChallenger(ws: Workspace, o: { weeks?: number } = {}): Promise<ChampionChallenger> {
  const weeks = o.weeks ?? 8;
  if (!Number.isInteger(weeks) || weeks < 1 || weeks > 520)
    throw new InputError(`compare: weeks must be a whole number from 1 to 520, got ${weeks}`, { field: 'weeks' });
  const roles = await readModelRoles(ws);
  const to = await lastDemandDay(ws);
  const empty: RolePairTotal = {
    n: 0,
    actual: 0,
    champion_wape: null,
    challenger_wape: null,
    champion_mase: null,
    challenger_mase: null,
    champion_bias: null,
    challenger_bias: null,
  };
  if (to === null) return { ...roles, from: null, to: null, weekly: [], overall: empty, dm: null };
  const from = addDays(to, -7 * weeks);
  const pairs = await readRolePairs(ws, from, to);
  let dm: ChampionChallenger['dm'] = null;
  if (pairs.daily.length >= 3) {
    try {
      const r = dieboldMariano(
        Float64Array.from(pairs.daily, (d) => d.champion_mae),
        Float64Array.from(pairs.daily, (d) => d.challenger_mae),
        { h: 1, power: 1 },
      );
      dm = {
        statistic: r.statistic,
        p_value: r.p_value,
        n: r.n,
        horizon: r.h,
        loss: 'absolute error of the step-1 forecasts, averaged over the SKUs both roles forecast each day',
        better: r.p_value < 0.05 ? (r.statistic < 0 ? 'champion' : 'challenger') : null,
      };
    } catch (e) {
      if (!(e instanceof RangeError)) throw e; // identical losses: no test
    }
  }
  return { ...roles, from: addDays(from, 1), to, weekly: pairs.weekly, overall: pairs.total, dm };
}

/**
 * Promotes the challenger: it becomes the champion and the old champion the challenger. An InputError when no
 * challenger is set. Call inside the writer's lock.
 * @example await lock.run(() => promoteChallenger(ws)) // { champion: 'ets', challenger: 'auto' }
 */
export async function promoteChallenger(ws: Workspace): Promise<{ champion: string; challenger: string | null }> {
  const roles = await readModelRoles(ws);
  if (roles.challenger === null)
    throw new InputError('promote: no challenger model is set (set one before promoting it)', {
      field: 'challenger',
    });
  const next = { champion: roles.challenger, challenger: roles.champion };
  await writeModelRoles(ws, next);
  return next;
}

/**
 * The champion and challenger models (the challenger null when none is set).
 * @example await modelRoles(ws) // { champion: 'auto', challenger: null }
 */
export async function modelRoles(ws: Workspace): Promise<{ champion: string; challenger: string | null }> {
  return readModelRoles(ws);
}

/**
 * Sets the champion and the challenger that run side by side on live data from the next re-forecast on (a null
 * challenger stops it). The names must be models shopcast runs (`auto` or a statistical model). Call inside the
 * writer's lock.
 * @example await setModelRoles(ws, { champion: 'auto', challenger: 'ets' })
 */
export async function setModelRoles(
  ws: Workspace,
  roles: { champion: string; challenger: string | null },
): Promise<{ champion: string; challenger: string | null }> {
  checkModelName('models', roles.champion);
  if (roles.challenger !== null) checkModelName('models', roles.challenger);
  await writeModelRoles(ws, roles);
  return readModelRoles(ws);
}
