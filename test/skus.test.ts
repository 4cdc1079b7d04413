/** listSkus and skuDetail on a small shop planned for real (test/read-fixture.ts), hostile strings included. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../src/data/errors.js';
import { listSkus, skuDetail, skuDetails, weeklySums } from '../src/pipeline/skus.js';
import { parseDuckJson } from '../src/store/skus.js';
import { approveOrders, overrideOrder } from '../src/pipeline/orders.js';
import { clearAlerts, raiseAlerts } from '../src/store/alerts.js';
import { sql } from '../src/store/sql.js';
import type { Workspace } from '../src/store/workspace.js';
import { withWorkspace } from './helpers.js';
import { DAYS, HOSTILE, SHOP, withPlannedShop } from './read-fixture.js';

interface StateRow {
  sku: string;
  name: string | null;
  c_name: string | null;
  c_description: string | null;
  supplier: string | null;
  abc: string;
  xyz: string;
  stage: string;
  revenue_365: number;
  days_of_stock: number | null;
  stockout_risk: number | null;
  lost_revenue: number | null;
  forecast_change: number | null;
}

async function stateRows(ws: Workspace): Promise<StateRow[]> {
  return ws.all<StateRow>(`SELECT s.*, c.name AS c_name, c.description AS c_description
    FROM sku_state s LEFT JOIN catalog c USING (sku)`);
}

/** JS comparison of nullable numbers: nulls last whatever the direction. */
function byNumber(a: number | null, b: number | null, dir: 1 | -1): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  return (a - b) * dir;
}

const skuOrder = (a: { sku: string }, b: { sku: string }): number => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0);

async function assertInputError(p: Promise<unknown>, field: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof InputError, String(e));
    assert.equal(e.field, field, e.message);
    return true;
  });
}

