/** The accuracy benches' shared pieces (bench/baselines.ts): forecast files by column name, comb, MSIS, verdicts. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  combineForecasts,
  intervalScore,
  msis,
  quantileLevel,
  readForecastFile,
  verdict,
  type SeriesForecast,
} from '../bench/baselines.js';

const near = (a: number, b: number, what: string): void => assert.ok(Math.abs(a - b) <= 1e-12, `${what}: ${a} ≠ ${b}`);

function withFile(text: string, fn: (path: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'shopcast-bench-baselines-'));
  try {
    writeFileSync(join(dir, 'forecasts.csv'), text);
    fn(join(dir, 'forecasts.csv'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('quantileLevel reads the digits after p as a decimal fraction, and nothing else as a level', () => {
  // forecast --levels names 0.025 and 0.975 p02.5 and p97.5
  assert.deepEqual(['p02.5', 'p97.5'].map(quantileLevel), [0.025, 0.975]);
  assert.deepEqual(['p05', 'p25', 'p50', 'p95', 'p025', 'p975', 'p005', 'mean', 'model', 'p9x'].map(quantileLevel), [
    0.05,
    0.25,
    0.5,
    0.95,
    0.025,
    0.975,
    0.005,
    undefined,
    undefined,
    undefined,
  ]);
});

test('readForecastFile finds the columns by name, whatever their order, and keeps quoted model names whole', () => {
  const text =
    'date,sku,p975,mean,p025,model\n' +
    '2024-01-01,A,12,10,8,"ETS(A,N,N)"\n' +
    '2024-01-08,A,13,11,9,"ETS(A,N,N)"\n' +
    '2024-01-01,"B,2",5,4,3,naive\n';
  withFile(text, (path) => {
    const fc = readForecastFile(path);
    assert.deepEqual([...fc.keys()], ['A', 'B,2']);
    assert.deepEqual(fc.get('A')!.dates, ['2024-01-01', '2024-01-08']);
    assert.deepEqual(fc.get('A')!.mean, [10, 11]);
    assert.deepEqual(
      [...fc.get('A')!.quantiles],
      [
        ['p975', [12, 13]],
        ['p025', [8, 9]],
      ],
    );
    assert.deepEqual(fc.get('B,2')!.mean, [4]);
  });
  withFile('sku,date,p05\nA,2024-01-01,1\n', (path) => assert.throws(() => readForecastFile(path), /no column 'mean'/));
});

const series = (mean: number[], q: Record<string, number[]>): SeriesForecast => ({
  dates: mean.map((_, t) => `d${t}`),
  mean,
  quantiles: new Map(Object.entries(q)),
});

test('combineForecasts averages the mean and each quantile column the inputs share, step by step', () => {
  const a = new Map([['s', series([1, 2], { p05: [0, 1], p95: [2, 3], p025: [-1, 0] })]]);
  const b = new Map([['s', series([3, 5], { p05: [1, 1], p95: [6, 9] })]]);
  const c = new Map([['s', series([5, 11], { p05: [2, 4], p95: [7, 12] })]]);
  const comb = combineForecasts([a, b, c]).get('s')!;
  assert.deepEqual(comb.mean, [3, 6]);
  assert.deepEqual(
    [...comb.quantiles],
    [
      ['p05', [1, 2]],
      ['p95', [5, 8]],
    ],
  );
  assert.throws(() => combineForecasts([a, new Map([['t', series([1, 2], {})]])]), /series s is missing/);
  assert.throws(() => combineForecasts([a, new Map([['s', series([1], {})]])]), /other periods/);
});

test('msis is the M4 interval score over the in-sample lag-m mean absolute difference', () => {
  // By hand (Makridakis et al. 2020, eq. for MSIS, a = 0.1): widths 4, 4, 4; step 2 above U by 8 → 2/0.1·8 = 160;
  // step 3 below L by 1 → 20; (12 + 160 + 20) / 3 = 64; scale mean(|2−1|, |4−2|, |7−4|) = 2 → 32.
  near(msis([10, 20, 7], [8, 8, 8], [12, 12, 12], [1, 2, 4, 7], 0.1), 32, 'lag 1');
  // at lag 2 the scale is mean(|4−1|, |7−2|) = 4 → 16; a = 0.05 doubles the penalties: (12 + 320 + 40) / 3 / 4 = 31
  near(msis([10, 20, 7], [8, 8, 8], [12, 12, 12], [1, 2, 4, 7], 0.05, 2), 31, 'lag 2, a = 0.05');
  near(msis([10, NaN], [8, 0], [12, 0], [1, 2], 0.1), 4, 'a missing actual is skipped');
});

test('intervalScore pools coverage over every point, averages MSIS over series, and needs both columns', () => {
  const fc = new Map([
    ['a', series([10, 10], { p05: [8, 8], p95: [12, 12] })],
    ['b', series([0, 0], { p05: [-1, -1], p95: [1, 1] })],
  ]);
  const test_ = new Map([
    ['a', [10, 20]],
    ['b', [0, 0.5]],
  ]);
  const train = new Map([
    ['a', [0, 1]],
    ['b', [0, 2]],
  ]);
  const s = intervalScore(fc, test_, train, 0.9)!;
  assert.equal(s.coverage, 3 / 4);
  // a: (4 + 4 + 20·8) / 2 / 1 = 84; b: (2 + 2) / 2 / 2 = 1
  near(s.msis, (84 + 1) / 2, 'msis');
  assert.equal(intervalScore(fc, test_, train, 0.95), undefined);
});

test('verdict compares auto with the lowest scored baseline and says by how much it is worse', () => {
  const worse = verdict('OWA', { auto: 0.82, theta: 0.85, comb: 0.8, naive: 1 }, ['naive', 'theta', 'comb', 'absent'])!;
  assert.equal(worse.best_baseline, 'comb');
  assert.equal(worse.no_worse, false);
  near(worse.worse_by_percent, 2.5, 'percent');
  assert.equal(worse.line, 'auto OWA 0.8200 vs best baseline comb 0.8000: worse by 2.50 %');
  const tie = verdict('MASE', { auto: 0.8, snaive: 0.8 }, ['snaive'])!;
  assert.equal(tie.line, 'auto MASE 0.8000 vs best baseline snaive 0.8000: auto no worse ✓');
  assert.equal(verdict('MASE', { theta: 1 }, ['theta']), undefined);
  assert.equal(verdict('MASE', { auto: 1 }, ['theta']), undefined);
});
