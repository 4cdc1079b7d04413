/**
 * Crash safety of the service, the real thing: `shopcast serve` runs as a child process and is killed with SIGKILL
 * (a) while a big batch of order lines is being posted (at once, after 300 ms, and as soon as the workspace's write-ahead
 * log grows, i.e. while the batch's transaction is being written): after a restart the batch
 * is entirely in or entirely out, and posting it again gives the clean tables that posting it once gives on a copy
 * of the workspace; (b) while a plan job runs: after a restart the job is failed (not left running), no plan of it
 * is stored, and a new plan succeeds. A slice of the sample shop (the orders of 20 SKUs).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { ingestFiles } from '../src/pipeline/ingest.js';
import { createApiKey } from '../src/pipeline/keys.js';
import { type OrderLineInput, postOrderLines } from '../src/pipeline/order-batch.js';
import { closeRefreshWorkers, refreshSkus } from '../src/pipeline/refresh.js';
import { Workspace } from '../src/store/workspace.js';
import { BIN, tempDir } from './helpers.js';
import { DERIVED_TABLES, csvFields, derivedTables, uciToInput } from './order-batch-fixture.js';
import { sampleSlice } from './serve-fixture.js';
import { SseClient } from './sse-client.js';

const BATCH_LINES = 5000;
const OTHER_TABLES = DERIVED_TABLES.filter((t) => t !== 'order_lines');

let dir: string;
let cleanup: () => void;
/** the workspace before the batch: the slice without its last BATCH_LINES lines, and an admin key */
let base: string;
let token: string;
let batch: OrderLineInput[];
/** raw order lines in the base workspace */
let baseLines: number;
/** posting the batch once on a copy of `base`: its new lines and the clean tables */
let reference: { linesNew: number; tables: Record<string, string[]> };
const running = new Set<ChildProcess>();

/** A running `shopcast serve`. */
interface Served {
  child: ChildProcess;
  url: string;
  stderr: string[];
  exited: Promise<number | null>;
}

/** Starts `shopcast serve --workspace ws --port 0` and waits for the URL it prints. */
async function serve(ws: string): Promise<Served> {
  const child = spawn(process.execPath, [BIN, 'serve', '--workspace', ws, '--port', '0', '--quiet'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (l) => stderr.push(l));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (l) => {
      const m = /listening on (http:\/\/\S+)/.exec(l);
      if (m !== null) resolve(m[1]!);
    });
    void exited.then((code) => reject(new Error(`serve exited (${code}) before listening: ${stderr.join('\n')}`)));
  });
  return { child, url, stderr, exited };
}

async function kill9(s: Served): Promise<void> {
  s.child.kill('SIGKILL');
  await s.exited;
}

/** SIGTERM: the graceful stop, which must exit 0. */
async function stop(s: Served): Promise<void> {
  s.child.kill('SIGTERM');
  assert.equal(await s.exited, 0, s.stderr.join('\n'));
}

const call = (s: Served, path: string, init: RequestInit = {}): Promise<Response> => {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${token}`);
  if (init.body !== undefined) headers.set('content-type', 'application/json');
  return fetch(`${s.url}${path}`, { ...init, headers });
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test reads whatever JSON the route answers
async function body(r: Promise<Response>): Promise<{ status: number; body: any }> {
  const res = await r;
  const text = await res.text();
  return { status: res.status, body: text === '' ? null : JSON.parse(text) };
}

const postBatch = (s: Served): Promise<Response> =>
  call(s, '/order-lines', { method: 'POST', body: JSON.stringify({ lines: batch }) });

/** A copy of the base workspace. */
function copyOfBase(name: string): string {
  const to = join(dir, name);
  cpSync(base, to, { recursive: true });
  return to;
}

/** order_lines by the identity of a line (not by the file or batch it came in), as order-batch.e2e.test.ts does. */
async function cleanTables(ws: Workspace): Promise<Record<string, string[]>> {
  const lines = await ws.all(`
    SELECT o.* EXCLUDE (file_id, line, rid, cancelled_by, cancels),
      cb.row_key AS cancelled_by_key, cb.occurrence AS cancelled_by_occurrence,
      cc.row_key AS cancels_key, cc.occurrence AS cancels_occurrence
    FROM order_lines o LEFT JOIN order_lines cb ON cb.rid = o.cancelled_by
      LEFT JOIN order_lines cc ON cc.rid = o.cancels`);
  const raw = await ws.all(`SELECT * EXCLUDE (file_id, line) FROM raw_order_lines`);
  return {
    ...(await derivedTables(ws, {}, OTHER_TABLES)),
    order_lines: lines.map((r) => JSON.stringify(r)).sort(),
    raw_order_lines: raw.map((r) => JSON.stringify(r)).sort(),
  };
}

/** The batch's lines stored in a workspace (raw rows beyond the base's), read on a copy (the WAL replayed there). */
async function batchLinesIn(wsDir: string, name: string): Promise<number> {
  const copy = join(dir, name);
  cpSync(wsDir, copy, { recursive: true });
  const ws = await Workspace.open(copy, { threads: 1 });
  try {
    const n = await ws.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM raw_order_lines`);
    return n.n - baseLines;
  } finally {
    ws.close();
  }
}

