/** Life-cycle stages: recovered on noisy synthetic Bass and triangle curves; trend test against R; the sample shop's young products are in lifecycle-stage.e2e.test.ts. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bassShare, triangleSales } from '../src/lifecycle/curves.js';
import { join } from 'node:path';
import {
  DEFAULT_STAGE_RULES,
  classifyStage,
  curveSales,
  curveStages,
  minTrendWeeks,
  periodPeak,
  type Stage,
} from '../src/lifecycle/stage.js';
import { mannKendall } from '../src/numerics/trend.js';
import { ingestFiles } from '../src/pipeline/ingest.js';
import { evidenceText, lifecycleWorkspace } from '../src/pipeline/lifecycle.js';
import { cli, day, poissonSource, tempDir, withWorkspace, writeText } from './helpers.js';
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

test("Mann–Kendall's tie correction counts each group of equal values as a Map of the values would", () => {
  const u = mulberry32(3);
  for (let k = 0; k < 2000; k++) {
    // weekly units with many ties (0–3), some NaN and −0
    const y = Array.from({ length: 2 + (k % 20) }, () => (u() < 0.05 ? NaN : u() < 0.05 ? -0 : Math.floor(4 * u())));
    const counts = new Map<number, number>();
    for (const v of y) counts.set(v, (counts.get(v) ?? 0) + 1);
    let ties = 0;
    for (const t of counts.values()) ties += t * (t - 1) * (2 * t + 5);
    const n = y.length;
    const variance = (n * (n - 1) * (2 * n + 5) - ties) / 18;
    const { s, z } = mannKendall(y);
    const expected =
      variance <= 0 ? 0 : s > 0 ? (s - 1) / Math.sqrt(variance) : s < 0 ? (s + 1) / Math.sqrt(variance) : 0;
    assert.equal(z, expected, JSON.stringify(y));
  }
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

test('a stage change needs sustained evidence: a two-week dip is not a decline, a lasting fall is', () => {
  // 40 weeks near 100, two empty weeks, then a big week and 100 again: the trend test on the last
  // 13 weeks reads one week as a significant fall (the stage of that week alone, without hysteresis)
  const dip = [...Array.from({ length: 40 }, (_, i) => 100 + (i % 3) - 1), 0, 0, 150, 100, 100, 100, 100, 100];
  const noHysteresis = { ...DEFAULT_STAGE_RULES, confirmWeeks: 1 };
  assert.ok(classifyStage(dip, false, noHysteresis).history.includes('decline'));
  const a = classifyStage(dip, false);
  assert.ok(!a.history.includes('decline'), a.history.join(' '));
  assert.equal(a.stage, 'maturity');
  // the same fall lasting: decline, dated from the first week of its evidence
  const fall = [...dip.slice(0, 40), ...Array<number>(10).fill(20)];
  const f = classifyStage(fall, false);
  assert.equal(f.stage, 'decline');
  const from = classifyStage(fall, false, noHysteresis).history.indexOf('decline');
  assert.ok(from >= 40 && from <= 43, `first week of the evidence ${from}`);
  assert.equal(f.history.indexOf('decline'), from, f.history.join(' '));
  // no growth or decline segment is shorter than the weeks of evidence it needs
  const z = normalSource(mulberry32(21));
  for (let k = 0; k < 30; k++) {
    const y = Array.from({ length: 80 }, () => Math.max(0, Math.round(30 * Math.exp(0.6 * z()))));
    const h = classifyStage(y, false).history;
    for (let i = 0; i < h.length;) {
      let j = i;
      while (j < h.length && h[j] === h[i]) j++;
      if ((h[i] === 'growth' || h[i] === 'decline') && j < h.length)
        assert.ok(j - i >= 3, `${h[i]} for ${j - i} weeks`);
      i = j;
    }
  }
});

test('with a year of history, a seasonal fall is not a decline; a fall below last year is', () => {
  // 130 weeks of the same yearly season (±60 % around 100): no life cycle at all
  const z = normalSource(mulberry32(22));
  const season = (t: number): number => 1 + 0.6 * Math.sin((2 * Math.PI * t) / 52);
  const seasonal = Array.from({ length: 130 }, (_, t) => Math.max(0, Math.round(100 * season(t) + 3 * z())));
  const s = classifyStage(seasonal, false);
  // once a year of history is there (from week 52 + 13), growth and decline must show against last year
  const later = s.history.slice(65);
  assert.ok(!later.includes('decline') && !later.includes('growth'), later.join(' '));
  assert.equal(s.stage, 'maturity');
  // the same season on a level falling 1.5 % a week (40 % of it left after a year): decline
  const falling = Array.from({ length: 130 }, (_, t) =>
    Math.max(0, Math.round(100 * 0.985 ** t * season(t) + 2 * z())),
  );
  assert.equal(classifyStage(falling, false).stage, 'decline');
});

test('no trend is tested on fewer weeks than the test needs; a peak beyond the data is said as weeks ahead', () => {
  // the Mann–Kendall test cannot reach p < 0.05 on fewer than 5 values, even perfectly monotone
  assert.equal(minTrendWeeks(0.05), 5);
  const two = classifyStage([40, 8], true);
  assert.equal(two.evidence.trend.tested, false);
  assert.equal(classifyStage([1, 2, 3, 4, 5, 6], false).evidence.trend.tested, true);
  const evidence = {
    ...two.evidence,
    weeks: 25,
    trend: { ...two.evidence.trend, relativeSlope: -1.598, p: 1 },
    curve: {
      family: 'gompertz' as const,
      params: { m: 1000, b: 5, c: 0.05 },
      r2: 0.8,
      peakWeek: 71,
      lifetime: 1000,
      remaining: 800,
      endOfLifeWeek: 150,
      stage: 'growth' as const,
    },
  };
  const text = evidenceText({ evidence });
  assert.match(text, /too few weeks for a trend/);
  assert.doesNotMatch(text, /%\/week|p = /);
  assert.match(text, /expected to peak in about 46 weeks/);
  assert.doesNotMatch(text, /week 71/);
  // a peak inside the data is still dated
  assert.match(
    evidenceText({ evidence: { ...evidence, curve: { ...evidence.curve, peakWeek: 12 } } }),
    /peaked in week 12 of 25/,
  );
});

test('a backdated run is not the baseline of the next run: alerts compare with the latest run in as-of time', async () => {
  const rand = mulberry32(5);
  const poisson = poissonSource(rand);
  const lines = ['sku,date,units,price,promo,open'];
  for (let d = 0; d < 340; d++) {
    lines.push(`STEADY,${day(d)},${poisson(30)},5,0,1`);
    lines.push(`GONE,${day(d)},${d < 200 ? poisson(8) : 0},3,0,1`);
  }
  await withWorkspace(async (ws, dir) => {
    await ingestFiles(ws, [writeText(dir, 'sales.csv', lines.join('\n') + '\n')]);
    const now = await lifecycleWorkspace(ws, { asOf: day(335) });
    assert.equal(now.run_id, 1);
    assert.equal(now.skus.find((s) => s.sku === 'GONE')!.stage, 'dormant');
    // a look back at day 181: nothing stored is on or before it, so nothing to compare with
    const back = await lifecycleWorkspace(ws, { asOf: day(181) });
    assert.equal(back.run_id, 2);
    assert.equal(back.previous_run, null);
    assert.deepEqual(back.alerts, []);
    assert.equal(back.skus.find((s) => s.sku === 'GONE')!.stage, 'maturity');
    // today again: compared with run 1 (as of day 335), not with the backdated run stored after it
    const again = await lifecycleWorkspace(ws, { asOf: day(335) });
    assert.equal(again.run_id, 3);
    assert.deepEqual(again.previous_run, { run_id: 1, as_of: day(335) });
    assert.deepEqual(again.alerts, []);
    assert.equal(again.skus.find((s) => s.sku === 'GONE')!.previous_stage, 'dormant');
    // a run between the two compares with the backdated one, the latest before it in time
    const between = await lifecycleWorkspace(ws, { asOf: day(258), store: false });
    assert.equal(between.previous_run?.run_id, 2);
  });
});

test('shopcast lifecycle prints text that ends with a newline', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const lines = ['sku,date,units,price,promo,open'];
    for (let d = 0; d < 70; d++) lines.push(`A,${day(d)},${5 + (d % 3)},2,0,1`, `B,${day(d)},${d % 2},4,0,1`);
    const ws = join(dir, 'ws');
    assert.equal(
      (await cli(['ingest', writeText(dir, 'sales.csv', lines.join('\n') + '\n'), '--workspace', ws])).code,
      0,
    );
    for (const args of [[], ['--sku', 'A']]) {
      const r = await cli(['lifecycle', '--workspace', ws, ...args]);
      assert.equal(r.code, 0, r.err);
      assert.ok(r.out.endsWith('\n') && !r.out.endsWith('\n\n'), JSON.stringify(r.out.slice(-40)));
    }
  } finally {
    cleanup();
  }
});

test("periodPeak's coarse-to-fine search gives the whole grid scan's answer, bit for bit, on 3,000 curves", () => {
  // the definition: the first greatest sales on the grid 0.5, 0.51, … (a running sum) up to the horizon
  const whole = (fit: Parameters<typeof curveSales>[0], horizon: number): { at: number; sales: number } => {
    let at = 1;
    let sales = -Infinity;
    for (let t = 0.5; t <= horizon; t += 0.01) {
      const s = curveSales(fit, t);
      if (s > sales) [sales, at] = [s, t];
    }
    return { at, sales };
  };
  const u = mulberry32(7);
  const logUniform = (lo: number, hi: number): number => Math.exp(Math.log(lo) + (Math.log(hi) - Math.log(lo)) * u());
  let checked = 0;
  for (let k = 0; k < 3000; k++) {
    const kind = k % 3;
    const fit =
      kind === 0
        ? {
            family: 'bass' as const,
            params: { p: logUniform(1e-6, 1), q: logUniform(1e-6, 5), m: logUniform(1e-3, 1e7) },
          }
        : kind === 1
          ? // b down to 1e-13: fits that walked there, whose sales are mostly rounding (the whole scan is kept)
            {
              family: 'gompertz' as const,
              params: { b: logUniform(1e-13, 1e4), c: logUniform(1e-4, 5), m: logUniform(1e-3, 1e7) },
            }
          : { family: 'triangle' as const, params: { tp: 0.5 + 60 * u(), te: 0, a: logUniform(1e-3, 1e5) } };
    if (fit.family === 'triangle') fit.params.te = fit.params.tp + 0.5 + 80 * u();
    const horizon = [14, 60, 130, 1200][k % 4]!;
    assert.deepEqual(periodPeak(fit, horizon), whole(fit, horizon), `${JSON.stringify(fit)} to ${horizon}`);
    checked++;
  }
  assert.equal(checked, 3000);
  // a horizon below the grid's first point: no point, as the whole scan
  assert.deepEqual(periodPeak({ family: 'bass', params: { p: 0.03, q: 0.4, m: 100 } }, 0.2), {
    at: 1,
    sales: -Infinity,
  });
  // an endless grid is refused, not walked
  assert.throws(() => periodPeak({ family: 'bass', params: { p: 0.03, q: 0.4, m: 100 } }, Infinity), RangeError);
});
