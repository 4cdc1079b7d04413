/** The plan in a merchant's words (orders.csv `why`, the report), the alerts' ranking, and every order listed. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { skuAlerts, writeOrdersCsv } from '../src/pipeline/plan-steps/outputs.js';
import type { PlanOrder } from '../src/pipeline/plan.js';
import { type OrderFacts, orderWhy } from '../src/report/order-words.js';
import type { PlanReportAlert } from '../src/report/plan-data.js';
import { renderPlanReport } from '../src/report/plan-report.js';
import { escapeXml } from '../src/report/svg.js';
import { planReportFixture, SPECIAL } from './plan-report-fixture.js';

function count(text: string, part: string): number {
  return text.split(part).length - 1;
}

const BASE: OrderFacts = {
  order_qty: 240,
  order_by: '2011-11-05',
  cover_days: 16,
  stockout_risk: 0.31,
  reason: 'stock 95 (on hand + on order) is below the reorder point 133.2: 95 % of demand over 7 + 7 days',
  on_hand: 95,
  on_order: 0,
  reorder_point: 133.2,
  unit_cost: 4.5,
  stockout_date: null,
  lost_units: 0,
  lost_revenue: 0,
  expedite: false,
  held_back: false,
};

/** A PlanOrder (an orders.csv line) with the fields of `o`. */
function order(o: Partial<PlanOrder>): PlanOrder {
  return {
    ...BASE,
    sku: 'S',
    name: 'Product',
    service_level: 0.95,
    order_up_to: 300,
    abc: 'B',
    xyz: 'Y',
    priority: null,
    supplier: null,
    ...o,
  };
}

