/** The plan report as a merchant sees it: rendered from the fixture and shown in headless Chromium. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { renderPlanReport } from '../src/report/plan-report.js';
import { withChromiumPage } from './chromium.js';
import { PHONE, assertFitsPhone } from './plan-report-phone.js';
import { planReportFixture, SPECIAL, TOTALS_SHOWN } from './plan-report-fixture.js';

test('the plan report as headless Chromium shows it', { timeout: 60_000 }, (t) =>
  withChromiumPage(t, async (page, errors) => {
    const report = planReportFixture();
    const dir = mkdtempSync(join(tmpdir(), 'plan-report-'));
    const file = join(dir, 'report.html');
    writeFileSync(file, renderPlanReport(report));
    await page.goto(pathToFileURL(file).href);

    assert.equal(await page.title(), report.title);
    for (const [key, shown] of Object.entries(TOTALS_SHOWN)) {
      const value = page.locator(`[data-total="${key}"] .total-value`);
      assert.ok(await value.isVisible(), `total ${key} is hidden`);
      assert.equal((await value.innerText()).trim(), shown, `total ${key}`);
    }

    const sections = page.locator('section.sku');
    assert.equal(await sections.count(), report.skus.length);
    for (const [i, sku] of report.skus.entries()) {
      const section = sections.nth(i);
      assert.ok(await section.isVisible(), `section ${sku.sku} is hidden`);
      assert.equal(await section.getAttribute('data-sku'), sku.sku);
      const expected = {
        'forecast-chart': ['band-90', 'band-50', 'series-mean', ...(sku.history.length ? ['series-history'] : [])],
        'stock-chart': ['series-without', 'series-with'],
      };
      for (const [chartClass, pathClasses] of Object.entries(expected)) {
        const chart = section.locator(`svg.chart.${chartClass}`);
        assert.equal(await chart.count(), 1, `${sku.sku}: one ${chartClass}`);
        const box = await chart.boundingBox();
        assert.ok(box && box.width > 300 && box.height > 100, `${sku.sku} ${chartClass} box ${JSON.stringify(box)}`);
        const paths = chart.locator('path');
        const drawn: string[] = [];
        for (let k = 0; k < (await paths.count()); k++) {
          const path = paths.nth(k);
          const cls = (await path.getAttribute('class')) ?? '';
          assert.ok(((await path.getAttribute('d')) ?? '').length > 10, `${sku.sku} ${cls}: empty d`);
          const pathBox = await path.boundingBox();
          assert.ok(
            pathBox && pathBox.width > 0 && pathBox.height > 0,
            `${sku.sku} ${cls} box ${JSON.stringify(pathBox)}`,
          );
          drawn.push(cls);
        }
        assert.deepEqual(drawn.sort(), [...pathClasses].sort(), `${sku.sku} ${chartClass} paths`);
      }
    }

    assert.ok((await page.textContent('body'))?.includes(SPECIAL), 'the special name is not shown as literal text');
    assert.equal(await page.locator('section.sku h2 b').count(), 0, 'the special name became markup');
    for (const where of ['td.product .name b', 'tr.group .supplier b', '.alert-name b'])
      assert.equal(await page.locator(where).count(), 0, `a special name became markup in ${where}`);
    // every order line is listed; the sort buttons (shown only with scripts) reorder each supplier's lines
    assert.equal(await page.locator('tr.order-row').count(), report.orders.length);
    await page.locator('.sort-bar button[data-sort="sku"]').click();
    const skus = await page
      .locator('table.orders.to-place tbody')
      .first()
      .locator('tr.order-row')
      .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-sku')!));
    assert.deepEqual(skus, ['LANTERN-3', 'MUG-001'], 'sorted by SKU');
    assert.ok((await page.locator('section.sku[data-sku="TEA-SET-12"] h2').innerText()).startsWith(SPECIAL));
    assert.deepEqual(errors, []);

    const png = join(dir, 'report.png');
    await page.screenshot({ path: png, fullPage: true });
    assert.ok(statSync(png).size > 10_000, `screenshot is only ${statSync(png).size} bytes`);
    rmSync(dir, { recursive: true, force: true }); // kept for inspection when an assertion fails
  }),
);

test('the plan report on a 390 px phone: no sideways scroll, order lines as cards', { timeout: 60_000 }, (t) =>
  withChromiumPage(t, async (page, errors) => {
    const dir = mkdtempSync(join(tmpdir(), 'plan-report-phone-'));
    const file = join(dir, 'report.html');
    writeFileSync(file, renderPlanReport(planReportFixture()));
    await page.setViewportSize({ width: PHONE, height: 844 });
    await page.goto(pathToFileURL(file).href);
    await assertFitsPhone(page, dir, 'fixture');
    assert.deepEqual(errors, []);
    rmSync(dir, { recursive: true, force: true }); // kept for inspection when an assertion fails
  }),
);
