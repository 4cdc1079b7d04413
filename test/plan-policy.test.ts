/** plan's stock-policy step on hand-made panels (issue 18): held-back orders, expedite, open order-by days, season's end. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BatchForecast } from '../src/engine/forecast-batch.js';
import { DAY_MS } from '../src/numerics/calendar.js';
import type { InventoryPanel } from '../src/pipeline/inventory-panel.js';
import type { PlanInputs, StockRow } from '../src/pipeline/plan-steps/read.js';
import { openDayOnOrBefore, policyStep } from '../src/pipeline/plan-steps/steps.js';

const FIRST = Date.parse('2010-11-01T00:00:00Z');
const H = 28;

/** A one-SKU plan input: `clean` and `actual` daily history, a flat forecast of `perDay`, the stock row given. */
function oneSku(p: {
  clean: Float64Array;
  actual?: Float64Array;
  perDay: number | Float64Array;
  stock?: Partial<StockRow>;
  closed?: Float64Array;
}): { inputs: PlanInputs; fc: BatchForecast } {
  const days = p.clean.length;
  const panel: InventoryPanel = {
    ids: ['A1'],
    names: ['A ONE'],
    price: Float64Array.of(2),
    revenue: Float64Array.of(100),
    firstDay: FIRST,
    days,
    clean: [p.clean],
    actual: [p.actual ?? p.clean],
    first: Int32Array.of(0),
    closed: p.closed ?? new Float64Array(days + 2 * H),
    futureDays: (p.closed?.length ?? days + 2 * H) - days,
  };
  const stock = new Map<string, StockRow>([
    [
      'A1',
      {
        onHand: 0,
        onOrder: 0,
        leadTime: 7,
        leadTimeSd: 0,
        unitCost: 1,
        orderCost: 20,
        holdingRate: 0.25,
        moq: 0,
        pack: 1,
        supplier: null,
        ...p.stock,
      },
    ],
  ]);
  const lastDay = FIRST + (days - 1) * DAY_MS;
  const inputs: PlanInputs = {
    panel,
    stock,
    stockSnapshot: { date: null, skus: 1, missing: 0, missingButInOlder: [] },
    catalogCost: new Map(),
    supply: new Map(),
    suppliers: new Map(),
    lastDay,
    asOf: new Date(lastDay).toISOString().slice(0, 10),
    h: H,
  };
  const mean = typeof p.perDay === 'number' ? new Float64Array(H).fill(p.perDay) : p.perDay;
  return { inputs, fc: { mean } as unknown as BatchForecast };
}

const steady = (days: number, x: number): Float64Array => new Float64Array(days).fill(x);

test('one absurd line (capped by cleaning) does not make an absurd order: scenarios use the clean history', () => {
  const clean = steady(400, 4);
  const actual = steady(400, 4);
  // a 1e9-unit line 30 days ago, capped to 12 by cleaning
  actual[370] = 1e9;
  clean[370] = 12;
  const { inputs, fc } = oneSku({ clean, actual, perDay: 4 });
  const r = policyStep(inputs, fc, new Map(), { out: '', serviceLevel: 0.99 });
  assert.equal(r.orders.length, 1);
  const o = r.orders[0]!;
  // the EOQ lot of 4 a day (K 20, h 0.25 a year: √(2 · 20 · 1460 / 0.25) = 483) plus the base stock, nothing more
  assert.ok(o.order_qty > 0 && o.order_qty < 1000, `order ${o.order_qty}`);
  assert.equal(o.held_back, false);
});

test('an order far beyond the SKU’s history is held back with the reason, not suggested', () => {
  // a unit cost mistyped as 0.000001 makes holding free and the EOQ lot √(2 · 20 · 1460 / 2.5e-7) ≈ 483,000 units,
  // against a history of 4 a day (112 in its largest 28 days)
  const { inputs, fc } = oneSku({ clean: steady(400, 4), perDay: 4, stock: { unitCost: 1e-6 } });
  const o = policyStep(inputs, fc, new Map(), { out: '' }).orders[0]!;
  assert.equal(o.held_back, true);
  assert.equal(o.order_qty, 0);
  assert.match(
    o.reason,
    /held back: \d+ units is more than 10× its largest 28 days of demand \(history or forecast; limit 1120\)/,
  );
});

