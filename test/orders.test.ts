/**
 * A plan's orders with approvals and overrides (append-only `order_decisions`) and the per-supplier CSV, on a small
 * shop planned for real (test/read-fixture.ts), with hostile SKUs, supplier names and reasons.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../src/data/errors.js';
import { approveOrders, overrideOrder, planOrders, supplierOrdersCsv } from '../src/pipeline/orders.js';
import { sql } from '../src/store/sql.js';
import type { Workspace } from '../src/store/workspace.js';
import { withWorkspace } from './helpers.js';
import { HOSTILE, SHOP, assertNoFormulaCells, parseCsv, withPlannedShop } from './read-fixture.js';

interface PlanOrderRow {
  sku: string;
  name: string;
  order_qty: number;
  unit_cost: number;
  order_by: string;
  supplier: string | null;
}

async function planOrderRows(ws: Workspace, runId: number): Promise<PlanOrderRow[]> {
  return ws.all<PlanOrderRow>(sql`SELECT sku, name, order_qty, unit_cost, order_by::VARCHAR AS order_by, supplier
    FROM plan_orders WHERE run_id = ${runId}::INTEGER ORDER BY sku`);
}

async function decisions(ws: Workspace): Promise<Record<string, unknown>[]> {
  return ws.all(`SELECT decision_id::INTEGER AS decision_id, plan_run_id, sku, action, qty, who, why,
    decided_at::VARCHAR AS decided_at FROM order_decisions ORDER BY decision_id`);
}

async function assertInputError(p: Promise<unknown>, field: string, message?: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof InputError, String(e));
    assert.equal(e.field, field, e.message);
    if (message !== undefined) assert.match(e.message, message);
    return true;
  });
}

const money = (x: number): number => Math.round(x * 100) / 100;

test('planOrders: no plan yet is null; an unknown run is an InputError', async () => {
  await withWorkspace(async (ws) => {
    assert.equal(await planOrders(ws), null);
    await assertInputError(planOrders(ws, { runId: 1 }), 'runId', /no plan run 1/);
  });
});

test('planOrders: the plan run orders with their decisions, one supplier, the suppliers with counts and values', async () => {
  await withPlannedShop(async (ws, plan) => {
    const stored = await planOrderRows(ws, plan.run_id);
    assert.equal(stored.length, plan.skus_to_order);
    const p = (await planOrders(ws))!;
    assert.equal(p.run_id, plan.run_id);
    assert.equal(p.as_of, plan.as_of);
    assert.deepEqual(p.orders.map((o) => o.sku).sort(), stored.map((o) => o.sku).sort());
    for (const o of p.orders) {
      const s = stored.find((r) => r.sku === o.sku)!;
      assert.equal(o.order_qty, s.order_qty);
      assert.equal(o.final_qty, s.order_qty);
      assert.equal(o.value, money(s.order_qty * s.unit_cost));
      assert.equal(o.supplier, s.supplier);
      assert.equal(o.supplier_name, s.supplier ?? 'no supplier');
      assert.equal(o.approved, false);
      assert.equal(o.decision, null);
    }
    // the plan's order: order-by date, then the stock-out risk (no budget, no priorities)
    for (let i = 1; i < p.orders.length; i++) {
      const [a, b] = [p.orders[i - 1]!, p.orders[i]!];
      assert.ok(a.order_by! < b.order_by! || (a.order_by === b.order_by && a.stockout_risk! >= b.stockout_risk!));
    }
    // suppliers: every supplier of the run, counts and values from plan_orders
    const names = [...new Set(stored.map((r) => r.supplier ?? 'no supplier'))].sort();
    assert.deepEqual(p.suppliers.map((s) => s.supplier).sort(), names);
    for (const s of p.suppliers) {
      const mine = stored.filter((r) => (r.supplier ?? 'no supplier') === s.supplier && r.order_qty > 0);
      assert.equal(s.orders, mine.length);
      assert.equal(
        s.units,
        mine.reduce((a, r) => a + r.order_qty, 0),
      );
      assert.equal(s.value, money(mine.reduce((a, r) => a + money(r.order_qty * r.unit_cost), 0)));
      assert.equal(s.approved, 0);
    }
    for (let i = 1; i < p.suppliers.length; i++) assert.ok(p.suppliers[i - 1]!.value >= p.suppliers[i]!.value);
    assert.ok(names.includes(HOSTILE.sqlSupplier) && names.includes(HOSTILE.script) && names.includes('no supplier'));

    // one supplier's orders, hostile names as plain values
    for (const name of names) {
      const one = (await planOrders(ws, { runId: plan.run_id, supplier: name }))!;
      assert.deepEqual(
        one.orders.map((o) => o.sku).sort(),
        stored
          .filter((r) => (r.supplier ?? 'no supplier') === name)
          .map((r) => r.sku)
          .sort(),
      );
      assert.deepEqual(one.suppliers, p.suppliers, 'the supplier list is the whole run whatever the filter');
    }
    assert.deepEqual((await planOrders(ws, { supplier: "x' OR '1'='1" }))!.orders, []);
    await assertInputError(planOrders(ws, { runId: plan.run_id + 1 }), 'runId');
    await assertInputError(planOrders(ws, { runId: 0 }), 'runId');
  });
});

test('approve and override append decisions (never update them); bad input stores nothing', async () => {
  await withPlannedShop(async (ws, plan) => {
    const runId = plan.run_id;
    const stored = await planOrderRows(ws, runId);
    const sqlSku = HOSTILE.sqlSku;
    assert.ok(stored.some((r) => r.sku === sqlSku));

    // approve one hostile SKU, twice: the second is a no-op
    assert.deepEqual(await approveOrders(ws, { runId, skus: [sqlSku], who: "bo'; --" }), { approved: 1 });
    assert.deepEqual(await approveOrders(ws, { runId, skus: [sqlSku], who: 'bo' }), { approved: 0 });
    let o = (await planOrders(ws))!.orders.find((r) => r.sku === sqlSku)!;
    assert.equal(o.approved, true);
    assert.equal(o.decision!.action, 'approve');
    assert.equal(o.decision!.who, "bo'; --");
    assert.equal(o.decision!.qty, o.order_qty);
    assert.match(o.decision!.decided_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    // an unknown SKU among known ones, an unknown run, bad fields: InputError, nothing stored
    const before = await decisions(ws);
    await assertInputError(
      approveOrders(ws, { runId, skus: ['A-100', "nope'); DELETE FROM order_decisions; --"], who: 'bo' }),
      'skus[1]',
      /has no order in plan run/,
    );
    await assertInputError(approveOrders(ws, { runId, skus: ['Z9'], who: 'bo' }), 'skus[0]');
    await assertInputError(approveOrders(ws, { runId: runId + 5, who: 'bo' }), 'runId');
    await assertInputError(approveOrders(ws, { runId, skus: [], who: 'bo' }), 'skus');
    await assertInputError(approveOrders(ws, { runId, who: '' }), 'who');
    const why = `=1+1 <script>alert(1)</script> '); DROP TABLE order_decisions; -- 100% _sure_`;
    const base = { runId, sku: 'A-100', who: 'ana', reason: why };
    await assertInputError(overrideOrder(ws, { ...base, quantity: -1 }), 'quantity');
    await assertInputError(overrideOrder(ws, { ...base, quantity: Number.NaN }), 'quantity');
    await assertInputError(overrideOrder(ws, { ...base, quantity: 2.5 }), 'quantity', /whole units/);
    await assertInputError(overrideOrder(ws, { ...base, quantity: 24, reason: '' }), 'reason');
    await assertInputError(overrideOrder(ws, { ...base, quantity: 24, reason: '   ' }), 'reason');
    await assertInputError(overrideOrder(ws, { ...base, quantity: 24, reason: 'x'.repeat(501) }), 'reason');
    await assertInputError(overrideOrder(ws, { ...base, quantity: 24, sku: 'Z9' }), 'sku');
    await assertInputError(overrideOrder(ws, { ...base, quantity: 24, sku: "A-100' OR '1'='1" }), 'sku');
    await assertInputError(overrideOrder(ws, { ...base, quantity: 24, runId: runId + 1 }), 'runId');
    // A-100's supplier: MOQ 24, packs of 6: below the MOQ or between packs is refused, with the nearest valid one
    for (const [quantity, suggested] of [
      [10, 24],
      [18, 24],
      [26, 24],
      [40, 42],
      [38, 36],
    ] as const)
      await assert.rejects(overrideOrder(ws, { ...base, quantity }), (e: unknown) => {
        assert.ok(e instanceof InputError && e.field === 'quantity', String(e));
        assert.deepEqual(e.details, { suggested }, `${quantity}`);
        assert.match(e.message, /minimum order quantity of 24 in whole packs of 6/);
        return true;
      });
    assert.deepEqual(await decisions(ws), before);

    // a valid override is stored with who and why; the line carries its supplier terms
    const ov = await overrideOrder(ws, { ...base, quantity: 24 });
    assert.equal(ov.final_qty, 24);
    assert.equal(ov.approved, false);
    assert.equal(ov.override!.why, why, 'the reason is stored exactly as given');
    assert.equal(ov.override!.who, 'ana');
    assert.deepEqual([ov.moq, ov.pack_size, ov.lead_time_days, ov.risk], [24, 6, 7, ov.stockout_risk]);
    assert.equal((await overrideOrder(ws, { ...base, quantity: 48 })).final_qty, 48);
    assert.equal((await overrideOrder(ws, { ...base, quantity: 0, reason: 'not now' })).final_qty, 0, '0 cancels');
    assert.equal(
      (await overrideOrder(ws, { ...base, quantity: 30, reason: 'x'.repeat(500) })).final_qty,
      30,
      '500 characters are fine; 30 is 5 packs above the MOQ',
    );
    const listed = (await planOrders(ws))!.orders;
    for (const [sku, , , , , moq, pack] of SHOP) {
      const line = listed.find((r) => r.sku === sku);
      if (line !== undefined) assert.deepEqual([line.moq, line.pack_size, line.lead_time_days], [moq, pack, 7], sku);
    }

    // overriding an approved order takes the approval back; approving all approves it at the new quantity
    await overrideOrder(ws, { runId, sku: sqlSku, quantity: 12, who: 'cy', reason: 'smaller lot' });
    o = (await planOrders(ws))!.orders.find((r) => r.sku === sqlSku)!;
    assert.equal(o.approved, false);
    assert.equal(o.final_qty, 12);
    const toApprove = (await planOrders(ws))!.orders.filter((r) => !r.approved && r.final_qty > 0).length;
    assert.deepEqual(await approveOrders(ws, { runId, who: 'dee' }), { approved: toApprove });
    const after = (await planOrders(ws))!;
    for (const r of after.orders) assert.equal(r.approved, r.final_qty > 0, r.sku);
    o = after.orders.find((r) => r.sku === sqlSku)!;
    assert.equal(o.decision!.qty, 12);
    assert.equal(o.override!.who, 'cy');
    assert.deepEqual(await approveOrders(ws, { runId, who: 'dee' }), { approved: 0 });
    assert.deepEqual(
      after.suppliers.map((s) => s.approved),
      after.suppliers.map((s) => s.orders),
    );

    // append-only: every row stored before is still there as it was, ids 1, 2, …
    const all = await decisions(ws);
    assert.deepEqual(all.slice(0, before.length), before);
    assert.deepEqual(
      all.map((d) => d.decision_id),
      all.map((_, i) => i + 1),
    );
    assert.equal(all.filter((d) => d.action === 'override').length, 5);
    assert.equal((await ws.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM plan_orders')).n, stored.length);
  });
});

test('supplierOrdersCsv: final quantities of one supplier, formula cells neutralised', async () => {
  await withPlannedShop(async (ws, plan) => {
    const runId = plan.run_id;
    const stored = await planOrderRows(ws, runId);
    const why = '=HYPERLINK("http://evil")';
    await overrideOrder(ws, { runId, sku: HOSTILE.minus, quantity: 36, who: '@admin', reason: why });
    await approveOrders(ws, { runId, skus: ['A-100'], who: '+bo' });
    const kent = parseCsv(await supplierOrdersCsv(ws, { runId, supplier: 'Kent Homeware' }));
    assertNoFormulaCells(kent);
    assert.deepEqual(kent[0], [
      'sku',
      'name',
      'qty',
      'unit_cost',
      'value',
      'order_by',
      'approved',
      'overridden_by',
      'why',
    ]);
    const expected = stored.filter((r) => r.supplier === 'Kent Homeware');
    assert.equal(kent.length - 1, expected.length);
    for (const r of expected) {
      const neutral = /^[=+\-@]/.test(r.sku) ? `'${r.sku}` : r.sku;
      const line = kent.find((l) => l[0] === neutral);
      assert.ok(line !== undefined, `${r.sku} is in the file`);
      const qty = r.sku === HOSTILE.minus ? 36 : r.order_qty;
      assert.deepEqual(line, [
        neutral,
        r.name,
        String(qty),
        String(r.unit_cost),
        String(money(qty * r.unit_cost)),
        r.order_by,
        String(r.sku === 'A-100'),
        r.sku === HOSTILE.minus ? "'@admin" : '',
        r.sku === HOSTILE.minus ? `'${why}` : '',
      ]);
    }
    // the SKU '-2+3' and the reason starting with '=' are text in a spreadsheet
    assert.ok(kent.some((l) => l[0] === "'-2+3"));

    // hostile supplier names, and SKUs without one
    const noSupplier = parseCsv(await supplierOrdersCsv(ws, { runId, supplier: 'no supplier' }));
    assertNoFormulaCells(noSupplier);
    assert.deepEqual(
      noSupplier.slice(1).map((l) => l[0]),
      [`'${HOSTILE.formula}`],
    );
    assert.equal(noSupplier[1]![1], `${HOSTILE.script} description`, 'HTML is data in a CSV file: kept as it is');
    for (const supplier of [HOSTILE.sqlSupplier, HOSTILE.script, HOSTILE.formulaSupplier]) {
      const rows = parseCsv(await supplierOrdersCsv(ws, { runId, supplier }));
      assertNoFormulaCells(rows);
      const mine = stored.filter((r) => r.supplier === supplier);
      assert.equal(rows.length - 1, mine.length, supplier);
    }
    // an order overridden to 0 leaves the file
    await overrideOrder(ws, { runId, sku: HOSTILE.minus, quantity: 0, who: 'ana', reason: 'cancelled' });
    const kent2 = parseCsv(await supplierOrdersCsv(ws, { runId, supplier: 'Kent Homeware' }));
    assert.equal(kent2.length, kent.length - 1);
    assert.ok(!kent2.some((l) => l[0] === "'-2+3"));

    await assertInputError(supplierOrdersCsv(ws, { runId, supplier: 'Nobody Ltd' }), 'supplier', /has no order/);
    await assertInputError(supplierOrdersCsv(ws, { runId, supplier: "Kent Homeware' --" }), 'supplier');
    await assertInputError(supplierOrdersCsv(ws, { runId: runId + 1, supplier: 'Kent Homeware' }), 'runId');
    assert.equal(SHOP.length, 8);
  });
});
