// The Today page in a real browser against the real server: the key figures, the alerts, the orders due and the
// changes are GET /summary's; acknowledging an alert lowers the count of alerts that need action (as GET /alerts
// counts them); axe finds nothing serious; 375 px has no horizontal scroll.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Dashboard, axeViolations, chromiumOrSkip, postOrderLine, startDashboard } from './dashboard-harness.js';

interface Summary {
  locale: string;
  currency: string | null;
  kpis: Record<string, number>;
  alerts: { alert_id: number; sku: string; acknowledged_at: string | null }[];
  orders_due: { supplier: string; lines: number; value: number }[];
  changes: { new_alerts: number; batches: number };
}

describe('the Today page', () => {
  let d: Dashboard | null = null;
  before(async () => {
    if (!chromiumOrSkip({ skip: () => {} } as never)) return;
    d = await startDashboard({ skus: 30 });
  });
  after(async () => d?.stop());

  const unacknowledged = async (): Promise<number> =>
    ((await (await d!.call('/alerts?status=unacknowledged&limit=1')).json()) as { total: number }).total;

  it("shows GET /summary's figures, alerts and orders due", async (t) => {
    if (!chromiumOrSkip(t) || d === null) return;
    const s = (await (await d.call('/summary')).json()) as Summary;
    const page = await d.loggedIn('/');
    await page.locator('[data-kpi="Revenue forecast"]').waitFor();
    // the shop's format, as the app sets it from the same answer
    const money = new Intl.NumberFormat(s.locale, {
      style: 'currency',
      currency: s.currency ?? 'GBP',
      maximumFractionDigits: 0,
    });
    const units = new Intl.NumberFormat(s.locale, { maximumFractionDigits: 0 });
    const kpi = async (name: string) =>
      (await page.locator(`[data-kpi="${name}"] .kpi-value`).textContent())?.trim() ?? '';
    assert.equal(await kpi('Revenue forecast'), money.format(s.kpis['revenue_forecast_30d']!));
    assert.equal(await kpi('Stock value'), money.format(s.kpis['stock_value']!));
    assert.equal(await kpi('SKUs at risk'), units.format(s.kpis['skus_at_risk']!));
    assert.equal(await kpi('Lost revenue expected'), money.format(s.kpis['lost_revenue_expected']!));
    const ids = await page.$$eval('[data-alert]', (els) => els.map((e) => Number(e.getAttribute('data-alert'))));
    assert.deepEqual(
      ids,
      s.alerts.map((a) => a.alert_id),
    );
    assert.ok(s.alerts.length > 0, 'the planned slice has open alerts');
    assert.equal(await page.getByTestId('alerts-open').textContent(), String(await unacknowledged()));
    for (const o of s.orders_due) {
      const row = page.locator(`[data-testid="orders-due"] tr[data-supplier="${o.supplier}"]`);
      assert.equal((await row.locator('td[data-col="lines"]').textContent())?.trim(), units.format(o.lines));
      assert.equal((await row.locator('td[data-col="value"]').textContent())?.trim(), money.format(o.value));
      assert.equal(
        await row.getByRole('link').getAttribute('href'),
        `/orders?supplier=${encodeURIComponent(o.supplier)}`,
      );
    }
    assert.equal(
      (await page.locator('[data-change="new_alerts"] strong').textContent())?.trim(),
      units.format(s.changes.new_alerts),
    );
    // an alert's link opens its product
    const first = s.alerts[0]!;
    assert.equal(
      await page.locator(`[data-alert="${first.alert_id}"] a`).getAttribute('href'),
      `/products/${encodeURIComponent(first.sku)}`,
    );
    assert.deepEqual(await axeViolations(page), []);
    await d.shot(page, 'today');
    d.expectNoErrors(page);
    await page.close();
  });

  it('acknowledges an alert and the count of alerts that need action falls', async (t) => {
    if (!chromiumOrSkip(t) || d === null) return;
    const before = await unacknowledged();
    assert.ok(before > 0);
    const page = await d.loggedIn('/');
    const count = page.getByTestId('alerts-open');
    await page.locator(`[data-testid="alerts-open"]:text-is("${before}")`).waitFor();
    const item = page.locator('[data-alert]:has(button:text-is("Acknowledge"))').first();
    const id = Number(await item.getAttribute('data-alert'));
    await item.getByRole('button', { name: /Acknowledge/ }).click();
    await page.locator(`[data-testid="alerts-open"]:text-is("${before - 1}")`).waitFor();
    assert.equal(await count.textContent(), String(before - 1));
    assert.equal(await unacknowledged(), before - 1);
    const acked = (await (await d.call('/alerts?status=acknowledged')).json()) as {
      alerts: { alert_id: number; acknowledged_by: string }[];
    };
    assert.match(acked.alerts.find((a) => a.alert_id === id)?.acknowledged_by ?? '', /^admin\b/);
    await page.locator(`[data-alert="${id}"]`).getByText('Acknowledged by admin').waitFor();
    d.expectNoErrors(page);
    await page.close();
  });

  it('fits 375 px without horizontal scroll', async (t) => {
    if (!chromiumOrSkip(t) || d === null) return;
    const page = await d.loggedIn('/', { width: 375, height: 800 });
    await page.locator('[data-kpi="Revenue forecast"]').waitFor();
    const overflow = (await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
    assert.ok(overflow <= 0, `horizontal overflow ${overflow}px`);
    assert.deepEqual(await axeViolations(page), []);
    await d.shot(page, 'today-375');
    d.expectNoErrors(page);
    await page.close();
  });

  // last: it changes the workspace the tests above read
  it('counts a posted order batch under "What changed" without a reload', async (t) => {
    if (!chromiumOrSkip(t) || d === null) return;
    const summary = async () => (await (await d!.call('/summary')).json()) as Summary;
    const s0 = await summary();
    const page = await d.loggedIn('/');
    const units = new Intl.NumberFormat(s0.locale, { maximumFractionDigits: 0 });
    await page.locator(`[data-change="batches"] strong:text-is("${units.format(s0.changes.batches)}")`).waitFor();
    const sku = d.slice.skus[0]!;
    await postOrderLine(d, { order_id: 'LIVE-TODAY-1', ordered_at: `${d.slice.lastDay}T11:15:00`, sku, quantity: 12 });
    let s1 = s0;
    for (let k = 0; k < 100 && s1.changes.batches === s0.changes.batches; k++) {
      await new Promise((r) => setTimeout(r, 200));
      s1 = await summary();
    }
    assert.equal(s1.changes.batches, s0.changes.batches + 1);
    await page
      .locator(`[data-change="batches"] strong:text-is("${units.format(s1.changes.batches)}")`)
      .waitFor({ timeout: 5000 });
    d.expectNoErrors(page);
    await page.close();
  });
});
