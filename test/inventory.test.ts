/** Inventory theory: golden values from Snyder & Shen, and policies checked in the replay simulator. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { abcClassAmong, abcClasses, abcRanking, demandCv, xyzClass } from '../src/inventory/abc-xyz.js';
import { eoq, eoqBackorder, eoqQuantityDiscount } from '../src/inventory/eoq.js';
import { drawLeadTime, excessTable, protectionDemand, roundCount } from '../src/inventory/lead-time-demand.js';
import { holdBack, largestWindowDemand } from '../src/inventory/hold-back.js';
import { seasonEndDay } from '../src/inventory/season-end.js';
import { newsvendorNormal, newsvendorSamples } from '../src/inventory/newsvendor.js';
import { allocateBudget, roundOrder } from '../src/inventory/order-constraints.js';
import { baseStockForCsl, baseStockForFillRate, fillRateAt, scenarioTables } from '../src/inventory/policies.js';
import { DEFAULT_Q_CONFIG, emptyQTable, qPolicy } from '../src/inventory/q-learning.js';
import { type ReplayPolicy, type ReplaySku, replay } from '../src/inventory/replay.js';
import { coverDays, stockPolicy, stockScenarios } from '../src/inventory/stock-policy.js';
import { wagnerWhitin } from '../src/inventory/wagner-whitin.js';
import { mulberry32, normalSource } from '../src/numerics/random.js';
import { poissonSource } from './helpers.js';

const close = (a: number, b: number, tol: number, what: string): void =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

test('excessTable sorts exactly as Float64Array sort does, whole-number scenarios counted, any other values sorted', () => {
  const u = mulberry32(11);
  const cases: Float64Array[] = [
    Float64Array.from({ length: 2000 }, () => Math.floor(u() * 40)), // whole units in a narrow range: counted
    Float64Array.from({ length: 500 }, () => Math.floor(u() * 1e6)), // a wide range: sorted
    Float64Array.from({ length: 300 }, () => u() * 10), // fractions
    Float64Array.of(3, -0, 0, 2, 0), // −0 sorts before 0
    Float64Array.of(2, NaN, 1, Infinity, -3),
    Float64Array.of(5, 5, 5),
    new Float64Array(0),
  ];
  for (const x of cases) {
    const expected = Float64Array.from(x).sort();
    const t = excessTable(x);
    assert.equal(t.sorted.length, expected.length);
    for (let i = 0; i < x.length; i++) assert.ok(Object.is(t.sorted[i], expected[i]), `value ${i} of ${x.length}`);
    let suffix = 0;
    for (let i = x.length - 1; i >= 0; i--) assert.ok(Object.is(t.suffix[i], (suffix += expected[i]!)));
  }
  // the scenarios' lead times: a log-normal of mean 7 and sd 2 in whole days
  const normal = normalSource(mulberry32(3));
  const L = Array.from({ length: 20000 }, () => drawLeadTime({ mean: 7, sd: 2 }, normal));
  close(L.reduce((a, b) => a + b, 0) / L.length, 7, 0.05, 'mean lead time');
  assert.ok(L.every((l) => Number.isInteger(l) && l >= 0));
  assert.equal(drawLeadTime({ mean: 7.4, sd: 0 }, normal), 7);
});

test('EOQ golden values (Snyder & Shen, 2nd ed., as cited in issue #6: K 8, h 0.225, λ 1300)', () => {
  const r = eoq(8, 0.225, 1300);
  close(r.q, 304.0468, 5e-5, 'Q*');
  close(r.cost, 68.4105, 5e-5, 'cost');
  // planned backorders cost less and order more; as p grows they become the classic EOQ
  const b = eoqBackorder(8, 0.225, 5, 1300);
  assert.ok(b.q > r.q && b.cost < r.cost);
  close(b.backorderShare, 0.225 / 5.225, 1e-12, 'x*');
  const big = eoqBackorder(8, 0.225, 1e9, 1300);
  close(big.q, r.q, 1e-3, 'Q* as p → ∞');
  assert.throws(() => eoq(8, 0, 1300), /h must be a positive number/);
});

test('EOQ with all-units quantity discounts picks the cheapest break (hand-computed)', () => {
  // K 100, i 0.2, λ 1000; prices 5 (< 500), 4.8 (≥ 500), 4.75 (≥ 1000).
  // candidates: Q 447.2 at 5 → 5447.2; Q raised to 500 at 4.8 → 200 + 240 + 4800 = 5240; Q 1000 at 4.75 → 100 + 475 + 4750 = 5325
  const r = eoqQuantityDiscount(100, 0.2, 1000, [
    { minQty: 0, unitCost: 5 },
    { minQty: 500, unitCost: 4.8 },
    { minQty: 1000, unitCost: 4.75 },
  ]);
  assert.equal(r.q, 500);
  assert.equal(r.unitCost, 4.8);
  close(r.totalCost, 5240, 1e-9, 'total cost');
});

test('newsvendor golden values (Snyder & Shen, 2nd ed.: h 0.18, p 0.70, N(50, 8²))', () => {
  const r = newsvendorNormal(50, 8, 0.18, 0.7);
  close(r.s, 56.604, 5e-5, 'S*');
  close(r.cost, 1.9976, 5e-5, 'cost');
  // the same problem on 200,000 simulated demands lands within sampling error
  const z = normalSource(mulberry32(7));
  const s = newsvendorSamples(
    Float64Array.from({ length: 200_000 }, () => 50 + 8 * z()),
    0.18,
    0.7,
  );
  close(s.s, 56.604, 0.1, 'S* from samples');
  close(s.cost, 1.9976, 0.02, 'cost from samples');
});

test('Wagner–Whitin golden values (Snyder & Shen, 2nd ed.: d [90,120,80,70], h 2, K 500)', () => {
  const r = wagnerWhitin([90, 120, 80, 70], 500, 2);
  assert.deepEqual(Array.from(r.orders), [210, 0, 150, 0]);
  assert.equal(r.cost, 1380);
  // with free orders, order every period; with huge K, once
  assert.deepEqual(Array.from(wagnerWhitin([90, 120, 80, 70], 0, 2).orders), [90, 120, 80, 70]);
  assert.deepEqual(Array.from(wagnerWhitin([90, 120, 80, 70], 1e6, 2).orders), [360, 0, 0, 0]);
});

test('the replay simulator counts served, lost, holding and cycles by hand', () => {
  const sku: ReplaySku = {
    id: 'a',
    demand: Float64Array.from([5, 5, 5, 5]),
    initialStock: 8,
    unitCost: 1,
    holdingPerUnitDay: 0.5,
    shortagePerUnit: 2,
    orderCost: 10,
    leadTime: { mean: 2, sd: 0 },
  };
  const none: ReplayPolicy = { name: 'none', order: () => 0 };
  const r = replay([sku], none, { reviewDays: 2, lostSales: true, seed: 1 }).total;
  assert.equal(r.served, 8);
  assert.equal(r.short, 12);
  close(r.fillRate, 0.4, 1e-12, 'fill rate');
  close(r.holdingCost, 1.5, 1e-12, 'holding: 3 units left after day 1');
  assert.equal(r.shortageCost, 24);
  assert.equal(r.cycleServiceLevel, 0); // both 2-day cycles had a shortage
  // an order of 10 at day 0 arrives at day 2: days 0-1 served from 8 (2 short on day 1), days 2-3 from 10
  const once: ReplayPolicy = { name: 'once', order: (s) => (s.day === 0 ? 10 : 0) };
  const o = replay([sku], once, { reviewDays: 2, lostSales: true, seed: 1 }).total;
  assert.equal(o.short, 2);
  assert.equal(o.orders, 1);
  assert.equal(o.orderingCost, 10);
  close(o.cycleServiceLevel, 0.5, 1e-12, 'CSL');
  // backorders: the 2 units short on day 1 are served when the order arrives
  const b = replay([sku], once, { reviewDays: 2, lostSales: false, seed: 1 }).total;
  // backorders: day 1's 2 units wait for the order, which then leaves 3 for day 3's 5
  assert.equal(b.short, 4);
  close(b.holdingCost, 0.5 * (3 + 0 + 3 + 0), 1e-12, 'holding with backorders');
});

function poissonSkus(
  n: number,
  days: number,
  mu: number,
  seed: number,
): { history: Float64Array[]; skus: ReplaySku[] } {
  const u = mulberry32(seed);
  const pois = poissonSource(u);
  const history: Float64Array[] = [];
  const skus: ReplaySku[] = [];
  for (let i = 0; i < n; i++) {
    history.push(Float64Array.from({ length: 364 }, () => pois(mu)));
    skus.push({
      id: `s${i}`,
      demand: Float64Array.from({ length: days }, () => pois(mu)),
      initialStock: 14 * mu,
      unitCost: 1,
      holdingPerUnitDay: 0.001,
      shortagePerUnit: 0.5,
      orderCost: 0,
      leadTime: { mean: 7, sd: 0 },
    });
  }
  return { history, skus };
}

test('base-stock levels from demand scenarios reach their target fill rate and cycle service level in replay', () => {
  const { history, skus } = poissonSkus(40, 364, 4, 11);
  const u = mulberry32(3);
  const normal = normalSource(u);
  const mean = new Float64Array(14).fill(4);
  // the forecast mean is the true mean here, so windows are compared with the whole history's level (trailing 0)
  const levels = history.map((h) => {
    const t = scenarioTables(
      protectionDemand(h, mean, { mean: 7, sd: 0 }, 7, {
        scenarios: 4000,
        window: 364,
        uniform: u,
        normal,
        trailing: 0,
      }),
    );
    return { fill: baseStockForFillRate(t, 0.95), csl: baseStockForCsl(t, 0.9), t };
  });
  // the fill-rate level is where the scenarios say 95 %
  close(fillRateAt(levels[0]!.t, levels[0]!.fill), 0.95, 0.002, 'fill rate at S');
  for (const [key, target, metric] of [
    ['fill', 0.95, 'fillRate'],
    ['csl', 0.9, 'cycleServiceLevel'],
  ] as const) {
    const policy: ReplayPolicy = { name: key, order: (s) => levels[s.sku]![key] - s.position };
    const r = replay(skus, policy, { reviewDays: 7, lostSales: false, seed: 1 }).total;
    close(r[metric], target, 0.02, `${metric} of the ${key} base stock`);
  }
  // lead-time uncertainty widens the protection-period demand: a higher level for the same fill rate
  const t2 = scenarioTables(
    protectionDemand(history[0]!, mean, { mean: 7, sd: 3 }, 7, {
      scenarios: 4000,
      window: 364,
      uniform: u,
      normal,
      trailing: 0,
    }),
  );
  assert.ok(baseStockForFillRate(t2, 0.95) > levels[0]!.fill + 2);
  // comparing windows with the 28 days before them adds a forecast's error of the level: a wider spread, a higher level
  const t3 = scenarioTables(
    protectionDemand(history[0]!, mean, { mean: 7, sd: 0 }, 7, { scenarios: 4000, window: 364, uniform: u, normal }),
  );
  assert.ok(baseStockForFillRate(t3, 0.95) > levels[0]!.fill);
});

test('a lumpier history gives a higher level for the same forecast mean', () => {
  const u = mulberry32(5);
  const normal = normalSource(u);
  const steady = new Float64Array(364).fill(4);
  const lumpy = Float64Array.from({ length: 364 }, (_, i) => (i % 10 === 0 ? 40 : 0));
  const mean = new Float64Array(14).fill(4);
  const level = (h: Float64Array): number =>
    baseStockForFillRate(
      scenarioTables(
        protectionDemand(h, mean, { mean: 7, sd: 0 }, 7, { scenarios: 2000, window: 364, uniform: u, normal }),
      ),
      0.95,
    );
  // 14 days of 4 = 56, less the 5 % of a 28-unit cycle the fill rate allows short
  close(level(steady), 56 - 0.05 * 28, 1e-3, 'steady demand');
  assert.ok(level(lumpy) > 70, `lumpy ${level(lumpy)}`);
});

test('ABC by revenue share, XYZ by coefficient of variation', () => {
  assert.deepEqual(abcClasses([5, 30, 50, 10, 3, 2]), ['B', 'A', 'A', 'B', 'C', 'C']);
  assert.equal(xyzClass(demandCv([10, 10, 10, 10])), 'X');
  assert.equal(xyzClass(demandCv([5, 15, 5, 15])), 'Y');
  assert.equal(xyzClass(demandCv([0, 0, 0, 40])), 'Z');
  assert.equal(demandCv([0, 0]), Infinity);
});

test('the class of one SKU added to ranked revenues is the one abcClasses gives it, ties and negatives included', () => {
  const u = mulberry32(21);
  for (let trial = 0; trial < 200; trial++) {
    const n = 1 + Math.floor(u() * 60);
    // few distinct values (ties), some negative, some zero
    const pick = (): number =>
      u() < 0.1 ? -u() * 50 : u() < 0.1 ? 0 : Math.round(u() * 20) * 12.5 + (u() < 0.3 ? u() : 0);
    const others = Array.from({ length: n }, pick);
    const ranked = abcRanking(others)!;
    for (const r of [...others.slice(0, 5), pick(), 0, -3, 1e6, others[0]!])
      assert.equal(abcClassAmong(ranked, r), abcClasses([...others, r]).at(-1), `trial ${trial}, r ${r}`);
  }
  assert.equal(abcClassAmong(abcRanking([])!, 10), 'A');
  assert.equal(abcClassAmong(abcRanking([0, 0])!, 0), abcClasses([0, 0, 0]).at(-1));
  assert.equal(abcRanking([1, NaN]), null);
});

test('orders respect MOQ and pack sizes; a budget buys the most valuable packs first', () => {
  assert.equal(roundOrder(0, 10, 6), 0);
  assert.equal(roundOrder(3, 10, 6), 12);
  assert.equal(roundOrder(13, 0, 6), 18);
  assert.equal(roundOrder(12, 0, 6), 12);
  const u = mulberry32(9);
  const normal = normalSource(u);
  const tables = (mu: number) =>
    scenarioTables(
      protectionDemand(
        Float64Array.from({ length: 364 }, () => mu),
        new Float64Array(14).fill(mu),
        { mean: 7, sd: 0 },
        7,
        { scenarios: 500, window: 364, uniform: u, normal },
      ),
    );
  // the same wanted order; A's units are worth more when short
  const item = (shortageCost: number) => ({
    quantity: 60,
    unitCost: 1,
    pack: 10,
    firstStep: 20,
    position: 0,
    shortageCost,
    holdingPerCycle: 0.01,
    tables: tables(4),
  });
  const lines = allocateBudget([item(1), item(5)], 70);
  assert.equal(lines[1]!.priority, 1);
  assert.equal(lines[1]!.quantity, 60);
  assert.equal(lines[0]!.quantity, 0); // its first step (the MOQ, 20) does not fit the 10 left
  assert.ok(lines[0]!.quantity + lines[1]!.quantity <= 70);
  const all = allocateBudget([item(1), item(5)], 1e9);
  assert.deepEqual(
    all.map((l) => l.quantity),
    [60, 60],
  );
});

test('Q-learning in the simulator learns to cost less than acting at random', () => {
  const { skus } = poissonSkus(30, 364, 4, 21);
  const table = emptyQTable(DEFAULT_Q_CONFIG);
  const ctx = { weeklyLevel: () => 28, skuClass: () => 0, costScale: () => 28 };
  const u = mulberry32(4);
  for (let epoch = 0; epoch < 30; epoch++)
    replay(skus, qPolicy(table, ctx, Math.max(0.05, 0.5 - epoch / 30), u), {
      reviewDays: 7,
      lostSales: true,
      seed: epoch,
    });
  const test2 = poissonSkus(30, 364, 4, 22).skus;
  const learned = replay(test2, qPolicy(table, ctx, 0, u), { reviewDays: 7, lostSales: true, seed: 1 }).total;
  const random = replay(
    test2,
    {
      name: 'random',
      order: (s) => DEFAULT_Q_CONFIG.actions[Math.floor(u() * DEFAULT_Q_CONFIG.actions.length)]! * 28 - s.position,
    },
    { reviewDays: 7, lostSales: true, seed: 1 },
  ).total;
  assert.ok(learned.cost < 0.7 * random.cost, `learned ${learned.cost} vs random ${random.cost}`);
  assert.ok(learned.fillRate > 0.8, `fill rate ${learned.fillRate}`);
});

// Four equally likely scenarios: demand over the lead time (7 days) 5, 7, 9, 11; over lead time +
// review (14 days) 10, 14, 18, 22; the forecast's demand of the cycle after the lead time 7.
const fourScenarios = () =>
  scenarioTables({ lead: Float64Array.of(11, 5, 9, 7), protection: Float64Array.of(22, 10, 18, 14), cycleMean: 7 });
const perDay = (x: number, days = 14): Float64Array => new Float64Array(days).fill(x);

test('stock policy by hand: reorder point, risk, cover, order-by day and pack rounding without costs', () => {
  const d = stockPolicy({
    scenarios: fourScenarios(),
    mean: perDay(1),
    serviceLevel: 0.75,
    position: 12,
    reviewDays: 7,
    pack: 5,
  });
  assert.equal(d.reorderPoint, 18); // type-1 quantile: the ⌈0.75 · 4⌉ = 3rd smallest of 10, 14, 18, 22
  assert.equal(d.leadTimeDemand, 9); // the 3rd smallest of 5, 7, 9, 11
  assert.equal(d.lot, 0); // no costs, no EOQ
  assert.equal(d.orderUpTo, 18);
  assert.equal(d.stockoutRisk, 0.75); // 14, 18 and 22 exceed the position 12
  assert.equal(d.coverDays, 12); // 12 units at 1 a day
  assert.equal(d.orderByDay, 3); // 12 → 11 → 10 → 9 still cover the lead time's 9; a 4th day leaves 8
  assert.equal(d.due, true);
  assert.equal(d.wanted, 6);
  assert.equal(d.quantity, 10); // 6 in packs of 5
  assert.deepEqual(d.raised, { toEoq: false, toSeason: false, toMoq: false, toPacks: true });
  // a higher service level takes a higher quantile: ⌈0.95 · 4⌉ = 4th
  assert.equal(
    stockPolicy({ scenarios: fourScenarios(), mean: perDay(1), serviceLevel: 0.95, position: 12, reviewDays: 7 })
      .reorderPoint,
    22,
  );
});

test('stock policy by hand: the EOQ lot raises the order-up-to level, the MOQ the quantity', () => {
  // λ = 7 a cycle of 7 days = 365 a year; K 20; h 0.1 a day = 36.5 a year: EOQ √(2 · 20 · 365 / 36.5) = 20
  const costs = { orderCost: 20, holdingPerUnitDay: 0.1 };
  const d = stockPolicy({
    scenarios: fourScenarios(),
    mean: perDay(1),
    serviceLevel: 0.75,
    position: 12,
    reviewDays: 7,
    costs,
    moq: 25,
    pack: 5,
  });
  close(d.lot, 20, 1e-9, 'EOQ');
  close(d.orderUpTo, 18 + (20 - 7), 1e-9, 'S = s + EOQ − cycle demand');
  close(d.wanted, 19, 1e-9, 'wanted');
  assert.equal(d.quantity, 25); // the MOQ (5 packs)
  assert.deepEqual(d.raised, { toEoq: true, toSeason: false, toMoq: true, toPacks: false });
  // a lot no bigger than the cycle's demand adds nothing: K 20, h 0.1 · 16 = 1.6 a day → EOQ 5 < 7
  const small = stockPolicy({
    scenarios: fourScenarios(),
    mean: perDay(1),
    serviceLevel: 0.75,
    position: 12,
    reviewDays: 7,
    costs: { orderCost: 20, holdingPerUnitDay: 1.6 },
  });
  close(small.lot, 5, 1e-9, 'small EOQ');
  assert.equal(small.orderUpTo, 18);
  assert.equal(small.raised.toEoq, false);
  // no order cost, or no demand in the cycle: no lot
  assert.equal(
    stockPolicy({
      scenarios: fourScenarios(),
      mean: perDay(1),
      serviceLevel: 0.75,
      position: 12,
      reviewDays: 7,
      costs: { orderCost: 0, holdingPerUnitDay: 0.1 },
    }).lot,
    0,
  );
  const idle = scenarioTables({ lead: new Float64Array(4), protection: new Float64Array(4), cycleMean: 0 });
  assert.equal(
    stockPolicy({ scenarios: idle, mean: perDay(0), serviceLevel: 0.75, position: 0, reviewDays: 7, costs }).lot,
    0,
  );
});

test('stock policy: when an order is due, and when not', () => {
  // stock well above the reorder point lasting the review period: nothing due, nothing ordered
  const calm = stockPolicy({
    scenarios: fourScenarios(),
    mean: perDay(1),
    serviceLevel: 0.75,
    position: 30,
    reviewDays: 7,
    costs: { orderCost: 20, holdingPerUnitDay: 0.1 },
  });
  assert.equal(calm.due, false);
  assert.equal(calm.orderByDay, 7);
  assert.equal(calm.stockoutRisk, 0);
  assert.equal(calm.coverDays, 30); // the last forecast day repeats past the 14 days
  assert.equal(calm.quantity, 0);
  close(calm.wanted, 1, 1e-9, 'S − position is positive, but no order is due');
  // at the reorder point but selling 3 a day: 20 → 17 → 14 → 11 still cover the lead time's 9, a 4th day does not
  const fast = stockPolicy({
    scenarios: fourScenarios(),
    mean: perDay(3),
    serviceLevel: 0.75,
    position: 20,
    reviewDays: 7,
    costs: { orderCost: 20, holdingPerUnitDay: 0.1 },
  });
  assert.equal(fast.orderByDay, 3);
  assert.equal(fast.due, true);
  assert.equal(fast.quantity, 11); // ⌈31 − 20⌉
  assert.equal(fast.stockoutRisk, 0.25); // only 22 exceeds 20
  close(fast.coverDays!, 6 + 2 / 3, 1e-12, 'cover');
  // without an EOQ lot the same stock is due but wants nothing
  const noLot = stockPolicy({
    scenarios: fourScenarios(),
    mean: perDay(3),
    serviceLevel: 0.75,
    position: 20,
    reviewDays: 7,
  });
  assert.equal(noLot.due, true);
  assert.equal(noLot.wanted, -2);
  assert.equal(noLot.quantity, 0);
  // no scenarios: no risk, a zero reorder point
  const none = stockPolicy({
    scenarios: scenarioTables({ lead: new Float64Array(0), protection: new Float64Array(0), cycleMean: 0 }),
    mean: perDay(0),
    serviceLevel: 0.9,
    position: 0,
    reviewDays: 7,
  });
  assert.equal(none.stockoutRisk, 0);
  assert.equal(none.reorderPoint, 0);
});

test('cover days: fractions of the last day, null when the forecast runs out of demand', () => {
  assert.equal(coverDays(0, perDay(1)), 0);
  assert.equal(coverDays(2.5, Float64Array.of(1, 1, 1)), 2.5);
  assert.equal(coverDays(5, Float64Array.of(1, 1, 0)), null);
  assert.equal(coverDays(5, Float64Array.of(2)), 2.5);
});

test('stock scenarios are the protection-demand scenarios over a year of history, the same for the same seed', () => {
  const history = Float64Array.from({ length: 500 }, (_, t) => (t % 7 === 0 ? 9 : 1));
  const mean = perDay(2);
  const draw = (seed: number) => {
    const uniform = mulberry32(seed);
    return stockScenarios({
      history,
      mean,
      leadTime: { mean: 7, sd: 2 },
      reviewDays: 7,
      scenarios: 300,
      uniform,
      normal: normalSource(uniform),
    });
  };
  const u = mulberry32(8);
  const direct = scenarioTables(
    protectionDemand(history, mean, { mean: 7, sd: 2 }, 7, {
      scenarios: 300,
      window: 364,
      uniform: u,
      normal: normalSource(u),
    }),
  );
  assert.deepEqual(draw(8), direct);
  assert.deepEqual(draw(8), draw(8));
  assert.notDeepEqual(draw(8).protection.sorted, draw(9).protection.sorted);
  close(draw(8).cycleMean, 14, 1e-12, 'cycle demand: 7 days of 2 after the lead time');
});

test('the stock policy without costs, replayed, orders exactly what base stock at the same cycle service level orders', () => {
  const { history, skus } = poissonSkus(20, 364, 4, 13);
  const u = mulberry32(6);
  const normal = normalSource(u);
  const mean = perDay(4);
  const tables = history.map((h) =>
    stockScenarios({
      history: h,
      mean,
      leadTime: { mean: 7, sd: 0 },
      reviewDays: 7,
      scenarios: 2000,
      uniform: u,
      normal,
    }),
  );
  const viaPolicy: ReplayPolicy = {
    name: 'stock policy',
    order: (s) =>
      stockPolicy({ scenarios: tables[s.sku]!, mean, serviceLevel: 0.95, position: s.position, reviewDays: 7 }).wanted,
  };
  const viaLevel: ReplayPolicy = {
    name: 'base stock',
    order: (s) => baseStockForCsl(tables[s.sku]!, 0.95) - s.position,
  };
  const a = replay(skus, viaPolicy, { reviewDays: 7, lostSales: true, seed: 1 }).total;
  const b = replay(skus, viaLevel, { reviewDays: 7, lostSales: true, seed: 1 }).total;
  assert.deepEqual({ ...a, policy: '' }, { ...b, policy: '' });
  assert.ok(a.cycleServiceLevel > 0.9, `cycle service level ${a.cycleServiceLevel}`);
});

test('issue 18: demand scenarios are whole units, with the mean of the scaled windows', () => {
  const history = Float64Array.from({ length: 400 }, (_, t) => (t % 3 === 0 ? 2 : t % 5 === 0 ? 1 : 0));
  const uniform = mulberry32(21);
  const pd = protectionDemand(history, perDay(0.7), { mean: 7, sd: 2 }, 7, {
    scenarios: 4000,
    window: 364,
    uniform,
    normal: normalSource(uniform),
  });
  for (let k = 0; k < pd.lead.length; k++) {
    assert.ok(Number.isInteger(pd.lead[k]!), `lead scenario ${pd.lead[k]} is not a whole number`);
    assert.ok(Number.isInteger(pd.protection[k]!), `protection scenario ${pd.protection[k]} is not a whole number`);
    assert.ok(pd.protection[k]! >= pd.lead[k]!);
  }
  // unbiased: the mean over the protection period stays near the forecast's 14 days × 0.7 ≈ 9.8 (the windows'
  // ratios average about 1; the 28-day trailing base adds its own spread)
  const m = pd.protection.reduce((a, b) => a + b, 0) / pd.protection.length;
  close(m, 9.8, 1.5, 'mean protection-period demand');
  // rounding without bias, by hand
  assert.equal(
    roundCount(2.25, () => 0.1),
    3,
  );
  assert.equal(
    roundCount(2.25, () => 0.5),
    2,
  );
  assert.equal(
    roundCount(4, () => 0),
    4,
  );
});

test('issue 18: a slow seller whose protection demand is 0 units at the service level gets no order and an honest risk', () => {
  // a sale every 10 days in its history, and a forecast of 0.005 a day now: 0.07 units expected over 7 + 7 days,
  // so P(demand ≥ 1) ≈ 7 % — the 90 % quantile is 0 units. Continuous scenarios made every window a fraction of a
  // unit: reorder point 0.1, risk 100 %, and a 1-unit order ("stock 0 is below the reorder point 0").
  const history = Float64Array.from({ length: 400 }, (_, t) => (t % 10 === 0 ? 1 : 0));
  const uniform = mulberry32(5);
  const mean = perDay(0.005);
  const scenarios = stockScenarios({
    history,
    mean,
    leadTime: { mean: 7, sd: 0 },
    reviewDays: 7,
    scenarios: 4000,
    uniform,
    normal: normalSource(uniform),
  });
  const d = stockPolicy({
    scenarios,
    mean,
    serviceLevel: 0.9,
    position: 0,
    reviewDays: 7,
    costs: { orderCost: 20, holdingPerUnitDay: 0.001 },
  });
  assert.equal(d.reorderPoint, 0);
  assert.equal(d.due, false);
  assert.equal(d.quantity, 0);
  close(d.stockoutRisk, 0.07, 0.03, 'P(demand ≥ 1) over the protection period');
  // with one unit in stock the risk is P(demand ≥ 2): far smaller
  const one = stockPolicy({ scenarios, mean, serviceLevel: 0.9, position: 1, reviewDays: 7 });
  assert.ok(one.stockoutRisk < 0.01, `risk with 1 unit: ${one.stockoutRisk}`);
  // the same product selling 0.5 a day needs whole units: an order is due, the reorder point is a whole number
  const busy = perDay(0.5);
  const u2 = mulberry32(6);
  const t2 = stockScenarios({
    history,
    mean: busy,
    leadTime: { mean: 7, sd: 0 },
    reviewDays: 7,
    scenarios: 4000,
    uniform: u2,
    normal: normalSource(u2),
  });
  const b = stockPolicy({ scenarios: t2, mean: busy, serviceLevel: 0.9, position: 0, reviewDays: 7 });
  assert.ok(b.reorderPoint >= 1 && Number.isInteger(b.reorderPoint), `reorder point ${b.reorderPoint}`);
  assert.equal(b.due, true);
  assert.ok(b.quantity >= b.reorderPoint);
});

test('issue 18: units short before an order placed today can arrive, E[(D_L − position)+], by hand', () => {
  // lead-time scenarios 5, 7, 9, 11 with 8 in stock: (9 − 8 + 11 − 8) / 4 = 1
  const d = stockPolicy({
    scenarios: fourScenarios(),
    mean: perDay(1),
    serviceLevel: 0.75,
    position: 8,
    reviewDays: 7,
  });
  close(d.shortBeforeArrival, 1, 1e-12, 'short before arrival');
  const none = stockPolicy({
    scenarios: fourScenarios(),
    mean: perDay(1),
    serviceLevel: 0.75,
    position: 30,
    reviewDays: 7,
  });
  assert.equal(none.shortBeforeArrival, 0);
});

test('issue 18: the replay with lead time 0 serves the backlog from an order arriving the same day', () => {
  const sku: ReplaySku = {
    id: 'a',
    demand: Float64Array.from([4, 4, 4, 4]),
    initialStock: 2,
    unitCost: 1,
    holdingPerUnitDay: 0,
    shortagePerUnit: 1,
    orderCost: 0,
    leadTime: { mean: 0, sd: 0 },
  };
  // day 0: 2 served, 2 backordered; day 2's review orders 10, arriving at once: 2 backlog first, then 4 of day 2
  const policy: ReplayPolicy = { name: 'once', order: (s) => (s.day === 2 ? 10 : 0) };
  let seen: { backlog: number; onHand: number } | undefined;
  const r = replay(
    [sku],
    { ...policy, observe: (s, _c, final) => final && (seen = s) },
    {
      reviewDays: 2,
      lostSales: false,
      seed: 1,
    },
  );
  // short: 2 on day 0, 4 on day 1 (all waiting); the 10 units clear the 6 waiting and serve day 2 and day 3 … of 4
  // day 2 leaves 0 for day 3: 4 more short
  assert.equal(r.total.short, 2 + 4 + 4);
  assert.equal(seen!.backlog, 4, 'only day 3 waits at the end');
  assert.equal(seen!.onHand, 0);
});

test('issue 18: a seasonal product’s season ends where its demand a year ago fell off; a steady one has none', () => {
  // a year ago (days 20 … 90 of 400) it sold 10 a day, else 0.2; this year's season starts on day 384
  const history = Float64Array.from({ length: 400 }, (_, t) => ((t >= 20 && t <= 90) || t >= 384 ? 10 : 0.2));
  // today is day 400, its year-ago day 36. The year's mean is (55 · 10 + 16 · 10 + 293 · 0.2) / 364 = 2.11; the first
  // 56-day stretch selling under a quarter of it (0.53 a day) starts on day 90, the season's last day (10 + 55 · 0.2
  // = 21 units, 0.375 a day): 54 days on
  assert.equal(seasonEndDay(history), 54);
  const steady = Float64Array.from({ length: 400 }, (_, t) => 3 + (t % 7 === 5 ? 4 : 0));
  assert.equal(seasonEndDay(steady), null);
  assert.equal(seasonEndDay(history.subarray(0, 100)), null, 'too little history');
  // a product that grew since a quiet start of its history (340 days: a year ago is day −24) is not seasonal: its
  // quiet days are not a season's end unless the year ago was selling well before them
  const grown = Float64Array.from({ length: 340 }, (_, t) => (t < 60 ? 0.1 : t < 300 ? 5 : 25));
  assert.equal(seasonEndDay(grown), null);
  // the EOQ lot is cut to the demand until the season ends: 10 a day for 55 days = 550
  const mean = perDay(10);
  const uniform = mulberry32(3);
  const scenarios = stockScenarios({
    history,
    mean,
    leadTime: { mean: 7, sd: 0 },
    reviewDays: 7,
    scenarios: 2000,
    uniform,
    normal: normalSource(uniform),
  });
  const costs = { orderCost: 2000, holdingPerUnitDay: 0.0005 };
  const base = { scenarios, mean, serviceLevel: 0.9, position: 0, reviewDays: 7, costs };
  const full = stockPolicy(base);
  const capped = stockPolicy({ ...base, seasonDemand: 550 });
  assert.ok(full.orderUpTo > 1000, `the EOQ lot alone: S ${full.orderUpTo}`);
  assert.equal(capped.orderUpTo, 550);
  assert.equal(capped.quantity, 550);
  assert.equal(capped.seasonCapped, true);
  assert.equal(capped.raised.toSeason, true);
  // never below the reorder point: a season about to end still gets its base stock
  const ending = stockPolicy({ ...base, seasonDemand: 3 });
  assert.equal(ending.orderUpTo, ending.reorderPoint);
});

test('issue 18: an order far beyond the largest 28 days of history is held back', () => {
  const history = Float64Array.from({ length: 200 }, (_, t) => (t % 4 === 0 ? 3 : NaN));
  assert.equal(largestWindowDemand(history, 28), 21);
  assert.deepEqual(holdBack(1_218_125_329, history, 10), { held: true, limit: 210 });
  assert.deepEqual(holdBack(150, history, 10), { held: false, limit: 210 });
  // no history at all: one unit counts as the largest month
  assert.equal(holdBack(11, new Float64Array(5).fill(NaN), 10).held, true);
});
