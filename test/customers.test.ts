import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { bgNbdExpected, bgNbdLogLik, bgNbdPAlive, fitBgNbd } from '../src/customers/bg-nbd.js';
import { fitGammaGamma, gammaGammaExpected } from '../src/customers/gamma-gamma.js';
import type { CustomerHistories } from '../src/customers/histories.js';
import { fitParetoNbd, paretoNbdExpected, paretoNbdPAlive } from '../src/customers/pareto-nbd.js';
import { rfmScores } from '../src/customers/rfm.js';
import { logHyp2f1 } from '../src/numerics/hypergeometric.js';
import { adaptiveSimpson } from '../src/numerics/quadrature.js';
import { mulberry32, normalSource } from '../src/numerics/random.js';
import { REPO, cli, tempDir, writeText } from './helpers.js';

const CDNOW = join(REPO, 'test', 'fixtures', 'cdnow');

/** The CDNOW calibration summary (x, t_x, T in weeks), as published with the data (fixture README). */
function cdnowHistories(): CustomerHistories {
  const rows = readFileSync(join(CDNOW, 'cdnow_customers_summary.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(',').map(Number));
  return {
    frequency: Float64Array.from(rows, (r) => r[1]!),
    recency: Float64Array.from(rows, (r) => r[2]!),
    T: Float64Array.from(rows, (r) => r[3]!),
  };
}

/** Relative difference within `digits` significant figures (half a unit of the last one). */
function sigFigs(actual: number, expected: number, digits = 3): void {
  const unit = 10 ** (Math.floor(Math.log10(Math.abs(expected))) - digits + 1);
  assert.ok(Math.abs(actual - expected) <= unit / 2, `${actual} ≠ ${expected} to ${digits} significant figures`);
}

test('₂F₁ and the quadrature agree with closed forms', () => {
  for (const z of [0.1, 0.5, 0.9, 0.99]) {
    // ₂F₁(1, 1; 2; z) = −ln(1 − z)/z (Abramowitz & Stegun 15.1.3)
    assert.ok(Math.abs(logHyp2f1(1, 1, 2, z) - Math.log(-Math.log(1 - z) / z)) < 1e-12, `z ${z}`);
    // ₂F₁(a, b; b; z) = (1 − z)^−a (15.1.8)
    assert.ok(Math.abs(logHyp2f1(2.5, 3, 3, z) + 2.5 * Math.log(1 - z)) < 1e-12, `z ${z}`);
  }
  // a customer with hundreds of purchases: terms near e^300, no overflow
  assert.ok(Number.isFinite(logHyp2f1(600, 580, 601, 0.6)));
  assert.ok(Math.abs(adaptiveSimpson(Math.sin, 0, Math.PI) - 2) < 1e-10);
  assert.ok(Math.abs(adaptiveSimpson((x) => Math.exp(-200 * x), 0, 5) - 1 / 200) < 1e-12);
});

test('BG/NBD on CDNOW gives the published parameters, log-likelihood and conditional expectation', () => {
  const h = cdnowHistories();
  const fit = fitBgNbd(h);
  // Fader, Hardie & Lee (2005), Marketing Science 24(2), p. 281: r 0.243, α 4.414, a 0.793, b 2.426, LL −9582.4
  sigFigs(fit.params.r, 0.243);
  sigFigs(fit.params.alpha, 4.414, 4);
  sigFigs(fit.params.a, 0.793);
  sigFigs(fit.params.b, 2.426, 4);
  assert.ok(Math.abs(fit.logLik - -9582.4) < 0.05, String(fit.logLik));
  assert.equal(fit.customers, 2357);
  // ibid. p. 282: x = 2, t_x = 30.43, T = 38.86 → 1.226 purchases in the next 39 weeks
  const published = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
  sigFigs(bgNbdExpected(published, 2, 30.43, 38.86, 39), 1.226, 4);
  sigFigs(bgNbdExpected(fit.params, 2, 30.43, 38.86, 39), 1.226);
  // the published parameters score no better than the maximum found
  assert.ok(bgNbdLogLik(published, h) <= fit.logLik + 1e-9);
  // P(alive): 1 without repeat purchases; lower the longer since the last one
  assert.equal(bgNbdPAlive(fit.params, 0, 0, 38.86), 1);
  assert.ok(bgNbdPAlive(fit.params, 2, 30.43, 38.86) > bgNbdPAlive(fit.params, 2, 5, 38.86));
  // expected purchases grow with the horizon and vanish with it
  assert.equal(bgNbdExpected(fit.params, 2, 30.43, 38.86, 0), 0);
  assert.ok(bgNbdExpected(fit.params, 2, 30.43, 38.86, 52) > bgNbdExpected(fit.params, 2, 30.43, 38.86, 39));
});

test('Pareto/NBD on CDNOW gives the published parameters', () => {
  const fit = fitParetoNbd(cdnowHistories());
  // fixture README: r 0.553, α 10.578, s 0.606, β 11.669
  sigFigs(fit.params.r, 0.553);
  sigFigs(fit.params.alpha, 10.578, 4);
  sigFigs(fit.params.s, 0.606);
  sigFigs(fit.params.beta, 11.669, 4);
  const e = paretoNbdExpected(fit.params, 2, 30.43, 38.86, 39);
  assert.ok(e > 0.5 && e < 2, String(e));
  assert.ok(paretoNbdPAlive(fit.params, 2, 30.43, 38.86) > paretoNbdPAlive(fit.params, 2, 5, 38.86));
  assert.ok(Math.abs(paretoNbdPAlive(fit.params, 0, 0, 0) - 1) < 1e-12);
});

test('Gamma-Gamma on CDNOW repeat purchases gives the published parameters', () => {
  // per customer, the mean value of the repeat purchase days in the 39-week calibration (to 1997-09-30)
  const days = new Map<string, Map<string, number>>();
  for (const line of readFileSync(join(CDNOW, 'CDNOW_sample.txt'), 'utf8').trim().split('\n')) {
    const [, id, date, , value] = line.trim().split(/\s+/);
    if (date! > '19970930') continue;
    const d = days.get(id!) ?? new Map<string, number>();
    d.set(date!, (d.get(date!) ?? 0) + Number(value));
    days.set(id!, d);
  }
  const x: number[] = [];
  const m: number[] = [];
  for (const d of days.values()) {
    const repeat = [...d.keys()]
      .sort()
      .slice(1)
      .map((k) => d.get(k)!);
    x.push(repeat.length);
    m.push(repeat.length > 0 ? repeat.reduce((a, b) => a + b, 0) / repeat.length : 0);
  }
  assert.equal(
    x.reduce((a, b) => a + b, 0),
    2457,
    'the summary file counts 2,457 repeat purchases',
  );
  const fit = fitGammaGamma(Float64Array.from(x), Float64Array.from(m));
  // Fader, Hardie & Lee (2005), J. Marketing Research 42(4): p 6.25, q 3.74, γ 15.44 on the 946 repeat buyers
  assert.equal(fit.customers, 946);
  sigFigs(fit.params.p, 6.25);
  sigFigs(fit.params.q, 3.74);
  sigFigs(fit.params.gamma, 15.44, 4);
  // a customer's expected value lies between their own mean and the population's
  const population = gammaGammaExpected(fit.params, 0, 0);
  const own = gammaGammaExpected(fit.params, 2, 80);
  assert.ok(own > population && own < 80);
});

/** Gamma(shape, rate) variates: Marsaglia & Tsang (2000), boosted for shape < 1. */
function gammaSource(uniform: () => number): (shape: number, rate: number) => number {
  const normal = normalSource(uniform);
  const draw = (shape: number): number => {
    if (shape < 1) return draw(shape + 1) * uniform() ** (1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const z = normal();
      const v = (1 + c * z) ** 3;
      if (v > 0 && Math.log(uniform()) < 0.5 * z * z + d - d * v + d * Math.log(v)) return d * v;
    }
  };
  return (shape, rate) => draw(shape) / rate;
}

test('BG/NBD recovers the parameters of simulated customers', () => {
  const uniform = mulberry32(2026);
  const gamma = gammaSource(uniform);
  const truth = { r: 0.8, alpha: 40, a: 0.6, b: 3 };
  const n = 6000;
  const h: CustomerHistories = {
    frequency: new Float64Array(n),
    recency: new Float64Array(n),
    T: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const lambda = gamma(truth.r, truth.alpha);
    const ga = gamma(truth.a, 1);
    const p = ga / (ga + gamma(truth.b, 1));
    const T = 200 + Math.floor(uniform() * 165);
    let t = 0;
    let x = 0;
    let last = 0;
    for (;;) {
      t += -Math.log(1 - uniform()) / lambda;
      if (t > T) break;
      x++;
      last = t;
      if (uniform() < p) break;
    }
    h.frequency[i] = x;
    h.recency[i] = last;
    h.T[i] = T;
  }
  const fit = fitBgNbd(h);
  const near = (k: string, got: number, want: number, within: number): void =>
    assert.ok(Math.abs(got / want - 1) < within, `${k}: ${got} against ${want} (${JSON.stringify(fit.params)})`);
  // the purchase rate's gamma is pinned down by the counts; the dropout's beta less so (its mean well, its shape
  // loosely: 6,000 customers of one year see few dropouts each)
  near('r', fit.params.r, truth.r, 0.1);
  near('alpha', fit.params.alpha, truth.alpha, 0.1);
  near('E[p]', fit.params.a / (fit.params.a + fit.params.b), truth.a / (truth.a + truth.b), 0.15);
  near('a', fit.params.a, truth.a, 0.35);
  near('b', fit.params.b, truth.b, 0.35);
});

test('RFM scores by quintile, equal values equal scores, and the segments of the scores', () => {
  const n = 10;
  const since = Float64Array.from({ length: n }, (_, i) => i * 10); // customer 0 bought last most recently
  const purchases = Float64Array.from({ length: n }, (_, i) => (i < 5 ? 1 : 10 - i));
  const spend = Float64Array.from({ length: n }, (_, i) => 100 * (n - i));
  const s = rfmScores(since, purchases, spend);
  assert.deepEqual([...s.r], [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]);
  // five customers bought once: all score 1
  assert.deepEqual([...s.f].slice(0, 5), [1, 1, 1, 1, 1]);
  assert.deepEqual(s.segment.slice(0, 2), ['new', 'new']);
  assert.equal(s.segment[9], 'hibernating');
});

test('shopcast customers: fitted up to --as-of, one row per customer in --out (formulas neutralised), stored', async () => {
  const { dir, cleanup } = tempDir();
  try {
    // 40 customers over 2024: customer k buys every (k % 7 + 3) weeks from week k % 5; '=HACK' is a hostile id
    const lines = ['order_id,ordered_at,sku,quantity,unit_price,customer_id'];
    let order = 1;
    let lastDay = '';
    for (let k = 0; k < 40; k++) {
      const id = k === 0 ? '=HACK' : `C${k}`;
      for (let w = k % 5; w < 52; w += (k % 7) + 3) {
        const day = new Date(Date.UTC(2024, 0, 1 + 7 * w + (k % 3))).toISOString().slice(0, 10);
        lines.push(`O${order++},${day} 10:00,SKU${k % 4},${1 + (k % 3)},${5 + (k % 6)},${id}`);
        if (day > lastDay) lastDay = day;
      }
    }
    lines.push(`O${order++},2024-03-01 10:00,SKU1,2,5,`); // no customer: counted, not attributed
    const file = writeText(dir, 'orders.csv', lines.join('\n') + '\n');
    const ws = join(dir, 'ws');
    assert.equal((await cli(['ingest', file, '--workspace', ws])).code, 0);
    const out = join(dir, 'customers.csv');
    const r = await cli(['customers', '--workspace', ws, '--as-of', '2024-10-31', '--days', '60', '--out', out]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /Customers as of 2024-10-31: 40 with purchases \(1 sale lines have no customer id\)/);
    assert.match(r.out, /BG\/NBD +r [\d.]+/);
    assert.match(r.out, /stored as customer run 1/);
    const csv = readFileSync(out, 'utf8').trim().split('\n');
    assert.equal(csv[0], 'customer_id,frequency,recency,T,p_alive,expected_purchases,expected_value,clv,segment');
    assert.equal(csv.length, 41);
    assert.ok(
      csv.some((l) => l.startsWith("'=HACK,")),
      'a formula-like id is exported as text',
    );
    assert.ok(!csv.some((l) => l.startsWith('=')));
    for (const l of csv.slice(1)) {
      const f = l.split(',');
      const [x, tx, T, pAlive, expected] = f.slice(-8, -3).map(Number);
      assert.ok(x! >= 0 && tx! <= T! && T! <= 304 && pAlive! >= 0 && pAlive! <= 1 && expected! >= 0, l);
    }
    const json = JSON.parse((await cli(['customers', '--workspace', ws, '--model', 'bg-nbd', '--json'])).out);
    assert.equal(json.as_of, lastDay, 'the last sales day by default');
    assert.equal(json.fits.pareto_nbd, null);
    assert.equal(json.run_id, 2);
    const bad = await cli(['customers', '--workspace', ws, '--model', 'nope']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--model must be one of auto, bg-nbd, pareto-nbd/);
  } finally {
    cleanup();
  }
});
