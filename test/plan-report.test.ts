import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { PlanReport, PlanReportForecastPoint, PlanReportSku } from '../src/report/plan-data.js';
import { formatNumber, renderPlanReport } from '../src/report/plan-report.js';
import { bandPath, escapeXml, linePath, linearScale, niceTicks } from '../src/report/svg.js';
import { withChromiumPage } from './helpers.js';

const SPECIAL = '<b>"x" & y</b>';

function addDays(iso: string, days: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Deterministic noise in [-1, 1) (a 32-bit LCG, Numerical Recipes constants). */
function noise(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 31 - 1;
  };
}

function forecast(start: string, means: number[], cv: number): PlanReportForecastPoint[] {
  return means.map((mean, k) => {
    const sd = mean * cv * Math.sqrt(1 + k / 6);
    const q = (z: number): number => Math.max(0, Math.round((mean + z * sd) * 10) / 10);
    return { date: addDays(start, 7 * k), mean, p05: q(-1.645), p25: q(-0.674), p50: mean, p75: q(0.674), p95: q(1.645) };
  });
}

/** Daily stock at the forecast mean (lost sales), without and with an order arriving on day `arrival`. */
function projection(start: string, fc: PlanReportForecastPoint[], stock: number, order: number, arrival: number): PlanReportSku['projection'] {
  const out: PlanReportSku['projection'] = [];
  let without = stock;
  let withOrder = stock;
  for (let day = 0; day < fc.length * 7; day++) {
    const demand = fc[Math.floor(day / 7)]!.mean / 7;
    without = Math.max(0, without - demand);
    withOrder = Math.max(0, withOrder - demand) + (day === arrival ? order : 0);
    out.push({ date: addDays(start, day), withoutOrder: Math.round(without * 10) / 10, withOrder: Math.round(withOrder * 10) / 10 });
  }
  return out;
}

