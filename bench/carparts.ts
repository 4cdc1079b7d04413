/**
 * Car-parts benchmark (issue #3): 1,337 monthly intermittent demand series (Hyndman's expsmooth
 * `carparts`), the last 12 months held out, h = 12. Each shopcast model runs as a whole process
 * (`bin/shopcast forecast --series … --freq month --season-length 12 --horizon 12 --model X`);
 * R's croston (α = 0.1) and snaive run on the same training data (bench/r/carparts.R) when R is
 * installed. All forecasts are scored here the same way: MASE (scaled by the in-sample MAE of the
 * naive forecast) and RMSSE (M5), averaged over the series whose scale is not zero. `comb` is the
 * mean of the ets, arima and theta forecasts; the verdict lines compare auto with the best of
 * snaive, theta and comb on MASE and on RMSSE (issue #21).
 *   npm run bench:carparts [-- --skip-r]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { mase, rmsse } from '../src/engine/metrics.js';
import { reuseOr, reuseSet, runAndScore, timedForecast, verdicts, type SeriesForecast } from './baselines.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const file = join(repo, '../shared/data/carparts/carparts-monthly.csv');
const out = join(repo, 'bench/out');
const { values } = parseArgs({
  options: {
    models: {
      type: 'string',
      default: 'naive,snaive,mean,croston,croston-optimized,sba,tsb,adida,imapa,theta,ets,arima,auto',
    },
    'skip-r': { type: 'boolean', default: false },
    // models whose bench/out/carparts-X.csv from an earlier run is scored again, not re-run (ETS, ARIMA: minutes)
    reuse: { type: 'string', default: '' },
  },
});
const reused = reuseSet(values.reuse);
if (!existsSync(file)) {
  console.log(`bench:carparts: ${file} is absent (the shared data sets are not on this machine); nothing measured.`);
  process.exit(0);
}
mkdirSync(out, { recursive: true });
const H = 12;
const rows = readFileSync(file, 'utf8')
  .trim()
  .split('\n')
  .map((l) => l.split(','));
const ids = rows[0]!.slice(1);
const series = new Map<string, number[]>();
ids.forEach((id, j) => {
  const ys = rows
    .slice(1)
    .map((r) => r[j + 1]!)
    .filter((v) => v !== '' && v !== 'NA')
    .map(Number);
  series.set(id, ys);
});
const train = new Map<string, number[]>();
const test = new Map<string, number[]>();
for (const [id, ys] of series) {
  if (ys.length <= H + 2) continue;
  train.set(id, ys.slice(0, ys.length - H));
  test.set(id, ys.slice(ys.length - H));
}
const longPath = join(out, 'carparts-train-long.csv');
{
  let s = 'sku,date,units\n';
  for (const [id, ys] of train)
    ys.forEach(
      (y, k) => (s += `${id},${2000 + Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, '0')}-01,${y}\n`),
    );
  writeFileSync(longPath, s);
}

function score(fc: Map<string, number[]>): { mase: number; rmsse: number; n: number } {
  let m = 0;
  let r = 0;
  let n = 0;
  for (const [id, y] of test) {
    const f = fc.get(id)!;
    const a = mase(y, f, train.get(id)!, 1);
    const b = rmsse(y, f, train.get(id)!);
    if (!Number.isFinite(a) || !Number.isFinite(b)) continue; // zero in-sample scale: no scaled error
    m += a;
    r += b;
    n++;
  }
  return { mase: m / n, rmsse: r / n, n };
}

const results: Record<string, number | string>[] = [];
const models = values.models!.split(',');
const fileOf = (model: string): string => join(out, `carparts-${model}.csv`);
/** One model's scores, printed and returned as a row of carparts.json. */
function scoreRow(model: string, fc: Map<string, SeriesForecast>, seconds: number): Record<string, number | string> {
  const sc = score(new Map([...fc].map(([id, f]) => [id, f.mean])));
  console.log(
    `shopcast ${model}: MASE ${sc.mase.toFixed(3)} RMSSE ${sc.rmsse.toFixed(3)} over ${sc.n} series, ${seconds.toFixed(2)} s`,
  );
  return { method: `shopcast ${model}`, model, ...sc, seconds };
}
runAndScore(
  models,
  fileOf,
  (model) =>
    reuseOr(
      reused,
      fileOf(model),
      model,
      () =>
        timedForecast(['--series', longPath], {
          freq: 'month',
          horizon: H,
          seasonLength: 12,
          model,
          out: fileOf(model),
        }).seconds,
    ),
  (model, fc, seconds) => results.push(scoreRow(model, fc, seconds)),
);
const verdict = verdicts(results, (r) => r['model'] as string, { mase: 'MASE', rmsse: 'RMSSE' }, [
  'snaive',
  'theta',
  'comb',
]);
if (!values['skip-r'] && spawnSync('Rscript', ['--version']).status === 0) {
  const path = join(out, 'carparts-r.csv');
  const t = process.hrtime.bigint();
  execFileSync('Rscript', [join(repo, 'bench/r/carparts.R'), longPath, path]);
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  const cr = new Map<string, number[]>();
  const sn = new Map<string, number[]>();
  for (const line of readFileSync(path, 'utf8').trim().split('\n').slice(1)) {
    const f = line.split(',').map((x) => x.replaceAll('"', ''));
    (cr.get(f[0]!) ?? cr.set(f[0]!, []).get(f[0]!)!).push(Number(f[2]));
    (sn.get(f[0]!) ?? sn.set(f[0]!, []).get(f[0]!)!).push(Number(f[3]));
  }
  for (const [name, fc] of [
    ['R croston', cr],
    ['R snaive', sn],
  ] as const) {
    const sc = score(fc);
    results.push({ method: name, ...sc, seconds });
    console.log(
      `${name}: MASE ${sc.mase.toFixed(3)} RMSSE ${sc.rmsse.toFixed(3)} over ${sc.n} series (R process for both: ${seconds.toFixed(2)} s)`,
    );
  }
}
writeFileSync(join(out, 'carparts.json'), JSON.stringify({ series: test.size, results, verdict }, null, 2) + '\n');
console.log('written to bench/out/carparts.json');
