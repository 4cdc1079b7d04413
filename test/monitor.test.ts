/**
 * Forecast monitoring: the accuracy of stored forecasts equals a recomputation from the stored rows and the actuals;
 * each monitoring alert fires and clears; sales anomalies get their likely cause; champion against challenger;
 * promote.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { dieboldMariano } from '../src/numerics/diebold-mariano.js';
import { normalQuantile } from '../src/numerics/normal.js';
import { ingestFiles } from '../src/pipeline/ingest.js';
import {
  type AccuracyRow,
  championChallenger,
  forecastAccuracy,
  monitorForecasts,
  promoteChallenger,
} from '../src/pipeline/monitor.js';
import { listAlerts } from '../src/store/alerts.js';
import { readModelRoles as readRoles, writeModelRoles as writeRoles } from '../src/store/model-roles.js';
import { sql } from '../src/store/sql.js';
import type { Workspace } from '../src/store/workspace.js';
import { SAMPLE, day, withWorkspace, writeText } from './helpers.js';

const LEVELS = [0.005, 0.05, 0.25, 0.5, 0.75, 0.95, 0.995] as const;
const QCOLS = ['p005', 'p05', 'p25', 'p50', 'p75', 'p95', 'p995'] as const;
type Quantiles = (number | null)[];

interface StoredValue {
  sku: string;
  step: number;
  mean: number;
  q: Quantiles;
}

const DAY = 86_400_000;
const addDays = (d: string, k: number): string =>
  new Date(Date.parse(`${d}T00:00:00Z`) + k * DAY).toISOString().slice(0, 10);

/** Stores one forecast run with direct inserts (schema v5), as the service's forecast writer would. */
async function storeRun(
  ws: Workspace,
  run: {
    origin: string;
    role: 'champion' | 'challenger';
    source: 'plan' | 'live' | 'backtest';
    model: string;
    values: StoredValue[];
    backtestMase?: Map<string, number>;
  },
): Promise<number> {
  const id = (await ws.one<{ id: number }>('SELECT coalesce(max(run_id), 0)::INTEGER + 1 AS id FROM forecast_runs')).id;
  const skus = [...new Set(run.values.map((v) => v.sku))];
  await ws.run(sql`INSERT INTO forecast_runs VALUES (${id}::INTEGER, now()::TIMESTAMP, ${run.origin}::DATE,
    ${run.model}, ${run.role}, ${run.source}, NULL, ${skus.length}::INTEGER)`);
  await ws.appendRows(
    'forecast_skus',
    ['INTEGER', 'VARCHAR', 'VARCHAR', 'VARCHAR', 'DOUBLE'],
    skus.map((s) => [id, s, run.model, null, run.backtestMase?.get(s) ?? null]),
  );
  await ws.appendRows(
    'forecast_values',
    ['INTEGER', 'VARCHAR', 'INTEGER', 'DATE', 'DOUBLE', ...QCOLS.map(() => 'DOUBLE' as const)],
    run.values.map((v) => [id, v.sku, v.step, addDays(run.origin, v.step), v.mean, ...v.q]),
  );
  return id;
}

interface DemandRow {
  sku: string;
  date: string;
  units: number | null;
  closed: boolean;
  stockout: boolean;
}

const scoredDay = (r: DemandRow | undefined): r is DemandRow & { units: number } =>
  r !== undefined && r.units !== null && !r.closed && !r.stockout;

/** The sample shop's order lines of three busy SKUs (two with suspected stock-outs), as a CSV file. */
function sampleSlice(dir: string): string {
  const keep = new Set(['85123A', '22720', '22469']);
  const lines = gunzipSync(readFileSync(SAMPLE)).toString('utf8').split('\n');
  const out = [lines[0]!];
  for (const l of lines.slice(1)) if (keep.has(l.split(',')[1] ?? '')) out.push(l);
  return writeText(dir, 'slice.csv', out.join('\n') + '\n');
}

