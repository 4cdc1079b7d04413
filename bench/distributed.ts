/**
 * Distributed-mode benchmark (issue #22): the same plan on a synthetic shop single-process (1 and 2 threads) and with
 * `--redis` on 1 and 2 `shopcast worker` processes (one shard at a time each) of a Debian redis-server started here.
 *   npm run bench:distributed [-- --skus 10000] [-- --dir bench/out/scale]
 * The shop is ingested once; every plan reads the same workspace (a copy each), so the runs differ only in where the
 * sharded stages (forecast, life cycle, inventory policy) run. Reports the sharded stages' time, the efficiency against linear
 * (T(1 thread) / (n × T(n workers))), the coordinator's serial share (the stages it runs itself), the per-shard
 * overhead (worker slots' time not spent computing shards), the payload per SKU, checks that forecasts.csv and
 * orders.csv are byte-identical, and projects 10 M SKUs on 100 machines of this size from the measured per-SKU costs.
 * Needs /usr/bin/redis-server (apt-get install redis-server).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { ShardStats } from '../src/worker/index.js';
import { runCli } from './cli-run.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const { values } = parseArgs({
  options: {
    skus: { type: 'string', default: '10000' },
    dir: { type: 'string', default: join(repo, 'bench/out/scale') },
    'memory-limit': { type: 'string', default: '2GB' },
  },
});
const n = Number(values.skus);
const dir = values.dir!;
const REDIS = '/usr/bin/redis-server';
if (!existsSync(REDIS)) {
  console.error(`${REDIS} is missing: apt-get install redis-server`);
  process.exit(1);
}
mkdirSync(dir, { recursive: true });

// the shop (made by synth, as bench:scale does, or reused) ingested once
const shop = join(dir, `shop-${n}`);
if (!existsSync(join(shop, 'order-lines.csv.gz')))
  await runCli(['synth', '--skus', String(n), '--years', '2', '--seed', '1', '--out', shop, '--json']);
const base = join(dir, `dist-ws-${n}`);
rmSync(base, { recursive: true, force: true });
const files = ['order-lines.csv.gz', 'catalog.csv', 'stock.csv'].map((f) => join(shop, f));
const ingest = await runCli([
  'ingest',
  ...files,
  '--workspace',
  base,
  '--memory-limit',
  values['memory-limit']!,
  '--json',
]);

const port = 20000 + Math.floor(Math.random() * 20000);
const url = `redis://127.0.0.1:${port}`;
const redis = spawn(REDIS, ['--port', String(port), '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1'], {
  stdio: 'ignore',
});
await new Promise((r) => setTimeout(r, 500));

interface PlanJson {
  skus: number;
  seconds: Record<string, number>;
  shards?: ShardStats;
}

/** One plan on a copy of the ingested workspace. */
async function plan(name: string, extra: string[]): Promise<{ wall: number; p: PlanJson }> {
  const ws = join(dir, `dist-ws-${n}-${name}`);
  rmSync(ws, { recursive: true, force: true });
  cpSync(base, ws, { recursive: true });
  const r = await runCli([
    'plan',
    '--workspace',
    ws,
    '--out',
    join(dir, `dist-plan-${n}-${name}`),
    '--memory-limit',
    values['memory-limit']!,
    '--json',
    ...extra,
  ]);
  rmSync(ws, { recursive: true, force: true });
  console.log(`${name}: ${r.seconds.toFixed(1)} s ${JSON.stringify((r.report as unknown as PlanJson).seconds)}`);
  return { wall: r.seconds, p: r.report as unknown as PlanJson };
}

const startWorkers = async (k: number): Promise<ChildProcess[]> => {
  const ws = Array.from({ length: k }, () =>
    spawn(process.execPath, [join(repo, 'bin/shopcast'), 'worker', '--redis', url, '--concurrency', '1'], {
      stdio: 'ignore',
    }),
  );
  await new Promise((r) => setTimeout(r, 1500));
  return ws;
};
const stopWorkers = (ws: ChildProcess[]): Promise<unknown> =>
  Promise.all(ws.map((w) => new Promise((r) => (w.once('exit', r), w.kill('SIGTERM')))));

const runs: Record<string, { wall: number; p: PlanJson; workers: number }> = {};
try {
  runs['single, 1 thread'] = { ...(await plan('t1', ['--threads', '1'])), workers: 1 };
  runs['single, 2 threads'] = { ...(await plan('t2', ['--threads', '2'])), workers: 2 };
  for (const k of [1, 2]) {
    const ws = await startWorkers(k);
    try {
      runs[`redis, ${k} worker${k > 1 ? 's' : ''}`] = { ...(await plan(`w${k}`, ['--redis', url])), workers: k };
    } finally {
      await stopWorkers(ws);
    }
  }
} finally {
  redis.kill('SIGTERM');
}

const same = (a: string, b: string, f: string): boolean =>
  readFileSync(join(dir, `dist-plan-${n}-${a}`, f), 'utf8') ===
  readFileSync(join(dir, `dist-plan-${n}-${b}`, f), 'utf8');
const identical = ['t2', 'w1', 'w2'].every((b) => ['forecasts.csv', 'orders.csv'].every((f) => same('t1', b, f)));

