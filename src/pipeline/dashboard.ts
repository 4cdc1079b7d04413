/**
 * The dashboard's reads (issue #20), each derived from the stored tables: the Today page (`dashboardSummary`: KPIs,
 * the open alerts by urgency, the purchase orders due by supplier, what changed since the previous plan), the
 * product table as columns (`skuTable`, cached per data version), weekly sparklines (`skuSparklines`), and the Data
 * page (`ingestHistory`, `cleaningSummary`, `rejectedRows`). `prepareWorkspace` fills an empty workspace for
 * `shopcast serve --if-empty` (ingest, plan, an admin key). Read-only but for that one.
 */
import { InputError } from '../data/errors.js';
import { INVENTORY_DEFAULTS } from '../inventory/defaults.js';
import { DAY_MS, dayMs, isoDate } from '../numerics/calendar.js';
import { type CleaningRuleCount, cleaningReport } from '../store/cleaning-report.js';
import {
  type ForecastChangeRow,
  type IngestFileRow,
  type RejectedRow,
  type SupplierOrdersRow,
  cleaningTotals,
  dataVersion,
  hasIngestedFiles,
  lastDemandDate,
  latestPlanRuns,
  readActivitySince,
  readForecastChanges,
  readIngests,
  readKpis,
  readOrdersDue,
  readRejectedRows,
  readSetting,
  readUrgentAlerts,
  skuTableJson,
  weeklyUnits,
} from '../store/dashboard.js';
import { setMeta } from '../store/ingest.js';
import type { Workspace } from '../store/workspace.js';
import { ingestFiles } from './ingest.js';
import { type ApiKeyInfo, createApiKey, listKeys, revokeKey } from './keys.js';
import { type PlanSummary, planWorkspace } from './plan.js';

/** The stock-out risk from which a SKU counts as at risk (the plan's own threshold: plan.ts planTotals). */
export const AT_RISK = 0.5;
/** Open alerts the summary lists. */
export const SUMMARY_ALERTS = 20;
/** Forecast changes the summary lists. */
export const SUMMARY_CHANGES = 10;
/** Stage changes the summary lists. */
export const SUMMARY_STAGE_CHANGES = 20;
/** Weeks a sparkline covers. */
export const SPARKLINE_WEEKS = 26;
/** SKUs one sparklines request may name. */
export const MAX_SPARKLINE_SKUS = 200;

/** An open alert as the summary lists it (as GET /alerts does). */
export interface SummaryAlert {
  alert_id: number;
  created_at: string;
  sku: string;
  kind: string;
  severity: string;
  message: string;
  data: unknown;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  cleared_at: string | null;
}

/** The Today page. */
export interface DashboardSummary {
  /** the last day of data of the SKUs' state (null: no plan yet) */
  as_of: string | null;
  /** ISO 4217 code (workspace setting `currency`; null: not set, amounts are plain numbers) */
  currency: string | null;
  /** BCP 47 tag: the workspace setting `locale`, else en-GB for GBP, else en-US */
  locale: string;
  /** the latest plan run (null: none) */
  run_id: number | null;
  kpis: {
    /** Σ over SKUs of the next 30 days' forecast means × the median selling price */
    revenue_forecast_30d: number;
    /** Σ on hand × unit cost (the plan's unit cost) */
    stock_value: number;
    /** SKUs whose stock-out risk within lead time + review is 50 % or more */
    skus_at_risk: number;
    /** Σ revenue expected to be lost before an order placed today could arrive */
    lost_revenue_expected: number;
    skus: number;
    /** SKUs with an open alert */
    skus_with_alerts: number;
  };
  /** open alerts, most urgent first, at most 20 */
  alerts: SummaryAlert[];
  /** the latest plan's orders (after overrides) by supplier, most urgent first */
  orders_due: SupplierOrdersRow[];
  changes: {
    /** when the baseline was made: the previous plan run, else the only one (ISO timestamp; null: no plan) */
    since: string | null;
    /** the baseline plan's last day of data */
    since_as_of: string | null;
    /** the baseline plan run */
    since_run_id: number | null;
    /** alerts raised since */
    new_alerts: number;
    /** SKUs whose next-30-day forecast changed, largest change in units first (at most 10) */
    forecast_changes: (ForecastChangeRow & { change_pct: number | null })[];
    forecast_changes_total: number;
    /** life-cycle stage changes since (at most 20), newest first */
    stage_changes: { sku: string; from: string; to: string }[];
    stage_changes_total: number;
    /** ingests since (order batches posted, files uploaded) */
    batches: number;
    /** rows they brought that were new */
    lines: number;
  };
}

