/**
 * Jobs (src/pipeline/jobs.ts) on a few SKUs of the sample shop, with real DuckDB files, worker threads and processes:
 * a plan job stores exactly the rows its plan made (run ids moved past runs the workspace got meanwhile), the merge
 * of the service's tables (forecast runs, sku_state, stock-out alerts), cancel, graceful close, jobs a crash left
 * running, bad parameters, and the ingest job with its rejected rows. Killing a process: jobs-crash.e2e.test.ts.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { InputError } from '../src/data/errors.js';
import { ingestFiles } from '../src/pipeline/ingest.js';
import { planWorkspace } from '../src/pipeline/plan.js';
import { INTERRUPTED, type JobInfo, JobRunner, JobsClosedError, SHUTDOWN } from '../src/pipeline/jobs.js';
import { WriteLock } from '../src/pipeline/write-lock.js';
import { insertJob, markJobRunning } from '../src/store/jobs.js';
import { storePlanRun } from '../src/store/plan-runs.js';
import { exportPlanRows, mergePlanRows, snapshotWorkspace } from '../src/store/snapshot.js';
import { Workspace } from '../src/store/workspace.js';
import { REPO, SAMPLE, withWorkspace, writeText } from './helpers.js';

const STOCK = join(REPO, 'data/sample-shop/stock.csv');

/** The sample shop's order lines of a few SKUs, their whole history. */
function fewSkus(dir: string): string {
  const keep = new Set(['85123A', '22423', '85099B', '47566', '20725', '84879']);
  const lines = gunzipSync(readFileSync(SAMPLE)).toString('utf8').split('\n');
  return writeText(
    dir,
    'few-skus.csv',
    [lines[0]!, ...lines.slice(1).filter((l) => keep.has(l.split(',')[1]!))].join('\n') + '\n',
  );
}

interface Harness {
  runner: JobRunner;
  lock: WriteLock;
  events: { type: string; data: Record<string, unknown> }[];
  /** resolves with the job's `job.finished` event data */
  finished: (id: number) => Promise<Record<string, unknown>>;
  /** calls fn on the first `job.progress` of job `id` with this label */
  onLabel: (id: number, label: string, fn: () => void) => void;
}

async function harness(ws: Workspace): Promise<Harness> {
  const lock = new WriteLock();
  const events: Harness['events'] = [];
  const waiting = new Map<number, (d: Record<string, unknown>) => void>();
  const done = new Map<number, Record<string, unknown>>();
  const watchers: { id: number; label: string; fn: () => void }[] = [];
  const runner = await JobRunner.open(ws, {
    lock,
    threads: 1,
    onEvent: (type, d) => {
      const data = d as Record<string, unknown>;
      events.push({ type, data });
      if (type === 'job.progress') {
        const k = watchers.findIndex((w) => w.id === data['job_id'] && w.label === data['label']);
        if (k >= 0) watchers.splice(k, 1)[0]!.fn();
      }
      if (type === 'job.finished') {
        done.set(data['job_id'] as number, data);
        waiting.get(data['job_id'] as number)?.(data);
      }
    },
  });
  return {
    runner,
    lock,
    events,
    finished: (id) => new Promise((resolve) => (done.has(id) ? resolve(done.get(id)!) : waiting.set(id, resolve))),
    onLabel: (id, label, fn) => watchers.push({ id, label, fn }),
  };
}

