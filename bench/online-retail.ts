/**
 * Online Retail daily benchmark (issues #3, #21): every SKU's daily demand forecast from the
 * workspace as of 2011-10-07, h = 28, scored on the following 28 days (2011-10-08 … 2011-11-04)
 * with the revenue-weighted RMSSE and scaled pinball loss of the M5 competition (bottom level: one
 * series per SKU; weights = each SKU's revenue in the 28 days up to the forecast origin; scales from
 * the SKU's open days since its first sale; days the shop was closed are not scored). `comb` is the
 * mean of the ets, arima and theta forecasts (mean and quantiles); the verdict lines compare auto
 * with the best of snaive, theta and comb on WRMSSE and on WSPL.
 *   npm run bench:online-retail [-- --models snaive,window-average,ets,theta,arima,auto,global,ensemble,oracle-level]
 *   [-- --workspace W] (a workspace the full file was ingested into; by default a fresh temporary one)
 *   [-- --as-of 2011-09-09] (another origin, e.g. to choose a setting before scoring it at the test origin)
 * (`oracle-level` is a bound, not a model: each SKU's actual mean and quantiles over the scored days.)
 * Reads ../shared/data/online-retail/transactions.csv.gz (says so when absent).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Workspace } from '../src/store/workspace.js';
import { sql } from '../src/store/sql.js';
import {
  reuseOr,
  reuseSet,
  runAndScore,
  quantileLevel,
  timedForecast,
  verdicts,
  type SeriesForecast,
} from './baselines.js';
import { onlineRetailWorkspace } from './or-workspace.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const out = join(repo, 'bench/out');
const { values } = parseArgs({
  options: {
    models: { type: 'string', default: 'snaive,window-average,ets,theta,arima,tsb,auto' },
    workspace: { type: 'string' },
    // models whose bench/out/online-retail-X.csv from an earlier run of this bench is scored again, not re-run
    // (ARIMA takes half an hour here); their seconds are then not measured (NaN)
    reuse: { type: 'string', default: '' },
    // another forecast origin (a validation origin before the test one: settings are chosen there, not on the test)
    'as-of': { type: 'string', default: '2011-10-07' },
  },
});
const reused = reuseSet(values.reuse);
const { dir: wsDir, cleanup } = onlineRetailWorkspace('bench:online-retail', values.workspace);
mkdirSync(out, { recursive: true });
const AS_OF = values['as-of']!;
const H = 28;
const LEVELS = [0.05, 0.25, 0.5, 0.75, 0.95];
try {
  // actuals, scales and weights straight from the workspace
  const ws = await Workspace.open(wsDir);
  const actualRows = await ws.all(
    sql`SELECT sku, date::VARCHAR AS d, units FROM daily_demand WHERE date > ${AS_OF}::DATE ORDER BY sku, date`,
  );
  const trainRows = await ws.all(
    sql`SELECT sku, units FROM daily_demand WHERE date <= ${AS_OF}::DATE AND NOT closed ORDER BY sku, date`,
  );
  const weightRows = await ws.all(
    sql`SELECT sku, sum(revenue)::DOUBLE AS w FROM daily_demand WHERE date > ${AS_OF}::DATE - INTERVAL 28 DAY AND date <= ${AS_OF}::DATE GROUP BY sku`,
  );
  ws.close();
  const actual = new Map<string, Map<string, number>>();
  for (const r of actualRows) {
    const m = actual.get(r['sku'] as string) ?? actual.set(r['sku'] as string, new Map()).get(r['sku'] as string)!;
    m.set(r['d'] as string, r['units'] === null ? NaN : (r['units'] as number));
  }
  const train = new Map<string, number[]>();
  for (const r of trainRows)
    (train.get(r['sku'] as string) ?? train.set(r['sku'] as string, []).get(r['sku'] as string)!).push(
      (r['units'] as number) ?? 0,
    );
  const weight = new Map(weightRows.map((r) => [r['sku'] as string, r['w'] as number]));

  const scale = (ys: number[], squared: boolean): number => {
    let s = 0;
    for (let i = 1; i < ys.length; i++) s += squared ? (ys[i]! - ys[i - 1]!) ** 2 : Math.abs(ys[i]! - ys[i - 1]!);
    return ys.length > 1 ? s / (ys.length - 1) : 0;
  };

  /** sku → date → [mean, q05 … q95]: the rows scored. */
  type DailyForecast = Map<string, Map<string, number[]>>;
  /** A forecasts.csv's series as the rows scored, the quantile columns of LEVELS found by their names. */
  const byDate = (fc: Map<string, SeriesForecast>): DailyForecast => {
    const out: DailyForecast = new Map();
    for (const [sku, f] of fc) {
      const columns = LEVELS.map((tau) => {
        const name = [...f.quantiles.keys()].find((c) => quantileLevel(c) === tau);
        if (name === undefined) throw new Error(`the forecasts of ${sku} have no quantile column for ${tau}`);
        return f.quantiles.get(name)!;
      });
      out.set(sku, new Map(f.dates.map((d, t) => [d, [f.mean[t]!, ...columns.map((q) => q[t]!)]])));
    }
    return out;
  };

  /**
   * Not a forecast: a bound. Each SKU's actual mean and empirical quantiles over the scored days, the same every
   * day — what a perfect level forecast without daily detail would score; with `weekday`, the mean times the shop's
   * actual weekday profile over those days.
   */
  const oracle = (withWeekday: boolean): DailyForecast => {
    const fc: DailyForecast = new Map();
    const weekday = (d: string): number => new Date(`${d}T00:00:00Z`).getUTCDay();
    const sums = new Array<number>(7).fill(0);
    const counts = new Array<number>(7).fill(0);
    for (const days of actual.values())
      for (const [d, v] of days)
        if (!Number.isNaN(v)) {
          sums[weekday(d)] = sums[weekday(d)]! + v;
          counts[weekday(d)] = counts[weekday(d)]! + 1;
        }
    const dayMean = new Map(sums.map((v, k) => [k, counts[k]! > 0 ? v / counts[k]! : 0]));
    for (const [sku, days] of actual) {
      const ys = [...days.values()].filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
      if (ys.length === 0) continue;
      const q = (tau: number): number => {
        const p = tau * (ys.length - 1);
        const i = Math.floor(p);
        return ys[i]! + (ys[Math.min(i + 1, ys.length - 1)]! - ys[i]!) * (p - i);
      };
      const row = [ys.reduce((a, b) => a + b, 0) / ys.length, ...LEVELS.map(q)];
      const open = [...days].filter(([, v]) => !Number.isNaN(v)).map(([d]) => dayMean.get(weekday(d))!);
      const profile = open.reduce((a, b) => a + b, 0) / open.length;
      const factor = (d: string): number => (!withWeekday || profile === 0 ? 1 : dayMean.get(weekday(d))! / profile);
      fc.set(sku, new Map([...days.keys()].map((d) => [d, [row[0]! * factor(d), ...row.slice(1)]])));
    }
    return fc;
  };

  const results: Record<string, number | string>[] = [];
  /** WRMSSE and WSPL of one forecast, printed and returned as a row of online-retail.json. */
  const scoreRow = (model: string, fc: DailyForecast, seconds: number, extra: Record<string, number>): void => {
    let wsum = 0;
    let wrmsse = 0;
    let wspl = 0;
    let scored = 0;
    for (const [sku, days] of actual) {
      const w = weight.get(sku) ?? 0;
      const ys = train.get(sku);
      const f = fc.get(sku);
      if (w <= 0 || ys === undefined || f === undefined) continue;
      const s2 = scale(ys, true);
      const s1 = scale(ys, false);
      if (s2 === 0 || s1 === 0) continue;
      let se = 0;
      let pl = 0;
      let n = 0;
      for (const [d, y] of days) {
        if (Number.isNaN(y)) continue; // the shop was closed
        const row = f.get(d);
        if (row === undefined) continue;
        se += (y - row[0]!) ** 2;
        LEVELS.forEach((tau, l) => {
          const q = row[l + 1]!;
          pl += (y >= q ? tau * (y - q) : (1 - tau) * (q - y)) / LEVELS.length;
        });
        n++;
      }
      if (n === 0) continue;
      wrmsse += w * Math.sqrt(se / n / s2);
      wspl += (w * (pl / n)) / s1;
      wsum += w;
      scored++;
    }
    results.push({ model, wrmsse: wrmsse / wsum, wspl: wspl / wsum, skus: scored, seconds, ...extra });
    console.log(
      `${model}: WRMSSE ${(wrmsse / wsum).toFixed(4)} WSPL ${(wspl / wsum).toFixed(4)} over ${scored} SKUs, ${seconds.toFixed(1)} s${Object.keys(extra).length > 0 ? ` ${JSON.stringify(extra)}` : ''}`,
    );
  };

  const models = values.models!.split(',');
  const suffix = AS_OF === '2011-10-07' ? '' : `-${AS_OF}`;
  const fileOf = (model: string): string => join(out, `online-retail-${model}${suffix}.csv`);
  // the bounds first: they are no forecasts, have no file and no cost worth timing
  for (const model of models.filter((m) => m === 'oracle-level' || m === 'oracle-level-weekday'))
    scoreRow(model, oracle(model === 'oracle-level-weekday'), 0, {});
  const globalOf = new Map<string, Record<string, number>>();
  runAndScore(
    models.filter((m) => !m.startsWith('oracle-level')),
    fileOf,
    (model) =>
      reuseOr(reused, fileOf(model), model, () => {
        const { seconds, stdout } = timedForecast(['--workspace', wsDir, '--as-of', AS_OF], {
          freq: 'day',
          horizon: H,
          seasonLength: 7,
          model,
          out: fileOf(model),
        });
        globalOf.set(model, (JSON.parse(stdout) as { global?: Record<string, number> }).global ?? {});
        return seconds;
      }),
    (model, fc, seconds) => scoreRow(model, byDate(fc), seconds, globalOf.get(model) ?? {}),
  );
  const verdict = verdicts(results, (r) => r['model'] as string, { wrmsse: 'WRMSSE', wspl: 'WSPL' }, [
    'snaive',
    'theta',
    'comb',
  ]);
  writeFileSync(
    join(out, `online-retail${suffix}.json`),
    JSON.stringify({ as_of: AS_OF, horizon: H, results, verdict }, null, 2) + '\n',
  );
  console.log('written to bench/out/online-retail.json');
} finally {
  cleanup();
}
