/** The plan report's HTML and SVG helpers; the page in Chromium is in plan-report.e2e.test.ts. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PlanReport, PlanReportSku } from '../src/report/plan-data.js';
import { formatNumber, REPORT_ORDER_LINES, renderPlanReport } from '../src/report/plan-report.js';
import { bandPath, escapeXml, linePath, linearScale, niceTicks } from '../src/report/svg.js';
import { forecast, planReportFixture, SPECIAL } from './plan-report-fixture.js';

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
  assert.ok(
    !/(src|href)="(https?:)?\/\//.test(html) && !html.includes('url(') && !/<script[^>]*src/.test(html),
    'self-contained',
  );
  assert.equal(count(html, '<script>'), 1, 'one inline script: the sort buttons');
  assert.ok(html.includes('&lt;b&gt;&quot;x&quot; &amp; y&lt;/b&gt;'));
  assert.ok(!html.includes(SPECIAL), 'the raw special name leaks into the markup');
  assert.equal(count(html, '<section class="sku'), 3);
  assert.equal(count(html, 'class="chart forecast-chart"'), 3);
  assert.equal(count(html, 'class="chart stock-chart"'), 3);
  for (const s of report.skus) assert.ok(html.includes(`data-sku="${s.sku}"`));
  for (const key of Object.keys(report.totals)) assert.equal(count(html, `data-total="${key}"`), 1, key);
  for (const kind of ['stockout', 'stage', 'budget', 'data'])
    assert.equal(count(html, `class="alert alert-${kind}"`), 1, kind);
  assert.equal(count(html, '<tr class="order-row'), report.orders.length, 'every order line is listed');
  assert.ok(html.includes('lead time 7 days (default)') && html.includes('1,204'));
});

test('the plan report page: degenerate input still renders without NaN', () => {
  const base = planReportFixture();
  const zero: PlanReportSku = {
    ...base.skus[2]!,
    sku: 'Z',
    history: base.skus[0]!.history.map((p) => ({ ...p, units: 0 })),
    forecast: forecast('2024-06-03', [0, 0, 0], 0),
    projection: [],
    onHand: 0,
    onOrder: 0,
    reorderPoint: 0,
    orderUpTo: 0,
    coverDays: Infinity,
    stockoutRisk: 0,
  };
  const empty: PlanReportSku = { ...zero, sku: 'E', history: [], forecast: [], orderQty: 5, orderBy: 'soon' };
  const single: PlanReportSku = {
    ...zero,
    sku: 'S',
    history: [
      { date: '2024-05-27', units: NaN },
      { date: 'bad', units: 3 },
    ],
    forecast: forecast('2024-06-03', [4], 0.5),
    projection: [{ date: '2024-06-03', withoutOrder: NaN, withOrder: 2 }],
  };
  const report: PlanReport = {
    ...base,
    alerts: [],
    cleaning: [],
    assumptions: [],
    skus: [zero, empty, single],
    generatedAt: 'yesterday',
    totals: { ...base.totals, budget: null, orderValue: NaN, forecastRevenue: Infinity },
  };
  const html = renderPlanReport(report);
  assertClean(html);
  assert.ok(!html.includes('data-total="budget"'));
  assert.ok(html.includes('No alerts.') && html.includes('No sales history or forecast'));
  assert.equal(count(html, 'class="chart forecast-chart"'), 3);
  assert.ok(!/ d=""/.test(html), 'an empty path is drawn');
  assert.ok(renderPlanReport({ ...report, skus: [], orders: [] }).includes('Nothing to order.'));
});

test('the plan report lists the most urgent order lines of a large plan and points to orders.csv for the rest', () => {
  const report = planReportFixture();
  const base = report.orders.find((o) => !o.heldBack && o.qty > 0)!;
  // 2,500 lines to place, one a day apart in their order-by date; supplier totals count all of them
  report.orders = Array.from({ length: 2500 }, (_, i) => ({
    ...base,
    sku: `S${String(i).padStart(5, '0')}`,
    orderBy: new Date(Date.UTC(2024, 0, 1) + (i % 500) * 86_400_000).toISOString().slice(0, 10),
    lostRevenue: i,
    supplier: i % 2 === 0 ? 'North' : 'South',
  }));
  const html = renderPlanReport(report);
  assert.equal(count(html, 'class="order-row'), REPORT_ORDER_LINES);
  assert.match(html, /The 1,000 most urgent lines of each list are shown here/);
  assert.match(html, /<a href="orders\.csv">orders\.csv<\/a> has all 2,500/);
  assert.equal(count(html, '1,250 orders (the 500 most urgent listed)'), 2, 'each supplier: its count and the listed');
  // the most urgent: five lines a day, so the first 200 order-by days
  const day = (k: number): string => new Date(Date.UTC(2024, 0, 1) + k * 86_400_000).toISOString().slice(0, 10);
  const listed = new Set([...html.matchAll(/data-by="([0-9-]+)"/g)].map((m) => m[1]!));
  assert.equal(listed.size, 200);
  assert.ok(listed.has(day(0)) && listed.has(day(199)) && !listed.has(day(200)));
  assertClean(html);
});
