/** A plan report of three SKUs (one without history, one with markup in its name), for the report tests. */
import type { PlanReport, PlanReportForecastPoint, PlanReportSku } from '../src/report/plan-data.js';
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
};