/** The locale amounts and dates are shown in: the workspace's setting, else by currency. */
export function localeFor(setting: string | null, currency: string | null): string {
  if (setting !== null && setting !== '') return setting;
  return currency === 'GBP' ? 'en-GB' : 'en-US';
}

const round = (x: number, d = 2): number => {
  const k = 10 ** d;
  return Math.round(x * k) / k + 0;
};

/**
 * The Today page (DashboardSummary), every figure from the stored tables: KPIs over `sku_state` (with the SKUs'
 * forecast runs, the catalog's prices and the plan's unit costs), the open alerts, the latest plan's orders with
 * their overrides, and what changed since the baseline — the plan run before the latest (with only one plan: that
 * plan, so the changes are the live ones since it): forecasts (next 30 days, now vs that plan's forecast), stages,
 * alerts and ingests.
 * @example const s = await dashboardSummary(ws); s.kpis.skus_at_risk; s.orders_due[0]?.supplier;
 */
export async function dashboardSummary(ws: Workspace): Promise<DashboardSummary> {
  const currency = await readSetting(ws, 'currency');
  const locale = localeFor(await readSetting(ws, 'locale'), currency);
  const k = await readKpis(ws, { costShare: INVENTORY_DEFAULTS.costShare, riskAtLeast: AT_RISK });
  const alerts = (await readUrgentAlerts(ws, SUMMARY_ALERTS)).map((a) => ({ ...a, data: parseJson(a.data) }));
  const plans = await latestPlanRuns(ws, 2);
  const baseline = plans[1] ?? plans[0] ?? null;
  const changes: DashboardSummary['changes'] = {
    since: baseline?.created_at ?? null,
    since_as_of: baseline?.as_of ?? null,
    since_run_id: baseline?.run_id ?? null,
    new_alerts: 0,
    forecast_changes: [],
    forecast_changes_total: 0,
    stage_changes: [],
    stage_changes_total: 0,
    batches: 0,
    lines: 0,
  };
  if (baseline !== null) {
    const f = await readForecastChanges(ws, baseline.run_id, SUMMARY_CHANGES);
    changes.forecast_changes = f.rows.map((r) => ({
      ...r,
      change_pct: r.before > 0 ? round((r.after / r.before - 1) * 100, 1) : null,
    }));
    changes.forecast_changes_total = f.total;
    const a = await readActivitySince(ws, baseline.run_id, SUMMARY_STAGE_CHANGES);
    Object.assign(changes, a);
  }
  return {
    as_of: k.as_of,
    currency,
    locale,
    run_id: plans[0]?.run_id ?? null,
    kpis: {
      revenue_forecast_30d: round(k.revenue_forecast_30d),
      stock_value: round(k.stock_value),
      skus_at_risk: k.skus_at_risk,
      lost_revenue_expected: round(k.lost_revenue_expected),
      skus: k.skus,
      skus_with_alerts: k.skus_with_alerts,
    },
    alerts,
    orders_due: await readOrdersDue(ws),
    changes,
  };
}

function parseJson(t: string | null): unknown {
  if (t === null) return null;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return t;
  }
}

/** What `skuTable` answers: the data version, and the table's JSON unless the caller's version is current. */
export type SkuTableAnswer = { version: string; json: string } | { version: string; json: null };

