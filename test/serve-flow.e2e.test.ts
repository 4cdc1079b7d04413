/**
 * The service end to end, over real HTTP on a loopback port, from an empty workspace: shop files uploaded → ingest
 * job → plan job → purchase orders approved, overridden (who and why kept) and exported per supplier → SKUs and
 * forecasts read (JSON, CSV, Parquet) → order lines posted live and re-forecast (forecast.updated over SSE, the SKU
 * cache invalidated) → the event stream resumed after a drop with exactly the missed events → accuracy, monitoring,
 * champion / challenger and promote. A slice of the sample shop (the orders of 30 SKUs that have a supplier).
 */
import assert from 'node:assert/strict';
import { type IncomingHttpHeaders, get } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { OrderLineInput } from '../src/pipeline/order-batch.js';
import { tempDir } from './helpers.js';
import { csvFields } from './order-batch-fixture.js';
import { type ShopSlice, sampleSlice } from './serve-fixture.js';
import { type Harness, json, startServer } from './server-harness.js';
import { SseClient } from './sse-client.js';

const N_SKUS = 30;

/** JSON as the routes answer it (the tests read it field by field) */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test reads whatever JSON the route answers
type Json = any;

let h: Harness;
let files: ShopSlice;
let cleanupFiles: () => void;
let sse: SseClient;

