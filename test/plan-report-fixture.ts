/** A plan report of three SKUs (one without history, one with markup in its name), for the report tests. */
import type { PlanReport, PlanReportForecastPoint, PlanReportOrder, PlanReportSku } from '../src/report/plan-data.js';
import { type OrderFacts, orderWhy } from '../src/report/order-words.js';
import { formatNumber } from '../src/report/plan-report.js';

/** A SKU name with markup in it: the report must show it as text. */
export const SPECIAL = '<b>"x" & y</b>';

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

/** Weekly forecast points from `start` with quantiles of a normal of the given coefficient of variation. */
export function forecast(start: string, means: number[], cv: number): PlanReportForecastPoint[] {
  return means.map((mean, k) => {
    const sd = mean * cv * Math.sqrt(1 + k / 6);
    const q = (z: number): number => Math.max(0, Math.round((mean + z * sd) * 10) / 10);
    return {
      date: addDays(start, 7 * k),
      mean,
      p05: q(-1.645),
      p25: q(-0.674),
      p50: mean,
      p75: q(0.674),
      p95: q(1.645),
    };
  });
}

/** Daily stock at the forecast mean (lost sales), without and with an order arriving on day `arrival`. */
function projection(
  start: string,
  fc: PlanReportForecastPoint[],
  stock: number,
  order: number,
  arrival: number,
): PlanReportSku['projection'] {
  const out: PlanReportSku['projection'] = [];
  let without = stock;
  let withOrder = stock;
  for (let day = 0; day < fc.length * 7; day++) {
    const demand = fc[Math.floor(day / 7)]!.mean / 7;
    without = Math.max(0, without - demand);
    withOrder = Math.max(0, withOrder - demand) + (day === arrival ? order : 0);
    out.push({
      date: addDays(start, day),
      withoutOrder: Math.round(without * 10) / 10,
      withOrder: Math.round(withOrder * 10) / 10,
    });
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
  const mugFc = forecast(
    start,
    Array.from({ length: 12 }, (_, k) => Math.round((42 + 7 * Math.sin((2 * Math.PI * (k + 26)) / 13)) * 10) / 10),
    0.18,
  );
  const teaFc = forecast(
    start,
    Array.from({ length: 12 }, (_, k) => Math.round((27 + 0.8 * k) * 10) / 10),
    0.3,
  );
  const newFc = forecast(
    start,
    Array.from({ length: 12 }, (_, k) => Math.round(30 * (1 - Math.exp(-(k + 1) / 3)) * 10) / 10),
    0.55,
  );
  const skus: PlanReportSku[] = [
    {
      sku: 'MUG-001',
      name: 'Enamel camping mug, 350 ml, forest green',
      abc: 'A',
      xyz: 'X',
      stage: 'maturity',
      stageConfidence: 0.86,
      model: 'ETS(A,N,A)',
      history: mugHistory,
      forecast: mugFc,
      onHand: 95,
      onOrder: 0,
      serviceLevel: 0.95,
      reorderPoint: 70,
      orderUpTo: 335,
      orderQty: 240,
      orderBy: '2024-06-03',
      coverDays: 16,
      stockoutRisk: 0.31,
      why: 'Order 240 units (£1,080) now and ask for the fastest delivery.',
      reason: 'stock falls below the reorder point (70) within the lead time of 7 days',
      projection: projection(start, mugFc, 95, 240, 7),
    },
    {
      sku: 'TEA-SET-12',
      name: `${SPECIAL} Limited-edition hand-thrown stoneware teapot with bamboo handle and four matching cups, gift boxed`,
      abc: 'B',
      xyz: 'Y',
      stage: 'growth',
      stageConfidence: 0.64,
      stageChange: 'introduction → growth',
      model: 'Holt (damped)',
      history: teaHistory,
      forecast: teaFc,
      onHand: 140,
      onOrder: 20,
      serviceLevel: 0.9,
      reorderPoint: 85,
      orderUpTo: 220,
      orderQty: 60,
      orderBy: '2024-06-10',
      coverDays: 38,
      stockoutRisk: 0.12,
      why: 'Order 60 units (£1,290) by 10 Jun 2024. You have 140 in stock and 20 on order, about 5 weeks of sales.',
      reason: 'growth stage: order up to 220 to cover demand of the next 6 weeks',
      projection: projection(start, teaFc, 160, 60, 14),
    },
    {
      sku: 'NEW-LAUNCH-7',
      name: 'Trail water bottle 750 ml (new)',
      abc: 'C',
      xyz: 'Z',
      stage: 'introduction',
      stageConfidence: 0.4,
      model: 'launch analogues (k = 25)',
      history: [],
      forecast: newFc,
      onHand: 0,
      onOrder: 150,
      serviceLevel: 0.9,
      reorderPoint: 40,
      orderUpTo: 150,
      orderQty: 0,
      orderBy: null,
      coverDays: 45,
      stockoutRisk: 0.04,
      why: 'No order needed: 150 on order last 45 days, enough to reach the next delivery safely.',
      reason: 'stock on order covers the launch weeks',
      projection: projection(start, newFc, 150, 0, 0),
    },
  ];
  const forecastUnits = skus.reduce((sum, s) => sum + s.forecast.reduce((a, p) => a + p.mean, 0), 0);
  return {
    title: 'Purchase plan — Fieldcraft Supplies',
    generatedAt: '2024-06-03T06:15:00Z',
    asOf,
    horizonDays: 84,
    assumptions: [
      'lead time 7 days (default)',
      'review every 7 days',
      'target fill rate 95% for A items, 90% otherwise',
    ],
    totals: {
      skus: 3,
      skusToOrder: 2,
      orderUnits: 300,
      orderValue: 4230.4,
      budget: 5000,
      skusAtRisk: 1,
      forecastUnits: Math.round(forecastUnits),
      forecastRevenue: 18456.25,
      atStake: 312.4,
    },
    alerts: [
      {
        kind: 'stockout',
        sku: 'MUG-001',
        name: 'Enamel camping mug, 350 ml, forest green',
        abc: 'A',
        atStake: 249,
        message: '97 % chance of running out; runs out around 2024-06-05, before an order can arrive: expedite',
      },
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
    orders: fixtureOrders(),
    currency: '£',
  };
}

/** An order line's facts with the fields of issue 18 item 5 (stock-out date, lost sales, expedite, held back). */
function facts(o: Partial<OrderFacts>): OrderFacts {
  return {
    order_qty: 0,
    order_by: '2024-06-03',
    cover_days: null,
    stockout_risk: 0,
    reason: '',
    on_hand: 0,
    on_order: 0,
    reorder_point: 0,
    unit_cost: 1,
    stockout_date: null,
    lost_units: 0,
    lost_revenue: 0,
    expedite: false,
    held_back: false,
    ...o,
  };
}

function line(
  sku: string,
  name: string,
  supplier: string | null,
  abc: 'A' | 'B' | 'C',
  f: OrderFacts,
): PlanReportOrder {
  return {
    sku,
    name,
    supplier,
    qty: f.order_qty,
    unitCost: f.unit_cost,
    value: Math.round(f.order_qty * f.unit_cost * 100) / 100,
    orderBy: f.order_by,
    coverDays: f.cover_days,
    risk: f.stockout_risk,
    abc,
    stockoutDate: f.stockout_date,
    lostUnits: f.lost_units,
    lostRevenue: f.lost_revenue,
    expedite: f.expedite,
    heldBack: f.held_back,
    why: orderWhy(f, '£'),
    detail: f.reason,
  };
}

/**
 * Seven order lines from three suppliers (one with markup in its name) and none: two of the SKUs shown in
 * detail, four that are not (one named with markup, one deferred by the budget, one held back).
 */
export function fixtureOrders(): PlanReportOrder[] {
  const rop = (s: number, eoq?: number): string =>
    `stock 95 (on hand + on order) is below the reorder point ${s}: 95 % of demand over 7 + 7 days` +
    (eoq !== undefined ? `; lot raised to the EOQ ${eoq}` : '');
  return [
    line(
      'MUG-001',
      'Enamel camping mug, 350 ml, forest green',
      'Fieldcraft Wholesale',
      'A',
      facts({
        order_qty: 240,
        unit_cost: 4.5,
        cover_days: 2.5,
        on_hand: 95,
        stockout_risk: 0.97,
        reorder_point: 133.2,
        reason: rop(133.2, 240),
        stockout_date: '2024-06-05',
        lost_units: 41.5,
        lost_revenue: 249,
        expedite: true,
      }),
    ),
    line(
      'TEA-SET-12',
      `${SPECIAL} Limited-edition hand-thrown stoneware teapot`,
      `${SPECIAL} Potters`,
      'B',
      facts({
        order_qty: 60,
        order_by: '2024-06-10',
        unit_cost: 21.5,
        cover_days: 38,
        on_hand: 140,
        on_order: 20,
        stockout_risk: 0.12,
        reorder_point: 85,
        reason: rop(85) + '; rounded up to packs of 6',
      }),
    ),
    line(
      'LANTERN-3',
      'Folding LED lantern with a very-long-name-that-does-not-break-anywhere-at-all-on-a-phone-screen',
      'Fieldcraft Wholesale',
      'A',
      facts({
        order_qty: 1200,
        order_by: '2024-06-04',
        unit_cost: 6.2,
        cover_days: 6,
        on_hand: 80,
        stockout_risk: 0.71,
        reorder_point: 190,
        reason: rop(190, 1200) + '; raised to the MOQ 500',
        stockout_date: '2024-06-09',
        lost_units: 12,
        lost_revenue: 63.4,
        expedite: true,
      }),
    ),
    line(
      `SOCK-${SPECIAL}`,
      `Merino hiking socks ${SPECIAL}`,
      null,
      'C',
      facts({ order_qty: 48, unit_cost: 3, cover_days: 12, on_hand: 20, stockout_risk: 0.55, reorder_point: 30 }),
    ),
    line(
      'TARP-2',
      'Ripstop tarp 3 × 3 m',
      'Harbour Gifts Ltd',
      'B',
      facts({ order_qty: 30, order_by: '2024-06-06', unit_cost: 18, cover_days: 20, on_hand: 40, reorder_point: 45 }),
    ),
    line(
      'STOVE-1',
      'Alcohol stove',
      'Harbour Gifts Ltd',
      'C',
      facts({
        order_qty: 0,
        cover_days: 9,
        on_hand: 12,
        stockout_risk: 0.4,
        reorder_point: 20,
        reason: rop(20) + '; deferred: over budget',
      }),
    ),
    line(
      'ROPE-50',
      'Paracord 50 m',
      null,
      'C',
      facts({
        order_qty: 1_218_125_329,
        unit_cost: 0.8,
        cover_days: 3,
        on_hand: 5,
        reorder_point: 1_000_000,
        held_back: true,
      }),
    ),
  ];
}

/** The totals of `planReportFixture()` as the page shows them. */
export const TOTALS_SHOWN: Record<keyof PlanReport['totals'], string> = {
  skus: '3',
  skusToOrder: '2',
  orderUnits: '300',
  orderValue: '£4,230',
  budget: '£5,000',
  skusAtRisk: '1',
  forecastUnits: formatNumber(planReportFixture().totals.forecastUnits),
  forecastRevenue: '£18,456',
  atStake: '£312',
};