async function counts(ws: Workspace): Promise<Record<string, number>> {
  const tables = ['plan_runs', 'plan_orders', 'plan_forecasts', 'lifecycle_runs', 'lifecycle_stages'];
  const out: Record<string, number> = {};
  for (const t of tables) out[t] = (await ws.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${t}`)).n;
  return out;
}

async function fewSkuWorkspace(ws: Workspace, dir: string): Promise<void> {
  await ingestFiles(ws, [fewSkus(dir), STOCK]);
}

test('a plan job plans on a snapshot in its own process and stores exactly its rows', { timeout: 120_000 }, () =>
  withWorkspace(async (ws, dir) => {
    await fewSkuWorkspace(ws, dir);
    const h = await harness(ws);
    try {
      const job = await h.runner.submit('plan', { horizon: 28, currency: 'GBP' }, 'tester');
      assert.equal(job.kind, 'plan');
      assert.equal(job.created_by, 'tester');
      assert.deepEqual(job.params, { horizon: 28, currency: 'GBP' });
      const end = await h.finished(job.job_id);
      assert.equal(end['state'], 'done', String(end['error']));
      const info = (await h.runner.get(job.job_id))!;
      assert.equal(info.state, 'done');
      assert.equal(info.progress, 1);
      assert.ok(info.started_at !== null && info.finished_at !== null);
      const r = info.result as {
        run_id: number;
        skus: number;
        stored: Record<string, number>;
        out: { orders: string };
      };
      assert.equal(r.run_id, 1);
      assert.ok(r.skus > 0);
      const c = await counts(ws);
      assert.equal(c['plan_runs'], 1);
      assert.equal(c['plan_orders'], r.stored['plan_orders']);
      assert.equal(c['plan_forecasts'], r.stored['plan_forecasts']);
      assert.equal(c['lifecycle_stages'], r.stored['lifecycle_stages']);
      // the plan's files, in plans/<job id>/; the snapshot gone
      assert.equal(r.out.orders, join(ws.dir, 'plans', String(job.job_id), 'orders.csv'));
      assert.equal(readFileSync(r.out.orders, 'utf8').trim().split('\n').length, c['plan_orders']! + 1);
      assert.equal(existsSync(join(ws.dir, 'jobs', String(job.job_id))), false);
      // progress: in order within [0, 1], through the plan's steps; then job.finished and plan.finished
      const progress = h.events.filter((e) => e.type === 'job.progress' && e.data['job_id'] === job.job_id);
      assert.ok(progress.some((e) => e.data['label'] === 'forecasting'));
      const values = progress.map((e) => e.data['progress'] as number);
      assert.ok(
        values.every((v, i) => v >= 0 && v <= 1 && (i === 0 || v >= values[i - 1]!)),
        values.join(' '),
      );
      const plan = h.events.find((e) => e.type === 'plan.finished');
      // the plan's stock-out alerts, as stored in the workspace
      const open = await ws.all<{ id: number }>('SELECT alert_id::INTEGER AS id FROM alerts ORDER BY 1');
      const data = plan?.data as { alerts_raised: number[] } | undefined;
      assert.deepEqual(
        { ...plan?.data, alerts_raised: [...(data?.alerts_raised ?? [])].sort((a, b) => a - b) },
        { job_id: job.job_id, run_id: 1, alerts_raised: open.map((r) => r.id) },
      );
      // the same plan made in this thread on the workspace itself (run 2) has the same orders and forecasts
      await h.lock.run(() => planWorkspace(ws, { horizon: 28, currency: 'GBP', out: join(dir, 'direct'), threads: 1 }));
      for (const t of ['plan_orders', 'plan_forecasts']) {
        const diff = await ws.all(`SELECT count(*)::INTEGER AS n FROM (
          (SELECT * EXCLUDE (run_id) FROM ${t} WHERE run_id = 1 EXCEPT ALL SELECT * EXCLUDE (run_id) FROM ${t} WHERE run_id = 2)
          UNION ALL
          (SELECT * EXCLUDE (run_id) FROM ${t} WHERE run_id = 2 EXCEPT ALL SELECT * EXCLUDE (run_id) FROM ${t} WHERE run_id = 1))`);
        assert.deepEqual(diff, [{ n: 0 }], t);
      }
      assert.equal(readFileSync(join(dir, 'direct', 'orders.csv'), 'utf8'), readFileSync(r.out.orders, 'utf8'));
    } finally {
      await h.runner.close();
    }
  }),
);

test('a plan stored after the workspace got a run of its own gets the next run id', { timeout: 120_000 }, () =>
  withWorkspace(async (ws, dir) => {
    await fewSkuWorkspace(ws, dir);
    const h = await harness(ws);
    try {
      const job = await h.runner.submit('plan', {}, null);
      // once the worker plans on the snapshot, the workspace stores a plan run of its own: run 1
      h.onLabel(job.job_id, 'forecasting', () => {
        void h.lock.run(() =>
          storePlanRun(ws, {
            asOf: '2011-11-04',
            horizon: 7,
            model: 'naive',
            serviceLevel: null,
            budget: null,
            scenarios: null,
            seed: null,
            fullLots: null,
            assumptions: [],
            orders: [],
            forecasts: [],
          }),
        );
      });
      const end = await h.finished(job.job_id);
      assert.equal(end['state'], 'done', String(end['error']));
      const r = end['result'] as { run_id: number; stored: Record<string, number> };
      assert.equal(r.run_id, 2, 'the plan was run 1 in its snapshot');
      assert.ok(r.stored['plan_orders']! > 0);
      const runs = await ws.all<{ run_id: number; model: string; orders: number }>(
        `SELECT run_id, model, (SELECT count(*)::INTEGER FROM plan_orders o WHERE o.run_id = r.run_id) AS orders
         FROM plan_runs r ORDER BY run_id`,
      );
      assert.deepEqual(runs, [
        { run_id: 1, model: 'naive', orders: 0 },
        { run_id: 2, model: 'auto', orders: r.stored['plan_orders'] },
      ]);
    } finally {
      await h.runner.close();
    }
  }),
);

test('the merge moves forecast runs past live ones, keeps newer sku_state rows and follows the plan’s alerts', () =>
  withWorkspace(async (ws, dir) => {
    const q = (text: string): Promise<void> => ws.run(text);
    await q(
      `INSERT INTO forecast_runs VALUES (1, now()::TIMESTAMP, DATE '2024-03-01', 'ets', 'champion', 'live', NULL, 3)`,
    );
    for (const sku of ['A', 'B', 'C'])
      await q(`INSERT INTO sku_state (sku, updated_at, forecast_run_id, days_of_stock)
        VALUES ('${sku}', TIMESTAMP '2024-03-01 10:00:00', 1, 5)`);
    await q(`INSERT INTO alerts VALUES (1, now()::TIMESTAMP, 'A', 'stockout', 'warning', 'A low', NULL,
      now()::TIMESTAMP, 'ann', NULL), (2, now()::TIMESTAMP, 'C', 'stockout', 'warning', 'C low', NULL, NULL, NULL, NULL)`);
    const baseline = await snapshotWorkspace(ws, join(dir, 'snap'));
    assert.deepEqual(baseline.runs, { plan: 0, lifecycle: 0, forecast: 1 });

    // the plan, on the snapshot: plan run 1, forecast run 2 for A–D, sku_state for A–D, A critical, C fine, B and D low
    const snap = await Workspace.open(join(dir, 'snap'), { threads: 1, mustExist: true });
    const s = (text: string): Promise<void> => snap.run(text);
    await s(`INSERT INTO plan_runs (run_id, created_at, as_of, horizon_days, model)
      VALUES (1, now()::TIMESTAMP, DATE '2024-03-02', 28, 'auto')`);
    await s(
      `INSERT INTO forecast_runs VALUES (2, now()::TIMESTAMP, DATE '2024-03-02', 'auto', 'champion', 'plan', 1, 4)`,
    );
    for (const sku of ['A', 'B', 'C', 'D']) {
      await s(
        `INSERT INTO forecast_values (run_id, sku, step, date, mean) VALUES (2, '${sku}', 1, DATE '2024-03-03', 1)`,
      );
      await s(`INSERT OR REPLACE INTO sku_state (sku, updated_at, plan_run_id, forecast_run_id, days_of_stock)
        VALUES ('${sku}', now()::TIMESTAMP, 1, 2, 9)`);
    }
    await s(`UPDATE alerts SET severity = 'critical', message = 'A out' WHERE alert_id = 1`);
    await s(`UPDATE alerts SET cleared_at = now()::TIMESTAMP WHERE alert_id = 2`);
    await s(`INSERT INTO alerts VALUES (3, now()::TIMESTAMP, 'B', 'stockout', 'warning', 'B low', NULL, NULL, NULL, NULL),
      (4, now()::TIMESTAMP, 'D', 'stockout', 'warning', 'D low', '{"days":2}', NULL, NULL, NULL)`);
    const exported = await exportPlanRows(snap, baseline, join(dir, 'rows'));
    snap.close();
    assert.equal(exported['forecast_values'], 4);
    assert.equal(exported['sku_state'], 4);

    // meanwhile the workspace re-forecast B live: forecast run 2, B's state newer than the snapshot
    await q(
      `INSERT INTO forecast_runs VALUES (2, now()::TIMESTAMP, DATE '2024-03-02', 'ets', 'champion', 'live', NULL, 1)`,
    );
    await q(
      `UPDATE sku_state SET updated_at = now()::TIMESTAMP, forecast_run_id = 2, days_of_stock = 7 WHERE sku = 'B'`,
    );

    const merged = await mergePlanRows(ws, baseline, join(dir, 'rows'));
    assert.deepEqual(merged.offsets, { plan: 0, lifecycle: 0, forecast: 1 });
    const runs = await ws.all(`SELECT run_id, source, plan_run_id FROM forecast_runs ORDER BY run_id`);
    assert.deepEqual(runs, [
      { run_id: 1, source: 'live', plan_run_id: null },
      { run_id: 2, source: 'live', plan_run_id: null },
      { run_id: 3, source: 'plan', plan_run_id: 1 },
    ]);
    const values = await ws.all(`SELECT DISTINCT run_id FROM forecast_values`);
    assert.deepEqual(values, [{ run_id: 3 }]);
    const states = await ws.all(`SELECT sku, plan_run_id, forecast_run_id, days_of_stock FROM sku_state ORDER BY sku`);
    assert.deepEqual(states, [
      { sku: 'A', plan_run_id: 1, forecast_run_id: 3, days_of_stock: 9 },
      { sku: 'B', plan_run_id: null, forecast_run_id: 2, days_of_stock: 7 },
      { sku: 'C', plan_run_id: 1, forecast_run_id: 3, days_of_stock: 9 },
      { sku: 'D', plan_run_id: 1, forecast_run_id: 3, days_of_stock: 9 },
    ]);
    const alerts = await ws.all(
      `SELECT alert_id, sku, severity, message, data, acknowledged_by, cleared_at IS NOT NULL AS cleared
       FROM alerts ORDER BY alert_id`,
    );
    assert.deepEqual(alerts, [
      {
        alert_id: 1,
        sku: 'A',
        severity: 'critical',
        message: 'A out',
        data: null,
        acknowledged_by: null,
        cleared: false,
      },
      {
        alert_id: 2,
        sku: 'C',
        severity: 'warning',
        message: 'C low',
        data: null,
        acknowledged_by: null,
        cleared: true,
      },
      {
        alert_id: 3,
        sku: 'D',
        severity: 'warning',
        message: 'D low',
        data: '{"days":2}',
        acknowledged_by: null,
        cleared: false,
      },
    ]);
    assert.deepEqual(merged.alerts_raised, [1, 3]);
    assert.equal(merged.rows['sku_state'], 3);
  }));

test('cancel: a queued job at once, a running plan stopped with nothing stored', { timeout: 120_000 }, () =>
  withWorkspace(async (ws, dir) => {
    await fewSkuWorkspace(ws, dir);
    const h = await harness(ws);
    try {
      const before = await counts(ws);
      const a = await h.runner.submit('plan', {}, null);
      const b = await h.runner.submit('plan', {}, null);
      const cb = await h.runner.cancel(b.job_id, 'bob');
      assert.equal(cb?.state, 'cancelled');
      assert.equal(cb?.error, 'cancelled by bob before it started');
      const cancelled = new Promise<JobInfo | null>((resolve) =>
        h.onLabel(a.job_id, 'forecasting', () => resolve(h.runner.cancel(a.job_id, 'ann'))),
      );
      const ca = await cancelled;
      assert.equal(ca?.state, 'cancelled');
      assert.equal(ca?.error, 'cancelled by ann; nothing of it was stored');
      assert.deepEqual(await counts(ws), before);
      assert.equal(existsSync(join(ws.dir, 'jobs', String(a.job_id))), false);
      assert.equal(existsSync(join(ws.dir, 'plans', String(a.job_id))), false);
      assert.deepEqual(
        readdirSync(join(ws.dir, 'plans')).filter((n) => n.startsWith('.')),
        [],
        'no temporary plan folder left',
      );
      assert.equal((await h.runner.cancel(a.job_id, 'ann'))?.state, 'cancelled', 'an ended job stays as it was');
      assert.equal(await h.runner.cancel(99, 'ann'), null);
      // stopped while DuckDB works in the plan's process (exporting its rows): this process goes on, nothing stored
      const e = await h.runner.submit('plan', {}, null);
      const stopped = new Promise<JobInfo | null>((resolve) =>
        h.onLabel(e.job_id, 'exporting', () => resolve(h.runner.cancel(e.job_id, null))),
      );
      assert.equal((await stopped)?.error, 'cancelled; nothing of it was stored');
      assert.deepEqual(await counts(ws), before);
      // the runner goes on: the next job runs
      const c = await h.runner.submit('plan', { horizon: 14 }, null);
      assert.equal((await h.finished(c.job_id))['state'], 'done');
      assert.equal((await counts(ws))['plan_runs'], 1);
    } finally {
      await h.runner.close();
    }
  }),
);

test('close stops a running plan after its timeout and fails it and the queued ones', { timeout: 120_000 }, () =>
  withWorkspace(async (ws, dir) => {
    await fewSkuWorkspace(ws, dir);
    const h = await harness(ws);
    const a = await h.runner.submit('plan', {}, null);
    const b = await h.runner.submit('plan', {}, null);
    await new Promise<void>((resolve) => h.onLabel(a.job_id, 'forecasting', resolve));
    await h.runner.close({ timeoutMs: 0 });
    const reader = await ws.connect();
    try {
      const rows = await reader.all<{ job_id: number; state: string; error: string }>(
        'SELECT job_id, state, error FROM jobs ORDER BY job_id',
      );
      assert.deepEqual(rows, [
        { job_id: a.job_id, state: 'failed', error: SHUTDOWN },
        { job_id: b.job_id, state: 'failed', error: `${SHUTDOWN} (it had not started)` },
      ]);
      assert.equal((await counts(reader))['plan_runs'], 0);
    } finally {
      reader.close();
    }
    await assert.rejects(h.runner.submit('plan', {}, null), JobsClosedError);
  }),
);

test('opening the runner fails the jobs a stopped process left queued or running and removes their files', () =>
  withWorkspace(async (ws) => {
    const running = await insertJob(ws, 'plan', {}, 'ann');
    await markJobRunning(ws, running.job_id);
    const queued = await insertJob(ws, 'ingest', { paths: ['x.csv'] }, null);
    for (const d of [`jobs/${running.job_id}`, `plans/${running.job_id}`, `plans/.${running.job_id}.tmp-abc`]) {
      mkdirSync(join(ws.dir, d), { recursive: true });
      writeFileSync(join(ws.dir, d, 'shop.duckdb'), 'half');
    }
    const h = await harness(ws);
    try {
      const r = await h.runner.get(running.job_id);
      assert.equal(r?.state, 'failed');
      assert.equal(r?.error, INTERRUPTED.plan);
      assert.equal((await h.runner.get(queued.job_id))?.error, INTERRUPTED.ingest);
      assert.deepEqual(readdirSync(join(ws.dir, 'plans')), []);
      assert.equal(existsSync(join(ws.dir, 'jobs')), false);
      assert.deepEqual(
        h.events.map((e) => [e.type, e.data['job_id'], e.data['state']]),
        [
          ['job.finished', running.job_id, 'failed'],
          ['job.finished', queued.job_id, 'failed'],
        ],
      );
      const list = await h.runner.list({ state: 'failed' });
      assert.equal(list.total, 2);
      assert.deepEqual(
        list.jobs.map((j) => j.job_id),
        [queued.job_id, running.job_id],
      );
      assert.equal((await h.runner.list({ state: 'running' })).total, 0);
      assert.deepEqual((await h.runner.list({ limit: -5, offset: Number.NaN })).jobs, []);
      assert.equal((await h.runner.list({ limit: 1, offset: 1 })).jobs[0]?.job_id, running.job_id);
    } finally {
      await h.runner.close();
    }
  }));

test('bad job parameters are an InputError naming the field, and nothing is queued', () =>
  withWorkspace(async (ws) => {
    const h = await harness(ws);
    try {
      const cases: [Parameters<JobRunner['submit']>[0], unknown, string][] = [
        ['plan', { horizon: '28' }, 'horizon'],
        ['plan', { horizon: 2.5 }, 'horizon'],
        ['plan', { serviceLevel: 1.5 }, 'serviceLevel'],
        ['plan', { model: 'nonsense' }, 'model'],
        ['plan', { asOf: "2024-01-01'; DROP TABLE jobs; --" }, 'asOf'],
        ['plan', { out: '/etc' }, 'out'],
        ['ingest', { paths: [] }, 'paths'],
        ['ingest', { paths: ['a.csv'], dateOrder: 'ymd' }, 'dateOrder'],
        ['ingest', { paths: ['a.csv'], encoding: 'utf-16' }, 'encoding'],
        ['nonsense' as 'plan', {}, 'kind'],
      ];
      for (const [kind, params, field] of cases)
        await assert.rejects(
          h.runner.submit(kind, params, null),
          (e: unknown) => e instanceof InputError && e.field === field,
          `${kind} ${JSON.stringify(params)}`,
        );
      assert.equal((await h.runner.list()).total, 0);
    } finally {
      await h.runner.close();
    }
  }));

test('an ingest job stores the files, keeps rejected rows with file, line and reason, and reports them', () =>
  withWorkspace(async (ws, dir) => {
    const h = await harness(ws);
    try {
      const orders = writeText(
        dir,
        'orders.csv',
        'order_id,ordered_at,sku,quantity,unit_price\n' +
          'o1,2024-01-02 10:00,A,2,3.5\no2,2024-01-03 11:00,B,1,2\no3,not a date,A,1,3.5\no4,2024-01-04 09:00,A,3,3.5\n',
      );
      const job = await h.runner.submit('ingest', { paths: [orders], stockDate: '2024-01-04' }, 'ann');
      const end = await h.finished(job.job_id);
      assert.equal(end['state'], 'done', String(end['error']));
      const report = end['result'] as { rows_read: number; rows_loaded: number; rows_rejected: number };
      assert.deepEqual([report.rows_read, report.rows_loaded, report.rows_rejected], [4, 3, 1]);
      const rejected = await ws.all<{ path: string; line: number; reason: string }>(
        'SELECT path, line::INTEGER AS line, reason FROM rejected_rows',
      );
      assert.equal(rejected.length, 1);
      assert.equal(rejected[0]!.path, orders);
      assert.equal(rejected[0]!.line, 4);
      assert.match(rejected[0]!.reason, /ordered_at/);
      assert.equal((await ws.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM raw_order_lines')).n, 3);
      assert.equal(existsSync(join(ws.dir, 'jobs', String(job.job_id))), false);
      // cancelled while its file is read: nothing stored
      const more = writeText(
        dir,
        'more.csv',
        'order_id,ordered_at,sku,quantity,unit_price\no9,2024-01-05 10:00,C,1,2\n',
      );
      const next = await h.runner.submit('ingest', { paths: [more] }, null);
      const cancelled = new Promise<JobInfo | null>((resolve) =>
        h.onLabel(next.job_id, `reading ${more}`, () => resolve(h.runner.cancel(next.job_id, 'ann'))),
      );
      assert.equal((await cancelled)?.state, 'cancelled');
      assert.equal((await ws.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM raw_order_lines')).n, 3);
      assert.equal(existsSync(join(ws.dir, 'jobs', String(next.job_id))), false);
      // a file that cannot be read: the job fails with ingestFiles' own words, nothing stored
      const bad = await h.runner.submit('ingest', { paths: [join(dir, 'missing.csv')] }, null);
      const badEnd = await h.finished(bad.job_id);
      assert.equal(badEnd['state'], 'failed');
      assert.match(String(badEnd['error']), /missing\.csv: cannot read: no such file/);
      assert.equal((await ws.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM raw_order_lines')).n, 3);
    } finally {
      await h.runner.close();
    }
  }));
