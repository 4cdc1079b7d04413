/** The report on a phone: the checks that a page fits 390 px (the width of a common phone) without sideways scroll. */
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

/** The phone width the report must fit, CSS px. */
export const PHONE = 390;

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
