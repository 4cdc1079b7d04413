// The Products page in a real browser against the real server: the table shows GET /skus/table's rows (only those
// in view in the DOM), in the order of the API's columns sorted; a class filter and a search narrow it to the rows
// the API's columns say, kept in the URL through reload and back; a column header sorts with aria-sort; Enter on a
// row's link opens the product; axe finds nothing serious; 375 px scrolls inside the table only.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { type Dashboard, axeViolations, chromiumOrSkip, postOrderLine, startDashboard } from './dashboard-harness.js';

interface Table {
  count: number;
  columns: {
    sku: string[];
    description: (string | null)[];
    abc: (string | null)[];
    risk: number[];
    days_of_stock: (number | null)[];
    forecast_30d: number[];
  };
}

/** Row indexes sorted by a numeric column (nulls last), ties by SKU: the order the page promises. */
function sortedBy(t: Table, values: readonly (number | null)[], dir: 1 | -1, keep: (i: number) => boolean): string[] {
  const idx = t.columns.sku.map((_, i) => i).filter(keep);
  const sku = t.columns.sku;
  idx.sort((a, b) => {
    const x = values[a] ?? null;
    const y = values[b] ?? null;
    if (x === null || y === null) return x === y ? (sku[a]! < sku[b]! ? -1 : 1) : x === null ? 1 : -1;
    return x === y ? (sku[a]! < sku[b]! ? -1 : 1) : (x - y) * dir;
  });
  return idx.map((i) => sku[i]!);
}

/** The SKUs of the rows in the DOM, in order. */
const domSkus = (page: Page): Promise<string[]> =>
  page.$$eval('.products-table tbody tr[data-sku]', (rows) => rows.map((r) => r.getAttribute('data-sku') ?? ''));

async function countShown(page: Page): Promise<[number, number]> {
  const shown = await page.getAttribute('[data-testid="products-count"] [data-shown]', 'data-shown');
  const total = await page.getAttribute('[data-testid="products-count"] [data-total]', 'data-total');
  return [Number(shown), Number(total)];
}