test('monitoring figures equal a recomputation from the stored forecasts and the actuals (real sample-shop demand)', async () => {
  await withWorkspace(async (ws, dir) => {
    await ingestFiles(ws, [sampleSlice(dir)]);
    const demand = await ws.all<DemandRow>(
      `SELECT sku, date::VARCHAR AS date, units, closed, stockout FROM daily_demand ORDER BY sku, date`,
    );
    const bySkuDate = new Map(demand.map((r) => [`${r.sku}|${r.date}`, r]));
    const skus = [...new Set(demand.map((r) => r.sku))].sort();
    assert.deepEqual(skus, ['22469', '22720', '85123A']);
    assert.ok(
      demand.some((r) => r.stockout),
      'the slice has suspected stock-out days (they must be left out)',
    );
    assert.ok(demand.some((r) => r.closed));
    const last = demand.reduce((m, r) => (r.date > m ? r.date : m), '');

    // forecasts made from the history only: a 28-day mean with normal quantiles (the champion); the value a week
    // before (the challenger, which stores only its 90 % band: the other quantiles are NULL)
    const history = (sku: string, origin: string, days: number): number[] => {
      const out: number[] = [];
      for (let k = 0; k < days; k++) {
        const r = bySkuDate.get(`${sku}|${addDays(origin, -k)}`);
        if (scoredDay(r)) out.push(r.units);
      }
      return out;
    };
    const champion = (origin: string, h: number): StoredValue[] =>
      skus.flatMap((sku) => {
        const y = history(sku, origin, 28);
        const m = y.reduce((a, b) => a + b, 0) / Math.max(1, y.length);
        const sd = Math.sqrt(y.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, y.length - 1));
        return Array.from({ length: h }, (_, t) => ({
          sku,
          step: t + 1,
          mean: m,
          q: LEVELS.map((l) => Math.max(0, m + normalQuantile(l) * sd * Math.sqrt(1 + t / 7))),
        }));
      });
    const challenger = (origin: string, h: number): StoredValue[] =>
      skus.flatMap((sku) =>
        Array.from({ length: h }, (_, t) => {
          const r = bySkuDate.get(`${sku}|${addDays(origin, t + 1 - 7 * Math.ceil((t + 1) / 7))}`);
          const f = scoredDay(r) ? r.units : 0;
          return { sku, step: t + 1, mean: f, q: [null, f * 0.5, null, null, null, f * 1.5 + 2, null] };
        }),
      );
    // (in one transaction: one commit, for speed)
    await ws.transaction(async () => {
      await storeRun(ws, {
        origin: addDays(last, -120),
        role: 'champion',
        source: 'plan',
        model: 'mean28',
        values: champion(addDays(last, -120), 28),
      });
      // a backtest run over the spring stock-outs of 22469 and 22720
      await storeRun(ws, {
        origin: '2011-05-01',
        role: 'champion',
        source: 'backtest',
        model: 'mean28',
        values: champion('2011-05-01', 28),
      });
      for (let k = 90; k >= 3; k -= 3) {
        const origin = addDays(last, -k);
        await storeRun(ws, { origin, role: 'champion', source: 'live', model: 'mean28', values: champion(origin, 14) });
        await storeRun(ws, {
          origin,
          role: 'challenger',
          source: 'live',
          model: 'snaive',
          values: challenger(origin, 14),
        });
      }
      // a forecast beyond the data (not scored) and a class for two of the three SKUs
      await storeRun(ws, {
        origin: last,
        role: 'champion',
        source: 'live',
        model: 'mean28',
        values: champion(last, 7),
      });
    });
    await ws.run(`INSERT INTO sku_state (sku, abc, xyz) VALUES ('85123A', 'A', 'X'), ('22720', 'A', 'Y')`);

    // the recomputation, in plain TypeScript from the stored rows
    const runs = await ws.all<{ run_id: number; origin: string; role: string }>(
      `SELECT run_id, origin::VARCHAR AS origin, role FROM forecast_runs`,
    );
    const runOf = new Map(runs.map((r) => [r.run_id, r]));
    const values = await ws.all<
      { run_id: number; sku: string; step: number; date: string; mean: number } & Record<
        (typeof QCOLS)[number],
        number | null
      >
    >(`SELECT * EXCLUDE (date), date::VARCHAR AS date FROM forecast_values`);
    const onDay = (f: (r: DemandRow) => boolean): number =>
      values.filter((v) => {
        const r = bySkuDate.get(`${v.sku}|${v.date}`);
        return r !== undefined && f(r);
      }).length;
    assert.ok(onDay((r) => r.stockout) > 0 && onDay((r) => r.closed) > 0, 'forecasts of unscored days exist');
    const classOf = new Map([
      ['85123A', 'AX'],
      ['22720', 'AY'],
    ]);
    /** MASE scale: mean |y_t − y_{t−7}| over the scored days t in the 365 days up to the origin (both days scored) */
    const scaleMemo = new Map<string, number>();
    const scale = (sku: string, origin: string): number => {
      const key = `${sku}|${origin}`;
      if (!scaleMemo.has(key)) {
        let s = 0;
        let n = 0;
        for (let k = 0; k < 365; k++) {
          const a = bySkuDate.get(`${sku}|${addDays(origin, -k)}`);
          const b = bySkuDate.get(`${sku}|${addDays(origin, -k - 7)}`);
          if (scoredDay(a) && scoredDay(b)) {
            s += Math.abs(a.units - b.units);
            n++;
          }
        }
        scaleMemo.set(key, n === 0 ? NaN : s / n);
      }
      return scaleMemo.get(key)!;
    };
    const monday = (d: string): string => addDays(d, -((new Date(`${d}T00:00:00Z`).getUTCDay() + 6) % 7));
    const recompute = (
      by: 'run' | 'sku' | 'class' | 'step' | 'week',
      keep: (v: (typeof values)[number]) => boolean,
    ): Map<string, Omit<AccuracyRow, 'key'>> => {
      const acc = new Map<
        string,
        { n: number; a: number; abs: number; err: number; sc: number[]; pin: number; pinN: number; cov: number[][] }
      >();
      for (const v of values) {
        const d = bySkuDate.get(`${v.sku}|${v.date}`);
        if (!scoredDay(d) || !keep(v)) continue;
        const a = d.units;
        const key = {
          run: String(v.run_id),
          sku: v.sku,
          class: classOf.get(v.sku) ?? 'unclassified',
          step: String(v.step),
          week: monday(v.date),
        }[by];
        const g = acc.get(key) ?? { n: 0, a: 0, abs: 0, err: 0, sc: [], pin: 0, pinN: 0, cov: [[], [], []] };
        g.n++;
        g.a += a;
        g.abs += Math.abs(a - v.mean);
        g.err += v.mean - a;
        const s = scale(v.sku, runOf.get(v.run_id)!.origin);
        if (s > 0) g.sc.push(Math.abs(a - v.mean) / s);
        QCOLS.forEach((c, l) => {
          const q = v[c];
          if (q === null) return;
          g.pin += a >= q ? LEVELS[l]! * (a - q) : (1 - LEVELS[l]!) * (q - a);
          g.pinN++;
        });
        (
          [
            ['p25', 'p75'],
            ['p05', 'p95'],
            ['p005', 'p995'],
          ] as const
        ).forEach(([lo, hi], b) => {
          if (v[lo] !== null && v[hi] !== null) g.cov[b]!.push(a >= v[lo]! && a <= v[hi]! ? 1 : 0);
        });
        acc.set(key, g);
      }
      const mean = (xs: number[]): number | null =>
        xs.length === 0 ? null : xs.reduce((p, q) => p + q, 0) / xs.length;
      return new Map(
        [...acc].map(([k, g]) => [
          k,
          {
            n: g.n,
            actual: g.a,
            wape: g.a === 0 ? null : g.abs / g.a,
            mase: mean(g.sc),
            bias: g.a === 0 ? null : g.err / g.a,
            pinball: g.pinN === 0 ? null : g.pin / g.pinN,
            coverage50: mean(g.cov[0]!),
            coverage90: mean(g.cov[1]!),
            coverage99: mean(g.cov[2]!),
          },
        ]),
      );
    };
    const close = (got: number | null, want: number | null, what: string): void => {
      if (want === null || got === null) return assert.equal(got, want, what);
      assert.ok(Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want)), `${what}: ${got} vs ${want}`);
    };
    const check = (rows: AccuracyRow[], want: Map<string, Omit<AccuracyRow, 'key'>>, what: string): void => {
      assert.deepEqual(rows.map((r) => r.key).sort(), [...want.keys()].sort(), `${what}: groups`);
      for (const r of rows) {
        const w = want.get(r.key)!;
        assert.equal(r.n, w.n, `${what} ${r.key}: n`);
        for (const f of [
          'actual',
          'wape',
          'mase',
          'bias',
          'pinball',
          'coverage50',
          'coverage90',
          'coverage99',
        ] as const)
          close(r[f], w[f], `${what} ${r.key}: ${f}`);
      }
    };
    for (const by of ['run', 'sku', 'class', 'step', 'week'] as const)
      check(
        await forecastAccuracy(ws, { by }),
        recompute(by, () => true),
        `by ${by}`,
      );
    const champRuns = new Set(runs.filter((r) => r.role === 'champion').map((r) => r.run_id));
    const from = addDays(last, -40);
    check(
      await forecastAccuracy(ws, { by: 'step', role: 'champion', sku: '85123A', from, to: last, maxStep: 7 }),
      recompute('step', (v) => champRuns.has(v.run_id) && v.sku === '85123A' && v.date >= from && v.step <= 7),
      'filtered',
    );
    const byRun = await forecastAccuracy(ws, { by: 'run' });
    assert.equal(byRun.length, 2 + 2 * 30, 'every run with scored days; the run past the data has none');
    assert.ok(byRun.every((r) => r.n > 0 && r.wape !== null && r.mase !== null && r.mase > 0));
    const challengerRow = byRun.find((r) => runOf.get(Number(r.key))!.role === 'challenger')!;
    assert.equal(challengerRow.coverage50, null, 'the challenger stores no 50 % band');
    assert.notEqual(challengerRow.coverage90, null);
    // the champion's live forecasts and the challenger are compared on the same pairs
    const cc = await championChallenger(ws, { weeks: 8 });
    assert.ok(cc.overall.n > 0 && cc.weekly.length >= 8);
    assert.equal(
      cc.weekly.reduce((a, w) => a + w.n, 0),
      cc.overall.n,
    );
    // recomputed: each role's latest live/plan value per (SKU, day, step) in the 8 weeks to the last day, paired
    const latest = new Map<string, { run_id: number; mean: number }>();
    const source = new Map(
      (await ws.all<{ run_id: number; source: string }>('SELECT run_id, source FROM forecast_runs')).map((r) => [
        r.run_id,
        r.source,
      ]),
    );
    for (const v of values) {
      if (source.get(v.run_id) === 'backtest' || v.date <= addDays(last, -56)) continue;
      const k = `${runOf.get(v.run_id)!.role}|${v.sku}|${v.date}|${v.step}`;
      if ((latest.get(k)?.run_id ?? 0) < v.run_id) latest.set(k, v);
    }
    let [n, sumA, abs1, abs2, err1] = [0, 0, 0, 0, 0];
    const scaled1: number[] = [];
    const daily = new Map<string, number[][]>();
    for (const [k, c] of latest) {
      const [role, sku, date, step] = k.split('|') as [string, string, string, string];
      const g = latest.get(`challenger|${sku}|${date}|${step}`);
      const d = bySkuDate.get(`${sku}|${date}`);
      if (role !== 'champion' || g === undefined || !scoredDay(d)) continue;
      n++;
      sumA += d.units;
      abs1 += Math.abs(d.units - c.mean);
      abs2 += Math.abs(d.units - g.mean);
      err1 += c.mean - d.units;
      const s = scale(sku, runOf.get(c.run_id)!.origin);
      if (s > 0) scaled1.push(Math.abs(d.units - c.mean) / s);
      if (step === '1') {
        const e = daily.get(date) ?? [[], []];
        e[0]!.push(Math.abs(d.units - c.mean));
        e[1]!.push(Math.abs(d.units - g.mean));
        daily.set(date, e);
      }
    }
    assert.equal(cc.overall.n, n);
    close(cc.overall.actual, sumA, 'pairs: actual');
    close(cc.overall.champion_wape, abs1 / sumA, 'pairs: champion WAPE');
    close(cc.overall.challenger_wape, abs2 / sumA, 'pairs: challenger WAPE');
    close(cc.overall.champion_bias, err1 / sumA, 'pairs: champion bias');
    close(cc.overall.champion_mase, scaled1.reduce((a, b) => a + b, 0) / scaled1.length, 'pairs: champion MASE');
    // DM on the daily mean absolute step-1 errors (one day in three: the runs' origins)
    const days = [...daily.keys()].sort();
    const avg = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    const want = dieboldMariano(
      Float64Array.from(days, (d) => avg(daily.get(d)![0]!)),
      Float64Array.from(days, (d) => avg(daily.get(d)![1]!)),
      { h: 1, power: 1 },
    );
    assert.ok(cc.dm !== null && days.length >= 15);
    assert.equal(cc.dm.n, days.length);
    close(cc.dm.statistic, want.statistic, 'DM statistic');
    close(cc.dm.p_value, want.p_value, 'DM p-value');
  });
});

