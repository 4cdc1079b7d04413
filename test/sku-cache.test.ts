import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SkuCache } from '../src/server/sku-cache.js';
import { acceptsGzip } from '../src/server/routes/skus.js';

const answer = (sku: string, variant: string, n: number): string => `${sku}/${variant}/${n}`;

/** A cache with a counter of computed answers and a getter that computes version `n` on a miss. */
function counted(sliceSize = 8) {
  const cache = new SkuCache<string>(20_000, sliceSize);
  const state = { computed: 0 };
  const get = (sku: string, variant: string, n: number): Promise<string> =>
    cache.get(sku, variant, async () => {
      state.computed++;
      return answer(sku, variant, n);
    });
  return { cache, state, get };
}

test('a refresh computes anew, per variant and a slice at a time, only the answers the cache held', async () => {
  const { cache, state, get } = counted(2);
  for (const s of ['A', 'B', 'C']) await get(s, '365', 1);
  await get('A', '30', 1);
  assert.equal(state.computed, 4);
  const calls: string[] = [];
  await cache.refresh(['A', 'B', 'C', 'D'], async (skus, variant) => {
    calls.push(`${variant}:${skus.join(',')}`);
    return new Map(skus.map((s) => [s, answer(s, variant, 2)]));
  });
  // two SKUs per call; D had no answer
  assert.deepEqual(calls.sort(), ['30:A', '365:A,B', '365:C']);
  assert.equal(await get('A', '365', 9), 'A/365/2');
  assert.equal(await get('A', '30', 9), 'A/30/2');
  assert.equal(await get('C', '365', 9), 'C/365/2');
  assert.equal(state.computed, 4, 'refreshed answers are hits');
  assert.equal(await get('D', '365', 9), 'D/365/9');
  assert.equal(state.computed, 5);
});

test("while a SKU's answer is refreshed its previous one is served, and none outlives a later change", async () => {
  const { cache, state, get } = counted(1);
  for (const s of ['A', 'B', 'C']) await get(s, '365', 1);
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const seen: string[] = [];
  const refreshing = cache.refresh(['A', 'B', 'C'], async (skus, variant) => {
    seen.push(skus[0]!);
    if (skus[0] === 'A') await gate;
    // B changes again while its new answer is computed
    if (skus[0] === 'B') cache.invalidate(['B']);
    return new Map(skus.map((s) => [s, answer(s, variant, 2)]));
  });
  // A's new answer is being computed: reads get the previous answers, and compute nothing
  assert.equal(await get('A', '365', 9), 'A/365/1');
  assert.equal(await get('B', '365', 9), 'B/365/1');
  assert.equal(cache.previousHits, 2);
  assert.equal(state.computed, 3);
  // C changes (a plan, an order decision) before its turn: its previous answer goes at once
  cache.invalidate(['C']);
  assert.equal(await get('C', '365', 3), 'C/365/3');
  assert.equal(state.computed, 4);
  release();
  await refreshing;
  assert.deepEqual(seen, ['A', 'B', 'C']);
  assert.equal(await get('A', '365', 9), 'A/365/2');
  // C's turn came after its change: its new answer counts
  assert.equal(await get('C', '365', 9), 'C/365/2');
  assert.equal(state.computed, 4);
  // B's was computed before its second change: not kept, and its previous answer is not served either
  assert.equal(await get('B', '365', 4), 'B/365/4');
  assert.equal(state.computed, 5);
});

test('a failed refresh serves no previous answer afterwards', async () => {
  const { cache, state, get } = counted();
  await get('A', '365', 1);
  await assert.rejects(
    cache.refresh(['A'], async () => {
      throw new Error('the reader failed');
    }),
    /the reader failed/,
  );
  assert.equal(await get('A', '365', 2), 'A/365/2');
  assert.equal(state.computed, 2);
});

test('reads of one answer not cached share its computation', async () => {
  const { state, get } = counted();
  const answers = await Promise.all([get('A', '365', 1), get('A', '365', 2), get('A', '30', 3)]);
  assert.deepEqual(answers, ['A/365/1', 'A/365/1', 'A/30/3']);
  assert.equal(state.computed, 2);
});

test('gzip is taken when the Accept-Encoding header lists it, or *, with a quality above 0', () => {
  assert.equal(acceptsGzip(undefined), false);
  assert.equal(acceptsGzip(''), false);
  assert.equal(acceptsGzip('gzip'), true);
  assert.equal(acceptsGzip('gzip, deflate, br'), true);
  assert.equal(acceptsGzip('br;q=1.0, GZIP;q=0.5'), true);
  assert.equal(acceptsGzip('gzip;q=0'), false);
  assert.equal(acceptsGzip('identity'), false);
  assert.equal(acceptsGzip('*'), true);
  assert.equal(acceptsGzip('*;q=0.1, gzip;q=0'), false);
  assert.equal(acceptsGzip('deflate, *;q=0'), false);
  assert.equal(acceptsGzip('gzip;q=abc'), false);
});
