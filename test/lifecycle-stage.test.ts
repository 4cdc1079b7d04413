/** Life-cycle stages: recovered on noisy synthetic Bass and triangle curves; trend test against R; the sample shop's young products are in lifecycle-stage.e2e.test.ts. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bassShare, triangleSales } from '../src/lifecycle/curves.js';
import { classifyStage, curveStages, type Stage } from '../src/lifecycle/stage.js';
import { mannKendall } from '../src/numerics/trend.js';
import { ingestFiles } from '../src/pipeline/ingest.js';
import { lifecycleWorkspace } from '../src/pipeline/lifecycle.js';
import { day, poissonSource, withWorkspace, writeText } from './helpers.js';
import { mulberry32, normalSource } from '../src/numerics/random.js';
import { sql } from '../src/store/sql.js';

test('Mann–Kendall z and p agree with R cor.test(method = "kendall", exact = FALSE, continuity = TRUE)', () => {
  // R 4.x: cor.test(1:12, y, method = "kendall", exact = FALSE, continuity = TRUE) → z 3.43671698312, p 0.000588810511332
  const up = mannKendall([3, 5, 4, 8, 7, 9, 12, 11, 11, 15, 14, 13]);
  assert.ok(Math.abs(up.z - 3.43671698312) < 1e-9, `z ${up.z}`);
  assert.ok(Math.abs(up.p - 0.000588810511332) < 1e-7, `p ${up.p}`);
  // … (1:10, c(10,9,9,7,8,6,6,5,3,4)) → z −3.42634461174, p 0.000611763682298
  const down = mannKendall([10, 9, 9, 7, 8, 6, 6, 5, 3, 4]);
  assert.ok(Math.abs(down.z + 3.42634461174) < 1e-9, `z ${down.z}`);
  assert.ok(Math.abs(down.p - 0.000611763682298) < 1e-7, `p ${down.p}`);
  // Sen's slope: median of the 45 pairwise slopes, R: median(...) = −0.714285714285714
  assert.ok(Math.abs(down.slope + 5 / 7) < 1e-12);
});

interface Case {
  name: string;
  family: 'bass' | 'triangle';
  params: Record<string, number>;
  n: number;
}

function truth(c: Case): { sales: (t: number) => number; stages: Stage[] } {
  const p = c.params;
  const sales =
    c.family === 'bass'
      ? (t: number): number => p['m']! * (bassShare(t, p['p']!, p['q']!) - bassShare(t - 1, p['p']!, p['q']!))
      : (t: number): number => triangleSales(t, p['tp']!, p['te']!, p['a']!);
  return { sales, stages: curveStages({ family: c.family, params: c.params }, c.n) };
}

test('stages are recovered at ≥ 95 % of the weeks of noisy Bass and triangle life cycles', () => {
  const cases: Case[] = [];
  const u = mulberry32(11);
  for (let k = 0; k < 12; k++) {
    const p = 0.005 + 0.025 * u();
    const q = 0.15 + 0.35 * u();
    cases.push({
      name: `bass ${k}`,
      family: 'bass',
      params: { p, q, m: 2000 + 20000 * u() },
      n: Math.round((Math.log(q / p) / (p + q)) * (2.2 + u())),
    });
    const tp = 4 + Math.round(16 * u());
    cases.push({
      name: `triangle ${k}`,
      family: 'triangle',
      params: { tp, te: tp + 10 + Math.round(30 * u()), a: 50 + 400 * u() },
      n: 0,
    });
    cases[cases.length - 1]!.n = Math.round(cases[cases.length - 1]!.params['te']! + 4);
  }
  let right = 0;
  let total = 0;
  const z = normalSource(mulberry32(12));
  const seen = new Set<Stage>();
  for (const c of cases) {
    const { sales, stages } = truth(c);
    const peak = Math.max(...Array.from({ length: c.n }, (_, i) => sales(i + 1)));
    // Poisson-like noise (sd √mean) plus normal noise of sd 5 % of the peak as extra noise, never negative
    const y = Array.from({ length: c.n }, (_, i) =>
      Math.max(0, Math.round(sales(i + 1) + Math.sqrt(sales(i + 1)) * z() + 0.05 * peak * z())),
    );
    const a = classifyStage(y, true);
    let r = 0;
    for (let i = 0; i < c.n; i++) if (a.history[i] === stages[i]) r++;
    for (const s of stages) seen.add(s);
    right += r;
    total += c.n;
  }
  assert.ok(right / total >= 0.95, `${right}/${total}`);
  for (const s of ['introduction', 'growth', 'maturity', 'decline', 'ended'] as Stage[]) assert.ok(seen.has(s), s);
});

test('without a launch curve the trend and level decide; long silences are dormant, then ended', () => {
  const z = normalSource(mulberry32(13));
  const flat = Array.from({ length: 60 }, () => Math.max(0, Math.round(40 + 6 * z())));
  const rising = Array.from({ length: 60 }, (_, i) => Math.max(0, Math.round(10 + i * 1.5 + 4 * z())));
  const falling = Array.from({ length: 60 }, (_, i) => Math.max(0, Math.round(100 - i * 1.5 + 4 * z())));
  assert.equal(classifyStage(flat, false).stage, 'maturity');
  const g = classifyStage(rising, false);
  assert.equal(g.stage, 'growth');
  assert.ok(g.evidence.trend.p < 0.05 && g.evidence.trend.slope > 0);
  assert.equal(classifyStage(falling, false).stage, 'decline');
  const quiet = [...flat.slice(0, 40), ...Array<number>(10).fill(0)];
  const d = classifyStage(quiet, false);
  assert.equal(d.stage, 'dormant');
  assert.equal(d.evidence.weeksSinceLastSale, 10);
  // it sold every week before, so ten empty weeks by chance is all but impossible
  assert.ok(d.confidence > 0.99);
  assert.equal(classifyStage([...flat.slice(0, 40), ...Array<number>(30).fill(0)], false).stage, 'ended');
  // a few weeks after launch, still rising: introduction
  assert.equal(classifyStage([1, 0, 2, 3, 5], true).stage, 'introduction');
});

test('shopcast lifecycle on a workspace: stages with evidence, runs stored, an alert when a stage changes', async () => {
  // 400 days from 2024-01-01: STEADY sells ~30/day throughout; NEW launches on day 91 and follows
  // a triangle (peak at day 91 + 120, end at day 91 + 300); GONE sells nothing from day 200 (rows of 0 units)
  const rand = mulberry32(5);
  const poisson = poissonSource(rand);

  const lines = ['sku,date,units,price,promo,open'];
  for (let d = 0; d < 400; d++) {
    lines.push(`STEADY,${day(d)},${poisson(30)},5,0,1`);
    const x = d - 91;
    if (x >= 0)
      lines.push(`NEW,${day(d)},${poisson(Math.max(0, x < 120 ? (40 * x) / 120 : (40 * (300 - x)) / 180))},9,0,1`);
    lines.push(`GONE,${day(d)},${d < 200 ? poisson(8) : 0},3,0,1`);
  }
  await withWorkspace(async (ws, dir) => {
    await ingestFiles(ws, [writeText(dir, 'sales.csv', lines.join('\n') + '\n')]);
    // as of day 181 (NEW in its 13th week, rising)
    const early = await lifecycleWorkspace(ws, { asOf: day(181) });
    const at = (r: typeof early, sku: string) => r.skus.find((s) => s.sku === sku)!;
    assert.equal(at(early, 'STEADY').stage, 'maturity');
    assert.equal(at(early, 'NEW').stage, 'growth');
    assert.ok(at(early, 'NEW').evidence.coversLaunch && !at(early, 'STEADY').evidence.coversLaunch);
    assert.equal(at(early, 'GONE').stage, 'maturity');
    assert.equal(early.run_id, 1);
    assert.equal(early.alerts.length, 0);
    // as of day 335: NEW is past its peak (day 211) and falling; GONE has been silent 19 weeks
    const late = await lifecycleWorkspace(ws, { asOf: day(335) });
    assert.equal(at(late, 'NEW').stage, 'decline');
    assert.equal(at(late, 'NEW').evidence.curve?.family !== undefined, true);
    assert.ok(
      Math.abs(at(late, 'NEW').evidence.curve!.peakWeek - 120 / 7) < 3,
      `peak week ${at(late, 'NEW').evidence.curve!.peakWeek}`,
    );
    assert.equal(at(late, 'GONE').stage, 'dormant');
    assert.equal(at(late, 'STEADY').stage, 'maturity');
    assert.deepEqual(late.alerts.map((a) => `${a.sku}:${a.from}>${a.to}`).sort(), [
      'GONE:maturity>dormant',
      'NEW:growth>decline',
    ]);
    const stored = await ws.all(
      sql`SELECT sku, from_stage, to_stage FROM lifecycle_alerts WHERE run_id = 2 ORDER BY sku`,
    );
    assert.deepEqual(
      stored.map((r) => `${r['sku'] as string}:${r['from_stage'] as string}>${r['to_stage'] as string}`),
      ['GONE:maturity>dormant', 'NEW:growth>decline'],
    );
    assert.equal(Number((await ws.one(sql`SELECT count(*) AS n FROM lifecycle_stages WHERE run_id = 2`))['n']), 3);
    // one SKU: not stored, compared with the last run
    const one = await lifecycleWorkspace(ws, { asOf: day(335), sku: 'NEW' });
    assert.equal(one.run_id, null);
    assert.equal(one.skus.length, 1);
    assert.equal(one.skus[0]!.previous_stage, 'decline');
  });
});
