/**
 * High-frequency development benchmark (issue #21): two sets that shopcast's tuning never saw, each
 * method run as a whole, timed `bin/shopcast forecast --series <long csv> --freq F --horizon H
 * --season-length M --model X --threads 1 --out bench/out/hourly-<set>-X@M.csv` process and scored here.
 *   npm run bench:hourly [-- --sets hourly,daily] [-- --hourly-models snaive@24,theta,auto]
 *                        [-- --daily-models …] [-- --skus 100] [-- --cpu-limit 200]
 *
 * 1. Online Retail hourly (bench/hourly-data.ts): units per hour of the shop total and of the `--skus`
 *    SKUs with the most order lines in the 6 weeks (1,008 hours) before each of 4 origins a week apart
 *    (Tuesdays 2011-10-11, -18, -25, 11-01, 00:00), h = 48 hours; ids `SKU@origin`. Shape of the
 *    data: the shop sells from 07:00 to 20:00 (most units 09:00–15:00, none from 21:00 to 06:59),
 *    not at all on Saturdays and about half as much on Sundays, so every series has a daily (24) and a
 *    weekly (168) cycle with nights and Saturdays at 0: 65 % of the total's hours are 0, 90 % of the SKUs'.
 *    The last training hour (23:00) is always 0, so naive forecasts 0, which MASE (an absolute error) favours
 *    on these intermittent SKU series; RMSSE and the totals' MASE (column `MASE tot`) do not.
 *    Hours are the shop's clock, read as UTC (British Summer Time ends 2011-10-30, in the closed night hours).
 * 2. Rossmann daily: sales of the 466 stores (of 1–557) with all 942 days (2013-01-01 … 2015-07-31),
 *    closed days 0, h = 42 days, season lengths 7 and 365 (mstl at 7 decomposes by 7 and 365).
 *
 * Metric (the sets' own): MASE scaled by the in-sample seasonal naive MAE (hourly: lag 24; daily:
 * lag 7) — the primary —, RMSSE with the same lag, both averaged over the series (those with a zero
 * scale are left out and counted), and the share of series where auto's MASE beats the best baseline's
 * (ties count half). Intervals: forecasts.csv carries p05…p95, so the interval is the 90 % one
 * (p05–p95): its coverage and MSIS (M4's definition with a = 0.10, same scale as MASE); the 95 %
 * interval (p02.5/p97.5, from `--levels`) is scored instead when a forecasts.csv has it.
 * comb is the simple mean of the ets, arima and theta forecasts (means and interval bounds), computed
 * here from their files. Verdict per set: auto against the best of {snaive (best period), theta, comb}.
 * Reads ../shared/data (says so when absent); results to bench/out/hourly.json.
 * `--reuse arima,ets` scores the forecasts an earlier run of those models left in bench/out again (with that
 * run's timings, marked `reused_from`) instead of running them: AutoARIMA takes about an hour on these sets.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { mase, naiveScale, rmse } from '../src/engine/metrics.js';
import {
  COMB_MEMBERS,
  type SeriesForecast,
  combineForecasts,
  intervalColumns,
  msis,
  readForecastFile,
  reuseSet,
} from './baselines.js';
import { type BenchSet, onlineRetailHourly, rossmannDaily, writeLongCsv } from './hourly-data.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const shared = join(repo, '../shared/data');
const retailFile = join(shared, 'online-retail/transactions.csv.gz');
const rossmannFile = join(shared, 'rossmann/train-stores-1-557.csv.gz');
const out = join(repo, 'bench/out');
const { values } = parseArgs({
  options: {
    sets: { type: 'string', default: 'hourly,daily' },
    // arima is non-seasonal; ets takes seasons up to 24 (at 168 it falls back), mstl at 24 and 168 are separate runs
    'hourly-models': {
      type: 'string',
      default: 'snaive@24,snaive@168,naive,window-average,theta,ets,arima,mstl@24,mstl@168,auto',
    },
    'daily-models': {
      type: 'string',
      default: 'snaive@7,snaive@365,naive,window-average,theta,ets,arima,mstl,auto',
    },
    skus: { type: 'string', default: '100' },
    // CPU seconds a model's process may use (ulimit -t, so the same under any load); then it is stopped and reported
    'cpu-limit': { type: 'string', default: '200' },
    // models (as named in the lists, e.g. arima or mstl@168) whose forecasts from an earlier run are scored again
    reuse: { type: 'string', default: '' },
  },
});
if (!existsSync(retailFile) && !existsSync(rossmannFile)) {
  console.log(
    `bench:hourly: ${shared} has neither data set (the shared data sets are not on this machine); nothing measured.`,
  );
  process.exit(0);
}
mkdirSync(out, { recursive: true });

interface SetSpec {
  key: 'hourly' | 'daily';
  file: string;
  /** the default season length, which is also the MASE/RMSSE/MSIS scale's lag */
  m: number;
  models: string;
  build: () => BenchSet;
}
const SPECS: SetSpec[] = [
  {
    key: 'hourly',
    file: retailFile,
    m: 24,
    models: values['hourly-models']!,
    build: () =>
      onlineRetailHourly(retailFile, {
        origins: ['2011-10-11', '2011-10-18', '2011-10-25', '2011-11-01'],
        trainHours: 1008,
        h: 48,
        topSkus: Number(values.skus),
      }),
  },
  {
    key: 'daily',
    file: rossmannFile,
    m: 7,
    models: values['daily-models']!,
    build: () => rossmannDaily(rossmannFile, 42),
  },
];