// the stages whose per-SKU work is sharded (each also has serial steps of its own: reading, writing, classes)
const sharded = (p: PlanJson): number => p.seconds['forecast']! + p.seconds['lifecycle']! + p.seconds['inventory']!;
const t1 = sharded(runs['single, 1 thread']!.p);
const rows = Object.entries(runs).map(([name, r]) => {
  const s = sharded(r.p);
  const sh = r.p.shards;
  return {
    name,
    total: r.wall,
    sharded: s,
    serial: r.wall - s,
    efficiency: t1 / (r.workers * s),
    serialShare: (r.wall - s) / r.wall,
    shards: sh?.shards ?? null,
    // worker slots' time in the sharded stages not spent computing shards, per shard
    overheadShare: sh === undefined ? null : 1 - sh.workerSeconds / (r.workers * sh.wallSeconds),
    overheadPerShard: sh === undefined ? null : (r.workers * sh.wallSeconds - sh.workerSeconds) / sh.shards,
    // of which: the workers' reading of tasks and writing of results (held, not computing), per shard
    ioPerShard: sh === undefined ? null : (sh.heldSeconds - sh.workerSeconds) / sh.shards,
    // per run of shards: the coordinator's start (the flow added) and end (results read, cleanup)
    startPerRun: sh === undefined ? null : sh.startSeconds / sh.runs,
    endPerRun: sh === undefined ? null : (sh.wallSeconds - sh.startSeconds - sh.computeSeconds) / sh.runs,
    // the runs of shards alone: from adding a flow to holding its results (the stages' own serial steps excluded)
    runsWall: sh === undefined ? null : sh.wallSeconds,
    bytesPerSku: sh === undefined ? null : (sh.bytesOut + sh.bytesIn) / sh.items,
    workerSecondsPerSku: sh === undefined ? null : sh.workerSeconds / sh.items,
  };
});

// projection: 10 M SKUs on 100 machines of this size (2 worker slots each), from the 2-worker run's per-SKU costs
const two = rows.find((r) => r.name === 'redis, 2 workers')!;
const skus = runs['redis, 2 workers']!.p.skus;
const M = 10_000_000;
const slots = 100 * cpus().length;
const shardedCore = runs['redis, 2 workers']!.p.shards!.workerSeconds / skus;
const shardedWall = (M * shardedCore) / slots / Math.min(1, two.efficiency);
// the coordinator's own stages: the ingest and clean, and the plan's stages other than forecast and life cycle
const serialWall = ((ingest.seconds + two.serial) / skus) * M;
const projection = {
  skus: M,
  machines: 100,
  worker_slots: slots,
  sharded_core_seconds_per_sku: shardedCore,
  sharded_hours: shardedWall / 3600,
  coordinator_serial_hours: serialWall / 3600,
  total_hours: (shardedWall + serialWall) / 3600,
};

// 1 → 2 workers on the runs of shards alone, and how much slower a shard computes when both cores work
const one = rows.find((r) => r.name === 'redis, 1 worker')!;
const scaling = {
  runs_efficiency: one.runsWall! / (2 * two.runsWall!),
  worker_ms_per_item: { one: 1000 * one.workerSecondsPerSku!, two: 1000 * two.workerSecondsPerSku! },
};
const result = { skus: n, planned_skus: skus, ingest_seconds: ingest.seconds, identical, rows, scaling, projection };
writeFileSync(join(dir, `distributed-${n}.json`), JSON.stringify(result, null, 2) + '\n');
const f1 = (x: number | null, d = 1): string => (x === null ? '—' : x.toFixed(d));
console.log(`\n${n} SKUs (${skus} planned); forecasts.csv and orders.csv identical in every run: ${identical}\n`);
console.log(
  '| run | total | forecast + life cycle + inventory | efficiency vs linear | serial share | shards | overhead |',
);
console.log('|---|---|---|---|---|---|---|');
for (const r of rows)
  console.log(
    `| ${r.name} | ${f1(r.total)} s | ${f1(r.sharded)} s | ${(100 * r.efficiency).toFixed(0)} % | ` +
      `${(100 * r.serialShare).toFixed(0)} % | ${r.shards ?? '—'} | ` +
      `${r.overheadShare === null ? '—' : `${(100 * r.overheadShare).toFixed(1)} % (${f1(r.overheadPerShard, 2)} s/shard, ${f1(r.ioPerShard, 3)} s of it the task's and result's transfer)`} |`,
  );
for (const r of rows.filter((x) => x.startPerRun !== null))
  console.log(
    `${r.name}: per run of shards, the coordinator's start ${f1(r.startPerRun, 2)} s and end ${f1(r.endPerRun, 2)} s`,
  );
console.log(
  `\nruns of shards alone, 1 → 2 workers: ${(100 * scaling.runs_efficiency).toFixed(0)} % of linear; a shard's ` +
    `worker time per item ${f1(scaling.worker_ms_per_item.one, 2)} ms with one worker, ` +
    `${f1(scaling.worker_ms_per_item.two, 2)} ms with two`,
);
console.log(
  `payload ${f1(two.bytesPerSku! / 1024)} KB per SKU (both ways); ` +
    `${(1000 * shardedCore).toFixed(1)} ms of worker time per SKU`,
);
console.log(
  `10 M SKUs on 100 machines (${slots} slots): sharded stages ${f1(projection.sharded_hours, 2)} h, coordinator's ` +
    `serial stages ${f1(projection.coordinator_serial_hours, 2)} h, total ${f1(projection.total_hours, 2)} h`,
);
