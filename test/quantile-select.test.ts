/** quantileSelect gives what quantileSorted gives on the sorted values, ties and odd sizes included. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { quantileSelect, quantileSorted } from '../src/numerics/quantile.js';
import { mulberry32 } from '../src/numerics/random.js';

test('quantileSelect equals quantileSorted of the sorted values', () => {
  assert.equal(quantileSelect(Float64Array.of(4, 1, 3, 2), 0.5), 2.5);
  assert.ok(Number.isNaN(quantileSelect(new Float64Array(0), 0.5)));
  const rand = mulberry32(3);
  for (let trial = 0; trial < 300; trial++) {
    const n = 1 + Math.floor(rand() * 60);
    // few distinct values (ties, as integer units give) or continuous ones
    const v = Float64Array.from({ length: n }, () =>
      trial % 2 === 0 ? Math.floor(rand() * 4) - 1 : (rand() - 0.3) * 100,
    );
    for (const p of [0, 0.05, 0.25, 0.5, 0.75, 0.95, 1]) {
      const sorted = Float64Array.from(v).sort();
      assert.equal(quantileSelect(Float64Array.from(v), p), quantileSorted(sorted, p), `n ${n}, p ${p}`);
    }
  }
});
