/**
 * M4 Weekly benchmark (issue #3): 359 series, h = 13, scored as the M4 competition scores them
 * (sMAPE, MASE with lag-1 scaling as the single methods use season length 1, OWA against Naive2),
 * and timed as whole processes against R forecast on the same machine.
 *   npm run bench:m4 [-- --models ets,theta] [-- --skip-r] [-- --season-length global=1]
 * Reads ../shared/data/m4-weekly/{train,test}.csv.gz (says so when absent). shopcast runs as
 * `bin/shopcast forecast --series <long csv> --freq week --horizon 13 --season-length 1
 * --model X --threads 1 --out bench/out/m4-X.csv` (season length 52 for auto and global, which
 * may use the yearly period; `--season-length model=m,…` sets it per model); R as
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

const repo = fileURLToPath(new URL('../../', import.meta.url));
const data = join(repo, '../shared/data/m4-weekly');
const out = join(repo, 'bench/out');
const { values } = parseArgs({
  options: {
    models: { type: 'string', default: 'naive,theta,ets,auto' },
    'skip-r': { type: 'boolean', default: false },
    threads: { type: 'string', default: '1' },
    'season-length': { type: 'string', default: '' },
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

function score(forecasts: Map<string, number[]>): { smape: number; mase: number } {
  let s = 0;
  let m = 0;
  for (const [id, y] of test) {
    const f = forecasts.get(id)!;
    s += smape(y, f);
    m += mase(y, f, train.get(id)!, 1);
  }
  return { smape: s / test.size, mase: m / test.size };
}

function readForecasts(file: string): Map<string, number[]> {
  const map = new Map<string, number[]>();
  for (const line of readFileSync(file, 'utf8').trim().split('\n').slice(1)) {
    const f = line.split(',');
    const list = map.get(f[0]!) ?? [];
    list.push(Number(f[2]));
    map.set(f[0]!, list);
  }
  return map;
}

// Naive2 with season length 1 is the naive forecast: the last value.
const naive2 = score(new Map([...train].map(([id, y]) => [id, new Array(H).fill(y[y.length - 1]!)])));
const rows: Record<string, string | number>[] = [];
// the single methods use season length 1 as the M4 benchmarks did; the automatic choice and the global
// model may use the yearly period
const seasonLength: Record<string, string> = { auto: '52', global: '52' };
for (const pair of values['season-length']!.split(',').filter((p) => p !== '')) {
  const [model, m] = pair.split('=');
  if (model === undefined || m === undefined || !/^\d+$/.test(m))
    throw new Error(`--season-length takes model=m pairs (e.g. global=1), got '${pair}'`);
  seasonLength[model] = m;
}
const threads = values.threads!;
for (const model of values.models!.split(',')) {
  const file = join(out, `m4-${model}.csv`);
  const t = process.hrtime.bigint();
  const r = spawnSync(
    process.execPath,
    [
      join(repo, 'bin/shopcast'),
      'forecast',
      '--series',
      longPath,
      '--freq',
      'week',
      '--horizon',
      String(H),
      '--season-length',
      seasonLength[model] ?? '1',
      '--model',
      model,
      '--threads',
      threads,
      '--out',
      file,
    ],
    { encoding: 'utf8' },
  );
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  if (r.status !== 0) throw new Error(`shopcast forecast --model ${model} failed: ${r.stderr}`);
  const sc = score(readForecasts(file));
  rows.push({
    method: `shopcast ${model}`,
    season_length: Number(seasonLength[model] ?? 1),
    smape: sc.smape,
    mase: sc.mase,
    owa: owa(sc.smape, sc.mase, naive2.smape, naive2.mase),
    seconds,
    series_per_s: train.size / seconds,
  });
  console.log(
    `shopcast ${model}: sMAPE ${sc.smape.toFixed(3)} MASE ${sc.mase.toFixed(3)} OWA ${owa(sc.smape, sc.mase, naive2.smape, naive2.mase).toFixed(3)} in ${seconds.toFixed(2)} s (${(train.size / seconds).toFixed(1)} series/s, --threads ${threads})`,
  );
}

// Scaling: the same ETS batch on every core.
if (values.models!.split(',').includes('ets')) {
  const file = join(out, 'm4-ets-all-cores.csv');
  const t = process.hrtime.bigint();
  const r = spawnSync(
    process.execPath,
    [
      join(repo, 'bin/shopcast'),
      'forecast',
      '--series',
      longPath,
      '--freq',
      'week',
      '--horizon',
      String(H),
      '--season-length',
      '1',
      '--model',
      'ets',
      '--threads',
      String(cpus().length),
      '--out',
      file,
    ],
    { encoding: 'utf8' },
  );
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  if (r.status !== 0) throw new Error(`shopcast forecast failed: ${r.stderr}`);
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
  for (const model of values.models!.split(',').filter((m) => ['ets', 'theta', 'naive', 'arima'].includes(m))) {
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
  r: rTable,
  r_whole_process_seconds: rWhole,
};
writeFileSync(join(out, 'm4.json'), JSON.stringify(result, null, 2) + '\n');
console.log('written to bench/out/m4.json');