/** The workspace's data version (store/dashboard.ts dataVersion): what the product table's ETag names. */
export function tableVersion(ws: Workspace): Promise<string> {
  return dataVersion(ws);
}

const tableCache = new WeakMap<Workspace, { version: string; json: string }>();

/**
 * Every SKU in columns (store/dashboard.ts skuTableJson) as JSON text, with the workspace's data version (an ETag's
 * base). When `known` holds the current version the table is not read (`json` null: the caller answers 304); the
 * last table built is kept per workspace connection and reused while the version holds.
 * @example const t = await skuTable(reader); if (t.json !== null) reply.send(t.json);
 */
export async function skuTable(ws: Workspace, known: readonly string[] = []): Promise<SkuTableAnswer> {
  const version = await dataVersion(ws);
  if (known.includes(version)) return { version, json: null };
  const cached = tableCache.get(ws);
  if (cached !== undefined && cached.version === version) return cached;
  const json = await skuTableJson(ws);
  // the version read after the table: a change in between gives the next request a fresh table, never a stale one
  // under a new version
  const after = await dataVersion(ws);
  const out = { version: after === version ? version : `${version}~`, json };
  if (after === version) tableCache.set(ws, out);
  return out;
}

/** Weekly units of SKUs: the week starts (Mondays) and, per SKU, one number per week. */
export interface Sparklines {
  weeks: string[];
  series: Record<string, number[]>;
}

/**
 * Weekly demand units (Monday weeks, as GET /skus/{sku}'s history.weekly sums them) of the last 26 weeks up to the
 * workspace's last day of data, for at most 200 SKUs (more is an InputError naming `skus`). A SKU without sales in a
 * week (or unknown) has 0 there.
 * @example await skuSparklines(ws, ['85123A']) // { weeks: ['2011-06-13', …], series: { '85123A': [312, …] } }
 */
export async function skuSparklines(ws: Workspace, skus: readonly string[]): Promise<Sparklines> {
  const unique = [...new Set(skus)];
  const long = unique.find((s) => s.length === 0 || s.length > 100);
  if (long !== undefined)
    throw new InputError(`skus: a SKU is 1 to 100 characters, got ${long.length}`, { field: 'query.skus' });
  if (unique.length > MAX_SPARKLINE_SKUS)
    throw new InputError(`skus: at most ${MAX_SPARKLINE_SKUS} SKUs at a time, got ${unique.length}`, {
      field: 'query.skus',
    });
  const last = await lastDemandDate(ws);
  if (last === null) return { weeks: [], series: Object.fromEntries(unique.map((s) => [s, []])) };
  const t = dayMs(last);
  const lastMonday = t - ((new Date(t).getUTCDay() + 6) % 7) * DAY_MS;
  const weeks = Array.from({ length: SPARKLINE_WEEKS }, (_, i) =>
    isoDate(lastMonday - (SPARKLINE_WEEKS - 1 - i) * 7 * DAY_MS),
  );
  const at = new Map(weeks.map((w, i) => [w, i]));
  const series: Record<string, number[]> = Object.create(null) as Record<string, number[]>;
  for (const s of unique) series[s] = new Array<number>(SPARKLINE_WEEKS).fill(0);
  for (const r of await weeklyUnits(ws, unique, weeks[0]!)) {
    const i = at.get(r.week);
    if (i !== undefined) series[r.sku]![i] = r.units;
  }
  return { weeks, series };
}

/** One ingest as the Data page lists it. */
export interface IngestEntry {
  ingest_id: number;
  started_at: string | null;
  /** when it finished */
  at: string | null;
  files: Omit<IngestFileRow, 'ingest_id'>[];
  /** rows accepted */
  rows: number;
  rejected: number;
  rows_new: number;
}

/**
 * The ingest history, newest first, each with its files (shown by base name: the server's folders are not), rows
 * accepted, rejected and new.
 */
