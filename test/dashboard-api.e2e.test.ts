/**
 * The dashboard's reads over real HTTP (issue #20): GET /summary, /skus/table (ETag, 304), /skus/sparklines, /ingests,
 * /cleaning-report and /rejected-rows, on a slice of the sample shop (12 SKUs with a supplier, and a stock file with
 * one bad row) ingested and planned by `prepareWorkspace` (what `serve --if-empty` runs). Every figure is checked
 * against a recomputation from the other routes' answers (/skus, /skus/{sku}, /alerts, /plans/latest/orders).
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createApiKey } from '../src/pipeline/keys.js';
import { prepareWorkspace } from '../src/pipeline/dashboard.js';
import { type ShopServer, createServer } from '../src/server/create-server.js';
import { Workspace } from '../src/store/workspace.js';
import { tempDir } from './helpers.js';
import { type ShopSlice, sampleSlice } from './serve-fixture.js';
import { json } from './server-harness.js';
import { SseClient } from './sse-client.js';

/** JSON as the routes answer it (the tests read it field by field) */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test reads whatever JSON the route answers
type Json = any;

const N_SKUS = 12;
const BAD_LINE = `<script>alert(1)</script>,lots,0,5,1,0.5,25,,,6,"O'Brien ""&"" Sons; DROP TABLE files; --"`;

let server: ShopServer;
let url: string;
let files: ShopSlice;
let stockFile: string;
let badLineNo: number;
let tokens: { admin: string; read: string };
let cleanup: () => void;

const call = (path: string, init: RequestInit & { as?: 'admin' | 'read' | 'none' } = {}): Promise<Response> => {
  const { as = 'read', ...rest } = init;
  const headers = new Headers(rest.headers);
  if (as !== 'none') headers.set('authorization', `Bearer ${tokens[as]}`);
  return fetch(`${url}${path}`, { ...rest, headers });
};
const get = (path: string): Promise<{ status: number; headers: Headers; body: Json }> => json(call(path));

/** Σ of a forecast's first `days` daily means, its last day repeated past its end (as the dashboard sums them). */
function sumDays(days: readonly { mean: number | null }[], n = 30): number {
  let s = 0;
  for (let d = 0; d < n; d++) s += days[Math.min(d, days.length - 1)]?.mean ?? 0;
  return s;
}

