import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { forecastBatch } from '../src/engine/forecast-batch.js';
import { makeBatch } from '../src/engine/series-batch.js';
import { Redis } from 'ioredis';
import { ShardError } from '../src/engine/shards.js';
import { RedisShardRunner, startShardWorker } from '../src/worker/index.js';
import { BIN, SAMPLE, cli, tempDir } from './helpers.js';
import { startRedis, stopProcess } from './redis-server.js';

const STOCK = SAMPLE.replace('order-lines.csv.gz', 'stock.csv');

/** `shopcast worker` as a process of its own; `log()` is what it has written to stderr so far. */
function startWorker(url: string, extra: string[] = []): { p: ChildProcess; log: () => string } {
  const p = spawn(process.execPath, [BIN, 'worker', '--redis', url, '--concurrency', '1', ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  p.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  p.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  return { p, log: () => log };
}

async function until(what: string, ok: () => boolean, seconds = 60): Promise<void> {
  const end = Date.now() + seconds * 1000;
  while (!ok()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * A plan of the sample shop into `dir/out`, single-process or with `--redis`; with a budget, so that the policies'
 * scenario tables travel back from the workers for the budget step.
 */
async function plan(dir: string, out: string, redis?: string): Promise<{ code: number; out: string; err: string }> {
  const ws = join(dir, `ws-${out}`);
  return cli([
    'plan',
    SAMPLE,
    STOCK,
    '--workspace',
    ws,
    '--out',
    join(dir, out),
    '--budget',
    '3000',
    '--json',
    ...(redis ? ['--redis', redis] : []),
  ]);
}

const same = (dir: string, a: string, b: string, file: string): void =>
  assert.equal(
    readFileSync(join(dir, b, file), 'utf8'),
    readFileSync(join(dir, a, file), 'utf8'),
    `${file} of the distributed plan (${b}) differs from the single-process one (${a})`,
  );

test('distributed plan: 2 worker processes on a real Redis give the single-process plan; a worker killed mid-shard changes nothing', async (t) => {
  const redis = await startRedis(t);
  if (redis === undefined) return;
  const { dir, cleanup } = tempDir();
  const workers: ChildProcess[] = [];
  try {
    const single = await plan(dir, 'single');
    assert.equal(single.code, 0, single.err);

    // two workers, each one shard at a time
    const w1 = startWorker(redis.url, ['--stall-seconds', '2']);
    const w2 = startWorker(redis.url, ['--stall-seconds', '2']);
    workers.push(w1.p, w2.p);
    await until(
      'both workers to connect',
      () => w1.log().includes('taking shards') && w2.log().includes('taking shards'),
    );
    const dist = await plan(dir, 'two', redis.url);
    assert.equal(dist.code, 0, dist.err);
    for (const f of ['forecasts.csv', 'orders.csv']) same(dir, 'single', 'two', f);
    const summary = JSON.parse(dist.out) as { shards: { shards: number; runs: number }; models_used: object };
    assert.deepEqual(summary.models_used, (JSON.parse(single.out) as { models_used: object }).models_used);
    assert.equal(summary.shards.runs, 4, 'forecasts, the priors’ stages, the other stages, the stock policies');
    assert.ok(summary.shards.shards >= 6, `${summary.shards.shards} shards`);
    for (const w of [w1, w2])
      assert.match(w.log(), /forecast shard \d+\/\d+ done/, 'both workers took forecast shards');

    // kill -9 of a worker as soon as it holds a shard: the other one takes it over once its lock expires
    const before = w1.log().length;
    const before2 = w2.log().length;
    const killed = plan(dir, 'killed', redis.url);
    await until('worker 1 to start a shard', () => /shard \d+\/\d+ started/.test(w1.log().slice(before)));
    const held = /(\w+) shard (\d+)\/(\d+) started/.exec(w1.log().slice(before))!;
    w1.p.kill('SIGKILL');
    const r = await killed;
    assert.equal(r.code, 0, r.err);
    assert.ok(!/ done/.test(w1.log().slice(before).split(held[0])[1] ?? ''), 'worker 1 died before finishing');
    assert.match(
      w2.log().slice(before2),
      new RegExp(`${held[1]} shard ${held[2]}/${held[3]} done`),
      'worker 2 took the shard over',
    );
    for (const f of ['forecasts.csv', 'orders.csv']) same(dir, 'single', 'killed', f);
  } finally {
    await Promise.all(workers.map((p) => stopProcess(p)));
    await redis.stop();
    cleanup();
  }
});

test('distributed: a shard that fails 3 times fails the run naming its SKUs and error; no worker is a clear error; a cancelled run leaves nothing in Redis', async (t) => {
  const redis = await startRedis(t);
  if (redis === undefined) return;
  const runner = new RedisShardRunner({ url: redis.url });
  try {
    await assert.rejects(
      runner.shardShares('forecast', 100),
      /no shopcast worker is connected to redis:\/\/127\.0\.0\.1/,
    );
    const worker = await startShardWorker({ url: redis.url, concurrency: 1 });
    try {
      const y = Float64Array.from({ length: 60 }, (_, i) => 3 + (i % 7));
      const options = { model: 'theta', h: 7, levels: [0.5, 0.9], seasonLength: 7, nonNegative: true };
      // the first shard is sound; the second asks for a model no worker has: it fails on every try
      const [left, right] = [makeBatch(['A1', 'A2'], [y, y]), makeBatch(['B1', 'B2'], [y, y])];
      const ok = await runner.run<{ mean: Float64Array }>('forecast', [{ batch: left, options }], ['SKUs A1 … A2 (2)']);
      assert.deepEqual(ok[0]!.mean, forecastBatch(left, options).mean, 'a shard’s result is forecastBatch’s');
      const t0 = Date.now();
      await assert.rejects(
        runner.run(
          'forecast',
          [
            { batch: left, options },
            { batch: right, options: { ...options, model: 'no-such-model' } },
          ],
          ['SKUs A1 … A2 (2)', 'SKUs B1 … B2 (2)'],
        ),
        (e: Error) => {
          assert.match(
            e.message,
            /forecast shard 2 of 2 \(SKUs B1 … B2 \(2\)\) failed 3 times: .*unknown model 'no-such-model'/,
          );
          return true;
        },
      );
      assert.ok(Date.now() - t0 < 30_000);
    } finally {
      await worker.close();
    }

    // cancelled as soon as a worker holds the first shard: the run fails as cancelled and leaves nothing in Redis
    const abort = new AbortController();
    const cancelling = new RedisShardRunner({ url: redis.url, signal: abort.signal });
    const w = await startShardWorker({
      url: redis.url,
      concurrency: 1,
      onShard: (e) => e.event === 'started' && abort.abort(),
    });
    try {
      const y = Float64Array.from({ length: 400 }, (_, i) => 3 + (i % 7) + (i % 11));
      const options = { model: 'auto', h: 28, levels: [0.5, 0.9], seasonLength: 7, nonNegative: true };
      const shard = (k: number) => ({ batch: makeBatch([`S${k}`], [y]), options });
      await assert.rejects(
        cancelling.run('forecast', [1, 2, 3, 4].map(shard), ['S1', 'S2', 'S3', 'S4']),
        (e: Error) => e instanceof ShardError && e.cancelled && /the run was cancelled/.test(e.message),
      );
      const keys = await redisKeys(redis.url, 'bull:shopcast-run-*');
      assert.deepEqual(keys, [], 'the cancelled run left no job in Redis');
      const waiting = await redisKeys(redis.url, 'bull:shopcast-shards:wait');
      assert.deepEqual(waiting, [], 'no shard left waiting');
    } finally {
      await w.close();
      await cancelling.close();
    }
  } finally {
    await runner.close();
    await redis.stop();
  }
});

/** The keys matching `pattern` on the Redis server. */
async function redisKeys(url: string, pattern: string): Promise<string[]> {
  const client = new Redis(url);
  try {
    return await client.keys(pattern);
  } finally {
    client.disconnect();
  }
}
