/**
 * M4 Weekly benchmark (issues #3, #21): 359 series, h = 13, scored as the M4 competition scores them
 * (sMAPE, MASE with lag-1 scaling as the single methods use season length 1, OWA against Naive2;
 * for every model with the quantile columns, the coverage of the p05–p95 interval and its MSIS
 * with a = 0.10, and of p025–p975 with a = 0.05 when the forecasts carry those columns), and timed
 * as whole processes against R forecast on the same machine. `comb` is the mean of the ets, arima
 * and theta forecasts (M4's Comb benchmark uses SES/Holt/damped; issue #21 asks for this one);
 * the verdict line compares auto's OWA with the best of naive (Naive2 with m = 1), snaive52,
 * theta and comb.
 *   npm run bench:m4 [-- --models ets,theta] [-- --skip-r]
 * Reads ../shared/data/m4-weekly/{train,test}.csv.gz (says so when absent). shopcast runs as
 * `bin/shopcast forecast --series <long csv> --freq week --horizon 13 --season-length 1
 * --model X --threads 1 --out bench/out/m4-X.csv` (season length 52 for auto; a model name ending
 * in a number, snaive52, takes that number as the season length); R as
 * `Rscript ../shared/bench/m4_r.R` (R from `apt-get install r-base-core r-cran-forecast`; skipped
 * with --skip-r, or when absent).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { mase, owa, smape } from '../src/engine/metrics.js';
import { runAndScore, intervalScore, timedForecast, verdicts, type SeriesForecast } from './baselines.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const data = join(repo, '../shared/data/m4-weekly');
const out = join(repo, 'bench/out');
const { values } = parseArgs({
  options: {
    models: { type: 'string', default: 'naive,snaive52,theta,ets,arima,auto' },
    'skip-r': { type: 'boolean', default: false },
    threads: { type: 'string', default: '1' },
  },
});
if (!existsSync(join(data, 'train.csv.gz'))) {
  console.log(`bench:m4: ${data} is absent (the shared data sets are not on this machine); nothing measured.`);
  process.exit(0);
}
mkdirSync(out, { recursive: true });

function readWide(file: string): Map<string, number[]> {
  const lines = gunzipSync(readFileSync(file)).toString('utf8').trim().split('\n').slice(1);
  return new Map(
    lines.map((l) => {
      const f = l.split(',').map((x) => x.replaceAll('"', ''));
      return [
        f[0]!,
        f
          .slice(1)
          .filter((x) => x !== '' && x !== 'NA')
          .map(Number),
      ];
    }),
  );
}
const train = readWide(join(data, 'train.csv.gz'));
const test = readWide(join(data, 'test.csv.gz'));
const H = 13;

// Long form with synthetic Monday dates (M4 gives no dates): 2000-01-03 + k weeks.
const longPath = join(out, 'm4-weekly-train-long.csv');
{
  const t0 = Date.UTC(2000, 0, 3);
  let s = 'sku,date,units\n';
  for (const [id, ys] of train)
    ys.forEach((y, k) => {
      s += `${id},${new Date(t0 + k * 7 * 86_400_000).toISOString().slice(0, 10)},${y}\n`;
    });
  writeFileSync(longPath, s);
}

function score(forecasts: Map<string, SeriesForecast>): { smape: number; mase: number } {
  let s = 0;
  let m = 0;
  for (const [id, y] of test) {
    const f = forecasts.get(id)!.mean;
    s += smape(y, f);
    m += mase(y, f, train.get(id)!, 1);
  }
  return { smape: s / test.size, mase: m / test.size };
}

// Naive2 with season length 1 is the naive forecast: the last value.
const naive2 = score(
  new Map(
    [...train].map(([id, y]) => [
      id,
      { dates: [], mean: new Array<number>(H).fill(y[y.length - 1]!), quantiles: new Map() },
    ]),
  ),
);
const threads = values.threads!;
const models = values.models!.split(',');
const fileOf = (model: string): string => join(out, `m4-${model}.csv`);
/** The accuracy and interval scores of one model's forecasts, printed and returned as a row of m4.json. */
function scoreRow(model: string, fc: Map<string, SeriesForecast>, seconds: number): Record<string, string | number> {
  const sc = score(fc);
  const o = owa(sc.smape, sc.mase, naive2.smape, naive2.mase);
  const row: Record<string, string | number> = { method: `shopcast ${model}`, model, ...sc, owa: o };
  let intervals = '';
  for (const [level, key] of [
    [0.9, '90'],
    [0.95, '95'],
  ] as const) {
    const iv = intervalScore(fc, test, train, level);
    if (iv === undefined) continue;
    row[`coverage${key}`] = iv.coverage;
    row[`msis${key}`] = iv.msis;
    intervals += ` ${key} %: coverage ${(100 * iv.coverage).toFixed(1)} % MSIS ${iv.msis.toFixed(3)}`;
  }
  Object.assign(row, { seconds, series_per_s: train.size / seconds });
  console.log(
    `shopcast ${model}: sMAPE ${sc.smape.toFixed(3)} MASE ${sc.mase.toFixed(3)} OWA ${o.toFixed(3)}${intervals} in ${seconds.toFixed(2)} s (${(train.size / seconds).toFixed(1)} series/s, --threads ${threads})`,
  );
  return row;
}