export async function ingestHistory(
  ws: Workspace,
  o: { limit?: number; offset?: number } = {},
): Promise<{ total: number; ingests: IngestEntry[] }> {
  const { total, ingests, files } = await readIngests(ws, o.limit ?? 100, o.offset ?? 0);
  const byIngest = new Map<number, Omit<IngestFileRow, 'ingest_id'>[]>();
  for (const { ingest_id, ...f } of files) {
    const list = byIngest.get(ingest_id) ?? [];
    list.push(f);
    byIngest.set(ingest_id, list);
  }
  return { total, ingests: ingests.map((i) => ({ ...i, files: byIngest.get(i.ingest_id) ?? [] })) };
}

/** Every cleaning rule with the rows and units it touched over the whole workspace, and totals. */
export async function cleaningSummary(ws: Workspace): Promise<{
  rules: CleaningRuleCount[];
  totals: { rows: number; demand_rows: number; demand_units: number; rejected: number };
}> {
  const rules = await cleaningReport(ws);
  return { rules, totals: await cleaningTotals(ws) };
}

/**
 * Rejected rows with file (base name), line, reason and raw text exactly as stored (data, never markup), in file and
 * line order; `file` keeps those of the files of that name.
 */
export async function rejectedRows(
  ws: Workspace,
  o: { file?: string; limit?: number; offset?: number } = {},
): Promise<{ total: number; rows: RejectedRow[] }> {
  return readRejectedRows(ws, {
    ...(o.file === undefined ? {} : { file: o.file }),
    limit: o.limit ?? 100,
    offset: o.offset ?? 0,
  });
}

/** What `prepareWorkspace` did. */
export interface PreparedWorkspace {
  /** the files were ingested and planned (the workspace had no data) */
  filled: boolean;
  plan: PlanSummary | null;
  /** the admin key created, its token (shown once), and the earlier keys of that name revoked */
  key: { info: ApiKeyInfo; token: string; revoked: string[] } | null;
}

/**
 * `shopcast serve --if-empty FILES --new-key NAME`: when the workspace holds no ingested file, ingests `files` and
 * plans them (as `npm run demo` does: its currency kept as the workspace's `currency` setting); then, with `newKey`,
 * creates an admin key of that name, revoking the earlier keys of the same name (a key whose token no one kept is not
 * left valid). The token is returned once and stored nowhere.
 * @example
 * const p = await prepareWorkspace(ws, { files: ['o.csv.gz'], currency: 'GBP', out: 'plan', newKey: 'dashboard' });
 */
export async function prepareWorkspace(
  ws: Workspace,
  o: { files: readonly string[]; currency?: string; out: string; newKey?: string; threads?: number; now?: Date },
): Promise<PreparedWorkspace> {
  let plan: PlanSummary | null = null;
  const filled = o.files.length > 0 && !(await hasIngestedFiles(ws));
  if (filled) {
    await ingestFiles(ws, o.files, { ...(o.now === undefined ? {} : { now: o.now }) });
    plan = await planWorkspace(ws, {
      out: o.out,
      ...(o.currency === undefined ? {} : { currency: o.currency }),
      ...(o.threads === undefined ? {} : { threads: o.threads }),
      ...(o.now === undefined ? {} : { now: o.now }),
    });
    // an ISO 4217 code is what Intl formats amounts with; a bare symbol is the plan's to show, not a setting
    if (o.currency !== undefined && /^[A-Za-z]{3}$/.test(o.currency))
      await setMeta(ws, 'currency', o.currency.toUpperCase());
  }
  let key: PreparedWorkspace['key'] = null;
  if (o.newKey !== undefined) {
    const name = o.newKey.trim();
    const earlier = (await listKeys(ws)).filter((k) => k.name === name && k.revoked_at === null);
    for (const k of earlier) await revokeKey(ws, k.key_id);
    const made = await createApiKey(ws, { name, scope: 'admin' });
    key = { info: made.key, token: made.token, revoked: earlier.map((k) => k.key_id) };
  }
  return { filled, plan, key };
}
