/** Workspace.numberChunks: DOUBLE columns read from DuckDB's vectors whole, NULL as NaN, the rest as columnChunks. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withWorkspace } from './helpers.js';

test('numberChunks gives DOUBLE columns as Float64Arrays (NULL as NaN, across chunks), other columns as values', async () => {
  await withWorkspace(async (ws) => {
    // 5,000 rows: three chunks of DuckDB's 2,048; every 7th value NULL; infinity and extremes kept
    const q = `SELECT 'S' || (i % 3)::VARCHAR AS s, i::INTEGER AS k,
        CASE WHEN i % 7 = 0 THEN NULL ELSE i::DOUBLE / 3 END AS x,
        CASE WHEN i = 4999 THEN 'inf'::DOUBLE WHEN i = 4998 THEN -1e308 ELSE 2.5 END AS y
      FROM range(5000) t(i) ORDER BY i`;
    const expected = await ws.all<{ s: string; k: number; x: number | null; y: number | null }>(q);
    const rows: { s: unknown; k: unknown; x: number; y: number }[] = [];
    let chunks = 0;
    for await (const [s, k, x, y] of ws.numberChunks(q)) {
      chunks++;
      assert.ok(Array.isArray(s) && Array.isArray(k), 'VARCHAR and INTEGER columns come as values');
      assert.ok(x instanceof Float64Array && y instanceof Float64Array, 'DOUBLE columns come as Float64Arrays');
      for (let r = 0; r < x.length; r++) rows.push({ s: s[r], k: k[r], x: x[r]!, y: y[r]! });
    }
    assert.ok(chunks >= 3, `${chunks} chunks`);
    assert.equal(rows.length, 5000);
    rows.forEach((r, i) => {
      const e = expected[i]!;
      assert.equal(r.s, e.s);
      assert.equal(r.k, e.k);
      if (e.x === null) assert.ok(Number.isNaN(r.x), `row ${i}: NULL is NaN`);
      else assert.equal(r.x, e.x, `row ${i}`);
    });
    assert.equal(rows[4999]!.y, Infinity);
    assert.equal(rows[4998]!.y, -1e308);
    assert.equal(rows[0]!.y, 2.5);
    assert.equal(rows.filter((r) => Number.isNaN(r.x)).length, Math.ceil(5000 / 7));
  });
});