/** A forecasts.csv's series by id (bench/baselines.ts reads it). */
type Forecasts = Map<string, SeriesForecast>;

/** The central interval a set of forecasts holds: 95 % when it has those quantile columns, else 90 %. */
function intervalOf(fc: Forecasts, file: string): { level: number; columns: [string, string] } {
  const names = [...(fc.values().next().value?.quantiles.keys() ?? [])];
  for (const level of [0.95, 0.9]) {
    const columns = intervalColumns(names, level);
    if (columns !== undefined) return { level, columns };
  }
  throw new Error(`${file}: no 90 % or 95 % interval columns (${names.join(',')})`);
}

interface Scores {
  mase: number;
  rmsse: number;
  /** MASE over the shop totals only (hourly) */
  maseTotals: number;
  coverage: number;
  msis: number;
  level: number;
  /** per scored series, in `scored` order */
  perSeries: number[];
}

function score(set: BenchSet, scored: number[], lag: number, fc: Forecasts, file: string): Scores {
  const { level, columns } = intervalOf(fc, file);
  let sm = 0;
  let sr = 0;
  let sc = 0;
  let smsis = 0;
  let tot = 0;
  let nTot = 0;
  const perSeries: number[] = [];
  for (const i of scored) {
    const id = set.ids[i]!;
    const f = fc.get(id);
    if (f === undefined || f.mean.length !== set.h) throw new Error(`${file}: no ${set.h}-period forecast for ${id}`);
    const [lo, hi] = [f.quantiles.get(columns[0])!, f.quantiles.get(columns[1])!];
    const y = set.test[i]!;
    const m = mase(y, f.mean, set.train[i]!, lag);
    perSeries.push(m);
    sm += m;
    sr += rmse(y, f.mean) / Math.sqrt(naiveScale(set.train[i]!, lag, true));
    let inside = 0;
    for (let t = 0; t < y.length; t++) if (y[t]! >= lo[t]! && y[t]! <= hi[t]!) inside++;
    sc += inside / y.length;
    smsis += msis(y, lo, hi, set.train[i]!, 1 - level, lag);
    if (set.totals.has(id)) {
      tot += m;
      nTot++;
    }
  }
  const n = scored.length;
  return {
    mase: sm / n,
    rmsse: sr / n,
    maseTotals: nTot > 0 ? tot / nTot : NaN,
    coverage: sc / n,
    msis: smsis / n,
    level,
    perSeries,
  };
}

interface Row {
  method: string;
  scores?: Scores;
  seconds?: number;
  /** CPU seconds of the process (user + system): the machine is shared, wall time depends on the load */
  cpu_seconds?: number;
  series_per_s?: number;
  fallbacks?: number;
  models_used?: Record<string, number>;
  error?: string;
  /** when the forecasts scored are an earlier run's (--reuse): that run's end */
  reused_from?: string;
}

/** What a model's run left beside its forecasts, for --reuse: when it ended, its command and timings. */
interface EarlierRun {
  finished: string;
  command: string;
  row: Row;
}

const cpuLimit = Number(values['cpu-limit']);
const reused = reuseSet(values.reuse);
/** CPU seconds of the children this process has waited for (Linux /proc/self/stat cutime + cstime, USER_HZ 100). */
function childCpuSeconds(): number {
  if (!existsSync('/proc/self/stat')) return NaN;
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from the 3rd (state) on
  return (Number(f[13]) + Number(f[14])) / 100;
}
const fmt = (v: number | undefined, d = 3): string => (v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(d));
const loadBefore = loadavg();
const results: Record<string, unknown>[] = [];

