import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ingestFiles } from '../src/pipeline/ingest.js';
import { profileWorkspace } from '../src/pipeline/inspect.js';
import { day, withWorkspace, writeText } from './helpers.js';

test('demand profile: lines per SKU-year, the intermittent and launched shares, lines per order', async () => {
  // 91 days from 2024-01-01: A sells 2 units every day, B 1 unit every third day, C 3 units a day from day 40;
  // each day's lines are one order
  const rows = ['order_id,ordered_at,sku,quantity,unit_price'];
  for (let d = 0; d < 91; d++) {
    const at = `${day(d)} 10:00:00`;
    const order = `O${d}`;
    rows.push(`${order},${at},A,2,1.5`);
    if (d % 3 === 0) rows.push(`${order},${at},B,1,4`);
    if (d >= 40) rows.push(`${order},${at},C,3,2`);
  }
  await withWorkspace(async (ws, dir) => {
    await ingestFiles(ws, [writeText(dir, 'orders.csv', rows.join('\n') + '\n')]);
    const p = await profileWorkspace(ws);
    const years = 91 / 365.25;
    assert.equal(p.skus, 3);
    assert.ok(Math.abs(p.years - years) < 1e-12);
    // lines per SKU-year: A 91, B 31, C 51
    assert.ok(Math.abs(p.lines_per_sku_year.median - 51 / years) < 1e-9, String(p.lines_per_sku_year.median));
    assert.ok(Math.abs(p.lines_per_sku_year.mean - (91 + 31 + 51) / 3 / years) < 1e-9);
    // B sells on 31 of its 91 open days since its first sale (ADI 2.9 > 1.32); A and C every day
    assert.ok(Math.abs(p.intermittent_share - 1 / 3) < 1e-12);
    assert.equal(p.lumpy_share, 0, 'every sale day of B is 1 unit: CV² 0');
    assert.ok(Math.abs(p.launch_share - 1 / 3) < 1e-12, 'C first sells 40 days in');
    assert.ok(Math.abs(p.lines_per_order - (rows.length - 1) / 91) < 1e-12);
    assert.ok(Math.abs(p.sale_day_share_median - 1) < 1e-12, 'A and C sell on every open day');
    // weekly CVs (weeks from Monday 2024-01-01): A 0; C (6, then 21 × 7) ≈ 0.259; B (2 or 3 sale days a week) the median
    const weeks = Array.from(
      { length: 13 },
      (_, w) => [0, 1, 2, 3, 4, 5, 6].filter((k) => (7 * w + k) % 3 === 0).length,
    );
    const mean = weeks.reduce((a, b) => a + b, 0) / weeks.length;
    const sd = Math.sqrt(weeks.reduce((a, b) => a + (b - mean) ** 2, 0) / weeks.length);
    assert.ok(Math.abs(p.weekly_cv_median - sd / mean) < 1e-12, `${p.weekly_cv_median} vs ${sd / mean}`);
  });
});