const rows: Record<string, string | number>[] = [];
runAndScore(
  models,
  fileOf,
  (model) => {
    // The single methods use season length 1 as the M4 benchmarks did; the automatic choice may use the yearly
    // period; a trailing number sets the season length (snaive52: seasonal naive with the yearly period).
    const [, name, m] = /^(.*?)(\d*)$/.exec(model)!;
    const learned = ['auto', 'auto-meta', 'global'].includes(model);
    const seasonLength = m !== '' ? m! : learned ? '52' : '1';
    // every model writes a 95 % interval too (p02.5, p97.5) besides the five standard quantiles
    return timedForecast(['--series', longPath, '--levels', '0.025,0.05,0.25,0.5,0.75,0.95,0.975'], {
      freq: 'week',
      horizon: H,
      seasonLength,
      model: name!,
      out: fileOf(model),
      threads,
    }).seconds;
  },
  (model, fc, seconds) => rows.push(scoreRow(model, fc, seconds)),
);
// M4's Naive2 with season length 1 is naive, the seasonal naive of the single methods; snaive52 uses the year
const verdict = verdicts(rows, (r) => r['model'] as string, { owa: 'OWA' }, ['naive', 'snaive52', 'theta', 'comb']);

// Scaling: the same ETS batch on every core.
if (models.includes('ets')) {
  const { seconds } = timedForecast(['--series', longPath], {
    freq: 'week',
    horizon: H,
    seasonLength: 1,
    model: 'ets',
    out: join(out, 'm4-ets-all-cores.csv'),
    threads: String(cpus().length),
  });
  rows.push({ method: `shopcast ets --threads ${cpus().length}`, seconds, series_per_s: train.size / seconds });
  console.log(
    `shopcast ets --threads ${cpus().length}: ${seconds.toFixed(2)} s (${(train.size / seconds).toFixed(1)} series/s)`,
  );
}

let rTable = '';
const rWhole: Record<string, number>[] = [];
const rScript = join(repo, '../shared/bench/m4_r.R');
const rCache = join(out, 'm4-r.tsv');
if (!values['skip-r'] && existsSync(rScript) && spawnSync('Rscript', ['--version']).status === 0) {
  console.log('running R forecast on the same data (Rscript ../shared/bench/m4_r.R train.csv test.csv 13 1)…');
  const trainCsv = join(out, 'm4-train.csv');
  const testCsv = join(out, 'm4-test.csv');
  writeFileSync(trainCsv, gunzipSync(readFileSync(join(data, 'train.csv.gz'))));
  writeFileSync(testCsv, gunzipSync(readFileSync(join(data, 'test.csv.gz'))));
  rTable = execFileSync('Rscript', [rScript, trainCsv, testCsv, String(H), '1'], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  writeFileSync(rCache, rTable);
  // Each R method as a whole process that reads the data and writes its forecasts, like shopcast above.
  for (const model of models.filter((m) => ['ets', 'theta', 'naive', 'arima'].includes(m))) {
    const t = process.hrtime.bigint();
    execFileSync('Rscript', [
      join(repo, 'bench/r/m4-method.R'),
      trainCsv,
      String(H),
      '1',
      model,
      join(out, `m4-r-${model}.csv`),
    ]);
    const seconds = Number(process.hrtime.bigint() - t) / 1e9;
    rWhole.push({ [model]: seconds });
    console.log(
      `R ${model} as a whole process: ${seconds.toFixed(2)} s (${(train.size / seconds).toFixed(1)} series/s)`,
    );
  }
} else if (existsSync(rCache)) rTable = readFileSync(rCache, 'utf8');
if (rTable !== '') {
  console.log('R forecast (fit + forecast seconds inside R):');
  console.log(rTable.trim());
}
const result = {
  machine: `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), node ${process.version}`,
  naive2,
  shopcast: rows,
  verdict,
  r: rTable,
  r_whole_process_seconds: rWhole,
};
writeFileSync(join(out, 'm4.json'), JSON.stringify(result, null, 2) + '\n');
console.log('written to bench/out/m4.json');