before(async () => {
  ({ dir, cleanup } = tempDir());
  const slice = sampleSlice(dir, 20);
  const lines = gunzipSync(readFileSync(slice.orders)).toString('utf8').replace(/\n$/, '').split('\n');
  const rows = lines.slice(1);
  // cut between orders, about BATCH_LINES from the end
  let cut = rows.length - BATCH_LINES;
  const orderOf = (l: string): string => csvFields(l)[0]!;
  while (cut > 0 && orderOf(rows[cut]!) === orderOf(rows[cut - 1]!)) cut--;
  const head = join(dir, 'head.csv');
  writeFileSync(head, [lines[0], ...rows.slice(0, cut)].join('\n') + '\n');
  batch = rows.slice(cut).map((l) => uciToInput(csvFields(l)));
  const orderIds = new Set(batch.map((l) => l.order_id));
  assert.ok(!rows.slice(0, cut).some((l) => orderIds.has(orderOf(l))), 'no order of the batch is in the head');
  base = join(dir, 'base');
  const ws = await Workspace.open(base, { threads: 1 });
  try {
    token = (await createApiKey(ws, { name: 'crash', scope: 'admin' })).token;
    await ingestFiles(ws, [head, slice.stock]);
    // forecast once, so that a start has nothing to re-forecast but what a batch changed
    await refreshSkus(ws, slice.skus);
    await closeRefreshWorkers();
    baseLines = (await ws.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM raw_order_lines`)).n;
  } finally {
    ws.close();
  }
  const refDir = copyOfBase('reference');
  const ref = await Workspace.open(refDir, { threads: 1 });
  try {
    const r = await postOrderLines(ref, batch);
    reference = { linesNew: r.lines_new, tables: await cleanTables(ref) };
  } finally {
    ref.close();
  }
  assert.ok(reference.linesNew >= BATCH_LINES * 0.9, `${reference.linesNew} new lines`);
});

after(() => {
  for (const c of running) c.kill('SIGKILL');
  cleanup?.();
});

/** The size of the workspace's write-ahead log (0 when there is none). */
function walBytes(ws: string): number {
  try {
    return statSync(join(ws, 'shop.duckdb.wal')).size;
  } catch {
    return 0;
  }
}

/** Resolves once `f()` has not changed for `quietMs`. */
async function settled(f: () => number, quietMs = 400): Promise<void> {
  let last = f();
  let since = Date.now();
  while (Date.now() - since < quietMs) {
    await new Promise((res) => setTimeout(res, 20));
    const now = f();
    if (now !== last) [last, since] = [now, Date.now()];
  }
}

/**
 * `p`, or `otherwise` if it has not settled within `ms`: a fetch whose server is killed while the request body is still
 * being sent can stay pending with nothing left to settle it (nodejs/node#56917 is the like of it for a response body),
 * and `node --test` then cancels the test ("the event loop has already resolved"). A killed server answers nothing
 * later, so that is no answer.
 */
async function settledOr<T, U>(p: Promise<T>, otherwise: U, ms: number): Promise<T | U> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<U>((res) => (timer = setTimeout(() => res(otherwise), ms)));
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * When the server is killed after the batch is posted: at once, after a delay, or as soon as its write-ahead log
 * grows (the batch's transaction under way).
 */
const KILLS: readonly (number | 'wal')[] = [0, 'wal', 300];

for (const when of KILLS) {
  const delay = when === 'wal' ? 'while the batch is being written (its WAL growing)' : `${when} ms after`;
  test(`SIGKILL ${delay} a batch of ${BATCH_LINES} lines is posted: all in or all out; posted again ≡ once`, async (t) => {
    const ws = copyOfBase(`batch-${when}`);
    let s = await serve(ws);
    await settled(() => walBytes(ws));
    const wal0 = walBytes(ws);
    const posting = postBatch(s).then(
      (r) => r.status,
      () => 'no answer' as const,
    );
    if (when === 'wal') {
      const deadline = Date.now() + 30_000;
      while (walBytes(ws) === wal0 && Date.now() < deadline) await new Promise((res) => setImmediate(res));
      assert.ok(walBytes(ws) !== wal0, 'the WAL grew');
    } else if (when > 0) await new Promise((res) => setTimeout(res, when));
    await kill9(s);
    const answered = await settledOr(posting, 'no answer', 10_000);
    const stored = await batchLinesIn(ws, `batch-${when}-after-kill`);
    t.diagnostic(`answer: ${answered}; batch lines stored: ${stored}`);
    assert.ok(stored === 0 || stored === reference.linesNew, `${stored} of ${reference.linesNew} lines: all or none`);
    if (answered === 200) assert.equal(stored, reference.linesNew, 'an answered batch is stored');

    let t0 = Date.now();
    s = await serve(ws);
    const tStart = Date.now() - t0;
    const sse = await SseClient.open(`${s.url}/events`, { authorization: `Bearer ${token}` });
    assert.equal(sse.status, 200);
    t0 = Date.now();
    const again = await body(postBatch(s));
    const tPost = Date.now() - t0;
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.equal(again.body.lines, batch.length);
    assert.equal(again.body.lines_new, reference.linesNew - stored, 'only what was not stored is new');
    if (again.body.lines_new > 0)
      await sse.waitFor('forecast.updated', (d) => d.batches.includes(again.body.batch_id), 60_000);
    const tRefresh = Date.now() - t0;
    sse.close();
    t0 = Date.now();
    await stop(s);
    t.diagnostic(`restart ${tStart} ms, post ${tPost} ms, refreshed ${tRefresh} ms, stop ${Date.now() - t0} ms`);
    const w = await Workspace.open(ws, { threads: 1 });
    try {
      const tables = await cleanTables(w);
      for (const name of Object.keys(reference.tables))
        assert.deepEqual(tables[name], reference.tables[name], `${name} as after posting the batch once`);
    } finally {
      w.close();
    }
  });
}

test('SIGKILL while a plan job runs: after a restart the job is failed, no plan of it stored; a new plan succeeds', async () => {
  const ws = copyOfBase('plan');
  let s = await serve(ws);
  const sse = await SseClient.open(`${s.url}/events`, { authorization: `Bearer ${token}` });
  const job = await body(call(s, '/plans', { method: 'POST', body: JSON.stringify({ horizon: 28 }) }));
  assert.equal(job.status, 202, JSON.stringify(job.body));
  const id = job.body.job_id as number;
  await sse
    .waitFor('job.progress', (d) => d.job_id === id && d.progress > 0, 60_000)
    .catch((e) => assert.fail(`${String(e)}: ${JSON.stringify(sse.events)}`));
  const running = await body(call(s, `/jobs/${id}`));
  assert.equal(running.body.state, 'running');
  sse.close();
  await kill9(s);

  s = await serve(ws);
  const after = await body(call(s, `/jobs/${id}`));
  assert.equal(after.status, 200);
  assert.equal(after.body.state, 'failed', JSON.stringify(after.body));
  assert.match(after.body.error, /interrupted/);
  assert.ok(after.body.finished_at !== null);
  assert.equal((await call(s, '/plans/latest/orders')).status, 404, 'no plan run was stored');
  assert.ok(!existsSync(join(ws, 'plans', String(id))), "the killed plan's folder is removed");
  const none = await body(call(s, '/jobs?state=running'));
  assert.equal(none.body.total, 0, 'no job left running');

  const next = await body(call(s, '/plans', { method: 'POST', body: JSON.stringify({ horizon: 28 }) }));
  assert.equal(next.status, 202);
  const deadline = Date.now() + 120_000;
  let state = 'queued';
  while (['queued', 'running'].includes(state)) {
    assert.ok(Date.now() < deadline, 'the new plan ends');
    await new Promise((res) => setTimeout(res, 200));
    state = (await body(call(s, `/jobs/${next.body.job_id as number}`))).body.state;
  }
  assert.equal(state, 'done');
  const orders = await body(call(s, '/plans/latest/orders'));
  assert.equal(orders.status, 200);
  assert.ok(orders.body.orders.length > 0);
  await stop(s);
  const w = await Workspace.open(ws, { threads: 1 });
  try {
    const runs = await w.all(`SELECT run_id FROM plan_runs`);
    assert.equal(runs.length, 1, 'only the second plan is stored');
    const fr = await w.all(`SELECT run_id FROM forecast_runs WHERE source = 'plan'`);
    assert.equal(fr.length, 1);
  } finally {
    w.close();
  }
});
