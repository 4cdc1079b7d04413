import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type NetworkSku, allocateOrder, networkOrders } from '../src/inventory/network.js';

const TRANSFER = { days: 2, fixedCost: 10, unitCostShare: 0.05 };

/** A SKU selling `daily` units a day for 60 days, with its stock per location. */
function sku(p: Partial<NetworkSku> & { sku: string; daily: number }): NetworkSku {
  return {
    name: p.sku,
    supplier: 'S',
    mean: new Float64Array(60).fill(p.daily),
    leadTime: 10,
    reviewDays: 7,
    orderUpTo: 17 * p.daily * 1.2,
    order: 0,
    moq: 0,
    pack: 1,
    unitCost: 2,
    shortagePerUnit: 3,
    orderBy: '2024-03-09',
    frozen: false,
    locations: [{ location: '', position: 0, share: 1 }],
    ...p,
  };
}

test('an order is split so that every location lasts as long, in whole packs, each line at least the MOQ', () => {
  // A holds 10, B none, equal shares: 24 more brings both to 17
  const two = [
    { location: 'A', position: 10, share: 0.5 },
    { location: 'B', position: 0, share: 0.5 },
  ];
  assert.deepEqual(allocateOrder(24, two, 0, 1), [7, 17]);
  // shares 3:1, nothing on hand: 40 → 30 and 10
  assert.deepEqual(
    allocateOrder(
      40,
      [
        { location: 'A', position: 0, share: 0.75 },
        { location: 'B', position: 0, share: 0.25 },
      ],
      0,
      1,
    ),
    [30, 10],
  );
  // packs of 6: 36 units are 6 packs, 3 each; with an MOQ of 24, the smaller line merges into the larger
  assert.deepEqual(allocateOrder(36, two, 0, 6), [12, 24]);
  assert.deepEqual(allocateOrder(36, two, 24, 6), [0, 36]);
  // a location with more than the level gets nothing
  assert.deepEqual(
    allocateOrder(
      10,
      [
        { location: 'A', position: 100, share: 0.5 },
        { location: 'B', position: 0, share: 0.5 },
      ],
      0,
      1,
    ),
    [0, 10],
  );
});

test('a transfer where one location runs out before the delivery and the other has more than it needs', () => {
  const s = sku({
    sku: 'X',
    daily: 10,
    order: 0,
    locations: [
      { location: 'London', position: 400, share: 0.8 },
      { location: 'Rotterdam', position: 5, share: 0.2 },
    ],
  });
  const plan = networkOrders([s], new Map(), TRANSFER);
  // Rotterdam sells 2 a day: 20 until the delivery in 10 days, it holds 5 → 15 more; London's share of S is 163.2
  assert.equal(plan.transfers.length, 1);
  const t = plan.transfers[0]!;
  assert.deepEqual([t.from, t.to, t.qty], ['London', 'Rotterdam', 15]);
  // it saves days 3–10's shortfall (20 − max(5, 4) = 15 units × 3) for 10 + 0.05 × 2 × 15
  assert.deepEqual([t.saves, t.cost], [45, 11.5]);
  // no transfer when the margin saved does not pay for it
  const cheap = networkOrders([{ ...s, shortagePerUnit: 0.5 }], new Map(), TRANSFER);
  assert.equal(cheap.transfers.length, 0);
  // nor when the transfer would arrive after the purchase order
  assert.equal(networkOrders([{ ...s, leadTime: 2 }], new Map(), TRANSFER).transfers.length, 0);
  // nor when the other location has nothing to spare
  const tight = { ...s, locations: [s.locations[0]!, { ...s.locations[1]! }] };
  tight.locations[0] = { location: 'London', position: 150, share: 0.8 };
  assert.equal(networkOrders([tight], new Map(), TRANSFER).transfers.length, 0);
});

test('purchase orders per supplier and location meet the supplier minimums: the SKUs running out first are raised', () => {
  const skus = [
    // due: 12 units to A
    sku({ sku: 'DUE', daily: 2, order: 12, locations: [{ location: 'A', position: 2, share: 1 }] }),
    // not due, runs out in 10 days: joins the order
    sku({ sku: 'SOON', daily: 1, order: 0, pack: 6, locations: [{ location: 'A', position: 10, share: 1 }] }),
    // not due, lasts 100 days
    sku({ sku: 'LATER', daily: 1, order: 0, locations: [{ location: 'A', position: 100, share: 1 }] }),
    // another supplier: untouched
    sku({ sku: 'OTHER', daily: 1, order: 5, supplier: 'T', locations: [{ location: 'A', position: 0, share: 1 }] }),
    // archived: never added
    sku({ sku: 'OLD', daily: 5, order: 0, frozen: true, locations: [{ location: 'A', position: 0, share: 1 }] }),
  ];
  const plan = networkOrders(skus, new Map([['S', { minUnits: 0, minValue: 60, currency: 'GBP' }]]), TRANSFER);
  const lines = plan.lines.map((l) => [l.poId, l.supplier, l.sku, l.qty]);
  // 12 × 2 = 24 < 60: DUE lasts 7 days after its order (14 / 2), SOON 10: DUE gets a unit at a time until it lasts
  // past 10 days (19 units), then SOON its first pack of 6 (16 days), then DUE again until the value reaches 60
  const s = plan.lines.filter((l) => l.supplier === 'S');
  assert.deepEqual(
    s.map((l) => [l.sku, l.qty, l.value]),
    [
      ['DUE', 24, 48],
      ['SOON', 6, 12],
    ],
    JSON.stringify(lines),
  );
  assert.match(s[1]!.note, /not due yet/);
  assert.match(s[0]!.note, /12 units added .* minimum of a value of 60/);
  assert.deepEqual(
    [...plan.raised],
    [
      ['DUE', 12],
      ['SOON', 6],
    ],
  );
  assert.deepEqual(
    plan.lines.filter((l) => l.supplier === 'T').map((l) => [l.sku, l.qty, l.note]),
    [['OTHER', 5, '']],
  );
  assert.notEqual(plan.lines.find((l) => l.supplier === 'T')!.poId, s[0]!.poId);
  // a minimum in units works alike
  const units = networkOrders(skus, new Map([['S', { minUnits: 40, minValue: 0, currency: null }]]), TRANSFER);
  const u = units.lines.filter((l) => l.supplier === 'S').reduce((a, l) => a + l.qty, 0);
  assert.ok(u >= 40 && u < 46, `units ${u}`);
});
