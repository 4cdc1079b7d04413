/** The global model end to end on a small daily-sales workspace with promotions. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forecastGlobal, trainGlobal } from '../src/global/global-model.js';
import { forecastEnsemble } from '../src/global/ensemble.js';
import { explainSku } from '../src/pipeline/explain.js';
import { loadPanel } from '../src/pipeline/panels.js';
import { saveGlobalModel } from '../src/store/models.js';
import { featureImportance } from '../src/gbdt/learner.js';
import { ingestFiles } from '../src/pipeline/ingest.js';
import { mulberry32 } from '../src/numerics/random.js';
import { day, poissonSource, withWorkspace, writeText } from './helpers.js';
import { sql } from '../src/store/sql.js';

/** 30 stores × 260 days: weekly pattern, store level, promotions every other week (planned ahead 14 days past the data), Poisson noise. */
function shopFile(): string {
  const rand = mulberry32(11);
  const poisson = poissonSource(rand);
  const lines = ['sku,date,units,price,promo,open'];
  for (let s = 0; s < 30; s++) {
    const level = 3 + (s % 6) * 2;
    for (let d = 0; d < 274; d++) {
      const promo = Math.floor(d / 7) % 2 === 1 ? 1 : 0;
      const weekday = d % 7; // day(0) is a Monday
      const mu = level * (1 + 0.4 * Math.sin((2 * Math.PI * weekday) / 7)) * (promo ? 1.8 : 1);
      // the last 14 days carry only the planned promotion flags: no sales recorded yet
      lines.push(d < 260 ? `S${s},${day(d)},${poisson(mu)},10,${promo},1` : '');
    }
  }
  return lines.filter((l) => l !== '').join('\n') + '\n';
}

test('global model: learns the promotion effect across stores and forecasts it with quantiles', async () => {
  await withWorkspace(async (ws, dir) => {
    await ingestFiles(ws, [writeText(dir, 'sales.csv', shopFile())]);
    const asOf = day(245);
    const panel = await loadPanel(ws, asOf, 14);
    assert.equal(panel.ids.length, 30);
    // the promotion flags after the origin are known (planned), demand is not
    assert.ok(panel.units.every((u) => u.length === 246));
    assert.ok(panel.promo.every((p) => p.length === 260 && !Number.isNaN(p[250]!)));
    const model = await trainGlobal(panel, { h: 14, levels: [0.05, 0.5, 0.95], rounds: 150, seed: 3 });
    assert.ok(model.rows.train > 10_000 && model.rows.valid === 30 * 14, `rows ${JSON.stringify(model.rows)}`);
    const names = featureImportance(model.mean)
      .slice(0, 4)
      .map((f) => f.feature);
    assert.ok(names.includes('promo'), `top features ${names}`);
    const fc = forecastGlobal(panel, model, 14);
    // days 246…259: the promotion weeks are days 245–251 (week 35, odd) → promo on 246…251, not on 252…258, promo again on 259
    const actual = await ws.all(
      sql`SELECT sku, date::VARCHAR AS d, units FROM daily_demand WHERE date > ${asOf}::DATE ORDER BY sku, date`,
    );
    let promoMean = 0;
    let plainMean = 0;
    let covered = 0;
    let err = 0;
    let errNaive = 0;
    for (let s = 0; s < 30; s++) {
      for (let k = 1; k <= 14; k++) {
        const d = 245 + k;
        const promo = Math.floor(d / 7) % 2 === 1;
        const m = fc.mean[s * 14 + k - 1]!;
        if (promo) promoMean += m;
        else plainMean += m;
        const a = actual.find((r) => r['sku'] === panel.ids[s] && r['d'] === day(d))!['units'] as number;
        const lo = fc.quantiles[(s * 3 + 0) * 14 + k - 1]!;
        const hi = fc.quantiles[(s * 3 + 2) * 14 + k - 1]!;
        if (a >= lo && a <= hi) covered++;
        err += Math.abs(a - m);
        // the last 28 days' mean, blind to promotions
        const u = panel.units[s]!;
        let mean28 = 0;
        for (let t = u.length - 28; t < u.length; t++) mean28 += u[t]!;
        errNaive += Math.abs(a - mean28 / 28);
      }
    }
    const promoDays = 7;
    assert.ok(
      promoMean / promoDays / (plainMean / (14 - promoDays)) > 1.5,
      `promo days ${promoMean / promoDays} vs plain ${plainMean / 7}`,
    );
    assert.ok(covered / (30 * 14) > 0.8, `90 % interval covered ${covered} of ${30 * 14}`);
    assert.ok(err < 0.8 * errNaive, `global MAE ${err / 420} vs 28-day mean ${errNaive / 420}`);
    assert.ok(
      fc.mean.every((v) => Number.isFinite(v) && v >= 0) && fc.quantiles.every((v) => Number.isFinite(v) && v >= 0),
    );

    // the ensemble: weights chosen on the last 14 days before the origin (the statistical engine
    // cannot see promotions, so the global model must get most of the weight), forecast = the mix
    const ens = await forecastEnsemble(panel, model, 14, [0.05, 0.5, 0.95], 1);
    const bestOf = (key: 'wrmsse' | 'wspl'): number =>
      ens.weights.backtest.reduce((a, b) => (b[key] < a[key] ? b : a)).weight;
    assert.equal(ens.weights.backtest.length, 11);
    assert.equal(ens.weights.mean, bestOf('wrmsse'));
    assert.equal(ens.weights.quantiles, bestOf('wspl'));
    assert.ok(ens.weights.mean >= 0.6, JSON.stringify(ens.weights));
    assert.match(ens.forecast.models[0]!, /^ensemble\(global (0\.\d|1\.0), \S.*\)$/);
    assert.ok(
      ens.weights.backtest.find((b) => b.weight === ens.weights.mean)!.wrmsse <
        ens.weights.backtest.find((b) => b.weight === 0)!.wrmsse,
    );
    assert.ok(ens.forecast.mean.every((v) => Number.isFinite(v) && v >= 0));

    // stored in the workspace, explained from there: the factors multiply up to the forecast, and
    // on a promotion day the promotion is among the main drivers and raises the forecast
    await saveGlobalModel(ws, model, day(245), 14);
    const e = await explainSku(ws, 'S3', day(247));
    const s3 = panel.ids.indexOf('S3');
    assert.ok(
      Math.abs(e.forecast - fc.mean[s3 * 14 + 1]!) < 1e-6 * e.forecast,
      `${e.forecast} vs ${fc.mean[s3 * 14 + 1]}`,
    );
    const product = e.drivers.reduce((acc, d) => acc * d.factor, e.baseline);
    assert.ok(Math.abs(product - e.forecast) < 1e-6 * e.forecast, `baseline × factors ${product} vs ${e.forecast}`);
    const promo = e.drivers.findIndex((d) => d.feature === 'promo');
    assert.ok(
      promo >= 0 && promo < 4 && e.drivers[promo]!.factor > 1.2 && e.drivers[promo]!.value === 1,
      JSON.stringify(e.drivers.slice(0, 5)),
    );
    const plain = await explainSku(ws, 'S3', day(253));
    assert.ok(plain.drivers.find((d) => d.feature === 'promo')!.factor < 1);
    await assert.rejects(explainSku(ws, 'S3', day(300)), /forecast window/);
    await assert.rejects(explainSku(ws, 'NOPE'), /no demand/);
  });
});
