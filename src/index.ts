/**
 * shopcast — demand planning for online shops, as a library. Two entry points:
 * - `forecast` / `backtest`: many plain series in, typed forecasts (mean and quantiles per series
 *   and model) or accuracy rows out — the statsforecast way;
 * - `openWorkspace`: a DuckDB workspace holding a shop's history, with every use case of the CLI
 *   as a method (`ingest`, `inspect`, `series`, `forecast`, `lifecycle`, `launch`, `plan`, `explain`);
 *   `customersWorkspace` and the customer models (BG/NBD, Pareto/NBD, Gamma-Gamma, RFM) on typed arrays.
 * Sub-paths: `shopcast/models` (the forecasters), `shopcast/inventory` (inventory theory),
 * `shopcast/metrics` (accuracy measures), `shopcast/server` (the HTTP service: `createServer`).
 *
 * @example
 * import { forecast } from 'shopcast';
 * const out = await forecast(
 *   [{ sku: 'A', values: [3, 5, 4, 6, 5, 7, 6, 8] }, { sku: 'B', values: [0, 2, 0, 0, 1, 0, 3, 0] }],
 *   { h: 4, models: ['auto', 'naive'] },
 * );
 * out[0]!.sku; out[0]!.model; out[0]!.mean; out[0]!.quantiles;
 *
 * @packageDocumentation
 */
export { forecast, backtest } from './pipeline/forecast-arrays.js';
export type {
  BacktestArraysOptions,
  BacktestRow,
  ForecastArraysOptions,
  LongRow,
  NamedSeries,
  SeriesForecast,
  SeriesInput,
} from './pipeline/forecast-arrays.js';
export { openWorkspace } from './pipeline/open-workspace.js';
export type { ShopWorkspace, WorkspaceSeriesOptions } from './pipeline/open-workspace.js';
export { Workspace, DEFAULT_WORKSPACE, DEFAULT_MEMORY_LIMIT } from './store/workspace.js';
export type { AppendType, Query, Row, WorkspaceOptions } from './store/workspace.js';
export { sql, ident, joinSql } from './store/sql.js';
export type { Sql, SqlPart } from './store/sql.js';
export { ingestFiles, loadCleaningConfig, writeRejectsCsv } from './pipeline/ingest.js';
export type { IngestOptions, IngestReport, FileReport } from './pipeline/ingest.js';
export { inspectWorkspace, demandSeries, profileWorkspace } from './pipeline/inspect.js';
export type { WorkspaceSummary, SeriesPoint, SeriesFreq, TopSeller, DemandProfile } from './pipeline/inspect.js';
export { writeSynthShop, readShopTemplate } from './pipeline/synth.js';
export type { SynthShopOptions, SynthSummary } from './pipeline/synth.js';
export { forecastWorkspace, workspaceSeries } from './pipeline/forecast-workspace.js';
export type { ForecastOptions, ForecastSummary, ForecastInput } from './pipeline/forecast-series.js';
export { lifecycleWorkspace } from './pipeline/lifecycle.js';
export type { LifecycleOptions, LifecycleResult, SkuLifecycle, LifecycleAlert } from './pipeline/lifecycle.js';
export { planLaunch, trackLaunches } from './pipeline/launch.js';
export type { LaunchPlan, LaunchRequest, LaunchTracking, LaunchWeek } from './pipeline/launch.js';
export { launchAudience } from './pipeline/launch-audience.js';
export type { AudienceCustomer, LaunchAudience } from './pipeline/launch-audience.js';
export { customersWorkspace, writeCustomersCsv, CUSTOMER_MODELS, CUSTOMER_CSV_COLUMNS } from './pipeline/customers.js';
export type { CustomerModel, CustomerRow, CustomersOptions, CustomersResult } from './pipeline/customers.js';
export { fitBgNbd, bgNbdLogLik, bgNbdPAlive, bgNbdExpected } from './customers/bg-nbd.js';
export type { BgNbdParams } from './customers/bg-nbd.js';
export { fitParetoNbd, paretoNbdLogLik, paretoNbdPAlive, paretoNbdExpected } from './customers/pareto-nbd.js';
export type { ParetoNbdParams } from './customers/pareto-nbd.js';
export { fitGammaGamma, gammaGammaLogLik, gammaGammaExpected } from './customers/gamma-gamma.js';
export type { GammaGammaParams } from './customers/gamma-gamma.js';
export { rfmScores, rfmSegment, RFM_SEGMENTS } from './customers/rfm.js';
export type { RfmScores, RfmSegment } from './customers/rfm.js';
export type { CustomerFit, CustomerHistories } from './customers/histories.js';
export { planWorkspace } from './pipeline/plan.js';
export type { PlanOptions, PlanOrder, PlanSummary } from './pipeline/plan.js';
export { explainSku, explainSkus } from './pipeline/explain.js';
export type { SkuExplanation, Driver } from './global/explain.js';
export { DEFAULT_CLEANING, mergeCleaningConfig } from './data/cleaning-config.js';
export type { CleaningConfig } from './data/cleaning-config.js';
export type { CleaningRuleCount } from './store/cleaning-report.js';
export { InputError } from './data/errors.js';
export { resolveLayout, parseMapping, ORDER_LINES, DAILY_SALES } from './data/layouts.js';
export type { ColumnMapping, LayoutKind } from './data/layouts.js';
export { FREQS, FREQ_DEFAULTS } from './numerics/calendar.js';
export type { Freq } from './numerics/calendar.js';
export { DEFAULT_LEVELS } from './models/contract.js';
export type { Fallback } from './engine/forecast-batch.js';
export { postOrderLines, postStockSnapshot, cleanOrderSkus } from './pipeline/order-batch.js';
export type { OrderLineInput, OrderBatchResult, StockInput } from './pipeline/order-batch.js';
export { refreshSkus, closeRefreshWorkers } from './pipeline/refresh.js';
export type { RefreshResult } from './pipeline/refresh.js';
export {
  forecastAccuracy,
  monitorForecasts,
  championChallenger,
  promoteChallenger,
  modelRoles,
  setModelRoles,
} from './pipeline/monitor.js';
export type { AccuracyRow, Anomaly, ChampionChallenger } from './pipeline/monitor.js';
export { compareModels } from './pipeline/compare.js';
export { listSkus, skuDetail } from './pipeline/skus.js';
export type { SkuQuery, SkuListItem, SkuDetail } from './pipeline/skus.js';
export { forecastsExport } from './pipeline/forecasts-export.js';
export { planOrders, approveOrders, overrideOrder, supplierOrdersCsv } from './pipeline/orders.js';
export { JobRunner } from './pipeline/jobs.js';
export type { JobInfo, JobKind, JobState } from './pipeline/jobs.js';
export { WriteLock } from './pipeline/write-lock.js';
export { createApiKey, listKeys, revokeKey } from './pipeline/keys.js';
export { main } from './cli/main.js';
export type { Io } from './cli/main.js';