/** A realistic three-SKU plan: a steady seller, a growing one with an HTML-laden name, a launch. */
export function planReportFixture(): PlanReport {
  const asOf = '2024-06-02';
  const firstWeek = '2023-12-04';
  const start = addDays(asOf, 1);
  const rand = noise(42);
  const mugHistory = Array.from({ length: 26 }, (_, k) => ({
    date: addDays(firstWeek, 7 * k),
    units: Math.max(0, Math.round(40 + 8 * Math.sin((2 * Math.PI * k) / 13) + 6 * rand())),
  }));
  const teaHistory = Array.from({ length: 26 }, (_, k) => ({
    date: addDays(firstWeek, 7 * k),
    units: Math.max(0, Math.round(3 + k * 0.9 + 3 * rand())),
  }));
  const mugFc = forecast(start, Array.from({ length: 12 }, (_, k) => Math.round((42 + 7 * Math.sin((2 * Math.PI * (k + 26)) / 13)) * 10) / 10), 0.18);
  const teaFc = forecast(start, Array.from({ length: 12 }, (_, k) => Math.round((27 + 0.8 * k) * 10) / 10), 0.3);
  const newFc = forecast(start, Array.from({ length: 12 }, (_, k) => Math.round(30 * (1 - Math.exp(-(k + 1) / 3)) * 10) / 10), 0.55);
  const skus: PlanReportSku[] = [
    {
      sku: 'MUG-001', name: 'Enamel camping mug, 350 ml, forest green', abc: 'A', xyz: 'X', stage: 'maturity',
      stageConfidence: 0.86, model: 'ETS(A,N,A)', history: mugHistory, forecast: mugFc, onHand: 95, onOrder: 0,
      serviceLevel: 0.95, reorderPoint: 70, orderUpTo: 335, orderQty: 240, orderBy: '2024-06-03', coverDays: 16,
      stockoutRisk: 0.31, reason: 'stock falls below the reorder point (70) within the lead time of 7 days',
      projection: projection(start, mugFc, 95, 240, 7),
    },
    {
      sku: 'TEA-SET-12',
      name: `${SPECIAL} Limited-edition hand-thrown stoneware teapot with bamboo handle and four matching cups, gift boxed`,
      abc: 'B', xyz: 'Y', stage: 'growth', stageConfidence: 0.64, stageChange: 'introduction → growth',
      model: 'Holt (damped)', history: teaHistory, forecast: teaFc, onHand: 140, onOrder: 20, serviceLevel: 0.9,
      reorderPoint: 85, orderUpTo: 220, orderQty: 60, orderBy: '2024-06-10', coverDays: 38, stockoutRisk: 0.12,
      reason: 'growth stage: order up to 220 to cover demand of the next 6 weeks',
      projection: projection(start, teaFc, 160, 60, 14),
    },
    {
      sku: 'NEW-LAUNCH-7', name: 'Trail water bottle 750 ml (new)', abc: 'C', xyz: 'Z', stage: 'introduction',
      stageConfidence: 0.4, model: 'launch analogues (k = 25)', history: [], forecast: newFc, onHand: 0,
      onOrder: 150, serviceLevel: 0.9, reorderPoint: 40, orderUpTo: 150, orderQty: 0, orderBy: null, coverDays: 45,
      stockoutRisk: 0.04, reason: 'stock on order covers the launch weeks', projection: projection(start, newFc, 150, 0, 0),
    },
  ];
  const forecastUnits = skus.reduce((sum, s) => sum + s.forecast.reduce((a, p) => a + p.mean, 0), 0);
  return {
    title: 'Purchase plan — Fieldcraft Supplies',
    generatedAt: '2024-06-03T06:15:00Z',
    asOf,
    horizonDays: 84,
    assumptions: ['lead time 7 days (default)', 'review every 7 days', 'target fill rate 95% for A items, 90% otherwise'],
    totals: {
      skus: 3, skusToOrder: 2, orderUnits: 300, orderValue: 4230.4, budget: 5000, skusAtRisk: 1,
      forecastUnits: Math.round(forecastUnits), forecastRevenue: 18456.25,
    },
    alerts: [
      { kind: 'stockout', sku: 'MUG-001', message: 'stock runs out around 19 Jun 2024 without an order' },
      { kind: 'stage', sku: 'TEA-SET-12', message: 'moved from introduction to growth' },
      { kind: 'budget', message: 'orders use 85% of the budget of £5,000' },
      { kind: 'data', sku: 'NEW-LAUNCH-7', message: 'no sales history: forecast from 25 similar launches' },
    ],
    cleaning: [
      { rule: 'cancelled orders', rows: 1204 },
      { rule: 'returns', rows: 388 },
      { rule: 'exact duplicates', rows: 17 },
      { rule: 'stock-out weeks imputed', rows: 6 },
    ],
    skus,
    currency: '£',
  };
}

const TOTALS_SHOWN: Record<keyof PlanReport['totals'], string> = {
  skus: '3', skusToOrder: '2', orderUnits: '300', orderValue: '£4,230', budget: '£5,000', skusAtRisk: '1',
  forecastUnits: formatNumber(planReportFixture().totals.forecastUnits), forecastRevenue: '£18,456',
};

function count(text: string, part: string): number {
  return text.split(part).length - 1;
}

function assertClean(html: string): void {
  for (const bad of ['NaN', 'undefined', 'Infinity']) assert.ok(!html.includes(bad), `the page contains ${bad}`);
}

test('svg helpers: scales, ticks and paths stay finite', () => {
  assert.equal(linearScale([0, 10], [0, 100])(5), 50);
  assert.equal(linearScale([3, 3], [0, 100])(3), 50);
  assert.deepEqual(niceTicks(0, 93, 5), { domain: [0, 100], ticks: [0, 20, 40, 60, 80, 100] });
  assert.deepEqual(niceTicks(0, 0).domain, [0, 1]);
  assert.deepEqual(niceTicks(0, 0.3, 3).ticks, [0, 0.1, 0.2, 0.3]);
  assert.equal(linePath([0, 1, 2, 3], [5, NaN, 6, 7]), 'M0,5M2,6L3,7');
  assert.equal(linePath([], []), '');
  assert.equal(bandPath([0, 10], [1, 2], [3, 4]), 'M0,3L10,4L10,2L0,1Z');
  assert.equal(escapeXml(SPECIAL), '&lt;b&gt;&quot;x&quot; &amp; y&lt;/b&gt;');
  assert.equal(formatNumber(-12345.678, 1), '-12,345.7');
  assert.equal(formatNumber(999), '999');
  assert.equal(formatNumber(1234567), '1,234,567');
  assert.equal(formatNumber(NaN), '–');
});