test('listSkus: search, filters, sorts and pages over sku_state, hostile strings bound as text', async () => {
  await withPlannedShop(async (ws) => {
    const state = await stateRows(ws);
    assert.equal(state.length, SHOP.length);
    const all = await listSkus(ws, {});
    assert.equal(all.total, SHOP.length);

    // default: stock-out risk, then lost revenue, highest first, ties by SKU
    const risk = [...state].sort(
      (a, b) =>
        byNumber(a.stockout_risk, b.stockout_risk, -1) ||
        byNumber(a.lost_revenue, b.lost_revenue, -1) ||
        skuOrder(a, b),
    );
    assert.deepEqual(
      all.items.map((i) => i.sku),
      risk.map((r) => r.sku),
    );
    const byRevenue = [...state].sort((a, b) => byNumber(a.revenue_365, b.revenue_365, -1) || skuOrder(a, b));
    const revenue = await listSkus(ws, { sort: 'revenue' });
    assert.deepEqual(
      revenue.items.map((i) => i.sku),
      byRevenue.map((r) => r.sku),
    );
    assert.deepEqual(
      revenue.items.map((i) => i.revenue_365),
      byRevenue.map((r) => r.revenue_365),
    );
    const revenueAsc = await listSkus(ws, { sort: 'revenue', order: 'asc' });
    assert.deepEqual(
      revenueAsc.items.map((i) => i.sku),
      [...state].sort((a, b) => byNumber(a.revenue_365, b.revenue_365, 1) || skuOrder(a, b)).map((r) => r.sku),
    );
    // days of stock: fewest first; a SKU whose stock outlasts the plan (null) last
    const days = await listSkus(ws, { sort: 'days_of_stock' });
    assert.deepEqual(
      days.items.map((i) => i.sku),
      [...state].sort((a, b) => byNumber(a.days_of_stock, b.days_of_stock, 1) || skuOrder(a, b)).map((r) => r.sku),
    );
    assert.equal(days.items.at(-1)!.sku, 'Z9', 'the well-stocked SKU has the most days of stock');
    const change = await listSkus(ws, { sort: 'forecast_change' });
    assert.deepEqual(
      change.items.map((i) => i.sku),
      [...state].sort((a, b) => byNumber(a.forecast_change, b.forecast_change, -1) || skuOrder(a, b)).map((r) => r.sku),
    );
    const skuDesc = await listSkus(ws, { sort: 'sku', order: 'desc' });
    assert.deepEqual(
      skuDesc.items.map((i) => i.sku),
      [...state]
        .sort(skuOrder)
        .reverse()
        .map((r) => r.sku),
    );

    // pages of the same order, with the total
    const page = await listSkus(ws, { sort: 'revenue', limit: 3, offset: 3 });
    assert.equal(page.total, SHOP.length);
    assert.deepEqual(
      page.items.map((i) => i.sku),
      byRevenue.slice(3, 6).map((r) => r.sku),
    );
    const past = await listSkus(ws, { offset: 100 });
    assert.deepEqual(past, { total: SHOP.length, items: [] });
    const none = await listSkus(ws, { limit: 0 });
    assert.deepEqual(none, { total: SHOP.length, items: [] });

    // search: a literal, case-insensitive substring of the SKU, its name or description
    const terms = [
      '%',
      '_',
      '\\',
      "'",
      '"',
      '<script>',
      'drop table',
      'LAMP',
      HOSTILE.sqlSku,
      HOSTILE.formula,
      "x' OR '1'='1",
      '%_%',
      ';--',
    ];
    for (const term of terms) {
      const t = term.toLowerCase();
      const expected = state
        .filter((r) => [r.sku, r.name, r.c_name, r.c_description].some((x) => x?.toLowerCase().includes(t)))
        .map((r) => r.sku)
        .sort();
      const got = await listSkus(ws, { search: term, sort: 'sku' });
      assert.deepEqual(
        got.items.map((i) => i.sku),
        expected,
        `search ${JSON.stringify(term)}`,
      );
      assert.equal(got.total, expected.length);
    }
    // the wildcards are plain text: '_' is not "any character", '%' not "anything"
    assert.deepEqual(
      (await listSkus(ws, { search: '_', sort: 'sku' })).items.map((i) => i.sku),
      [HOSTILE.sqlSku, HOSTILE.percent, HOSTILE.underscore],
      "'_' is in two SKUs ('sku_state', 'B_200') and one name ('Tea_towel'), and nowhere else",
    );
    assert.deepEqual(
      (await listSkus(ws, { search: '%', sort: 'sku' })).items.map((i) => i.sku),
      [HOSTILE.percent, HOSTILE.underscore],
      "'%' is in one SKU and in one name ('50% off mug')",
    );
    assert.deepEqual(
      (await listSkus(ws, { search: 'lamp' })).items.map((i) => i.sku),
      ['A-100'],
    );
    assert.equal((await listSkus(ws, { search: 'no such thing' })).total, 0);

    // filters, alone and combined
    for (const r of state) {
      const cls = await listSkus(ws, { abc: r.abc as 'A', xyz: r.xyz as 'X', sort: 'sku' });
      assert.deepEqual(
        cls.items.map((i) => i.sku),
        state
          .filter((s) => s.abc === r.abc && s.xyz === r.xyz)
          .map((s) => s.sku)
          .sort(),
      );
      const st = await listSkus(ws, { stage: r.stage });
      assert.equal(st.total, state.filter((s) => s.stage === r.stage).length);
    }
    assert.deepEqual(
      (await listSkus(ws, { supplier: HOSTILE.sqlSupplier })).items.map((i) => i.sku),
      [HOSTILE.underscore],
    );
    assert.deepEqual(
      (await listSkus(ws, { supplier: HOSTILE.script })).items.map((i) => i.sku),
      [HOSTILE.sqlSku],
    );
    assert.deepEqual(
      (await listSkus(ws, { supplier: 'no supplier' })).items.map((i) => i.sku),
      [HOSTILE.formula],
    );
    const kentA = await listSkus(ws, { supplier: 'Kent Homeware', abc: 'A', sort: 'sku' });
    assert.deepEqual(
      kentA.items.map((i) => i.sku),
      state
        .filter((s) => s.supplier === 'Kent Homeware' && s.abc === 'A')
        .map((s) => s.sku)
        .sort(),
    );
    const kentSearch = await listSkus(ws, { supplier: 'Kent Homeware', search: 'a', sort: 'sku' });
    assert.ok(kentSearch.items.every((i) => i.supplier === 'Kent Homeware'));
    assert.equal((await listSkus(ws, { supplier: "Kent Homeware' OR 1=1 --" })).total, 0);

    // alerts: open ones only, by kind or any
    await raiseAlerts(ws, [
      { sku: HOSTILE.sqlSku, kind: 'stockout', severity: 'critical', message: 'runs out' },
      { sku: HOSTILE.formula, kind: 'drift', severity: 'warning', message: 'drifting' },
      { sku: HOSTILE.formula, kind: 'anomaly', severity: 'info', message: 'odd day' },
    ]);
    assert.deepEqual(
      (await listSkus(ws, { alert: 'stockout' })).items.map((i) => i.sku),
      [HOSTILE.sqlSku],
    );
    const anyAlert = await listSkus(ws, { alert: 'any', sort: 'sku' });
    assert.deepEqual(
      anyAlert.items.map((i) => [i.sku, i.alerts]),
      [
        [HOSTILE.sqlSku, ['stockout']],
        [HOSTILE.formula, ['anomaly', 'drift']],
      ].sort((a, b) => ((a[0] as string) < (b[0] as string) ? -1 : 1)),
    );
    assert.equal((await listSkus(ws, { alert: 'coverage' })).total, 0);
    await clearAlerts(ws, 'stockout', [HOSTILE.sqlSku]);
    assert.equal((await listSkus(ws, { alert: 'stockout' })).total, 0, 'a cleared alert no longer counts');
    assert.equal(
      (await listSkus(ws, { alert: 'drift', abc: 'A' })).total,
      state.find((s) => s.sku === HOSTILE.formula)!.abc === 'A' ? 1 : 0,
    );

    // the hostile strings left every table as it was
    assert.equal((await ws.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM sku_state')).n, SHOP.length);
    assert.equal((await ws.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM catalog')).n, SHOP.length);
  });
});

test('listSkus refuses bad paging and unknown enum values, naming the field', async () => {
  await withPlannedShop(async (ws) => {
    const bad: [Parameters<typeof listSkus>[1], string][] = [
      [{ limit: 1001 }, 'limit'],
      [{ limit: -1 }, 'limit'],
      [{ limit: 2.5 }, 'limit'],
      [{ offset: -1 }, 'offset'],
      [{ abc: 'D' as 'A' }, 'abc'],
      [{ xyz: "X' OR 1=1" as 'X' }, 'xyz'],
      [{ stage: 'teenage' }, 'stage'],
      [{ alert: 'fire' }, 'alert'],
      [{ sort: 'price' as 'sku' }, 'sort'],
      [{ order: 'up' as 'asc' }, 'order'],
      [{ search: 'x'.repeat(201) }, 'search'],
    ];
    for (const [q, field] of bad) await assertInputError(listSkus(ws, q), field);
    assert.equal((await listSkus(ws, { limit: 1000 })).items.length, SHOP.length);
  });
});

test('skuDetail: catalog, history, champion forecast, stage with evidence, inventory, order and alerts', async () => {
  await withPlannedShop(async (ws, plan) => {
    assert.equal(await skuDetail(ws, 'NOPE'), null);
    assert.equal(await skuDetail(ws, "x' OR '1'='1"), null);
    await assertInputError(skuDetail(ws, 'A-100', { historyDays: 0 }), 'historyDays');
    await assertInputError(skuDetail(ws, 'A-100', { historyDays: 1.5 }), 'historyDays');

    const sku = HOSTILE.sqlSku;
    const [, , , name, onHand] = SHOP.find((s) => s[0] === sku)!;
    const d = (await skuDetail(ws, sku))!;
    assert.equal(d.sku, sku);
    assert.equal(d.catalog!.name, name, 'the name comes back exactly as stored (escaping is for the page)');
    assert.equal(d.description, `${name} description`);
    assert.equal(d.supplier, HOSTILE.script);

    // history: every day of the 180 (fewer than 365), equal to daily_demand, and week sums of it
    const dd = await ws.all<{ date: string; units: number; promo: boolean; price: number }>(
      sql`SELECT date::VARCHAR AS date, units, promo, price FROM daily_demand WHERE sku = ${sku} ORDER BY date`,
    );
    assert.equal(dd.length, DAYS);
    assert.equal(d.history!.daily.length, DAYS);
    assert.equal(d.history!.to, plan.as_of);
    assert.deepEqual(
      d.history!.daily.map((x) => [x.date, x.units, x.promo, x.price]),
      dd.map((x) => [x.date, x.units, x.promo, x.price]),
    );
    assert.ok(d.history!.daily.some((x) => x.promo === true));
    const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
    assert.equal(sum(d.history!.weekly.map((w) => w.units)), sum(dd.map((x) => x.units)));
    assert.equal(sum(d.history!.weekly.map((w) => w.days)), DAYS);
    for (const w of d.history!.weekly) assert.equal(new Date(`${w.week_start}T00:00:00Z`).getUTCDay(), 1);
    const d30 = (await skuDetail(ws, sku, { historyDays: 30 }))!;
    assert.equal(d30.history!.daily.length, 30);
    assert.deepEqual(d30.history!.daily, d.history!.daily.slice(-30));

    // the forecast: the plan's (run stored by the fixture), day by day
    const pf = await ws.all<{ date: string; mean: number; p05: number; p95: number; model: string }>(
      sql`SELECT date::VARCHAR AS date, mean, p05, p95, model FROM plan_forecasts
        WHERE run_id = ${plan.run_id}::INTEGER AND sku = ${sku} ORDER BY date`,
    );
    assert.ok(pf.length >= 28);
    assert.equal(d.forecast!.run_id, plan.forecast_run_id);
    assert.equal(d.forecast!.origin, plan.as_of);
    assert.equal(d.forecast!.model, pf[0]!.model);
    assert.equal(d.forecast!.fallback, null);
    assert.deepEqual(
      d.forecast!.days.map((x) => [x.date, x.mean, x.p05, x.p95]),
      pf.map((x) => [x.date, x.mean, x.p05, x.p95]),
    );
    assert.equal(d.forecast!.days[0]!.step, 1);
    assert.ok(!('p005' in d.forecast!.days[0]!), 'the plan stores no 0.5 % quantile');

    // stage: the latest life-cycle run's, with the evidence in words
    const st = await ws.one<{ stage: string; evidence: string }>(
      sql`SELECT stage, evidence FROM lifecycle_stages WHERE sku = ${sku} ORDER BY run_id DESC LIMIT 1`,
    );
    assert.equal(d.stage!.stage, st.stage);
    assert.deepEqual(d.stage!.evidence, JSON.parse(st.evidence));
    assert.match(d.stage!.evidence_text!, /trend over \d+ weeks .*; last 4 weeks at \d+ % of the peak/);

    // inventory and the open order: the plan's figures
    const po = await ws.one<{ order_qty: number; reorder_point: number; order_up_to: number; stockout_date: string }>(
      sql`SELECT order_qty, reorder_point, order_up_to, stockout_date::VARCHAR AS stockout_date FROM plan_orders
        WHERE run_id = ${plan.run_id}::INTEGER AND sku = ${sku}`,
    );
    assert.equal(d.inventory!.on_hand, onHand);
    assert.equal(d.inventory!.position, onHand);
    assert.equal(d.inventory!.reorder_point, po.reorder_point);
    assert.equal(d.inventory!.order_up_to, po.order_up_to);
    assert.equal(d.inventory!.stockout_date, po.stockout_date);
    assert.equal(d.order!.order_qty, po.order_qty);
    assert.equal(d.order!.final_qty, po.order_qty);
    assert.equal(d.order!.approved, false);
    assert.equal(d.order!.decision, null);
    assert.deepEqual(d.alerts, []);
    assert.equal((await skuDetail(ws, 'Z9'))!.order, null, 'the well-stocked SKU has no order');
    // the order line carries the supplier's terms (read fixture: A-100 MOQ 24 in packs of 6, lead time 7 days)
    const lamp = (await skuDetail(ws, 'A-100'))!.order!;
    assert.deepEqual([lamp.moq, lamp.pack_size, lamp.lead_time_days, lamp.risk], [24, 6, 7, lamp.stockout_risk]);
    assert.deepEqual([d.order!.moq, d.order!.pack_size], [0, 1]);

    // decisions and alerts show up; the latest champion run wins, challengers and backtests do not
    const why = `'); DROP TABLE order_decisions; -- <script>`;
    await overrideOrder(ws, { runId: plan.run_id, sku, quantity: 7, who: 'ana', reason: why });
    await approveOrders(ws, { runId: plan.run_id, skus: [sku], who: 'bo' });
    await raiseAlerts(ws, [{ sku, kind: 'anomaly', severity: 'warning', message: '<b>odd</b>', data: { z: 4.2 } }]);
    const live = plan.forecast_run_id + 1;
    await ws.run(sql`INSERT INTO forecast_runs VALUES (${live}::INTEGER, now()::TIMESTAMP, ${plan.as_of}::DATE,
      'ets', 'champion', 'live', NULL, 1),
      (${live + 1}::INTEGER, now()::TIMESTAMP, ${plan.as_of}::DATE, 'naive', 'challenger', 'live', NULL, 1),
      (${live + 2}::INTEGER, now()::TIMESTAMP, ${plan.as_of}::DATE, 'naive', 'champion', 'backtest', NULL, 1)`);
    for (const [run, model] of [
      [live, 'ETS(A,N,N)'],
      [live + 1, 'Naive'],
      [live + 2, 'Naive'],
    ] as const) {
      await ws.run(
        sql`INSERT INTO forecast_skus VALUES (${run}::INTEGER, ${sku}, ${model}, ${'too short: naive'}, 0.9)`,
      );
      await ws.run(sql`INSERT INTO forecast_values SELECT ${run}::INTEGER, ${sku}, s, ${plan.as_of}::DATE + s::INTEGER,
        s + ${run}, 0.1, 0.5, 1, 2, 3, 4, 9 FROM range(1, 8) t(s)`);
    }
    const d2 = (await skuDetail(ws, sku))!;
    assert.equal(d2.order!.final_qty, 7);
    assert.equal(d2.order!.approved, true);
    assert.equal(d2.order!.decision!.who, 'bo');
    assert.equal(d2.order!.decision!.qty, 7, 'the approval is of the overridden quantity');
    assert.equal(d2.order!.override!.why, why);
    assert.equal(d2.alerts.length, 1);
    assert.equal(d2.alerts[0]!.message, '<b>odd</b>');
    assert.deepEqual(d2.alerts[0]!.data, { z: 4.2 });
    assert.equal(d2.forecast!.run_id, live);
    assert.equal(d2.forecast!.model, 'ETS(A,N,N)');
    assert.equal(d2.forecast!.fallback, 'too short: naive');
    assert.equal(d2.forecast!.days.length, 7);
    assert.deepEqual(d2.forecast!.days[0], {
      step: 1,
      date: pf[0]!.date,
      mean: 1 + live,
      p005: 0.1,
      p05: 0.5,
      p25: 1,
      p50: 2,
      p75: 3,
      p95: 4,
      p995: 9,
      base_mean: 1 + live,
    });
    assert.deepEqual(d2.forecast!.base_mean.slice(0, 1), [1 + live], 'no override: the model mean');
    assert.deepEqual(d2.overrides, []);
    // another SKU keeps the plan's forecast
    assert.equal((await skuDetail(ws, 'A-100'))!.forecast!.run_id, plan.forecast_run_id);

    // without a stored life-cycle stage, sku_state's stage (no evidence)
    await ws.run(sql`DELETE FROM lifecycle_stages WHERE sku = 'Z9'`);
    const z9 = (await skuDetail(ws, 'Z9'))!;
    assert.equal(
      z9.stage!.stage,
      (await ws.one<{ stage: string }>(`SELECT stage FROM sku_state WHERE sku = 'Z9'`)).stage,
    );
    assert.equal(z9.stage!.evidence_text, null);
    // a non-finite figure (DuckDB's to_json writes a bare Infinity) reads as null, not as a broken detail
    await ws.run(
      `UPDATE sku_state SET days_of_stock = 'inf'::DOUBLE, forecast_change = 'nan'::DOUBLE WHERE sku = 'Z9'`,
    );
    const z9inf = (await skuDetail(ws, 'Z9'))!;
    assert.equal(z9inf.inventory!.days_of_stock, null);
    assert.equal(z9inf.inventory!.forecast_change, null);
    assert.equal(z9inf.inventory!.on_hand, 500);
    const z9item = (await listSkus(ws, { search: 'Z9' })).items[0]!;
    assert.deepEqual([z9item.days_of_stock, z9item.forecast_change, z9item.on_hand], [null, null, 500]);

    // the hot read path is one query (and the list one: the count rides on the page)
    const counted = countingQueries(ws);
    assert.notEqual(await skuDetail(counted.ws, sku), null);
    assert.equal(counted.n(), 1);
    await listSkus(counted.ws, { search: 'a', abc: 'A', alert: 'any' });
    assert.equal(counted.n(), 2);

    // many SKUs in the same one query: each SKU's detail as it reads alone, unknown SKUs null
    const every = (await ws.all<{ sku: string }>('SELECT sku FROM catalog ORDER BY sku')).map((r) => r.sku);
    const many = await skuDetails(counted.ws, [...every, 'NOPE'], { historyDays: 30 });
    assert.equal(counted.n(), 3);
    assert.ok(every.length >= 3);
    assert.equal(many.get('NOPE'), null);
    for (const s of every) assert.deepEqual(many.get(s), await skuDetail(ws, s, { historyDays: 30 }), s);
  });
});

test('weeklySums: Monday weeks, closed, stock-out and promotion days counted', () => {
  const day = (date: string, units: number | null, closed = false, stockout = false, promo: boolean | null = null) => ({
    date,
    units,
    units_raw: units ?? 0,
    revenue: (units ?? 0) * 2,
    closed,
    stockout,
    outlier_capped: false,
    promo,
    price: 2,
  });
  // 2024-01-06 is a Saturday, 2024-01-08 a Monday
  const w = weeklySums([
    day('2024-01-06', 3),
    day('2024-01-07', null, true),
    day('2024-01-08', 1, false, false, true),
    day('2024-01-09', 0, false, true),
    day('2024-01-14', 5),
    day('2024-01-15', 2),
  ]);
  assert.deepEqual(w, [
    { week_start: '2024-01-01', days: 2, units: 3, revenue: 6, closed_days: 1, stockout_days: 0, promo_days: 0 },
    { week_start: '2024-01-08', days: 3, units: 6, revenue: 12, closed_days: 0, stockout_days: 1, promo_days: 1 },
    { week_start: '2024-01-15', days: 1, units: 2, revenue: 4, closed_days: 0, stockout_days: 0, promo_days: 0 },
  ]);
});

/** The workspace with its statements counted (calls to all, one and run). */
function countingQueries(ws: Workspace): { ws: Workspace; n: () => number } {
  let n = 0;
  const proxy = new Proxy(ws, {
    get(target, key) {
      const v = Reflect.get(target, key, target) as unknown;
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        if (key === 'all' || key === 'one' || key === 'run') n++;
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { ws: proxy, n: () => n };
}

test('parseDuckJson: bare NaN and ±Infinity of to_json become null, the same words inside strings stay', async () => {
  await withWorkspace(async (ws) => {
    const { j } = await ws.one<{ j: string }>(`SELECT to_json({'a': 'inf'::DOUBLE, 'b': '-inf'::DOUBLE,
      'c': 'nan'::DOUBLE, 'd': 'NaN, "Infinity" \\ -Infinity', 'e': [1.5, 'nan'::DOUBLE]})::VARCHAR AS j`);
    assert.throws(() => JSON.parse(j) as unknown);
    assert.deepEqual(parseDuckJson(j), {
      a: null,
      b: null,
      c: null,
      d: 'NaN, "Infinity" \\ -Infinity',
      e: [1.5, null],
    });
  });
});