const close = (a: number, b: number, tol: number, what: string): void =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} ≠ ${b} (± ${tol})`);

before(async () => {
  const t = tempDir();
  cleanup = t.cleanup;
  files = sampleSlice(t.dir, N_SKUS);
  const stockLines = readFileSync(files.stock, 'utf8').replace(/\n$/, '').split('\n');
  stockFile = join(t.dir, 'stock.csv');
  writeFileSync(stockFile, [...stockLines, BAD_LINE].join('\n') + '\n');
  badLineNo = stockLines.length + 1;
  const dir = join(t.dir, 'ws');
  const ws = await Workspace.open(dir, { threads: 1 });
  try {
    const p = await prepareWorkspace(ws, {
      files: [files.orders, stockFile],
      currency: 'GBP',
      out: join(t.dir, 'plan'),
      newKey: 'dashboard',
      threads: 1,
    });
    assert.equal(p.filled, true);
    tokens = { admin: p.key!.token, read: (await createApiKey(ws, { name: 'reader', scope: 'read' })).token };
  } finally {
    ws.close();
  }
  server = await createServer({ workspace: dir, port: 0, workspaceOptions: { threads: 1 } });
  url = await server.listen();
});
after(async () => {
  await server?.close();
  cleanup?.();
});

/** Every SKU's list item and detail. */
async function allSkus(): Promise<{ items: Json[]; detail: Map<string, Json> }> {
  const list = await get('/skus?limit=1000&sort=sku');
  assert.equal(list.status, 200);
  const detail = new Map<string, Json>();
  for (const it of list.body.items) {
    const d = await get(`/skus/${encodeURIComponent(it.sku)}`);
    assert.equal(d.status, 200);
    detail.set(it.sku, d.body);
  }
  return { items: list.body.items, detail };
}

test('GET /summary: KPIs, alerts, orders due equal a recomputation from /skus, /alerts and the plan orders', async () => {
  const s = await get('/summary');
  assert.equal(s.status, 200, JSON.stringify(s.body));
  assert.equal(s.body.currency, 'GBP');
  assert.equal(s.body.locale, 'en-GB');
  assert.equal(s.body.as_of, files.lastDay);
  const { items, detail } = await allSkus();
  assert.equal(items.length, N_SKUS);
  const k = s.body.kpis;
  assert.equal(k.skus, items.length);
  assert.equal(k.skus_at_risk, items.filter((i) => (i.stockout_risk ?? 0) >= 0.5).length);
  close(
    k.lost_revenue_expected,
    items.reduce((a, i) => a + (i.lost_revenue ?? 0), 0),
    0.01,
    'lost revenue',
  );
  let revenue = 0;
  let stock = 0;
  const stockCost = new Map(
    readFileSync(files.stock, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => [l.split(',')[0]!, Number(l.split(',')[5])]),
  );
  for (const it of items) {
    const d = detail.get(it.sku)!;
    const price = d.catalog?.price_median ?? 0;
    revenue += sumDays(d.forecast.days) * price;
    const cost = d.order?.unit_cost ?? stockCost.get(it.sku) ?? 0.6 * price;
    stock += Math.max(d.inventory.on_hand, 0) * cost;
  }
  close(k.revenue_forecast_30d, revenue, 0.02, 'revenue forecast');
  close(k.stock_value, stock, 0.02, 'stock value');
  assert.ok(k.stock_value > 0 && k.revenue_forecast_30d > 0);

  const open = await get('/alerts?status=open&limit=1000');
  assert.equal(k.skus_with_alerts, new Set(open.body.alerts.map((a: Json) => a.sku)).size);
  assert.equal(s.body.alerts.length, Math.min(20, open.body.total));
  assert.deepEqual(
    s.body.alerts.map((a: Json) => a.alert_id).sort(),
    open.body.alerts
      .slice()
      .sort((a: Json, b: Json) => rank(b) - rank(a) || b.alert_id - a.alert_id)
      .slice(0, 20)
      .map((a: Json) => a.alert_id)
      .sort(),
  );
  const sev = s.body.alerts.map(rank);
  assert.deepEqual(
    sev,
    [...sev].sort((a, b) => b - a),
    'most severe first',
  );

  const orders = await get('/plans/latest/orders');
  assert.equal(s.body.run_id, orders.body.run_id);
  const bySupplier = new Map<string, { lines: number; units: number; value: number; order_by: string }>();
  for (const o of orders.body.orders.filter((x: Json) => x.final_qty > 0)) {
    const g = bySupplier.get(o.supplier_name) ?? { lines: 0, units: 0, value: 0, order_by: o.order_by };
    g.lines++;
    g.units += o.final_qty;
    g.value += o.final_qty * o.unit_cost;
    if (o.order_by < g.order_by) g.order_by = o.order_by;
    bySupplier.set(o.supplier_name, g);
  }
  assert.ok(bySupplier.size > 0, 'the slice orders something');
  assert.equal(s.body.orders_due.length, bySupplier.size);
  for (const d of s.body.orders_due) {
    const g = bySupplier.get(d.supplier)!;
    assert.equal(d.lines, g.lines, d.supplier);
    close(d.units, g.units, 1e-6, `${d.supplier} units`);
    close(d.value, g.value, 0.01, `${d.supplier} value`);
    assert.equal(d.order_by, g.order_by);
  }
  const due = s.body.orders_due.map((d: Json) => d.order_by);
  assert.deepEqual(due, [...due].sort(), 'earliest order-by first');

  // one plan: the baseline is that plan, and nothing has changed since it
  assert.equal(s.body.changes.since_run_id, s.body.run_id);
  assert.deepEqual(s.body.changes.forecast_changes, []);
  assert.equal(s.body.changes.batches, 0);
  assert.equal(s.body.changes.new_alerts, 0);
});

/** An alert's urgency as the summary ranks it first: severity. */
function rank(a: Json): number {
  return a.severity === 'critical' ? 2 : a.severity === 'warning' ? 1 : 0;
}

let etag = '';

test('GET /skus/table: one entry per SKU equal to /skus items; ETag and 304', async () => {
  const r = await json(call('/skus/table'));
  assert.equal(r.status, 200);
  etag = r.headers.get('etag')!;
  assert.match(etag, /^"t[0-9.]+"$/);
  assert.match(r.headers.get('cache-control')!, /no-cache/);
  const { items, detail } = await allSkus();
  const c = r.body.columns;
  assert.equal(r.body.count, items.length);
  assert.equal(r.body.as_of, files.lastDay);
  assert.deepEqual(c.sku, items.map((i) => i.sku).sort());
  for (const [i, sku] of (c.sku as string[]).entries()) {
    const it = items.find((x) => x.sku === sku)!;
    assert.equal(c.description[i], it.name, sku);
    assert.equal(c.abc[i], it.abc);
    assert.equal(c.xyz[i], it.xyz);
    assert.equal(c.stage[i], it.stage);
    assert.equal(c.supplier[i], it.supplier);
    assert.equal(c.risk[i], it.stockout_risk ?? 0);
    assert.equal(c.days_of_stock[i], it.days_of_stock);
    assert.equal(c.revenue[i], it.revenue_365 ?? 0);
    assert.equal(c.forecast_change[i], it.forecast_change);
    assert.equal(c.order_units[i], it.order_qty > 0 ? it.order_qty : null);
    const kinds: string[] = it.alerts;
    assert.equal(c.alert[i] === null, kinds.length === 0);
    if (c.alert[i] !== null) assert.ok(kinds.includes(c.alert[i]));
    close(c.forecast_30d[i], sumDays(detail.get(sku).forecast.days), 0.006, `${sku} forecast_30d`);
  }
  for (const col of Object.values(c) as unknown[][]) assert.equal(col.length, items.length);

  const again = await call('/skus/table', { headers: { 'if-none-match': etag } });
  assert.equal(again.status, 304);
  assert.equal(await again.text(), '');
  assert.equal(again.headers.get('etag'), etag);
  const weak = await call('/skus/table', { headers: { 'if-none-match': `"t1.2.3", W/${etag}` } });
  assert.equal(weak.status, 304);
  const other = await call('/skus/table', { headers: { 'if-none-match': '"t0.0.0"' } });
  assert.equal(other.status, 200);
  await other.arrayBuffer();
});

test('a posted order batch: forecast.updated changes the ETag, the SKU’s row, and the summary’s changes', async () => {
  const sku = files.skus[0]!;
  const before = await get(`/skus/${encodeURIComponent(sku)}`);
  const t = await json(call('/events/ticket', { method: 'POST' }));
  const sse = await SseClient.open(`${url}/events?ticket=${t.body.ticket as string}`);
  try {
    const day = new Date(Date.parse(`${files.lastDay}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const lines = [1, 2, 3].map((k) => ({
      order_id: `DASH${k}`,
      ordered_at: `${day}T1${k}:00:00`,
      sku,
      quantity: 40 * k,
      unit_price: 2.5,
      customer_id: '17850',
      country: 'United Kingdom',
      description: null,
    }));
    const posted = await json(
      call('/order-lines', {
        as: 'admin',
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ lines }),
      }),
    );
    assert.equal(posted.status, 200, JSON.stringify(posted.body));
    await sse.waitFor('forecast.updated', (d) => (d.batches as number[]).includes(posted.body.batch_id), 60_000);
  } finally {
    sse.close();
  }
  const r = await json(call('/skus/table', { headers: { 'if-none-match': etag } }));
  assert.equal(r.status, 200, 'a new version after the batch');
  assert.notEqual(r.headers.get('etag'), etag);
  const now = await get(`/skus/${encodeURIComponent(sku)}`);
  const i = (r.body.columns.sku as string[]).indexOf(sku);
  const after30 = sumDays(now.body.forecast.days);
  close(r.body.columns.forecast_30d[i], after30, 0.006, 'the refreshed SKU');
  assert.equal(r.body.columns.days_of_stock[i], now.body.inventory.days_of_stock);
  assert.equal(r.body.as_of > files.lastDay, true, 'as of the batch day');

  const s = await get('/summary');
  assert.equal(s.body.changes.batches, 1);
  assert.equal(s.body.changes.lines, 3);
  const before30 = sumDays(before.body.forecast.days);
  const change = s.body.changes.forecast_changes.find((c: Json) => c.sku === sku);
  if (Math.abs(after30 - before30) > 0.005) {
    assert.ok(change !== undefined, 'the refreshed SKU is among the forecast changes');
    close(change.before, before30, 0.006, 'before');
    close(change.after, after30, 0.006, 'after');
    close(change.change_pct, (after30 / before30 - 1) * 100, 0.06, 'change %');
  } else assert.equal(change, undefined);
  for (const c of s.body.changes.forecast_changes) assert.notEqual(c.before, c.after);
});