describe('the Products page', () => {
  let d: Dashboard | null = null;
  let table: Table;
  before(async () => {
    if (!chromiumOrSkip({ skip: () => {} } as never)) return;
    d = await startDashboard({ skus: 40 });
    const r = await d.call('/skus/table');
    assert.equal(r.status, 200);
    table = (await r.json()) as Table;
  });
  after(async () => d?.stop());

  it('shows every SKU of the API, riskiest first, only the rows in view in the DOM', async (t) => {
    if (!chromiumOrSkip(t) || d === null) return;
    const page = await d.loggedIn('/products', { width: 1280, height: 700 });
    await page.locator('[data-testid="products-count"]').waitFor();
    assert.deepEqual(await countShown(page), [table.count, table.count]);
    assert.equal(table.count, 40);
    const rows = await domSkus(page);
    assert.ok(rows.length > 5 && rows.length < table.count, `${rows.length} rows in the DOM`);
    const expected = sortedBy(table, table.columns.risk, -1, () => true);
    assert.deepEqual(rows, expected.slice(0, rows.length));
    // the values shown are the API's
    for (const sku of rows.slice(0, 5)) {
      const i = table.columns.sku.indexOf(sku);
      const risk = await page.getAttribute(`tr[data-sku="${sku}"] td[data-col="risk"]`, 'data-value');
      assert.equal(Number(risk), table.columns.risk[i]);
      const desc = (await page.locator(`tr[data-sku="${sku}"] td.desc`).first().textContent()) ?? '';
      assert.equal(desc.trim(), table.columns.description[i] ?? '–');
    }
    // scrolling to the end brings the last rows in, and the first ones out of the DOM
    await page.locator('[data-testid="products-scroll"]').evaluate((el) => (el.scrollTop = el.scrollHeight));
    await page.locator(`tr[data-sku="${expected.at(-1)!}"]`).waitFor();
    assert.equal(await page.locator(`tr[data-sku="${expected[0]}"]`).count(), 0);
    // sparklines for the rows in view
    await page.locator('.products-table canvas.sparkline').first().waitFor();
    assert.deepEqual(await axeViolations(page), []);
    await d.shot(page, 'products');
    d.expectNoErrors(page);
    await page.close();
  });

  it('filters by a class and a search, kept in the URL through reload and back', async (t) => {
    if (!chromiumOrSkip(t) || d === null) return;
    const page = await d.loggedIn('/products');
    await page.locator('[data-testid="products-count"]').waitFor();
    const abc = table.columns.abc;
    const cls = ['A', 'B', 'C'].find((c) => abc.includes(c))!;
    await page.getByLabel('ABC class').selectOption(cls);
    await page.waitForURL(new RegExp(`abc=${cls}`));
    const inClass = (i: number) => abc[i] === cls;
    const nClass = abc.filter((x) => x === cls).length;
    assert.deepEqual(await countShown(page), [nClass, table.count]);
    // a search term from one of the class's SKUs' descriptions (or its SKU)
    const pick = table.columns.sku.findIndex((_, i) => inClass(i));
    const word = (table.columns.description[pick] ?? table.columns.sku[pick]!).split(/\s+/)[0]!.toLowerCase();
    const match = (i: number) =>
      inClass(i) && `${table.columns.sku[i]} ${table.columns.description[i] ?? ''}`.toLowerCase().includes(word);
    await page.getByLabel('Search SKU or description').fill(word);
    await page.waitForURL(/q=/);
    const want = sortedBy(table, table.columns.risk, -1, match);
    assert.deepEqual(await countShown(page), [want.length, table.count]);
    assert.ok(want.length > 0);
    const found = await domSkus(page);
    assert.ok(found.length >= Math.min(want.length, 10), `${found.length} rows of ${want.length}`);
    assert.deepEqual(found, want.slice(0, found.length));
    await page.reload();
    await page.locator('[data-testid="products-count"]').waitFor();
    assert.deepEqual(await countShown(page), [want.length, table.count]);
    assert.equal(await page.getByLabel('Search SKU or description').inputValue(), word);
    assert.equal(await page.getByLabel('ABC class').inputValue(), cls);
    await page.goBack();
    await page.waitForURL((u) => u.search === '');
    await page.locator(`[data-testid="products-count"] [data-shown="${table.count}"]`).waitFor();
    assert.equal(await page.getByLabel('Search SKU or description').inputValue(), '');
    assert.equal(await page.getByLabel('ABC class').inputValue(), '');
    d.expectNoErrors(page);
    await page.close();
  });

  it('sorts by a column header with aria-sort, the order of the API columns sorted', async (t) => {
    if (!chromiumOrSkip(t) || d === null) return;
    const page = await d.loggedIn('/products?sort=sku&dir=asc');
    await page.locator('[data-testid="products-count"]').waitFor();
    const sorted = [...table.columns.sku].sort();
    let rows = await domSkus(page);
    assert.ok(rows.length > 5);
    assert.deepEqual(rows, sorted.slice(0, rows.length));
    await page.getByRole('button', { name: 'Stock-out risk', exact: true }).click();
    // risk, highest first, is the default view: the URL drops the sort
    await page.waitForURL((u) => u.pathname === '/products' && !u.search.includes('sort='));
    assert.equal(await page.locator('th:has(button[data-sort="risk"])').getAttribute('aria-sort'), 'descending');
    rows = await domSkus(page);
    assert.ok(rows.length > 5);
    assert.deepEqual(rows, sortedBy(table, table.columns.risk, -1, () => true).slice(0, rows.length));
    await page.getByRole('button', { name: 'Days of stock', exact: true }).click();
    await page.waitForURL(/sort=days_of_stock&dir=asc/);
    assert.equal(
      await page.locator('th:has(button[data-sort="days_of_stock"])').getAttribute('aria-sort'),
      'ascending',
    );
    rows = await domSkus(page);
    assert.ok(rows.length > 5);
    assert.deepEqual(rows, sortedBy(table, table.columns.days_of_stock, 1, () => true).slice(0, rows.length));
    d.expectNoErrors(page);
    await page.close();
  });

  it('opens a product with Enter on its row link', async (t) => {
    if (!chromiumOrSkip(t) || d === null) return;
    const page = await d.loggedIn('/products');
    await page.locator('[data-testid="products-count"]').waitFor();
    const first = (await domSkus(page))[0]!;
    await page.getByRole('link', { name: first, exact: true }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.pathname === `/products/${encodeURIComponent(first)}`);
    d.expectNoErrors(page);
    await page.close();
  });

  it('fits 375 px: the table scrolls inside its box, the page does not', async (t) => {
    if (!chromiumOrSkip(t) || d === null) return;
    const page = await d.loggedIn('/products', { width: 375, height: 800 });
    await page.locator('[data-testid="products-count"]').waitFor();
    const overflow = (await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
    assert.ok(overflow <= 0, `horizontal overflow ${overflow}px`);
    const inner = await page
      .locator('[data-testid="products-scroll"]')
      .evaluate((el) => el.scrollWidth - el.clientWidth);
    assert.ok(inner > 0, 'the table scrolls sideways inside its container');
    assert.deepEqual(await axeViolations(page), []);
    await d.shot(page, 'products-375');
    d.expectNoErrors(page);
    await page.close();
  });

  // last: it changes the workspace the tests above read
  it('moves a row when an order batch is posted, without a reload (forecast.updated, the table refetched)', async (t) => {
    if (!chromiumOrSkip(t) || d === null) return;
    const sku = sortedBy(table, table.columns.risk, -1, () => true)[0]!;
    const i = table.columns.sku.indexOf(sku);
    const before = table.columns.forecast_30d[i]!;
    const page = await d.loggedIn(`/products?q=${encodeURIComponent(sku.toLowerCase())}`);
    await page.locator(`tr[data-sku="${sku}"] td[data-col="forecast_30d"][data-value="${before}"]`).waitFor();
    await postOrderLine(d, { order_id: 'LIVE-TABLE-1', ordered_at: `${d.slice.lastDay}T11:15:00`, sku, quantity: 400 });
    let after = before;
    for (let k = 0; k < 100 && after === before; k++) {
      await new Promise((r) => setTimeout(r, 200));
      after = ((await (await d.call('/skus/table')).json()) as Table).columns.forecast_30d[i]!;
    }
    assert.notEqual(after, before, 'the batch changed the forecast');
    await page
      .locator(`tr[data-sku="${sku}"] td[data-col="forecast_30d"][data-value="${after}"]`)
      .waitFor({ timeout: 5000 });
    d.expectNoErrors(page);
    await page.close();
  });
});
