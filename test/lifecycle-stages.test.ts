import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_STAGE_RULES } from '../src/lifecycle/stage.js';
import { classifyChunk, classifyStages } from '../src/pipeline/lifecycle-stages.js';
import { mulberry32 } from '../src/numerics/random.js';

test('life-cycle stages on worker threads equal the stages classified in one thread, in order', async () => {
  const u = mulberry32(7);
  // 150 products: launches (a rise and fall with noise), flat sellers, silent ones; some with a Bass prior
  const items = Array.from({ length: 150 }, (_, k) => {
    const n = 10 + (k % 60);
    const y = Float64Array.from({ length: n }, (_, t) => {
      const shape = k % 3 === 0 ? 40 * (t / n) * Math.exp(-3 * (t / n)) : k % 3 === 1 ? 8 : t < n - 12 ? 5 : 0;
      return Math.max(0, Math.round(shape + 3 * (u() - 0.5)));
    });
    return { y, coversLaunch: k % 2 === 0, prior: k % 5 === 0 ? { p: 0.02, q: 0.3, sdLog: 0.5 } : undefined };
  });
  const one = classifyChunk({ items, rules: DEFAULT_STAGE_RULES });
  const two = await classifyStages(items, DEFAULT_STAGE_RULES, 2);
  assert.equal(two.length, items.length);
  assert.deepEqual(two, one);
  assert.ok(new Set(one.map((a) => a.stage)).size >= 3, 'the products reach several stages');
});