test('GET /skus/sparklines: 26 weeks equal to the weekly history of /skus/{sku}; 400s name skus', async () => {
  const skus = files.skus.slice(0, 3);
  const r = await get(`/skus/sparklines?skus=${skus.map(encodeURIComponent).join(',')},NO-SUCH-SKU`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.weeks.length, 26);
  for (const w of r.body.weeks) assert.equal(new Date(`${w}T00:00:00Z`).getUTCDay(), 1, `${w} is a Monday`);
  assert.deepEqual(r.body.series['NO-SUCH-SKU'], new Array(26).fill(0));
  for (const sku of skus) {
    const d = await get(`/skus/${encodeURIComponent(sku)}?history_days=200`);
    const weekly = new Map<string, number>(d.body.history.weekly.map((w: Json) => [w.week_start, w.units]));
    const last = r.body.weeks.at(-1);
    assert.equal(d.body.history.weekly.at(-1).week_start, last, 'the last week is the last day’s');
    let compared = 0;
    for (const [k, w] of (r.body.weeks as string[]).entries()) {
      if (!weekly.has(w) || w === d.body.history.weekly[0].week_start) continue; // a partial first week
      close(r.body.series[sku][k], weekly.get(w)!, 1e-9, `${sku} ${w}`);
      compared++;
    }
    assert.ok(compared >= 20, `${compared} weeks compared`);
    assert.ok(r.body.series[sku].some((u: number) => u > 0));
  }
  const repeated = await get(
    `/skus/sparklines?skus=${encodeURIComponent(skus[0]!)}&skus=${encodeURIComponent(skus[1]!)}`,
  );
  assert.deepEqual(Object.keys(repeated.body.series).sort(), [skus[0], skus[1]].sort());
  const many = await get(`/skus/sparklines?skus=${Array.from({ length: 201 }, (_, i) => `S${i}`).join(',')}`);
  assert.equal(many.status, 400);
  assert.equal(many.body.error.field, 'query.skus');
  const none = await get('/skus/sparklines');
  assert.equal(none.status, 400);
  assert.equal(none.body.error.field, 'query.skus');
  const unknown = await get('/skus/sparklines?skus=A&weeks=3');
  assert.equal(unknown.status, 400);
  assert.equal(unknown.body.error.field, 'query.weeks');
});

