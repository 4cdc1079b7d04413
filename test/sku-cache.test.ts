import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SkuCache } from '../src/server/sku-cache.js';

test('the SKU cache refills the answers it held, per variant in one call, and keeps none a later change outdated', async () => {
  const cache = new SkuCache();
  let computed = 0;
  const answer = (sku: string, variant: string, n: number): string => `${sku}/${variant}/${n}`;
  const get = (sku: string, variant: string, n: number): Promise<string> =>
    cache.get(sku, variant, async () => {
      computed++;
      return answer(sku, variant, n);
    });
  await get('A', '365', 1);
  await get('A', '30', 1);
  await get('B', '365', 1);
  await get('C', '365', 1);
  assert.equal(computed, 4);

  cache.invalidate(['A', 'B']);
  const calls: string[] = [];
  await cache.refill(['A', 'B', 'D'], async (skus, variant) => {
    calls.push(`${variant}:${[...skus].sort().join(',')}`);
    if (variant === '365') cache.invalidate(['B']); // B changes again while its answer is computed
    return new Map(skus.map((s) => [s, answer(s, variant, 2)]));
  });
  // one call per variant, only the SKUs that had answers (D had none)
  assert.deepEqual(calls.sort(), ['30:A', '365:A,B']);
  assert.equal(await get('A', '365', 9), 'A/365/2');
  assert.equal(await get('A', '30', 9), 'A/30/2');
  assert.equal(await get('C', '365', 9), 'C/365/1');
  assert.equal(computed, 4, 'refilled and untouched answers are hits');
  assert.equal(await get('B', '365', 3), 'B/365/3', "B's refilled answer was outdated by its later change");
  assert.equal(computed, 5);
});
