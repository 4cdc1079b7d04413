/**
 * What an order batch posted as JSON reads from the workspace before it is staged: the layout its lines are stored
 * with, so that the cleaning rules keyed by layout (the non-product SKU pattern) apply to them as to the shop's files.
 */
import type { Workspace } from './workspace.js';

/**
 * The layout name of the workspace's latest order-lines file (an earlier batch counts), e.g. `uci-online-retail`,
 * or undefined when it has none.
 * @example await latestOrderLinesLayout(ws) // 'uci-online-retail' after ingesting the sample shop
 */
export async function latestOrderLinesLayout(ws: Workspace): Promise<string | undefined> {
  const rows = await ws.all<{ layout: string }>(
    `SELECT layout FROM files WHERE kind = 'order_lines' ORDER BY file_id DESC LIMIT 1`,
  );
  return rows[0]?.layout;
}