test('an order that cannot arrive before the stock-out says so: stock-out date, units and revenue lost, expedite', () => {
  // 2 in stock at 1 a day, lead time 7: out on the 2nd forecast day, 5 units short before an order arrives
  const { inputs, fc } = oneSku({ clean: steady(400, 1), perDay: 1, stock: { onHand: 2 } });
  const r = policyStep(inputs, fc, new Map(), { out: '' });
  const o = r.orders[0]!;
  assert.equal(o.expedite, true);
  assert.equal(o.stockout_date, new Date(inputs.lastDay + 3 * DAY_MS).toISOString().slice(0, 10));
  assert.ok(o.lost_units > 3 && o.lost_units < 7, `lost ${o.lost_units}`);
  assert.equal(o.lost_revenue, Math.round(o.lost_units * 2 * 100) / 100);
  assert.match(o.reason, /expedite: stock runs out in 2 days, before an order placed today arrives in 7/);
  assert.ok(Math.abs(r.perSku[0]!.lostRevenue - o.lost_units * 2) < 0.1);
  // with 30 in stock nothing runs out before arrival + review: no date, no loss
  const calm = oneSku({ clean: steady(400, 1), perDay: 1, stock: { onHand: 12 } });
  const c = policyStep(calm.inputs, calm.fc, new Map(), { out: '' }).orders[0]!;
  assert.equal(c.expedite, false);
  assert.equal(c.stockout_date, new Date(calm.inputs.lastDay + 13 * DAY_MS).toISOString().slice(0, 10));
  assert.ok(c.lost_units < 0.5);
});

test('the order-by day falls on a day the shop is open', () => {
  // stock lasting: order by forecast day 3 at the means (10 → … → 7 still cover the lead time's 7)
  const clean = steady(400, 1);
  const base = oneSku({ clean, perDay: 1, stock: { onHand: 10 } });
  const plain = policyStep(base.inputs, base.fc, new Map(), { out: '' }).orders[0]!;
  // forecast days 2 and 3 closed: the order-by day moves back to day 1
  const closed = new Float64Array(400 + H);
  const byDay = Math.round((Date.parse(`${plain.order_by}T00:00:00Z`) - base.inputs.lastDay) / DAY_MS) - 1;
  assert.ok(byDay >= 2, `order-by forecast day ${byDay}`);
  closed[400 + byDay] = 1;
  closed[400 + byDay - 1] = 1;
  const shut = oneSku({ clean, perDay: 1, stock: { onHand: 10 }, closed });
  const o = policyStep(shut.inputs, shut.fc, new Map(), { out: '' }).orders[0]!;
  assert.equal(o.order_by, new Date(base.inputs.lastDay + (byDay - 1) * DAY_MS).toISOString().slice(0, 10));
  assert.equal(openDayOnOrBefore(Float64Array.of(0, 0, 0, 1, 1), 2, 2), 0);
  assert.equal(openDayOnOrBefore(undefined, 2, 2), 2);
  // the first forecast day closed (a Saturday after a Friday's data): the next open day, never a closed one
  assert.equal(openDayOnOrBefore(Float64Array.of(0, 0, 1, 0, 0), 2, 0), 1);
  assert.equal(openDayOnOrBefore(Float64Array.of(0, 0, 1, 1, 0), 2, 1), 2);
});

test('a seasonal product’s lot stops at the demand until its season ends, unless fullLots', () => {
  // sold 10 a day from day 20 to 90 a year ago, 0.2 otherwise; its season started again on day 384
  const clean = Float64Array.from({ length: 400 }, (_, t) => ((t >= 20 && t <= 90) || t >= 384 ? 10 : 0.2));
  // cheap to hold, dear to order: an EOQ lot of months of the season's rate
  const stock = { onHand: 0, orderCost: 50, holdingRate: 0.1 };
  const s = oneSku({ clean, perDay: 10, stock });
  const capped = policyStep(s.inputs, s.fc, new Map(), { out: '' });
  const full = policyStep(s.inputs, s.fc, new Map(), { out: '', fullLots: true });
  assert.equal(capped.perSku[0]!.seasonEndDay, 54);
  assert.equal(capped.orders[0]!.order_up_to, 540);
  assert.equal(capped.orders[0]!.order_qty, 540);
  assert.match(
    capped.orders[0]!.reason,
    /EOQ lot \d+ cut: the season ends in 54 days, with 540 units forecast until then/,
  );
  assert.ok(full.orders[0]!.order_qty > 1000, `full lot ${full.orders[0]!.order_qty}`);
});
