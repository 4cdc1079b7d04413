/**
 * A workspace with every use case as a method: what the CLI commands do, from code. Each method is
 * the same library function the CLI calls (`ingestFiles`, `inspectWorkspace`, `planWorkspace`, …)
 * with the workspace filled in; the functions stay exported for those who prefer them.
 */
import type { SkuExplanation } from '../global/explain.js';
import { type Workspace, type WorkspaceOptions } from '../store/workspace.js';
import { explainSku } from './explain.js';
import { type ForecastArraysOptions, type SeriesForecast, forecast as forecastArrays } from './forecast-arrays.js';
import type { ForecastOptions, ForecastSummary } from './forecast-series.js';
import { forecastWorkspace, workspaceSeries } from './forecast-workspace.js';
import { type IngestOptions, type IngestReport, ingestFiles } from './ingest.js';
import {
  type DemandProfile,
  type SeriesFreq,
  type SeriesPoint,
  type WorkspaceSummary,
  demandSeries,
  inspectWorkspace,
  profileWorkspace,
} from './inspect.js';
import { type LaunchPlan, type LaunchRequest, type LaunchTracking, planLaunch, trackLaunches } from './launch.js';
import { type LifecycleOptions, type LifecycleResult, lifecycleWorkspace } from './lifecycle.js';
import { type PlanOptions, type PlanSummary, planWorkspace } from './plan.js';

/** Options of `ShopWorkspace.forecastSeries`: the statsforecast-style options, on the workspace's demand. */
export interface WorkspaceSeriesOptions extends Omit<ForecastArraysOptions, 'freq' | 'asOf'> {
  /** daily demand or complete Monday weeks (default day) */
  freq?: 'day' | 'week';
  /** use only demand up to this date */
  asOf?: string;
}

/** An open workspace and what can be done with it (see `openWorkspace`). */
export interface ShopWorkspace {
  /** the workspace folder */
  readonly dir: string;
  /** the DuckDB workspace underneath (typed queries: `db.all<T>(sql\`…\`)`) */
  readonly db: Workspace;
  /** Ingests shop files (order lines, daily sales, catalog, stock; CSV or Parquet) and cleans them. */
  ingest(paths: readonly string[], options?: IngestOptions): Promise<IngestReport>;
  /** Row counts, SKUs, date range, top sellers and the cleaning report. */
  inspect(options?: { top?: number }): Promise<WorkspaceSummary>;
  /** what kind of shop it is: lines per SKU, intermittency, weekly variation, launches (`profileWorkspace`) */
  profile(): Promise<DemandProfile>;
  /** One SKU's clean demand with its cleaning flags, daily or weekly. */
  series(sku: string, freq?: SeriesFreq): Promise<SeriesPoint[]>;
  /** Forecasts every SKU's demand and returns the forecasts as typed arrays (statistical models). */
  forecastSeries(options: WorkspaceSeriesOptions): Promise<SeriesForecast[]>;
  /** `shopcast forecast`: every SKU (any model, the global model and the ensemble too) into `out` (forecasts.csv). */
  forecast(options: ForecastOptions): Promise<ForecastSummary>;
  /** Life-cycle stage of every SKU with its evidence; stored as a run, with alerts on stage changes. */
  lifecycle(options?: LifecycleOptions): Promise<LifecycleResult>;
  /** A launch plan for a product without history (stored when `sku` is given). */
  launch(request: LaunchRequest): Promise<LaunchPlan>;
  /** Stored launches against their sales since. */
  trackLaunches(): Promise<LaunchTracking[]>;
  /** `shopcast plan`: forecasts, life cycle, purchase orders, report. */
  plan(options: PlanOptions): Promise<PlanSummary>;
  /** Why the stored global model forecasts what it does for a SKU (and day). */
  explain(sku: string, date?: string): Promise<SkuExplanation>;
  /** Closes the database; the object is unusable afterwards. */
  close(): void;
}

/**
 * Opens (creating when needed, migrating when older) the workspace in `dir`.
 *
 * @example
 * import { openWorkspace } from 'shopcast';
 * const shop = await openWorkspace('.shopcast');
 * await shop.ingest(['orders.csv.gz', 'stock.csv']);
 * const plan = await shop.plan({ out: 'plan' });
 * shop.close();
 */
export async function openWorkspace(dir: string, options: WorkspaceOptions = {}): Promise<ShopWorkspace> {
  const { Workspace } = await import('../store/workspace.js');
  const db = await Workspace.open(dir, options);
  return {
    dir: db.dir,
    db,
    ingest: (paths, o) => ingestFiles(db, paths, o),
    inspect: (o) => inspectWorkspace(db, o?.top ?? 10),
    profile: () => profileWorkspace(db),
    series: (sku, freq) => demandSeries(db, sku, freq),
    forecastSeries: async (o) => {
      const freq = o.freq ?? 'day';
      const input = await workspaceSeries(db, freq, o.asOf);
      const list = input.ids.map((sku, i) => ({ sku, values: input.values[i]! }));
      return forecastArrays(list, { ...o, freq });
    },
    forecast: (o) => forecastWorkspace(db, o),
    lifecycle: (o) => lifecycleWorkspace(db, o),
    launch: (r) => planLaunch(db, r),
    trackLaunches: () => trackLaunches(db),
    plan: (o) => planWorkspace(db, o),
    explain: (sku, date) => explainSku(db, sku, date),
    close: () => db.close(),
  };
}
