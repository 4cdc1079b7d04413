// The Purchase orders page in a real browser against the real service: the latest plan's lines and supplier totals
// equal to GET /plans/latest/orders; a quantity below the supplier's MOQ corrected as it is typed and saved with a
// reason; approvals per line and per supplier with who approved; a supplier's CSV downloaded byte for byte as
// GET /plans/{run}/orders.csv serves it; the budget slider leaving out the lines its rule ranks last; axe, no
// console errors, 375 px without horizontal scroll.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { type Dashboard, axeViolations, chromiumOrSkip, startDashboard } from './dashboard-harness.js';
import { csvFields } from './order-batch-fixture.js';

interface Line {
  sku: string;
  as_of: string;
  supplier_name: string;
  final_qty: number;
  order_qty: number;
  value: number;
  lost_revenue: number | null;
  stockout_risk: number | null;
  risk?: number | null;
  stockout_date: string | null;
  approved: boolean;
  decision: { action: string; who: string } | null;
  override: { who: string; why: string } | null;
  moq?: number;
  pack_size?: number;
}
interface Orders {
  run_id: number;
  orders: Line[];
  suppliers: { supplier: string; orders: number; units: number; value: number; approved: number }[];
}

/** What the page shows per supplier group and per row (read off its data attributes). */
interface Shown {
  groups: { supplier: string; lines: number; units: number; value: number; approved: number }[];
  rows: { sku: string; qty: number; over: boolean }[];
}
const SHOWN = `({
  groups: [...document.querySelectorAll('section.supplier')].map((g) => ({
    supplier: g.dataset.supplier,
    lines: Number(g.querySelector('[data-field=lines]').dataset.value),
    units: Number(g.querySelector('[data-field=units]').dataset.value),
    value: Number(g.querySelector('[data-field=value]').dataset.value),
    approved: Number(g.querySelector('[data-field=approved]').dataset.value),
  })),
  rows: [...document.querySelectorAll('tr[data-sku]')].map((r) => ({
    sku: r.dataset.sku,
    qty: Number(r.querySelector('.qty-input').dataset.value),
    over: r.classList.contains('over'),
  })),
})`;

/**
 * The budget's rule as the page states it, written again here to check the page: lines by expected lost revenue per
 * unit of money (free lines first), then risk, then the earliest stock-out; each kept while it fits what is left.
 */
function fundedByRule(lines: readonly Line[], budget: number): Set<string> {
  const key = (l: Line) => (l.value > 0 ? Math.max(l.lost_revenue ?? 0, 0) / l.value : Infinity);
  const sorted = lines
    .map((l, i) => ({ l, i }))
    .sort(
      (a, b) =>
        key(b.l) - key(a.l) ||
        (b.l.risk ?? b.l.stockout_risk ?? 0) - (a.l.risk ?? a.l.stockout_risk ?? 0) ||
        (a.l.stockout_date ?? '9999-12-31').localeCompare(b.l.stockout_date ?? '9999-12-31') ||
        a.i - b.i,
    );
  let left = budget + 1e-6;
  const out = new Set<string>();
  for (const { l } of sorted)
    if (l.value <= left) {
      out.add(l.sku);
      left -= l.value;
    }
  return out;
}

