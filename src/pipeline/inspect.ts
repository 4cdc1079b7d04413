import { InputError } from '../data/errors.js';
import { type CleaningRuleCount, cleaningCounts, cleaningReport } from '../store/cleaning-report.js';
import type { Workspace } from '../store/workspace.js';
import { ensureCleanTables } from '../store/clean.js';
import {
  type SeriesPoint,
  type TopSeller,
  type WorkspaceTotals,
  seriesPoints,
  skuKind,
  topSellers,
  workspaceTotals,
} from '../store/inspect.js';

import { type DemandProfile, demandProfile } from '../store/profile.js';

export type { DemandProfile, SeriesPoint, TopSeller, WorkspaceTotals };

/**
 * What kind of shop the workspace holds: lines per SKU, intermittency, weekly variation, launches (store/profile.ts).
 * Rebuilds the clean tables first when they are stale.
 * @example const p = await profileWorkspace(ws); p.intermittent_share; // 0.83
 */
export async function profileWorkspace(ws: Workspace): Promise<DemandProfile> {
  await ensureCleanTables(ws);
  return demandProfile(ws);
}

/** What a workspace holds: totals, the cleaning report and the top sellers. */
export interface WorkspaceSummary extends WorkspaceTotals {
  workspace: string;
  cleaning: Record<string, number>;
  cleaning_detail: CleaningRuleCount[];
  top_sellers: TopSeller[];
}

/**
 * Summarises what the workspace holds: row counts, SKUs, date range, the `top` best sellers by
 * units, cleaning report. Rebuilds the clean tables first when they are stale.
 * @example const summary = await inspectWorkspace(ws, 5); // summary.top_sellers[0]?.sku
 */
export async function inspectWorkspace(ws: Workspace, top = 10): Promise<WorkspaceSummary> {
  await ensureCleanTables(ws);
  const totals = await workspaceTotals(ws);
  const sellers = await topSellers(ws, Math.max(0, Math.floor(top)));
  const detail = await cleaningReport(ws);
  return {
    workspace: ws.dir,
    ...totals,
    cleaning: cleaningCounts(detail),
    cleaning_detail: detail,
    top_sellers: sellers,
  };
}

/** The periods `series` reads: days or Monday weeks. */
export type SeriesFreq = 'day' | 'week';

/**
 * The clean demand series of one SKU, daily or weekly (weeks start on Monday and sum the open
 * days; a week with no open day has units null). An unknown SKU or a non-product line (postage,
 * fees) is an InputError with field `sku`.
 * @example const weeks = await demandSeries(ws, '85123A', 'week');
 */
export async function demandSeries(ws: Workspace, sku: string, freq: SeriesFreq = 'day'): Promise<SeriesPoint[]> {
  await ensureCleanTables(ws);
  const kind = await skuKind(ws, sku);
  if (kind === 'unknown')
    throw new InputError(`series: unknown SKU '${sku}' (shopcast inspect lists the top sellers)`, { field: 'sku' });
  if (kind === 'non_product')
    throw new InputError(`series: '${sku}' is a non-product line (postage, fee…), it has no demand series`, {
      field: 'sku',
    });
  if (typeof kind === 'object')
    throw new InputError(
      `series: '${sku}' is a bundle: its sales are the demand of its components (${kind.bundle.join(', ')}); ` +
        `ask for one of them`,
      { field: 'sku' },
    );
  return seriesPoints(ws, sku, freq);
}