/** Daily sales for the alert tests: 120 days from 2024-01-01, one row per SKU and day. */
function alertShop(dir: string): string {
  const rows = ['sku,date,units,price,promo'];
  for (let d = 0; d < 120; d++) {
    rows.push(`TS,${day(d)},${d % 2 === 0 ? 9 : 11},2.5,false`);
    rows.push(`COV,${day(d)},${[7, 13, 10][d % 3]},2.5,false`);
    rows.push(`DRIFT,${day(d)},${[8, 12, 10, 9, 11, 10, 10][d % 7]! + [3, 0, -3, 0, 0][d % 5]!},2.5,false`);
    rows.push(`PROMO,${day(d)},${d === 117 ? 45 : 10},${d === 117 ? 1.5 : 2.5},false`);
    rows.push(`FLAG,${day(d)},${d === 116 ? 40 : 10},2.5,${d === 116}`);
    rows.push(`OUT,${day(d)},${d === 118 ? 0 : 10},2.5,false`);
    rows.push(`ODD,${day(d)},${d === 118 ? 60 : 10},2.5,false`);
  }
  return writeText(dir, 'sales.csv', rows.join('\n') + '\n');
}

/** Order lines of BULK: a few small lines a day, and one large order on day 115. */
function bulkLines(dir: string): string {
  const rows = ['order_id,ordered_at,sku,quantity,unit_price'];
  let id = 1;
  for (let d = 0; d < 120; d++) {
    for (let k = 0; k < 4; k++) rows.push(`O${id++},${day(d)} 10:0${k}:00,BULK,${1 + ((d + k) % 4)},2.5`);
    if (d === 115) rows.push(`O${id++},${day(d)} 15:00:00,BULK,60,2.5`);
  }
  return writeText(dir, 'lines.csv', rows.join('\n') + '\n');
}