test('orderWhy: what to do first, then why in units, days and money; no analyst shorthand', () => {
  const plain = orderWhy(BASE, '£');
  assert.equal(
    plain,
    'Order 240 units (£1,080) by 5 Nov 2011. You have 95 in stock, about 2 weeks of sales; to be safe until a ' +
      'delivery could arrive you need 134 units. Without this order the chance of running out is 31 %.',
  );
  const lot = orderWhy(
    { ...BASE, reason: `${BASE.reason}; lot raised to the EOQ 5387; raised to the MOQ 500; stage decline: check` },
    '£',
  );
  assert.match(lot, /A larger lot \(about 6 weeks of sales\) costs less overall than small, frequent orders\./);
  assert.match(lot, /Raised to the supplier's minimum order of 500 units\. Sales are falling: check before buying\.$/);
  assert.ok(!/EOQ|MOQ|reorder point/.test(lot), lot);
  assert.match(orderWhy({ ...BASE, reason: `${BASE.reason}; rounded up to packs of 12` }, '£'), /whole packs of 12\./);
  assert.match(orderWhy({ ...BASE, reason: `${BASE.reason}; cut from 300 to fit the budget` }, '£'), /Cut from 300/);

  const late = orderWhy(
    { ...BASE, expedite: true, stockout_date: '2011-11-08', lost_units: 41.6, lost_revenue: 249.4, on_order: 20 },
    '£',
  );
  assert.match(
    late,
    /^Order 240 units \(£1,080\) now and ask for the fastest delivery\. You have 95 in stock and 20 on order/,
  );
  assert.match(
    late,
    /Stock runs out around 8 Nov 2011, before an order can arrive: about 42 units \(£249\) of sales lost\./,
  );

  assert.match(orderWhy({ ...BASE, order_qty: 0 }, '£'), /^Not ordered now: it does not fit the budget\./);
  assert.match(orderWhy({ ...BASE, held_back: true }, '£'), /^Held back, not suggested: 240 units would be far more/);
  // a dormant product: no stock and a reorder point of 0 says no "you need 0 units"
  const none = orderWhy({ ...BASE, order_qty: 1, on_hand: 0, cover_days: null, reorder_point: 0, unit_cost: 0.1 }, '£');
  assert.equal(
    none,
    'Order 1 unit (<£1) by 5 Nov 2011. You have none in stock or on order. ' +
      'Without this order the chance of running out is 31 %.',
  );
});

test('writeOrdersCsv: a plain-words why column after the technical ones', () => {
  const dir = mkdtempSync(join(tmpdir(), 'orders-why-'));
  try {
    const file = writeOrdersCsv(dir, [order({ sku: 'A1' }), order({ sku: 'B2', order_qty: 0 })], '£');
    const [head, ...rows] = readFileSync(file, 'utf8').trimEnd().split('\n');
    assert.ok(head!.startsWith('sku,name,order_qty,') && head!.endsWith(',why'));
    assert.equal(rows.length, 2);
    assert.ok(rows[0]!.endsWith(`"${orderWhy(order({}), '£')}"`), rows[0]);
    assert.match(rows[1]!, /"Not ordered now: it does not fit the budget\./);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('skuAlerts: every SKU at risk, most money at stake first, then A items; names on every alert', () => {
  const orders = [
    order({ sku: 'low', abc: 'A', stockout_risk: 0.9, lost_revenue: 10 }),
    order({
      sku: 'high',
      abc: 'C',
      stockout_risk: 0.6,
      lost_revenue: 500,
      expedite: true,
      stockout_date: '2011-11-07',
    }),
    order({ sku: 'tieB', abc: 'B', stockout_risk: 0.99, lost_revenue: 0 }),
    order({ sku: 'tieA', abc: 'A', stockout_risk: 0.5, lost_revenue: 0 }),
    order({ sku: 'safe', abc: 'A', stockout_risk: 0.2 }),
    order({ sku: 'late', abc: 'C', stockout_risk: 0.1, expedite: true, lost_revenue: 20 }),
    order({ sku: 'huge', name: 'Huge', abc: 'C', stockout_risk: 0.9, lost_revenue: 900, held_back: true }),
  ];
  const ids = ['low', 'high', 'tieB', 'tieA', 'safe', 'late', 'huge', 'st1', 'st2'];
  const names = ids.map((s) => `name of ${s}`);
  const abc = ['A', 'C', 'B', 'A', 'A', 'C', 'C', 'C', 'A'] as const;
  const life = {
    alerts: [
      { sku: 'st1', from: 'growth', to: 'maturity', confidence: 0.8 },
      { sku: 'st2', from: 'maturity', to: 'decline', confidence: 0.7 },
    ],
  } as unknown as Parameters<typeof skuAlerts>[1];
  const alerts = skuAlerts(orders, life, ids, names, [...abc], [1, 1, 1, 1, 1, 1, 1, 5, 1]);
  const list = (kind: PlanReportAlert['kind']): (string | undefined)[] =>
    alerts.filter((a) => a.kind === kind).map((a) => a.sku);
  assert.deepEqual(list('stockout'), ['high', 'late', 'low', 'tieA', 'tieB']);
  assert.deepEqual(list('data'), ['huge'], 'a held-back order is an alert of its own, not a stock-out');
  assert.deepEqual(list('stage'), ['st2', 'st1'], 'A items first');
  const high = alerts[0]!;
  assert.equal(high.atStake, 500);
  assert.equal(high.name, 'Product');
  assert.match(high.message, /runs out around 7 Nov 2011, before an order can arrive .*: expedite$/);
  const stage = alerts.find((a) => a.sku === 'st1')!;
  assert.equal(stage.name, 'name of st1');
  assert.ok(!stage.message.includes('st1'), 'the stage alert names the SKU once (its code is the link)');
});

test('the report: alerts beyond the first 15 of a kind are counted and folded, with the money at stake', () => {
  const base = planReportFixture();
  const many: PlanReportAlert[] = Array.from({ length: 20 }, (_, k) => ({
    kind: 'stockout',
    sku: `S${k}`,
    name: k === 19 ? SPECIAL : `Product ${k}`,
    atStake: 100 - k,
    message: 'runs out',
  }));
  const html = renderPlanReport({ ...base, alerts: [...many, ...base.alerts.filter((a) => a.kind !== 'stockout')] });
  assert.match(html, /20 stock-out alerts: <b>£1,810<\/b> of sales expected to be lost/);
  assert.match(
    html,
    /<details class="more-alerts" data-folded="5"><summary>5 more alerts \(5 stock-out\), £415 at stake/,
  );
  assert.equal(count(html, 'class="alert alert-stockout"'), 20, 'none dropped');
  assert.ok(html.includes(`<b class="alert-name">${escapeXml(SPECIAL)}</b>`) && !html.includes(SPECIAL));
  const folded = html.slice(html.indexOf('<details class="more-alerts"'));
  assert.equal(count(folded.slice(0, folded.indexOf('</details>')), 'alert-stockout'), 5);
});

test('the report: every order line, grouped by supplier with totals, expedite flags, deferred and held back apart', () => {
  const r = planReportFixture();
  const html = renderPlanReport(r);
  assert.equal(count(html, '<tr class="order-row'), r.orders.length);
  const toPlace = html.slice(html.indexOf('<table class="orders to-place">'), html.indexOf('<h4>Deferred'));
  assert.deepEqual(
    [...toPlace.matchAll(/<tbody data-supplier="([^"]*)">/g)].map((m) => m[1]),
    ['Fieldcraft Wholesale', escapeXml(`${SPECIAL} Potters`), 'Harbour Gifts Ltd', ''],
    'suppliers by value, the orders without one last',
  );
  assert.match(toPlace, /Fieldcraft Wholesale<\/span> · 2 orders · <b>£8,520<\/b>/);
  assert.match(toPlace, /No supplier given<\/span> · 1 order · <b>£144<\/b>/);
  assert.match(html, /<b>5<\/b> orders to place: 1,578 units, <b>£10,494<\/b>; <b class="urgent">2<\/b> cannot arrive/);
  assert.equal(count(html, '<span class="flag expedite">expedite</span>'), 2);
  assert.match(toPlace, /runs out 5 Jun 2024 · ~42 units, £249 lost/);
  // in the Fieldcraft group, the earliest order-by date first
  assert.ok(toPlace.indexOf('data-sku="MUG-001"') < toPlace.indexOf('data-sku="LANTERN-3"'));
  const deferred = html.slice(html.indexOf('<h4>Deferred'), html.indexOf('<h4>Held back'));
  assert.ok(deferred.includes('data-sku="STOVE-1"') && !deferred.includes('ROPE-50'));
  assert.ok(html.slice(html.indexOf('<h4>Held back')).includes('data-sku="ROPE-50"'));
  // merchant's words lead; the technical detail is one click away
  assert.match(html, /<td class="why"><p>Order 240 units \(£1,080\) now and ask for the fastest delivery\./);
  assert.match(html, /<details class="detail"><summary>Technical detail<\/summary>stock 95/);
  assert.match(html, /<b>Cover<\/b>: how long the stock/);
  assert.match(html, /<b>Risk<\/b>: the chance of running out/);
  assert.ok(!html.includes(SPECIAL));
  // an alert about a SKU without a section of its own links to its order line
  const lantern = planReportFixture();
  lantern.alerts.push({ kind: 'stockout', sku: 'LANTERN-3', name: 'Lantern', atStake: 63.4, message: 'runs out' });
  const linked = renderPlanReport(lantern);
  assert.match(linked, /<tr class="order-row expedite" id="order-3" data-sku="LANTERN-3"/);
  assert.match(linked, /<b class="alert-name">Lantern<\/b> <a href="#order-3"><code>LANTERN-3<\/code><\/a>/);
});