test('the plan report page: escaped, complete, no NaN', () => {
  const report = planReportFixture();
  const html = renderPlanReport(report);
  assertClean(html);
  assert.match(html, /^<!DOCTYPE html>/);
  assert.ok(html.includes('<meta charset="utf-8">'));
  assert.ok(html.includes(`<title>${escapeXml(report.title)}</title>`));
  assert.ok(!/(src|href)="(https?:)?\/\//.test(html) && !html.includes('url(') && !html.includes('<script'), 'self-contained');
  assert.ok(html.includes('&lt;b&gt;&quot;x&quot; &amp; y&lt;/b&gt;'));
  assert.ok(!html.includes(SPECIAL), 'the raw special name leaks into the markup');
  assert.equal(count(html, '<section class="sku'), 3);
  assert.equal(count(html, 'class="chart forecast-chart"'), 3);
  assert.equal(count(html, 'class="chart stock-chart"'), 3);
  for (const s of report.skus) assert.ok(html.includes(`data-sku="${s.sku}"`));
  for (const key of Object.keys(report.totals)) assert.equal(count(html, `data-total="${key}"`), 1, key);
  for (const kind of ['stockout', 'stage', 'budget', 'data']) assert.equal(count(html, `class="alert alert-${kind}"`), 1, kind);
  assert.equal(count(html, '<tr data-sku='), 2, 'purchase-order rows: SKUs with orderQty > 0');
  assert.ok(html.includes('lead time 7 days (default)') && html.includes('1,204'));
});

test('the plan report page: degenerate input still renders without NaN', () => {
  const base = planReportFixture();
  const zero: PlanReportSku = {
    ...base.skus[2]!, sku: 'Z', history: base.skus[0]!.history.map((p) => ({ ...p, units: 0 })),
    forecast: forecast('2024-06-03', [0, 0, 0], 0), projection: [], onHand: 0, onOrder: 0, reorderPoint: 0,
    orderUpTo: 0, coverDays: Infinity, stockoutRisk: 0,
  };
  const empty: PlanReportSku = { ...zero, sku: 'E', history: [], forecast: [], orderQty: 5, orderBy: 'soon' };
  const single: PlanReportSku = {
    ...zero, sku: 'S', history: [{ date: '2024-05-27', units: NaN }, { date: 'bad', units: 3 }],
    forecast: forecast('2024-06-03', [4], 0.5), projection: [{ date: '2024-06-03', withoutOrder: NaN, withOrder: 2 }],
  };
  const report: PlanReport = {
    ...base, alerts: [], cleaning: [], assumptions: [], skus: [zero, empty, single], generatedAt: 'yesterday',
    totals: { ...base.totals, budget: null, orderValue: NaN, forecastRevenue: Infinity },
  };
  const html = renderPlanReport(report);
  assertClean(html);
  assert.ok(!html.includes('data-total="budget"'));
  assert.ok(html.includes('No alerts.') && html.includes('No sales history or forecast'));
  assert.equal(count(html, 'class="chart forecast-chart"'), 3);
  assert.ok(!/ d=""/.test(html), 'an empty path is drawn');
  assert.ok(renderPlanReport({ ...report, skus: [] }).includes('Nothing to order.'));
});

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
          assert.ok(pathBox && pathBox.width > 0 && pathBox.height > 0, `${sku.sku} ${cls} box ${JSON.stringify(pathBox)}`);
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
  }));
