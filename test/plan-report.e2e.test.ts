/** The plan report as a merchant sees it: rendered from the fixture and shown in headless Chromium. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { renderPlanReport } from '../src/report/plan-report.js';
import type { Page } from 'playwright-core';
import { withChromiumPage } from './chromium.js';
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
    assert.ok((await page.locator('section.sku[data-sku="TEA-SET-12"] h2').innerText()).startsWith(SPECIAL));
    assert.deepEqual(errors, []);

    const png = join(dir, 'report.png');
    await page.screenshot({ path: png, fullPage: true });
    assert.ok(statSync(png).size > 10_000, `screenshot is only ${statSync(png).size} bytes`);
    rmSync(dir, { recursive: true, force: true }); // kept for inspection when an assertion fails
  }),
);

/** HTML elements (SVG content is clipped by its scaled <svg>) reaching beyond the viewport's width, described. */
async function overflowing(page: Page, width: number): Promise<string[]> {
  // a string, as the test build has no DOM types
  return page.evaluate<string[]>(`(() => {
    const out = [];
    for (const e of document.querySelectorAll('body *')) {
      if (e.closest('svg') !== null && e.tagName.toLowerCase() !== 'svg') continue;
      const r = e.getBoundingClientRect();
      if (r.width > 0 && (r.right > ${width} + 0.5 || r.left < -0.5))
        out.push(e.tagName.toLowerCase() + '.' + (e.getAttribute('class') || '') + ' ' + Math.round(r.left) + '–' + Math.round(r.right));
    }
    return out;
  })()`);
}

/**
 * The page at 390 px (a phone), with every <details> open too: nothing wider than the screen, the order lines as
 * stacked cards. Returns the screenshot's path.
 */
export async function assertFitsPhone(page: Page, dir: string, name: string): Promise<string> {
  await page.setViewportSize({ width: PHONE, height: 844 });
  for (const open of [false, true]) {
    if (open) await page.evaluate(`document.querySelectorAll('details').forEach((d) => { d.open = true; })`);
    const scrollWidth = await page.evaluate<number>('document.documentElement.scrollWidth');
    assert.ok(scrollWidth <= PHONE, `${name}: the page scrolls sideways at ${PHONE} px: ${scrollWidth} px wide`);
    const wide = await overflowing(page, PHONE);
    assert.deepEqual(wide.slice(0, 12), [], `${name}: ${wide.length} elements wider than the phone`);
  }
  const rows = page.locator('tr.order-row');
  if ((await rows.count()) > 0) {
    assert.equal(await page.locator('table.orders thead').first().isVisible(), false, 'the table head is hidden');
    const cells = await rows
      .first()
      .locator('td')
      .evaluateAll((tds) => tds.map((td) => td.getBoundingClientRect().left));
    assert.ok(new Set(cells.map(Math.round)).size <= 2, `the cells of an order line are stacked: ${cells.join(', ')}`);
  }
  const png = join(dir, `${name}-390.png`);
  await page.screenshot({ path: png, fullPage: true });
  assert.ok(statSync(png).size > 10_000, `screenshot is only ${statSync(png).size} bytes`);
  return png;
}

const PHONE = 390;

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
