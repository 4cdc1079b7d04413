/**
 * What a plan lets go of once its stock policies are set (issue #22: a 100,000-SKU plan under 4 GB): every demand
 * series but its report's, while the forecast rows it stores are still dated from the series' lengths.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forecastRows } from '../src/pipeline/forecast-series.js';
import { type InventoryPanel, releaseSeries } from '../src/pipeline/inventory-panel.js';
import { allocateFlat } from '../src/engine/quantile-view.js';

test('releaseSeries empties every series but those kept; forecast rows are dated from lengths alone', () => {
  const series = (v: number): Float64Array => Float64Array.from({ length: 10 }, () => v);
  const panel = {
    ids: ['A', 'B', 'C'],
    clean: [series(1), series(2), series(3)],
    actual: [series(1), series(2), series(3)],
  } as unknown as InventoryPanel;
  const lengths = panel.clean.map((c) => ({ length: c.length }));
  assert.equal(releaseSeries(panel, new Set([1])), 2);
  assert.deepEqual(
    panel.clean.map((c) => c.length),
    [0, 10, 0],
  );
  assert.deepEqual(
    panel.actual.map((c) => c.length),
    [0, 10, 0],
  );
  assert.equal(panel.clean[1]![0], 2);
  const flat = allocateFlat(3, 2, [0.5]);
  const fc = {
    h: 2,
    levels: [0.5],
    mean: flat.mean,
    quantiles: flat.quantiles,
    models: ['a', 'b', 'c'],
    fallbacks: [],
  };
  const start = Date.UTC(2024, 0, 1);
  const rows = [
    ...forecastRows({ ids: panel.ids, starts: [start, start, start], withTime: false, values: lengths }, fc, 'day'),
  ];
  assert.deepEqual(
    rows.map((r) => `${r[0]} ${r[1]}`),
    ['A 2024-01-11', 'A 2024-01-12', 'B 2024-01-11', 'B 2024-01-12', 'C 2024-01-11', 'C 2024-01-12'],
  );
});
