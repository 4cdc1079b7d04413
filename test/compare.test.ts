/** `shopcast compare --models a,b`: two models on the same backtest, and the Diebold–Mariano test of their losses. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { dieboldMariano } from '../src/numerics/diebold-mariano.js';
import { REPO, cli, day, tempDir, writeText } from './helpers.js';

const SERIES = ['AirPassengers', 'USAccDeaths', 'nottem'];

/** The three monthly series in long form, each ending in December 2020. */
function monthlyFile(dir: string): { path: string; series: Map<string, Float64Array> } {
  // series,m,values
  const all = new Map(
    readFileSync(join(REPO, 'test/fixtures/seasonal-series.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => [l.split(',')[0]!, Float64Array.from(l.split(',')[2]!.split(' '), Number)] as const),
  );
  const rows = ['sku,date,units'];
  const series = new Map<string, Float64Array>();
  for (const id of SERIES) {
    const y = all.get(id)!;
    series.set(id, y);
    y.forEach((v, t) => {
      const month = 2020 * 12 + 11 - (y.length - 1 - t);
      rows.push(`${id},${Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}-01,${v}`);
    });
  }
  return { path: writeText(dir, 'monthly.csv', rows.join('\n') + '\n'), series };
}

test('compare: the backtest figures of both models and a DM test equal to one on recomputed naive/snaive losses', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const { path, series } = monthlyFile(dir);
    const common = ['--series', path, '--freq', 'month', '--horizon', '12', '--origins', '2', '--threads', '1'];
    const r = await cli(['compare', ...common, '--models', 'naive,snaive', '--json']);
    assert.equal(r.code, 0, r.err);
    const out = JSON.parse(r.out) as {
      models: { model: string; forecasts: number; mase: number; smape: number; wape: number }[];
      dm: { statistic: number; p_value: number; n: number; horizon: number; better: string | null };
    };
    // the same figures as `shopcast backtest` gives for each model
    const b = await cli(['backtest', ...common, '--models', 'naive,snaive', '--json']);
    const rows = JSON.parse(b.out) as typeof out.models;
    assert.deepEqual(
      out.models.map((m) => [m.model, m.forecasts, m.mase, m.smape, m.wape]),
      rows.map((m) => [m.model, m.forecasts, m.mase, m.smape, m.wape]),
    );
    assert.equal(out.models[0]!.forecasts, 3 * 2);

    // the losses recomputed by hand: naive = last value, seasonal naive = the value 12 months before, each scaled by
    // the history's mean absolute change; averaged over the three series per period, oldest origin first
    const h = 12;
    const e1 = new Float64Array(2 * h);
    const e2 = new Float64Array(2 * h);
    for (const y of series.values())
      for (const j of [2, 1]) {
        const train = y.subarray(0, y.length - h * j);
        let scale = 0;
        for (let t = 1; t < train.length; t++) scale += Math.abs(train[t]! - train[t - 1]!);
        scale /= train.length - 1;
        for (let t = 0; t < h; t++) {
          const actual = y[train.length + t]!;
          const p = (2 - j) * h + t;
          e1[p]! += Math.abs(actual - train[train.length - 1]!) / scale / 3;
          e2[p]! += Math.abs(actual - train[train.length - h + t]!) / scale / 3;
        }
      }
    const want = dieboldMariano(e1, e2, { h, power: 1 });
    assert.ok(Math.abs(out.dm.statistic - want.statistic) < 1e-9, `${out.dm.statistic} vs ${want.statistic}`);
    assert.ok(Math.abs(out.dm.p_value - want.p_value) < 1e-9);
    assert.equal(out.dm.n, 24);
    // h = 12 gives a negative variance here: the test proceeds with h = 1, as R's dm.test does, and says so
    assert.equal(out.dm.horizon, want.h);
    // seasonal naive beats naive on these strongly seasonal series
    assert.ok(out.dm.statistic > 0);
    assert.equal(out.dm.better, out.dm.p_value < 0.05 ? 'snaive' : null);

    const text = await cli(['compare', ...common, '--models', 'naive,snaive']);
    assert.equal(text.code, 0);
    assert.match(text.out, /^model\s+forecasts\s+MASE/m);
    assert.match(
      text.out,
      /Diebold–Mariano \(loss: absolute scaled error .*; h = \d+, 24 periods\): DM = [\d.]+, p = /,
    );
  } finally {
    cleanup();
  }
});

test('compare: anything but two different known models is refused', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const { path } = monthlyFile(dir);
    const common = ['--series', path, '--freq', 'month', '--horizon', '12'];
    for (const [models, message] of [
      ['ets', /--models must name two models/],
      ['ets,ets', /two different models/],
      ['ets,nosuchmodel', /nosuchmodel/],
    ] as const) {
      const r = await cli(['compare', ...common, '--models', models]);
      assert.equal(r.code, 2, models);
      assert.match(r.err, message);
    }
  } finally {
    cleanup();
  }
});

test("compare --workspace: the workspace's daily demand, the same figures as backtest", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const rows = ['sku,date,units'];
    for (let d = 0; d < 120; d++)
      for (const [k, sku] of ['A', 'B', 'C'].entries())
        rows.push(`${sku},${day(d)},${5 + k + ((d * (k + 3)) % 7) + (d % 7 === 5 ? 6 : 0)}`);
    const ws = join(dir, 'ws');
    assert.equal(
      (await cli(['ingest', writeText(dir, 'sales.csv', rows.join('\n') + '\n'), '--workspace', ws])).code,
      0,
    );
    const common = ['--workspace', ws, '--horizon', '7', '--origins', '3', '--threads', '1', '--json'];
    const r = await cli(['compare', ...common, '--models', 'naive,snaive']);
    assert.equal(r.code, 0, r.err);
    const out = JSON.parse(r.out) as { models: { model: string; mase: number }[]; dm: { n: number } | null };
    const b = JSON.parse((await cli(['backtest', ...common, '--models', 'naive,snaive'])).out) as typeof out.models;
    assert.deepEqual(
      out.models.map((m) => [m.model, m.mase]),
      b.map((m) => [m.model, m.mase]),
    );
    assert.equal(out.dm?.n, 21, '3 origins × 7 days');
    // auto on the workspace backtests as the workspace's forecasts run it (DEMAND_AUTO), not as on plain series
    const cliAuto = JSON.parse((await cli(['backtest', ...common, '--models', 'auto'])).out) as typeof out.models;
    const { Workspace } = await import('../src/store/workspace.js');
    const { workspaceSeries } = await import('../src/pipeline/forecast-workspace.js');
    const { backtest } = await import('../src/engine/backtest.js');
    const { makeBatch } = await import('../src/engine/series-batch.js');
    const { AUTO_DEFAULTS, DEMAND_AUTO } = await import('../src/engine/auto-choice.js');
    const w = await Workspace.open(ws);
    const input = await workspaceSeries(w, 'day');
    w.close();
    const engine = async (auto: typeof DEMAND_AUTO): Promise<number> =>
      (
        await backtest(
          makeBatch(input.ids, input.values),
          { models: ['auto'], h: 7, origins: 3, seasonLength: 7, levels: [0.05, 0.25, 0.5, 0.75, 0.95], auto },
          () => 0,
        )
      )[0]!.mase;
    assert.equal(cliAuto[0]!.mase, await engine(DEMAND_AUTO));
    assert.notEqual(cliAuto[0]!.mase, await engine(AUTO_DEFAULTS));
  } finally {
    cleanup();
  }
});
