/**
 * The stock policies of a large plan on worker threads (`threadShardRunner`, issue #22): the shards a plan cuts for
 * BullMQ workers, run on this process's threads, give every SKU what the single-thread step gives it.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { BatchForecast } from '../src/engine/forecast-batch.js';
import { ShardError, equalShares, guidedShares, shareRanges } from '../src/engine/shards.js';
import { ingestFiles } from '../src/pipeline/ingest.js';
import { readStep } from '../src/pipeline/plan-steps/read.js';
import { policyStep, policyStepSharded } from '../src/pipeline/plan-steps/steps.js';
import { threadShardRunner } from '../src/pipeline/thread-shards.js';
import { REPO, SAMPLE, withWorkspace } from './helpers.js';

test('stock policies on two worker threads equal the single-thread step, SKU by SKU', async () => {
  await withWorkspace(async (ws) => {
    await ingestFiles(ws, [SAMPLE, join(REPO, 'data/sample-shop/stock.csv')]);
    const inputs = await readStep(ws, undefined, 28);
    const { panel, h } = inputs;
    // a forecast of each SKU's mean daily demand over its last 56 known days (policies read the means only)
    const mean = new Float64Array(panel.ids.length * h);
    panel.clean.forEach((c, i) => {
      const last = Array.from(c.subarray(Math.max(0, c.length - 56))).filter(Number.isFinite);
      mean.fill(last.reduce((a, b) => a + b, 0) / Math.max(1, last.length), i * h, (i + 1) * h);
    });
    const fc: BatchForecast = { h, levels: [], mean, quantiles: new Float64Array(0), models: [], fallbacks: [] };
    const options = { out: 'unused', seed: 7 };
    const one = policyStep(inputs, fc, new Map(), options);
    const runner = threadShardRunner(2);
    try {
      assert.equal((await runner.shardShares('policy', panel.ids.length)).length, 32);
      const two = await policyStepSharded(inputs, fc, new Map(), options, runner);
      assert.ok(one.orders.length > 50, `the sample shop orders for many SKUs (${one.orders.length})`);
      assert.deepEqual(two.orders, one.orders);
      assert.deepEqual(two.perSku, one.perSku);
      assert.deepEqual([two.abc, two.xyz, two.used], [one.abc, one.xyz, one.used]);
      // a task the workers cannot run fails the step with its shard named
      await assert.rejects(
        runner.run('nonsense' as 'policy', [{}], ['SKU X']),
        (e: unknown) =>
          e instanceof ShardError && /nonsense shard 1 of 1 \(SKU X\) failed: shard: unknown kind/.test(e.message),
      );
    } finally {
      await runner.close();
    }
  });
});

test('guided shares: large first, small last, none under the least, every item in exactly one shard', () => {
  for (const [items, slots, least] of [
    [100, 2, 10],
    [9481, 2, 300],
    [9481, 1, 300],
    [100_000, 200, 233],
    [5, 2, 10],
    [7, 3, 1],
  ] as const) {
    const shares = guidedShares(items, slots, least);
    const sizes = shareRanges(items, shares).map(([from, to]) => to - from);
    assert.equal(
      sizes.reduce((a, b) => a + b, 0),
      items,
    );
    assert.ok(Math.abs(shares.reduce((a, b) => a + b, 0) - 1) < 1e-9);
    assert.equal(sizes.length, shares.length, `${items}/${slots}: no share too small for an item`);
    // each shard half of what is left over the slots (or the least), so sizes never grow but for the last
    for (let k = 1; k < sizes.length - 1; k++) assert.ok(sizes[k]! <= sizes[k - 1]!, `${sizes}`);
    if (items >= least) assert.ok(Math.min(...sizes) >= least, `${items}/${slots}: ${sizes}`);
    assert.equal(sizes[0], Math.min(items, Math.max(least, Math.ceil(items / (2 * slots)))));
  }
  assert.deepEqual(shareRanges(10, [0.4, 0.3, 0.3]), [
    [0, 4],
    [4, 7],
    [7, 10],
  ]);
  assert.deepEqual(shareRanges(3, equalShares(5)), [
    [0, 1],
    [1, 2],
    [2, 3],
  ]);
});
