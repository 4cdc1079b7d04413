/**
 * Crash safety of jobs: a process running a plan job is killed with SIGKILL while the plan's own process plans, and while the plan's
 * rows are being stored (inside the transaction, before its commit); an ingest job is killed while its rows are being
 * loaded. After each, the workspace reopened: the job is failed (JobRunner.open), nothing of the plan is stored, the
 * snapshot and the plan's folder are gone, the ingest's rows are all in or all out; submitting again succeeds.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { ensureCleanTables } from '../src/store/clean.js';
import { ingestFiles } from '../src/pipeline/ingest.js';
import { INTERRUPTED, JobRunner } from '../src/pipeline/jobs.js';
import { WriteLock } from '../src/pipeline/write-lock.js';
import { Workspace } from '../src/store/workspace.js';
import { REPO, SAMPLE, tempDir, writeText } from './helpers.js';

const CHILD = join(REPO, 'dist/test/jobs-crash-child.js');
const STOCK = join(REPO, 'data/sample-shop/stock.csv');
const TABLES = [
  'plan_runs',
  'plan_orders',
  'plan_forecasts',
  'lifecycle_runs',
  'lifecycle_stages',
  'lifecycle_alerts',
  'forecast_runs',
  'forecast_skus',
  'forecast_values',
  'sku_state',
  'alerts',
  'raw_order_lines',
  'files',
  'rejected_rows',
];

/** The sample shop's order lines of its first `n` SKUs. */
function someSkus(dir: string, n: number): string {
  const lines = gunzipSync(readFileSync(SAMPLE)).toString('utf8').split('\n');
  const skus = [...new Set(lines.slice(1).map((l) => l.split(',')[1]!))].slice(0, n);
  const keep = new Set(skus);
  return writeText(
    dir,
    `skus-${n}.csv`,
    [lines[0]!, ...lines.slice(1).filter((l) => keep.has(l.split(',')[1]!))].join('\n') + '\n',
  );
}