for (const spec of SPECS.filter((s) => values.sets!.split(',').includes(s.key))) {
  if (!existsSync(spec.file)) {
    console.log(`bench:hourly: ${spec.file} is absent; the ${spec.key} set is skipped.`);
    continue;
  }
  const set = spec.build();
  const lag = spec.m;
  const longPath = join(out, `hourly-${spec.key}-train-long.csv`);
  writeLongCsv(set, longPath);
  const scored = set.ids.map((_, i) => i).filter((i) => naiveScale(set.train[i]!, lag, false) > 0);
  const n = set.train[0]!.length;
  console.log(
    `${set.name}: ${set.ids.length} series of ${n} ${set.freq}s, h = ${set.h}, scale lag ${lag}; ` +
      `${scored.length} scored (${set.ids.length - scored.length} with a zero in-sample seasonal naive error left out)`,
  );
  const rows: Row[] = [];
  const fcs = new Map<string, Forecasts>();
  for (const item of spec.models.split(',')) {
    const [model, mText] = item.split('@') as [string, string | undefined];
    const m = mText === undefined ? spec.m : Number(mText);
    const method = mText === undefined ? model : `${model}@${m}`;
    const file = join(out, `hourly-${spec.key}-${model}@${m}.csv`);
    const args = [
      join(repo, 'bin/shopcast'),
      'forecast',
      '--series',
      longPath,
      '--freq',
      set.freq,
      '--horizon',
      String(set.h),
      '--season-length',
      String(m),
      '--model',
      model,
      '--threads',
      '1',
      '--out',
      file,
      '--json',
    ];
    const runFile = `${file}.run.json`;
    if (reused.has(method) && existsSync(file) && existsSync(runFile)) {
      // an earlier run's forecasts scored again, with that run's timings (ARIMA takes an hour on these sets)
      const earlier = JSON.parse(readFileSync(runFile, 'utf8')) as EarlierRun;
      console.log(`${method}: scoring ${file} from the run of ${earlier.finished} (--reuse), not re-run`);
      const fc = readForecastFile(file);
      fcs.set(method, fc);
      rows.push({ ...earlier.row, scores: score(set, scored, lag, fc, file), reused_from: earlier.finished });
      continue;
    }
    const t = process.hrtime.bigint();
    const cpu0 = childCpuSeconds();
    // bash sets the CPU limit and becomes the node process (exec): the timing and CPU seconds are shopcast's
    const r = spawnSync('bash', ['-c', 'ulimit -t "$0" && exec "$@"', String(cpuLimit), process.execPath, ...args], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    const seconds = Number(process.hrtime.bigint() - t) / 1e9;
    const cpu = childCpuSeconds() - cpu0;
    const command = `bin/shopcast ${args.slice(1).join(' ')}`.replaceAll(repo, '');
    if (r.status !== 0) {
      const error =
        r.signal !== null
          ? `stopped (${r.signal}) after ${cpu.toFixed(0)} CPU s, ${seconds.toFixed(0)} s (--cpu-limit ${cpuLimit}): ${command}`
          : `exit ${r.status}: ${command}: ${r.stderr.trim().split('\n').slice(-3).join(' ')}`;
      rows.push({ method, seconds, cpu_seconds: cpu, error });
      console.log(`${method}: ${error}`);
      continue;
    }
    const summary = JSON.parse(r.stdout) as { models_used: Record<string, number>; fallbacks: unknown[] };
    const fc = readForecastFile(file);
    fcs.set(method, fc);
    const scores = score(set, scored, lag, fc, file);
    const row: Row = {
      method,
      seconds,
      cpu_seconds: cpu,
      series_per_s: set.ids.length / seconds,
      fallbacks: summary.fallbacks.length,
      models_used: summary.models_used,
    };
    writeFileSync(runFile, JSON.stringify({ finished: new Date().toISOString(), command, row } satisfies EarlierRun));
    rows.push({ ...row, scores });
    console.log(
      `${method}: MASE ${fmt(scores.mase)} RMSSE ${fmt(scores.rmsse)} in ${seconds.toFixed(1)} s ` +
        `(${(set.ids.length / seconds).toFixed(1)} series/s; ${cpu.toFixed(1)} CPU s)`,
    );
  }
  const members = COMB_MEMBERS.map((k) => fcs.get(k));
  const comb = `comb (${COMB_MEMBERS.join('+')})/3`;
  if (members.every((f) => f !== undefined))
    rows.push({ method: comb, scores: score(set, scored, lag, combineForecasts(members), comb) });
  else {
    const missing = COMB_MEMBERS.filter((k) => !fcs.has(k));
    rows.push({ method: comb, error: `no forecasts from ${missing.join(', ')} (at the default period)` });
  }

  // the verdict: auto against the best of snaive (its better period), theta and comb
  const ok = rows.filter((r) => r.scores !== undefined);
  const snaive = ok.filter((r) => r.method.startsWith('snaive')).sort((a, b) => a.scores!.mase - b.scores!.mase)[0];
  const baselines = [snaive, ok.find((r) => r.method === 'theta'), ok.find((r) => r.method === comb)].filter(
    (r) => r !== undefined,
  );
  const best = [...baselines].sort((a, b) => a.scores!.mase - b.scores!.mase)[0];
  const auto = ok.find((r) => r.method === 'auto');
  let verdict = 'auto or the baselines did not run';
  let share = NaN;
  if (auto !== undefined && best !== undefined) {
    let wins = 0;
    auto.scores!.perSeries.forEach((v, k) => {
      const b = best.scores!.perSeries[k]!;
      wins += v < b ? 1 : v === b ? 0.5 : 0;
    });
    share = wins / scored.length;
    const gap = (ref: Row): string => {
      const g = (auto.scores!.mase / ref.scores!.mase - 1) * 100;
      return `${g <= 0 ? 'better' : 'WORSE'} by ${Math.abs(g).toFixed(1)} %`;
    };
    verdict =
      `auto vs best of {${baselines.map((b) => `${b.method} ${fmt(b.scores!.mase)}`).join(', ')}}` +
      (baselines.some((b) => b.method === comb) ? '' : ' (no comb)') +
      `: MASE ${fmt(auto.scores!.mase)} vs ${fmt(best.scores!.mase)} (${best.method}), ${gap(best)}; ` +
      `RMSSE ${fmt(auto.scores!.rmsse)} vs ${fmt(best.scores!.rmsse)}; ` +
      `auto beats it on ${(share * 100).toFixed(1)} % of series` +
      (snaive !== undefined && snaive !== best ? `; vs ${snaive.method} ${gap(snaive)}` : '') +
      `; auto ${fmt(auto.series_per_s, 1)} series/s on one thread (${fmt(set.ids.length / auto.cpu_seconds!, 1)} ` +
      `per CPU s${spec.key === 'hourly' ? '; target ≥ 5' : ''})`;
  }

  const level = ok[0]?.scores?.level ?? 0.9;
  const pct = Math.round(level * 100);
  const head = ['method', 'MASE', 'RMSSE', ...(spec.key === 'hourly' ? ['MASE tot'] : []), `cov${pct}`, `MSIS${pct}`];
  const table = [
    [...head, 'seconds', 'CPU s', 'series/s', 'fallbk'],
    ...rows.map((r) => {
      const s = r.scores;
      return [
        r.method,
        fmt(s?.mase),
        fmt(s?.rmsse),
        ...(spec.key === 'hourly' ? [fmt(s?.maseTotals)] : []),
        fmt(s?.coverage),
        fmt(s?.msis, 2),
        fmt(r.seconds, 1),
        fmt(r.cpu_seconds, 1),
        fmt(r.series_per_s, 1),
        r.error !== undefined ? 'ERROR' : r.fallbacks === undefined ? '' : String(r.fallbacks),
      ];
    }),
  ];
  const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
  console.log(`\n${set.name} (${scored.length} series, h = ${set.h}, scale lag ${lag}, ${pct} % interval)`);
  for (const row of table)
    console.log(row.map((v, c) => (c === 0 ? v.padEnd(widths[c]!) : v.padStart(widths[c]!))).join('  '));
  for (const r of rows) if (r.error !== undefined) console.log(`  ${r.method}: ${r.error}`);
  console.log(`verdict: ${verdict}\n`);
  results.push({
    set: set.name,
    series: set.ids.length,
    scored: scored.length,
    periods: n,
    horizon: set.h,
    scale_lag: lag,
    interval_level: level,
    rows: rows.map(({ scores, ...r }) => ({
      ...r,
      ...(scores === undefined
        ? {}
        : {
            mase: scores.mase,
            rmsse: scores.rmsse,
            ...(spec.key === 'hourly' ? { mase_totals: scores.maseTotals } : {}),
            coverage: scores.coverage,
            msis: scores.msis,
          }),
    })),
    auto_beats_best_baseline_share: share,
    verdict,
  });
}
const load = `load average ${loadBefore.map((v) => v.toFixed(2)).join(', ')} before, ${loadavg()
  .map((v) => v.toFixed(2))
  .join(', ')} after`;
console.log(load);
writeFileSync(
  join(out, 'hourly.json'),
  JSON.stringify(
    {
      machine: `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), node ${process.version}`,
      load,
      sets: results,
    },
    null,
    2,
  ) + '\n',
);
console.log('written to bench/out/hourly.json');