const post = (path: string, body: unknown, as: 'read' | 'write' | 'admin' = 'write'): Promise<Response> =>
  h.call(path, {
    method: path === '/models' ? 'PUT' : 'POST',
    as,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

async function openEvents(headers: Record<string, string> = {}, query = ''): Promise<SseClient> {
  const t = await json(h.call('/events/ticket', { method: 'POST', as: 'read' }));
  assert.equal(t.status, 200);
  const c = await SseClient.open(`${h.url}/events?ticket=${t.body.ticket as string}${query}`, headers);
  assert.equal(c.status, 200);
  return c;
}

/** Polls GET /jobs/{id} until the job has ended; returns every state seen and the last answer. */
async function pollJob(id: number, ms = 90_000): Promise<{ states: string[]; job: Json }> {
  const states: string[] = [];
  const deadline = Date.now() + ms;
  for (;;) {
    const r = await json(h.call(`/jobs/${id}`, { as: 'read' }));
    assert.equal(r.status, 200);
    if (states.at(-1) !== r.body.state) states.push(r.body.state);
    if (!['queued', 'running'].includes(r.body.state)) return { states, job: r.body };
    if (Date.now() > deadline) throw new Error(`job ${id} still ${r.body.state} after ${ms} ms`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

/** A live order line of `sku` on `day`. */
const line = (order: string, sku: string, day: string, quantity: number, hour = 10): OrderLineInput => ({
  order_id: order,
  ordered_at: `${day}T${String(hour).padStart(2, '0')}:15:00`,
  sku,
  quantity,
  unit_price: 2.5,
  customer_id: '17850',
  country: 'United Kingdom',
  description: null,
});

/** A stored event's data, parsed. */
const dataOf = (e: { data: unknown }): Json => (typeof e.data === 'string' ? JSON.parse(e.data) : e.data);

const nextDay = (d: string, n = 1): string =>
  new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

before(async () => {
  const t = tempDir();
  cleanupFiles = t.cleanup;
  files = sampleSlice(t.dir, N_SKUS);
  h = await startServer({ heartbeatMs: 2000 });
  sse = await openEvents({}, '&lastEventId=0');
});
after(async () => {
  sse?.close();
  await h?.stop();
  cleanupFiles?.();
});

let planRun = 0;
let asOf = '';

test('upload → ingest job: followed by GET /jobs/{id} and by its events', async () => {
  const form = new FormData();
  form.append('file', new Blob([readFileSync(files.orders)]), 'order-lines.csv.gz');
  form.append('file', new Blob([readFileSync(files.stock)]), 'stock.csv');
  const up = await json(h.call('/uploads', { method: 'POST', body: form, as: 'write' }));
  assert.equal(up.status, 202, JSON.stringify(up.body));
  assert.deepEqual(
    up.body.files.map((f: { name: string }) => f.name),
    ['order-lines.csv.gz', 'stock.csv'],
  );
  const id = up.body.result.job_id as number;
  assert.equal(up.body.result.kind, 'ingest');
  const { states, job } = await pollJob(id);
  assert.equal(job.state, 'done', JSON.stringify(job));
  assert.equal(states.at(-1), 'done');
  assert.match(job.created_by, /^writer \(/);
  assert.equal(job.progress, 1);
  const finished = await sse.waitFor('job.finished', (d) => d.job_id === id);
  assert.equal((finished.data as { state: string }).state, 'done');
  const progress = sse.events.filter((e) => e.event === 'job.progress' && (e.data as Json).job_id === id);
  assert.ok(progress.length >= 1, 'job.progress events for the ingest');
  assert.ok(progress.every((e) => e.id < finished.id));
  const fractions = progress.map((e) => (e.data as { progress: number }).progress);
  assert.deepEqual(
    fractions,
    [...fractions].sort((a, b) => a - b),
    'progress never goes back',
  );
  // the slice's sales are in the workspace: an SKU's clean history ends on the last day of the file
  const d = await json(h.call(`/skus/${encodeURIComponent(files.skus[0]!)}`, { as: 'read' }));
  assert.equal(d.status, 200);
  assert.equal(d.body.history.to, files.lastDay);
  assert.ok(d.body.history.daily.some((x: Json) => x.units > 0));
});

test('POST /plans → plan job: progress and plan.finished over SSE; GET /jobs/{id} done', async () => {
  const r = await json(post('/plans', { horizon: 28 }));
  assert.equal(r.status, 202, JSON.stringify(r.body));
  const id = r.body.job_id as number;
  assert.equal(r.body.kind, 'plan');
  const { job } = await pollJob(id);
  assert.equal(job.state, 'done', JSON.stringify(job));
  const finished = await sse.waitFor('plan.finished', (d) => d.job_id === id);
  planRun = (finished.data as { run_id: number }).run_id;
  assert.ok(Number.isInteger(planRun) && planRun >= 1);
  assert.ok(sse.events.some((e) => e.event === 'job.progress' && (e.data as Json).job_id === id));
  const done = await sse.waitFor('job.finished', (d) => d.job_id === id);
  assert.equal((done.data as { state: string }).state, 'done');
});

let supplier = '';
let overridden = '';
let approved: string[] = [];

test('plan orders: read, approve, override with a why (read back with who and why), CSV per supplier', async () => {
  const latest = await json(h.call('/plans/latest/orders', { as: 'read' }));
  assert.equal(latest.status, 200);
  assert.equal(latest.body.run_id, planRun);
  asOf = latest.body.as_of;
  assert.equal(asOf, files.lastDay);
  const ordered = latest.body.orders.filter((o: Json) => o.final_qty > 0 && o.supplier_name !== 'no supplier');
  assert.ok(ordered.length >= 3, `the plan orders something from suppliers (${ordered.length} lines)`);
  // the supplier with the most order lines
  const bySupplier = new Map<string, Json[]>();
  for (const o of ordered) bySupplier.set(o.supplier_name, [...(bySupplier.get(o.supplier_name) ?? []), o]);
  const [name, lines] = [...bySupplier.entries()].sort((a, b) => b[1].length - a[1].length)[0]!;
  supplier = name;
  assert.ok(lines.length >= 2, `${supplier} has ${lines.length} order lines`);
  approved = lines.slice(0, Math.min(2, lines.length - 1)).map((o: Json) => o.sku);
  overridden = lines.at(-1).sku;
  const suggested = lines.at(-1).order_qty as number;

  const ap = await json(post(`/plans/${planRun}/orders/approve`, { skus: approved }));
  assert.equal(ap.status, 200, JSON.stringify(ap.body));
  assert.equal(ap.body.approved, approved.length);
  const qty = suggested + 12;
  const why = 'summer promotion: Kent Homeware confirmed a larger pack';
  const ov = await json(
    post(`/plans/${planRun}/orders/${encodeURIComponent(overridden)}/override`, { qty, why }, 'admin'),
  );
  assert.equal(ov.status, 200, JSON.stringify(ov.body));
  assert.equal(ov.body.sku, overridden);
  assert.equal(ov.body.final_qty, qty);

  const back = await json(h.call(`/plans/${planRun}/orders?supplier=${encodeURIComponent(supplier)}`, { as: 'read' }));
  assert.equal(back.status, 200);
  const bySku = new Map(back.body.orders.map((o: Json) => [o.sku, o]));
  const o = bySku.get(overridden) as Json;
  assert.equal(o.final_qty, qty);
  assert.equal(o.order_qty, suggested, 'the suggestion is kept beside the override');
  assert.equal(o.override.why, why);
  assert.match(o.override.who, /^admin \(/);
  for (const s of approved) {
    assert.equal((bySku.get(s) as Json).approved, true, `${s} approved`);
    assert.match((bySku.get(s) as Json).decision.who, /^writer \(/);
  }
  assert.ok(back.body.orders.every((x: Json) => x.supplier_name === supplier));

  const csv = await h.call(`/plans/${planRun}/orders.csv?supplier=${encodeURIComponent(supplier)}`, { as: 'read' });
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type')!, /^text\/csv/);
  const rows = (await csv.text()).trimEnd().split('\n');
  assert.equal(rows[0], 'sku,name,qty,unit_cost,value,order_by,approved,overridden_by,why');
  const cells = new Map(rows.slice(1).map((r) => [csvFields(r)[0]!, csvFields(r)]));
  const expected = back.body.orders.filter((x: Json) => x.final_qty > 0);
  assert.deepEqual([...cells.keys()].sort(), expected.map((x: Json) => x.sku).sort());
  for (const x of expected) {
    const c = cells.get(x.sku)!;
    assert.equal(Number(c[2]), x.final_qty, `${x.sku}: the final quantity`);
    assert.equal(c[6], String(x.approved));
  }
  assert.equal(Number(cells.get(overridden)![2]), qty, 'the override applied');
  assert.match(cells.get(overridden)![7]!, /^admin \(/);
  assert.equal(cells.get(overridden)![8], why);

  // the purchase orders per supplier and location: one location here, so one order per supplier; each SKU's lines
  // add up to its suggested quantity
  const net = await json(h.call(`/plans/${planRun}/purchase-orders`, { as: 'read' }));
  assert.equal(net.status, 200, JSON.stringify(net.body));
  const mine = net.body.purchase_orders.filter((p: Json) => p.supplier === supplier);
  assert.equal(mine.length, 1);
  const lineQty = new Map(mine[0].lines.map((l: Json) => [l.sku, l.qty]));
  for (const x of back.body.orders.filter((y: Json) => y.order_qty > 0))
    assert.equal(lineQty.get(x.sku), x.order_qty, `${x.sku}: its line is the plan's suggestion`);
  const po = await h.call(`/plans/${planRun}/purchase-orders.csv?po=${mine[0].po_id}`, { as: 'read' });
  assert.equal(po.status, 200);
  const poRows = (await po.text()).trimEnd().split('\n');
  assert.equal(poRows[0], 'po_id,supplier,location,sku,name,qty,unit_cost,value,currency,order_by,note');
  assert.equal(poRows.length - 1, mine[0].lines.length);
  const unknown = await json(h.call(`/plans/${planRun}/purchase-orders.csv?po=PO-99999`, { as: 'read' }));
  assert.equal(unknown.status, 400);
  const trick = await json(h.call(`/plans/${planRun}/purchase-orders.csv?po=../../etc/passwd`, { as: 'read' }));
  assert.equal(trick.status, 400);
});

test('GET /skus, GET /skus/{sku}: forecast, stage, inventory', async () => {
  const list = await json(h.call(`/skus?supplier=${encodeURIComponent(supplier)}&sort=risk`, { as: 'read' }));
  assert.equal(list.status, 200);
  assert.ok(list.body.total >= 2);
  const all = await json(h.call('/skus?limit=1000&sort=sku&order=asc', { as: 'read' }));
  assert.deepEqual(
    all.body.items.map((i: { sku: string }) => i.sku),
    files.skus,
    'every SKU of the slice, once planned',
  );
  assert.ok(list.body.items.some((i: Json) => i.sku === overridden));
  for (const sku of [overridden, ...approved]) {
    const d = await json(h.call(`/skus/${encodeURIComponent(sku)}`, { as: 'read' }));
    assert.equal(d.status, 200);
    assert.equal(d.body.sku, sku);
    assert.ok(d.body.forecast !== null, `${sku}: a forecast`);
    // the plan's forecast covers its horizon and beyond (lead times): step k is the k-th day after the origin
    const days = d.body.forecast.days;
    assert.ok(days.length >= 28, `${sku}: ${days.length} days`);
    days.forEach((x: Json, k: number) => assert.deepEqual([x.step, x.date], [k + 1, nextDay(asOf, k + 1)]));
    assert.equal(d.body.forecast.origin, asOf);
    for (const day of d.body.forecast.days) assert.ok(day.p05 <= day.p50 && day.p50 <= day.p95, `${sku} quantiles`);
    assert.ok(d.body.stage !== null && typeof d.body.stage.stage === 'string', `${sku}: a stage`);
    assert.ok(d.body.inventory !== null, `${sku}: an inventory position`);
    assert.equal(d.body.inventory.on_hand, files.onHand.get(sku));
    assert.equal(d.body.supplier, supplier);
    assert.equal(d.body.history.to, asOf);
  }
  assert.equal((await h.call('/skus/NO-SUCH-SKU', { as: 'read' })).status, 404);
  // the answer's bytes as sent (fetch would decompress): gzipped when asked for, the same JSON either way
  const raw = (encoding: string | null) =>
    new Promise<{ headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      const headers: Record<string, string> = { authorization: `Bearer ${h.tokens.read}` };
      if (encoding !== null) headers['accept-encoding'] = encoding;
      get(`${h.url}/skus/${encodeURIComponent(overridden)}`, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
      }).on('error', reject);
    });
  const plain = await raw(null);
  const zipped = await raw('gzip, deflate, br');
  const refused = await raw('gzip;q=0, identity');
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.equal(refused.headers['content-encoding'], undefined);
  assert.equal(zipped.headers['content-encoding'], 'gzip');
  assert.equal(zipped.headers.vary, 'accept-encoding');
  assert.ok(zipped.body.length * 3 < plain.body.length, `${zipped.body.length} gzipped of ${plain.body.length} bytes`);
  assert.deepEqual(gunzipSync(zipped.body), plain.body);
  assert.deepEqual(refused.body, plain.body);
  assert.equal(JSON.parse(plain.body.toString()).sku, overridden);
});

test('GET /forecasts as JSON, CSV (Accept: text/csv) and Parquet', async () => {
  const q = `/forecasts?sku=${encodeURIComponent(overridden)}&sku=${encodeURIComponent(approved[0]!)}&horizon=14`;
  const j = await json(h.call(q, { as: 'read' }));
  assert.equal(j.status, 200);
  const rows: Json[] = j.body.forecasts;
  assert.equal(rows.length, 2 * 14);
  assert.deepEqual([...new Set(rows.map((r) => r.sku))].sort(), [overridden, approved[0]].sort());
  const csv = await h.call(q, { as: 'read', headers: { accept: 'text/csv' } });
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type')!, /^text\/csv/);
  const lines = (await csv.text()).trimEnd().split('\n');
  assert.equal(lines[0], 'sku,date,mean,p05,p25,p50,p75,p95,model');
  assert.equal(lines.length, 1 + rows.length);
  const first = csvFields(lines[1]!);
  const same = rows.find((r) => r.sku === first[0] && r.date === first[1]);
  assert.ok(same !== undefined);
  assert.ok(Math.abs(Number(first[2]) - same.mean) < 1e-9, 'CSV and JSON give the same mean');
  const pq = await h.call(q, { as: 'read', headers: { accept: 'application/vnd.apache.parquet' } });
  assert.equal(pq.status, 200);
  const bytes = Buffer.from(await pq.arrayBuffer());
  assert.equal(bytes.subarray(0, 4).toString('latin1'), 'PAR1');
  assert.equal(bytes.subarray(bytes.length - 4).toString('latin1'), 'PAR1');
});

let liveSku = '';
let lastSeen = 0;

test('POST /order-lines: forecast.updated names the batch over SSE; GET /skus/{sku} shows the new run', async () => {
  liveSku = overridden;
  const before = await json(h.call(`/skus/${encodeURIComponent(liveSku)}`, { as: 'read' }));
  const runBefore = before.body.forecast.run_id as number;
  const r = await json(
    post('/order-lines', { lines: [line('LIVE-1', liveSku, asOf, 24, 15), line('LIVE-1', liveSku, asOf, 6, 15)] }),
  );
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const batch = r.body.batch_id as number;
  assert.equal(r.body.lines_new, 2);
  assert.deepEqual(r.body.skus, [liveSku]);
  const stored = await sse.waitFor('batch.stored', (d) => d.batch_id === batch);
  const updated = await sse.waitFor('forecast.updated', (d) => d.batches.includes(batch));
  assert.ok(updated.id > stored.id);
  const u = updated.data as { skus: string[]; run_id: number; as_of: string };
  assert.ok(u.skus.includes(liveSku));
  assert.ok(u.run_id > runBefore);
  assert.equal(u.as_of, asOf);
  // the cycle is counted in /metrics before its event is sent: its SKUs and the seconds of its steps
  const metrics = await (await h.call('/metrics', { as: 'read' })).text();
  const counter = (name: string): number => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1] ?? NaN);
  assert.ok(counter('shopcast_live_cycles_total') >= 1, 'a live cycle counted');
  assert.ok(counter('shopcast_live_cycle_skus_total') >= u.skus.length, 'its SKUs counted');
  const steps = ['clean', 'read', 'forecast', 'policy', 'write'].map((step) =>
    counter(`shopcast_live_cycle_seconds_total\\{step="${step}"\\}`),
  );
  assert.ok(
    steps.every((x) => x >= 0),
    `seconds of each step: ${steps.join(', ')}`,
  );
  assert.ok(steps.reduce((a, b) => a + b, 0) > 0, 'the cycle took time');
  const after = await json(h.call(`/skus/${encodeURIComponent(liveSku)}`, { as: 'read' }));
  assert.equal(after.body.forecast.run_id, u.run_id, 'the cached answer was replaced');
  assert.equal(after.body.forecast.source, 'live');
  const today = after.body.history.daily.find((d: Json) => d.date === asOf);
  const was = before.body.history.daily.find((d: Json) => d.date === asOf);
  assert.equal(today.units_raw, (was?.units_raw ?? 0) + 30, 'the 30 units posted are in the clean history');
  lastSeen = sse.events.at(-1)!.id;
});

test('the event stream dropped and resumed with Last-Event-ID: exactly the missed events, once each', async () => {
  sse.close();
  await sse.until(() => sse.ended, 5000, 'the stream to end');
  const seenIds = new Set(sse.events.map((e) => e.id));
  assert.equal(seenIds.size, sse.events.length, 'no duplicate in the first stream');
  // a batch on a new day, posted while no client listens
  const day = nextDay(asOf);
  const r = await json(
    post('/order-lines', { lines: [line('LIVE-2', liveSku, day, 5), line('LIVE-3', approved[0]!, day, 3)] }),
  );
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const batch = r.body.batch_id as number;
  // wait until its forecast update is in the event log (not sent to anybody)
  const deadline = Date.now() + 60_000;
  let missed = await h.server.ctx.events.since(lastSeen);
  while (!missed.some((e) => e.type === 'forecast.updated' && dataOf(e).batches.includes(batch))) {
    assert.ok(Date.now() < deadline, 'forecast.updated for the batch');
    await new Promise((res) => setTimeout(res, 100));
    missed = await h.server.ctx.events.since(lastSeen);
  }
  sse = await openEvents({ 'last-event-id': String(lastSeen) });
  await sse.waitFor('forecast.updated', (d) => d.batches.includes(batch));
  // the replay is exactly the stored log after lastSeen, in order, once each (live events may follow)
  const replay = sse.events.slice(0, missed.length);
  assert.deepEqual(
    replay.map((e) => [e.id, e.event]),
    missed.map((e) => [e.event_id, e.type]),
  );
  assert.ok(
    sse.events.every((e) => e.id > lastSeen && !seenIds.has(e.id)),
    'nothing seen before is sent again',
  );
  assert.equal(new Set(sse.events.map((e) => e.id)).size, sse.events.length, 'no duplicates');
  const types = replay.map((e) => e.event);
  assert.ok(types.indexOf('batch.stored') >= 0 && types.indexOf('batch.stored') < types.indexOf('forecast.updated'));
  assert.equal((replay.find((e) => e.event === 'batch.stored')!.data as Json).batch_id, batch);
  const u = replay.find((e) => e.event === 'forecast.updated')!.data as Json;
  assert.deepEqual(u.skus.slice().sort(), [liveSku, approved[0]].sort());
  assert.equal(u.as_of, day, 'the new day of data');
  asOf = day;
});

test('GET /accuracy?by=run scores the plan against the new day; POST /monitor answers', async () => {
  const acc = await json(h.call(`/accuracy?by=run&run=${planRun}`, { as: 'read' }));
  assert.equal(acc.status, 200, JSON.stringify(acc.body));
  assert.equal(acc.body.rows.length, 1);
  const row = acc.body.rows[0];
  assert.equal(row.key, String(planRun));
  // recomputed from the clean history: the plan's SKUs' demand on the day after its origin, stock-out days out
  let actual = 0;
  let n = 0;
  for (const sku of files.skus) {
    const d = await json(h.call(`/skus/${encodeURIComponent(sku)}?history_days=7`, { as: 'read' }));
    const day = d.body.history.daily.find((x: Json) => x.date === asOf);
    if (day === undefined || day.stockout || day.closed || day.units === null) continue;
    actual += day.units;
    n++;
  }
  assert.equal(row.n, n);
  assert.ok(Math.abs(row.actual - actual) < 1e-9, `actual ${row.actual} = ${actual}`);
  assert.ok(row.wape !== null && row.wape >= 0);
  const all = await json(h.call('/accuracy?by=run', { as: 'read' }));
  assert.equal(all.status, 200);
  assert.ok(all.body.rows.length >= 2, 'the plan and the live run are scored');
  const mon = await json(post('/monitor', {}));
  assert.equal(mon.status, 200, JSON.stringify(mon.body));
  assert.equal(mon.body.as_of, asOf);
  assert.ok(Array.isArray(mon.body.alerts) && Array.isArray(mon.body.anomalies));
});

test('champion / challenger: PUT /models, a batch yields a challenger run, the comparison, promote', async () => {
  const bad = await json(post('/models', { champion: 'auto', challenger: 'naive' }, 'write'));
  assert.equal(bad.status, 403, 'setting the models needs admin');
  const put = await json(post('/models', { champion: 'auto', challenger: 'naive' }, 'admin'));
  assert.equal(put.status, 200, JSON.stringify(put.body));
  assert.deepEqual(put.body, { champion: 'auto', challenger: 'naive' });
  // a batch on the day after: both roles forecast the SKU
  const day = nextDay(asOf);
  const r1 = await json(post('/order-lines', { lines: [line('LIVE-4', liveSku, day, 7)] }));
  assert.equal(r1.status, 200);
  await sse.waitFor('forecast.updated', (d) => d.batches.includes(r1.body.batch_id));
  // one more day of sales scores them
  const r2 = await json(post('/order-lines', { lines: [line('LIVE-5', liveSku, nextDay(day), 4)] }));
  assert.equal(r2.status, 200);
  await sse.waitFor('forecast.updated', (d) => d.batches.includes(r2.body.batch_id));
  const ch = await json(h.call('/accuracy?by=run&role=challenger', { as: 'read' }));
  assert.equal(ch.status, 200);
  assert.ok(ch.body.rows.length >= 1, 'a challenger run, scored');
  const cc = await json(h.call('/champion-challenger?weeks=4', { as: 'read' }));
  assert.equal(cc.status, 200, JSON.stringify(cc.body));
  assert.equal(cc.body.champion, 'auto');
  assert.equal(cc.body.challenger, 'naive');
  assert.ok(cc.body.overall.n >= 1, JSON.stringify(cc.body.overall));
  assert.ok(cc.body.overall.challenger_wape !== null || cc.body.overall.actual === 0);
  const pr = await json(post('/champion-challenger/promote', {}, 'admin'));
  assert.equal(pr.status, 200, JSON.stringify(pr.body));
  assert.deepEqual(pr.body, { champion: 'naive', challenger: 'auto' });
  const roles = await json(h.call('/models', { as: 'read' }));
  assert.deepEqual(roles.body, { champion: 'naive', challenger: 'auto' });
});