async function counts(ws: Workspace): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of TABLES) out[t] = (await ws.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${t}`)).n;
  return out;
}

/**
 * Runs the child on the workspace and kills it (SIGKILL) once `when` is true of an event it printed; resolves with
 * the job id and what `atKill` saw just before the kill.
 */
function runAndKill<T>(
  args: string[],
  when: (e: { type: string; data: Record<string, unknown> | null }) => boolean,
  atKill: (jobId: number) => T,
): Promise<{ jobId: number; seen: T }> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [CHILD, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TZ: 'UTC' },
    });
    let jobId = -1;
    let seen: T | undefined;
    let err = '';
    child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const e = JSON.parse(line) as { type: string; data: Record<string, unknown> | null };
      if (e.type === 'submitted' || e.type === 'job.progress') jobId = e.data!['job_id'] as number;
      if (seen === undefined && when(e)) {
        seen = atKill(jobId);
        child.kill('SIGKILL');
      }
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL' && seen !== undefined) resolve({ jobId, seen });
      else reject(new Error(`child ended (${code ?? signal}) before it was killed: ${err}`));
    });
  });
}

/** Reopens the workspace with a job runner; `fn` gets both, and a way to wait for a job's end. */
async function reopen(
  dir: string,
  fn: (ws: Workspace, jobs: JobRunner, finished: (id: number) => Promise<Record<string, unknown>>) => Promise<void>,
): Promise<void> {
  const ws = await Workspace.open(dir, { threads: 1, mustExist: true });
  await ensureCleanTables(ws);
  const ends = new Map<number, (d: Record<string, unknown>) => void>();
  const jobs = await JobRunner.open(ws, {
    lock: new WriteLock(),
    threads: 1,
    onEvent: (type, d) => {
      const data = d as Record<string, unknown>;
      if (type === 'job.finished') ends.get(data['job_id'] as number)?.(data);
    },
  });
  try {
    await fn(ws, jobs, (id) => new Promise((r) => ends.set(id, r)));
  } finally {
    await jobs.close();
    ws.close();
  }
}

test(
  'kill -9 during a plan job and during its storing: nothing stored, job failed, plan again works',
  { timeout: 300_000 },
  async () => {
    const { dir: tmp, cleanup } = tempDir();
    try {
      const dir = join(tmp, 'ws');
      const ws = await Workspace.open(dir, { threads: 1 });
      await ingestFiles(ws, [someSkus(tmp, 12), STOCK]);
      const before = await counts(ws);
      ws.close();

      // 1. killed while the worker plans on the snapshot
      const planning = await runAndKill(
        [dir, 'plan'],
        (e) => e.type === 'job.progress' && e.data!['label'] === 'forecasting',
        (id) => existsSync(join(dir, 'jobs', String(id), 'shop.duckdb')),
      );
      assert.equal(planning.seen, true, 'the snapshot existed when the process was killed');
      await reopen(dir, async (ws2, jobs) => {
        const job = await jobs.get(planning.jobId);
        assert.equal(job?.state, 'failed');
        assert.equal(job?.error, INTERRUPTED.plan);
        assert.deepEqual(await counts(ws2), before);
        assert.equal(existsSync(join(dir, 'jobs')), false, 'the snapshot is removed');
        assert.deepEqual(readdirSync(join(dir, 'plans')), [], 'no plan folder, no temporary folder');
      });

      // 2. killed inside the storing transaction, before its commit: the plan's files were written, its rows not committed
      const storing = await runAndKill(
        [dir, 'merge'],
        (e) => e.type === 'merging',
        (id) => existsSync(join(dir, 'plans', String(id), 'orders.csv')),
      );
      assert.equal(storing.seen, true, 'the plan had been made when the process was killed');
      await reopen(dir, async (ws2, jobs, finished) => {
        const job = await jobs.get(storing.jobId);
        assert.equal(job?.state, 'failed');
        assert.equal(job?.error, INTERRUPTED.plan);
        assert.deepEqual(await counts(ws2), before);
        assert.equal(existsSync(join(dir, 'plans', String(storing.jobId))), false);
        assert.equal((await jobs.list({ state: 'running' })).total, 0);

        // 3. the plan submitted again is stored
        const again = await jobs.submit('plan', {}, null);
        const end = await finished(again.job_id);
        assert.equal(end['state'], 'done', String(end['error']));
        const after = await counts(ws2);
        assert.equal(after['plan_runs'], before['plan_runs']! + 1);
        const stored = (end['result'] as { stored: Record<string, number> }).stored;
        for (const t of ['plan_orders', 'plan_forecasts', 'lifecycle_stages'])
          assert.equal(after[t], before[t]! + stored[t]!, t);
        assert.ok(existsSync(join(dir, 'plans', String(again.job_id), 'orders.csv')));
        // the killed jobs' plan processes went with their parent: none of them wrote a folder since
        assert.deepEqual(readdirSync(join(dir, 'plans')), [String(again.job_id)]);
      });
    } finally {
      cleanup();
    }
  },
);

test(
  'kill -9 during an ingest job: its rows are all in or all out, and ingesting again gives one ingest’s state',
  { timeout: 300_000 },
  async () => {
    const { dir: tmp, cleanup } = tempDir();
    try {
      const file = someSkus(tmp, 40);
      // the reference: the file ingested once, undisturbed
      const ref = await Workspace.open(join(tmp, 'ref'), { threads: 1 });
      await ingestFiles(ref, [file]);
      const expected = await counts(ref);
      const demand = await ref.all(`SELECT sku, date::VARCHAR AS date, units FROM daily_demand ORDER BY sku, date`);
      ref.close();

      const dir = join(tmp, 'ws');
      (await Workspace.open(dir, { threads: 1 })).close();
      const killed = await runAndKill(
        [dir, 'ingest', file],
        (e) => e.type === 'job.progress' && String(e.data!['label']).startsWith('cleaning'),
        () => null,
      );
      await reopen(dir, async (ws, jobs, finished) => {
        const job = await jobs.get(killed.jobId);
        assert.equal(job?.state, 'failed');
        assert.equal(job?.error, INTERRUPTED.ingest);
        const c = await counts(ws);
        assert.ok(
          c['raw_order_lines'] === 0 || c['raw_order_lines'] === expected['raw_order_lines'],
          `raw rows all in or all out, got ${c['raw_order_lines']}`,
        );
        const again = await jobs.submit('ingest', { paths: [file] }, null);
        const end = await finished(again.job_id);
        assert.equal(end['state'], 'done', String(end['error']));
        const after = await counts(ws);
        assert.equal(after['raw_order_lines'], expected['raw_order_lines']);
        assert.deepEqual(
          await ws.all(`SELECT sku, date::VARCHAR AS date, units FROM daily_demand ORDER BY sku, date`),
          demand,
        );
      });
    } finally {
      cleanup();
    }
  },
);
