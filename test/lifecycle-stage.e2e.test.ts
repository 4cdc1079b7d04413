/** Life-cycle stages on the whole sample shop: the young products' curve-informed forecasts. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_STAGE_RULES, movingAverage } from '../src/lifecycle/stage.js';
import { ingestFiles } from '../src/pipeline/ingest.js';
import { lifecycleWorkspace } from '../src/pipeline/lifecycle.js';
import { SAMPLE, withWorkspace } from './helpers.js';

test('young products on the sample shop: only a curve that fits informs the forecast, and it stays within twice the best smoothed week', async () => {
  await withWorkspace(async (ws) => {
    await ingestFiles(ws, [SAMPLE]);
    const r = await lifecycleWorkspace(ws, { store: false, series: true });
    const young = r.skus.filter((s) => s.forecast !== undefined);
    assert.ok(young.length >= 5, `young products with a curve-informed forecast: ${young.length}`);
    for (const s of young) {
      assert.ok(
        s.evidence.curve !== undefined && s.evidence.curve.r2 >= DEFAULT_STAGE_RULES.minCurveR2,
        `${s.sku}: R² ${s.evidence.curve?.r2}`,
      );
      const best = Math.max(...movingAverage(s.weekly!, DEFAULT_STAGE_RULES.smoothWeeks));
      for (const f of s.forecast!) {
        assert.ok(
          f.curve >= 0 && f.curve <= 2 * best + 1e-9,
          `${s.sku} ${f.week_start}: curve ${f.curve}, best smoothed week ${best}`,
        );
        assert.ok(Math.abs(f.blend - (r.blend!.weight * f.curve + (1 - r.blend!.weight) * f.engine)) < 1e-9);
      }
    }
    // a prior comes only from curves of products that sold at least 100 units: never the degenerate
    // shapes of a handful of units (p above 1 a week)
    for (const s of r.skus) if (s.prior !== undefined) assert.ok(s.prior.p < 1, `${s.sku}: prior p ${s.prior.p}`);
  });
});
