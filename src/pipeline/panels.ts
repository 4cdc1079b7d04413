/**
 * The domain's inputs read from the workspace: the global model's panel and the launch history,
 * both from the one demand reader (store/demand-panel.ts).
 */
import { InputError } from '../data/errors.js';
import { type Panel, panelFromDaily } from '../global/panel.js';
import { type ShopHistory, shopHistory } from '../launch/history.js';
import { descriptionsAsOf, readCatalog } from '../store/catalog.js';
import { readDemandPanel } from '../store/demand-panel.js';
import type { Workspace } from '../store/workspace.js';

/** The global model's panel up to `asOf`, with `extraDays` of promotion and closed flags beyond it. */
export async function loadPanel(ws: Workspace, asOf?: string, extraDays = 0): Promise<Panel> {
  const p = panelFromDaily(await readDemandPanel(ws, { ...(asOf === undefined ? {} : { asOf }), extraDays }));
  if (p.ids.length === 0)
    throw new InputError(`the workspace has no demand${asOf === undefined ? '' : ` up to ${asOf}`}`);
  return p;
}

/** What a launch forecast may see as of `asOf` (launch/history.ts). */
export async function loadShopHistory(ws: Workspace, asOf?: string): Promise<ShopHistory> {
  const demand = await readDemandPanel(ws, asOf === undefined ? {} : { asOf });
  return shopHistory({ ...demand, descriptions: await descriptionsAsOf(ws, asOf), catalog: await readCatalog(ws) });
}