/**
 * One-step forecasts for the origins day(50) … day(118), from `spec`: every day for TS, COV and DRIFT; from day(110)
 * only for the anomaly SKUs (too few days for the tracking signal, on which one spike among steady days would weigh).
 */
async function storeOneStep(
  ws: Workspace,
  spec: (sku: string, date: number) => { mean: number; q: Quantiles },
  backtestMase: Map<string, number>,
): Promise<void> {
  await ws.transaction(async () => {
    for (let o = 50; o <= 118; o++) {
      const skus = o < 110 ? ['TS', 'COV', 'DRIFT'] : ['TS', 'COV', 'DRIFT', 'PROMO', 'FLAG', 'OUT', 'ODD', 'BULK'];
      await storeRun(ws, {
        origin: day(o),
        role: 'champion',
        source: 'live',
        model: 'test',
        values: skus.map((sku) => ({ sku, step: 1, ...spec(sku, o + 1) })),
        backtestMase,
      });
    }
  });
}

/** A symmetric band around `m`: p005…p995 = m ± w·(2.58, 1.64, 0.67, 0, …). */
const band = (m: number, w: number): Quantiles => LEVELS.map((l) => m + w * normalQuantile(l));

test('monitoring alerts fire (tracking signal, coverage, drift, anomalies with their causes) and clear', async () => {
  await withWorkspace(async (ws, dir) => {
    await ingestFiles(ws, [
      alertShop(dir),
      bulkLines(dir),
      writeText(dir, 'stock.csv', `sku,on_hand,date\nOUT,0,${day(118)}\nODD,25,${day(118)}\n`),
    ]);
    const bad = (sku: string): { mean: number; q: Quantiles } => {
      if (sku === 'TS') return { mean: 7, q: band(7, 3) }; // every day under-forecast: tracking signal +n
      if (sku === 'COV') return { mean: 10, q: [5, 9.2, 9.7, 10, 10.3, 10.8, 15] }; // unbiased, 90 % band too narrow
      if (sku === 'BULK') return { mean: 10, q: band(10, 2) };
      return { mean: 10, q: band(10, sku === 'DRIFT' ? 4 : 2.5) };
    };
    const mase = new Map([['DRIFT', 0.2]]);
    await storeOneStep(ws, bad, mase);
    const r1 = await monitorForecasts(ws);
    assert.equal(r1.as_of, day(119));
    const open = async (kind: string): Promise<string[]> =>
      (await listAlerts(ws, { status: 'open', limit: 100 })).alerts
        .filter((a) => a.kind === kind)
        .map((a) => a.sku)
        .sort();
    assert.deepEqual(await open('tracking_signal'), ['TS']);
    assert.deepEqual(await open('coverage'), ['COV']);
    assert.deepEqual(await open('drift'), ['DRIFT']);
    const ts = (await listAlerts(ws, { kind: 'tracking_signal' })).alerts[0]!;
    assert.equal((ts.data as { tracking_signal: number }).tracking_signal, 56, 'all 56 errors positive: CFE/MAD = n');
    assert.match(ts.message, /tracking signal 56 over the 8 weeks to 2024-04-29/);

    // anomalies of the last 7 days, with their causes
    const cause = new Map(r1.anomalies.map((a) => [a.sku, a]));
    assert.deepEqual([...cause.keys()].sort(), ['BULK', 'FLAG', 'ODD', 'OUT', 'PROMO']);
    assert.equal(cause.get('PROMO')!.likely_cause, 'promotion');
    assert.equal(cause.get('PROMO')!.date, day(117));
    assert.equal(cause.get('PROMO')!.size, 4.5);
    assert.match(cause.get('PROMO')!.evidence[0]!, /sold at 1.5, 40 % below its usual 2.5/);
    assert.equal(cause.get('FLAG')!.likely_cause, 'promotion');
    assert.match(cause.get('FLAG')!.evidence[0]!, /marked as a promotion/);
    assert.equal(cause.get('OUT')!.likely_cause, 'stockout');
    assert.equal(cause.get('OUT')!.direction, 'low');
    assert.match(cause.get('OUT')!.evidence.join(';'), /stock snapshot of 2024-04-28 has 0 on hand/);
    assert.equal(cause.get('BULK')!.likely_cause, 'bulk_order');
    assert.equal(cause.get('BULK')!.date, day(115));
    assert.match(cause.get('BULK')!.evidence.join(';'), /one order line of 60 units carried \d+ % of the day's/);
    assert.equal(cause.get('ODD')!.likely_cause, null, 'nothing in the data explains it');
    assert.deepEqual(cause.get('ODD')!.evidence, []);
    assert.ok(cause.get('ODD')!.z! > 10);
    const anomalyAlerts = (await listAlerts(ws, { kind: 'anomaly' })).alerts;
    assert.equal(anomalyAlerts.length, 5);
    assert.equal(anomalyAlerts.find((a) => a.sku === 'ODD')!.severity, 'warning');
    assert.equal(anomalyAlerts.find((a) => a.sku === 'PROMO')!.severity, 'info');
    assert.equal(r1.alerts.length, 3 + 5, 'every alert is new');

    // a second pass raises nothing new
    const r2 = await monitorForecasts(ws);
    assert.equal(r2.alerts.length, 0);
    assert.equal(r2.cleared, 0);

    // newer runs (same origins, later run ids) that are unbiased, with honest bands and a matching backtest: the
    // monitoring alerts clear; anomalies a week later are out of the anomaly window and clear too
    const good = (sku: string, d: number): { mean: number; q: Quantiles } => {
      if (sku === 'TS') return { mean: 10, q: band(10, 1.2) };
      if (sku === 'COV') return { mean: 10, q: band(10, 3) };
      if (d >= 113 && ['PROMO', 'FLAG', 'OUT', 'ODD', 'BULK'].includes(sku)) return { mean: 10, q: band(10, 40) };
      return { mean: 10, q: band(10, 4) };
    };
    await storeOneStep(ws, good, new Map([['DRIFT', 5]]));
    const r3 = await monitorForecasts(ws);
    assert.equal(r3.anomalies.length, 0);
    assert.equal(r3.cleared, 3 + 5);
    assert.equal((await listAlerts(ws, { status: 'open' })).total, 0);
    assert.equal((await listAlerts(ws, { status: 'all' })).total, 8, 'cleared alerts are kept');
  });
});

test('promote swaps champion and challenger; without a challenger it is refused', async () => {
  await withWorkspace(async (ws) => {
    assert.deepEqual(await readRoles(ws), { champion: 'auto', challenger: null });
    await assert.rejects(promoteChallenger(ws), /no challenger model is set/);
    await writeRoles(ws, { champion: 'ets', challenger: 'theta' });
    assert.deepEqual(await promoteChallenger(ws), { champion: 'theta', challenger: 'ets' });
    assert.deepEqual(await readRoles(ws), { champion: 'theta', challenger: 'ets' });
    await writeRoles(ws, { champion: 'theta', challenger: null });
    assert.deepEqual(await readRoles(ws), { champion: 'theta', challenger: null });
    // bad options are refused with the field named
    await assert.rejects(forecastAccuracy(ws, { by: 'bogus' as 'sku' }), /by must be one of/);
    await assert.rejects(forecastAccuracy(ws, { by: 'sku', from: "2024-01-01'; DROP TABLE x" }), /from: unreadable/);
    assert.deepEqual(await forecastAccuracy(ws, { by: 'sku', sku: "x' OR '1'='1" }), []);
  });
});
