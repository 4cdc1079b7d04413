/**
 * Numbers that must read as sense (issue #18, item 9 and 13): one name per ensemble, count
 * quantiles coherent with their mean.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { autoForecast } from '../src/engine/auto-choice.js';
import { DEFAULT_LEVELS } from '../src/models/contract.js';
import { mulberry32, normalSource } from '../src/numerics/random.js';

test('an ensemble has one name whichever member backtested best', () => {
  const orders = new Map<string, Set<string>>();
  for (let seed = 1; seed <= 12; seed++) {
    const z = normalSource(mulberry32(seed));
    let level = 50;
    const y = Float64Array.from({ length: 60 }, (_, i) => {
      level += z();
      return level + 0.2 * i + 2 * z();
    });
    const { model } = autoForecast(y, 8, DEFAULT_LEVELS, { seasonLength: 1 });
    const m = /^Ensemble\((.*)\)$/.exec(model);
    if (m === null) continue;
    const members = m[1]!.split(' + ');
    const key = [...members].sort().join('|');
    orders.set(key, (orders.get(key) ?? new Set()).add(model));
  }
  assert.ok(orders.size > 0, 'some series get an ensemble');
  for (const [key, names] of orders) assert.equal(names.size, 1, `${key}: ${[...names].join(' vs ')}`);
  for (const names of orders.values())
    for (const name of names) {
      const members = /^Ensemble\((.*)\)$/.exec(name)![1]!.split(' + ');
      assert.deepEqual(members, [...members].sort(), name);
    }
});