test('Data page: /ingests, /cleaning-report and /rejected-rows (the bad row with file, line, reason, raw text)', async () => {
  const ing = await get('/ingests');
  assert.equal(ing.status, 200);
  assert.equal(ing.body.total, 2, 'the files, then the order batch');
  const [batch, first] = ing.body.ingests;
  assert.deepEqual(
    batch.files.map((f: Json) => f.file),
    ['api:order-batch'],
  );
  assert.equal(batch.rows_new, 3);
  assert.deepEqual(
    first.files.map((f: Json) => f.file),
    ['orders-30-skus.csv.gz', 'stock.csv'],
    'base names only: no server folders',
  );
  const stockEntry = first.files.find((f: Json) => f.file === 'stock.csv');
  assert.equal(stockEntry.rejected, 1);
  assert.equal(stockEntry.rows, N_SKUS);
  assert.equal(first.rejected, 1);
  assert.equal(
    first.rows,
    first.files.reduce((a: number, f: Json) => a + f.rows, 0),
  );

  const rep = await get('/cleaning-report');
  assert.equal(rep.status, 200);
  const rules = new Map(rep.body.rules.map((r: Json) => [r.rule, r]));
  for (const r of ['rejected', 'cancellations', 'returns', 'duplicates', 'outliers', 'gaps_filled'])
    assert.ok(rules.has(r), r);
  assert.equal((rules.get('rejected') as Json).rows, 1);
  assert.equal(rep.body.totals.rejected, 1);
  assert.ok(rep.body.totals.demand_rows > 0 && rep.body.totals.demand_rows < rep.body.totals.rows);
  assert.ok(rep.body.totals.demand_units > 0);

  const rej = await get('/rejected-rows?file=stock.csv');
  assert.equal(rej.status, 200);
  assert.equal(rej.body.total, 1);
  const [row] = rej.body.rows;
  assert.equal(row.file, 'stock.csv');
  assert.equal(row.line, badLineNo);
  assert.equal(row.raw, BAD_LINE, 'the raw text as read, markup and quotes untouched');
  assert.match(row.reason, /on_hand/, 'the reason names the field');
  assert.equal((await get('/rejected-rows?file=orders-30-skus.csv.gz')).body.total, 0);
  assert.equal((await get('/rejected-rows?limit=1&offset=1')).body.rows.length, 0);
  const bad = await get('/rejected-rows?limit=0');
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.field, 'query.limit');
  assert.equal((await get('/ingests?offset=-1')).body.error.field, 'query.offset');
});

test('every dashboard read needs a key', async () => {
  for (const path of ['/summary', '/skus/table', '/skus/sparklines?skus=A', '/ingests', '/cleaning-report'])
    assert.equal((await call(path, { as: 'none' })).status, 401, path);
  assert.equal((await call('/rejected-rows', { as: 'none' })).status, 401);
});