describe('the Purchase orders page', () => {
  let d: Dashboard | null = null;
  before(async () => {
    if (!chromiumOrSkip({ skip: () => {} } as never)) return;
    d = await startDashboard({ skus: 30 });
  });
  after(async () => d?.stop());

  const latest = async (): Promise<Orders> => {
    const r = await d!.call('/plans/latest/orders', { as: 'read' });
    assert.equal(r.status, 200);
    return (await r.json()) as Orders;
  };
  // a refused override's 400 is logged by the browser as a failed load: expected where a test provokes it
  const noErrors = (page: Page, refused = 0) => {
    const errors = d!.errors(page);
    const expected = errors.filter((e) =>
      /400 \(Bad Request\) \(http:\/\/127\.0\.0\.1:\d+\/plans\/\d+\/orders\//.test(e),
    );
    assert.equal(expected.length, refused);
    assert.deepEqual(
      errors.filter((e) => !expected.includes(e)),
      [],
    );
  };
  const shown = async (page: Page): Promise<Shown> => (await page.evaluate(SHOWN)) as Shown;
  const ready = async (page: Page) => {
    await page.getByRole('heading', { level: 1, name: 'Purchase orders' }).waitFor();
    await page.locator('section.supplier').first().waitFor();
  };

  it("renders the latest plan's lines and every supplier's totals as the API gives them", async (t) => {
    if (!chromiumOrSkip(t) || d === null) return;
    const api = await latest();
    const ordered = api.orders.filter((o) => o.final_qty > 0);
    assert.ok(ordered.length >= 5, `the plan orders something (${ordered.length} lines)`);
    const page = await d.loggedIn('/orders');
    await ready(page);
    const s = await shown(page);
    const withLines = api.suppliers.filter((x) => x.orders > 0);
    assert.deepEqual(
      s.groups.map((g) => g.supplier),
      withLines.map((x) => x.supplier),
    );
    for (const g of s.groups) {
      const a = withLines.find((x) => x.supplier === g.supplier)!;
      assert.deepEqual(g, {
        supplier: a.supplier,
        lines: a.orders,
        units: a.units,
        value: a.value,
        approved: a.approved,
      });
    }
    assert.deepEqual(s.rows.map((r) => [r.sku, r.qty]).sort(), ordered.map((o) => [o.sku, o.final_qty]).sort());
    assert.ok(
      s.rows.every((r) => !r.over),
      'without a budget every line is funded',
    );
    // the lines with nothing to order appear on request (the switch is there only when the plan has such lines)
    const zeroSwitch = page.getByLabel(/Show SKUs with nothing to order/);
    if (api.orders.length > ordered.length) {
      await zeroSwitch.check();
      assert.equal((await shown(page)).rows.length, api.orders.length);
      await zeroSwitch.uncheck();
    } else assert.equal(await zeroSwitch.count(), 0);
    assert.deepEqual(await axeViolations(page), []);
    await d.shot(page, 'orders');
    noErrors(page);
    await page.close();

    const narrow = await d.loggedIn('/orders', { width: 375, height: 800 });
    await ready(narrow);
    const overflow = (await narrow.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
    assert.ok(overflow <= 0, `horizontal overflow ${overflow}px`);
    await d.shot(narrow, 'orders-375');
    noErrors(narrow);
    await narrow.close();
  });

  it('the budget slider leaves out the lines its rule ranks last, on every move', async (t) => {
    if (!chromiumOrSkip(t) || d === null) return;
    const api = await latest();
    const ordered = api.orders.filter((o) => o.final_qty > 0);
    const total = ordered.reduce((a, o) => a + o.value, 0);
    const page = await d.loggedIn('/orders');
    await ready(page);
    await page.getByText(/expected lost revenue avoided per unit of money/).waitFor();
    for (const share of [0.5, 0.2]) {
      const budget = Math.round(total * share * 100) / 100;
      await page.getByLabel('Budget amount').fill(String(budget));
      await page.getByLabel('Budget amount').press('Enter');
      const expected = fundedByRule(ordered, budget);
      assert.ok(expected.size < ordered.length, `a budget of ${budget} of ${total} leaves lines out`);
      await page.waitForFunction(
        `document.querySelectorAll('tr.over').length === ${ordered.length - expected.size}`,
        undefined,
        { timeout: 5000 },
      );
      const s = await shown(page);
      assert.deepEqual(
        s.rows
          .filter((r) => !r.over)
          .map((r) => r.sku)
          .sort(),
        [...expected].sort(),
        `funded at ${budget}`,
      );
      const result = page.locator('.budget-result');
      assert.equal(Number(await result.getAttribute('data-outside')), ordered.length - expected.size);
    }
    // the slider itself: all the way down funds only what costs nothing; all the way up funds everything
    const slider = page.getByRole('slider', { name: 'Budget' });
    await slider.fill('0');
    await page.waitForFunction(
      `document.querySelectorAll('tr.over').length === ${ordered.filter((o) => o.value > 0).length}`,
    );
    await slider.press('End');
    await page.waitForFunction(`document.querySelectorAll('tr.over').length === 0`);
    noErrors(page);
    await page.close();
  });

  it("corrects a quantity below the MOQ as it is typed, saves it with a reason, and shows the service's refusal when its terms differ", async (t) => {
    if (!chromiumOrSkip(t) || d === null) return;
    const api = await latest();
    const least = (moq: number, pack: number) => Math.ceil(Math.max(moq, pack) / pack) * pack;
    const line = api.orders
      .filter((o) => o.final_qty > 0 && (o.moq ?? 0) > 1 && o.final_qty !== least(o.moq!, o.pack_size ?? 1))
      .sort((a, b) => b.moq! - a.moq!)[0];
    assert.ok(line !== undefined, 'a line whose supplier has a minimum order quantity above 1');
    const { sku } = line;
    const moq = line.moq!;
    const pack = line.pack_size ?? 1;
    const page = await d.loggedIn('/orders');
    await ready(page);
    const row = page.locator(`tr[data-sku="${sku}"]`);
    const qty = page.getByLabel(`Quantity of ${sku}`, { exact: true });

    // below the MOQ: the correction is said at once and applied when the field is left
    await qty.fill(String(Math.max(1, Math.floor(moq / 2))));
    await row
      .locator('.qty-note')
      .getByText(`MOQ ${moq}: rounded up to ${least(moq, pack)}`)
      .waitFor();
    assert.equal(await qty.getAttribute('aria-invalid'), 'true');
    await qty.press('Tab');
    assert.equal(await qty.inputValue(), String(least(moq, pack)));
    assert.equal(await qty.getAttribute('aria-invalid'), 'false');

    // a reason is asked for, then the quantity is saved with it (who and why read back from the API)
    const save = page.getByRole('button', { name: `Save the quantity of ${sku}` });
    await save.click();
    await page.getByRole('alert').filter({ hasText: 'Say why' }).waitFor();
    const why = 'supplier minimum: start small';
    await page.getByLabel(`Reason for changing ${sku}`).fill(why);
    await save.click();
    await page
      .getByRole('status')
      .filter({ hasText: `${sku}: ` })
      .filter({ hasText: 'units saved' })
      .waitFor();
    await row.locator(`.qty-input[data-value="${least(moq, pack)}"]`).waitFor();
    const saved = (await latest()).orders.find((o) => o.sku === sku)!;
    assert.equal(saved.final_qty, least(moq, pack));
    assert.equal(saved.override?.why, why);
    assert.match(saved.override?.who ?? '', /^admin \(/);
    await row.getByText(`changed by ${saved.override!.who}: ${why}`).waitFor();

    // the supplier's MOQ rises in a new stock snapshot while the page shows the old one: the service refuses the
    // quantity the page accepts, and its suggested quantity is offered and saved
    const [head, ...rows] = readFileSync(d.slice.stock, 'utf8').trimEnd().split('\n');
    const cols = csvFields(head!);
    const newMoq = least(moq, pack) * 3;
    const stock = rows.map((r) => {
      const f = csvFields(r);
      const o: Record<string, string | number | null> = {};
      cols.forEach((c, i) => {
        const v = f[i] ?? '';
        o[c] = c === 'sku' || c === 'supplier' ? v || null : v === '' ? null : Number(v);
      });
      if (o['sku'] === sku) o['moq'] = newMoq;
      return o;
    });
    const posted = await d.call('/stock', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ date: saved.as_of, rows: stock }),
    });
    assert.equal(posted.status, 200, await posted.text());
    const typed = least(moq, pack) + pack;
    await qty.fill(String(typed));
    await page.getByLabel(`Reason for changing ${sku}`).fill('a little more');
    await save.click();
    const refused = row.locator('xpath=following-sibling::tr[1]').locator('.refused');
    await refused.waitFor();
    const suggested = least(newMoq, pack);
    assert.equal(Number(await refused.getAttribute('data-suggested')), suggested);
    assert.match((await refused.textContent()) ?? '', new RegExp(`refused it: .*quantity`));
    await refused.getByRole('button', { name: `Use ${suggested.toLocaleString('en-GB')}` }).click();
    assert.equal(await qty.inputValue(), String(suggested));
    await save.click();
    await row.locator(`.qty-input[data-value="${suggested}"]`).waitFor();
    assert.equal((await latest()).orders.find((o) => o.sku === sku)!.final_qty, suggested);
    noErrors(page, 1);
    await page.close();
  });

  it('approves a line and a supplier (who approved shown) and downloads the CSV the API serves', async (t) => {
    if (!chromiumOrSkip(t) || d === null) return;
    const api = await latest();
    const bySupplier = new Map<string, Line[]>();
    for (const o of api.orders.filter((x) => x.final_qty > 0 && !x.approved))
      bySupplier.set(o.supplier_name, [...(bySupplier.get(o.supplier_name) ?? []), o]);
    const [supplier, lines] = [...bySupplier.entries()].sort((a, b) => b[1].length - a[1].length)[0]!;
    assert.ok(lines.length >= 2, `${supplier} has ${lines.length} lines to approve`);
    const page = await d.loggedIn('/orders');
    await ready(page);

    const one = lines[0]!.sku;
    await page.getByRole('button', { name: `Approve ${one}`, exact: true }).click();
    const row = page.locator(`tr[data-sku="${one}"]`);
    await row.getByText('approved', { exact: true }).waitFor();
    assert.match((await row.locator('.approved').textContent()) ?? '', /approved by admin \(/);
    const after1 = await latest();
    const line = after1.orders.find((o) => o.sku === one)!;
    assert.equal(line.approved, true);
    assert.match(line.decision!.who, /^admin \(/);

    const rest = lines.length - 1;
    const restText = `${rest} ${rest === 1 ? 'line' : 'lines'}`;
    await page.getByRole('button', { name: `Approve ${restText} from ${supplier}` }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Approved ${restText}` })
      .waitFor();
    const group = page.locator('section.supplier').filter({ has: page.getByRole('heading', { name: supplier }) });
    await group.locator(`[data-field=approved][data-value="${lines.length}"]`).waitFor();
    const after2 = await latest();
    assert.ok(
      after2.orders.filter((o) => o.supplier_name === supplier && o.final_qty > 0).every((o) => o.approved),
      'every line of the supplier approved',
    );

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: `Export CSV of the order to ${supplier}` }).click(),
    ]);
    const file = readFileSync((await download.path())!, 'utf8');
    const served = await d.call(`/plans/${api.run_id}/orders.csv?supplier=${encodeURIComponent(supplier)}`, {
      as: 'read',
    });
    assert.equal(served.status, 200);
    assert.equal(file, await served.text());
    assert.match(download.suggestedFilename(), /^orders-\d+-.+\.csv$/);
    const supplierLines = after2.orders.filter((o) => o.supplier_name === supplier && o.final_qty > 0);
    assert.equal(file.trimEnd().split('\n').length, 1 + supplierLines.length, 'a header and one row per line');
    noErrors(page);
    await page.close();
  });

  it('reloads when a plan finishes (plan.finished): the new run and its orders without a page reload', async (t) => {
    if (!chromiumOrSkip(t) || d === null) return;
    const before = await latest();
    const page = await d.loggedIn('/orders');
    await ready(page);
    await page.getByText(`(run ${before.run_id},`).waitFor();
    const job = await d.call('/plans', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ horizon: 28, currency: 'GBP' }),
    });
    assert.equal(job.status, 202, await job.text());
    await page.getByText(`(run ${before.run_id + 1},`).waitFor({ timeout: 180_000 });
    const now = await latest();
    assert.equal(now.run_id, before.run_id + 1);
    const s = await shown(page);
    assert.deepEqual(
      s.rows.map((r) => [r.sku, r.qty]).sort(),
      now.orders
        .filter((o) => o.final_qty > 0)
        .map((o) => [o.sku, o.final_qty])
        .sort(),
    );
    assert.equal(
      s.groups.reduce((a, g) => a + g.approved, 0),
      0,
      'a new plan starts unapproved',
    );
    noErrors(page);
    await page.close();
  });
});
