// The Purchase orders page of a shop with two warehouses, in a real browser against the real service: the Shopify-
// shaped sample (scripts/make-shopify-sample.ts) planned, its purchase orders per supplier and location and its
// transfers shown as GET /plans/{run}/purchase-orders gives them, one order's CSV downloaded byte for byte as
// GET /plans/{run}/purchase-orders.csv serves it; axe; no console errors. A single-location shop shows no such section
// (test/dashboard-orders.e2e.test.ts renders the sample shop).
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeShopifySample } from '../scripts/make-shopify-sample.js';
import { type Dashboard, axeViolations, chromiumOrSkip, startDashboard } from './dashboard-harness.js';
import { REPO } from './helpers.js';

interface Network {
  run_id: number;
  purchase_orders: { po_id: string; supplier: string; location: string; units: number; value: number }[];
  transfers: { sku: string; from_location: string; to_location: string; qty: number }[];
}

describe('the Purchase orders page of a shop with two warehouses', () => {
  let d: Dashboard | null = null;
  before(async () => {
    if (!chromiumOrSkip({ skip: () => {} } as never)) return;
    d = await startDashboard({
      files: async (dir) => {
        const shop = await makeShopifySample(join(dir, 'shop'), { skus: 40, repo: REPO });
        return readdirSync(shop.dir).map((f) => join(shop.dir, f));
      },
    });
  });
  after(async () => d?.stop());

  it('shows the orders per supplier and location and the transfers as the API gives them', async (t) => {
    if (!chromiumOrSkip(t) || d === null) return;
    const latest = (await (await d.call('/plans/latest/orders', { as: 'read' })).json()) as { run_id: number };
    const r = await d.call(`/plans/${latest.run_id}/purchase-orders`, { as: 'read' });
    assert.equal(r.status, 200);
    const api = (await r.json()) as Network;
    assert.equal(api.purchase_orders.length, 8);
    assert.ok(api.transfers.length > 0);

    const page = await d.loggedIn('/orders');
    await page.getByRole('heading', { level: 2, name: 'By supplier and location' }).waitFor();
    const shown = (await page.evaluate(`({
      orders: [...document.querySelectorAll('tr[data-po]')].map((r) => ({
        po: r.dataset.po, units: Number(r.dataset.units), value: Number(r.dataset.value),
        cells: [...r.querySelectorAll('td')].map((c) => c.textContent.trim()),
      })),
      transfers: [...document.querySelectorAll('tr[data-transfer]')].map((r) => r.dataset.transfer),
    })`)) as {
      orders: { po: string; units: number; value: number; cells: string[] }[];
      transfers: string[];
    };
    assert.deepEqual(
      shown.orders.map((o) => [o.po, o.cells[1], o.cells[2], o.units, o.value]),
      api.purchase_orders.map((p) => [p.po_id, p.supplier, p.location, p.units, p.value]),
    );
    assert.deepEqual(
      shown.transfers,
      api.transfers.map((x) => x.sku),
    );
    await page
      .getByRole('heading', { level: 3, name: `Transfers between locations (${api.transfers.length})` })
      .waitFor();
    assert.deepEqual(await axeViolations(page), []);

    // one order's CSV, as the service serves it
    const po = api.purchase_orders[1]!;
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: `Download ${po.po_id} as CSV` }).click(),
    ]);
    const file = readFileSync((await download.path())!, 'utf8');
    const served = await d.call(`/plans/${latest.run_id}/purchase-orders.csv?po=${po.po_id}`, { as: 'read' });
    assert.equal(served.status, 200);
    assert.equal(file, await served.text());
    assert.equal(download.suggestedFilename(), `${po.po_id}.csv`);
    assert.deepEqual(d.errors(page), []);
    await page.close();
  });
});
