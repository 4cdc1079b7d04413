/**
 * shopcast — demand planning for online shops. The library surface: open a workspace, ingest shop
 * files, read the cleaned demand.
 */
export { Workspace, DEFAULT_WORKSPACE, DEFAULT_MEMORY_LIMIT } from './store/workspace.js';
export type { Row, WorkspaceOptions } from './store/workspace.js';
export { ingestFiles, writeRejectsCsv, loadCleaningConfig } from './pipeline/ingest.js';
export type { IngestOptions, IngestReport, FileReport } from './pipeline/ingest.js';
export { inspectWorkspace, demandSeries } from './pipeline/inspect.js';
export type { WorkspaceSummary, SeriesPoint, Freq, TopSeller } from './pipeline/inspect.js';
export { DEFAULT_CLEANING, mergeCleaningConfig } from './data/cleaning-config.js';
export type { CleaningConfig } from './data/cleaning-config.js';
export type { CleaningRuleCount } from './store/report.js';
export { InputError } from './data/errors.js';
export { resolveLayout, parseMapping, ORDER_LINES, DAILY_SALES } from './data/layouts.js';
export type { ColumnMapping, LayoutKind } from './data/layouts.js';
export { main } from './cli/main.js';
