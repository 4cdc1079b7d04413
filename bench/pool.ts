/**
 * auto's pool in process, on bench:hourly's two sets (issue #21): per member its MASE on the held-out
 * days or hours (lag-7 or lag-24 scale) and how often the best-three rule picked it, beside auto (the
 * best three), the simple mean of the pool and the oracle (each series' best member in hindsight: a
 * bound, not a method). The figures RESULTS.md gives as "in-process" for the current pool come from here.
 *   npm run bench:pool [-- --set daily|hourly] [-- --series N] (the first N series; default all)
 * Reads ../shared/data (says so when absent); prints, writes nothing.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { combinePool, runPool, weightsFor } from '../src/engine/auto-choice.js';
import { mase } from '../src/engine/metrics.js';
import { type BenchSet, onlineRetailHourly, rossmannDaily } from './hourly-data.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const shared = join(repo, '../shared/data');
const { values } = parseArgs({
  options: { set: { type: 'string', default: 'daily' }, series: { type: 'string' } },
});
const daily = values.set === 'daily';
const file = daily
  ? join(shared, 'rossmann/train-stores-1-557.csv.gz')
  : join(shared, 'online-retail/transactions.csv.gz');
if (!existsSync(file)) {
  console.log(`bench:pool: ${file} is absent (the shared data sets are not on this machine); nothing measured.`);
  process.exit(0);
}
// the same sets as bench:hourly
const set: BenchSet = daily
  ? rossmannDaily(file, 42)
  : onlineRetailHourly(file, {
      origins: ['2011-10-11', '2011-10-18', '2011-10-25', '2011-11-01'],
      trainHours: 1008,
      h: 48,
      topSkus: 100,
    });
const m = daily ? 7 : 24;
const limit = Math.min(Number(values.series ?? Infinity), set.ids.length);
const levels = [0.05, 0.5, 0.95];
const members = new Map<string, { sum: number; n: number; picked: number }>();
let [auto, mean, oracle, n] = [0, 0, 0, 0];
const t0 = performance.now();
for (let i = 0; i < limit; i++) {
  const [y, actual] = [set.train[i]!, set.test[i]!];
  let scale = 0;
  for (let t = m; t < y.length; t++) scale += Math.abs(y[t]! - y[t - m]!);
  if (!(scale > 0)) continue; // as bench:hourly: a zero in-sample seasonal naive error is not scored
  const run = runPool(y, set.h, levels, m);
  const top3 = weightsFor(run.errors, 'top3');
  auto += mase(actual, combinePool(run, top3).mean, y, m);
  mean += mase(actual, combinePool(run, weightsFor(run.errors, 'mean')).mean, y, m);
  let best = Infinity;
  run.names.forEach((name, k) => {
    const fc = run.runs[k]![run.ends.length - 1];
    if (fc === undefined) return;
    const e = mase(actual, fc.mean, y, m);
    const s = members.get(name) ?? members.set(name, { sum: 0, n: 0, picked: 0 }).get(name)!;
    s.sum += e;
    s.n++;
    if (top3[k]! > 0) s.picked++;
    best = Math.min(best, e);
  });
  oracle += best;
  n++;
}
const f = (v: number): string => (v / n).toFixed(4);
console.log(
  `${set.name}: ${n} series scored; MASE auto (best three) ${f(auto)}, simple mean of the pool ${f(mean)}, ` +
    `oracle member ${f(oracle)}; ${((performance.now() - t0) / n).toFixed(1)} ms a series`,
);
for (const [name, s] of members)
  console.log(`  ${name.padEnd(28)} MASE ${(s.sum / s.n).toFixed(4)} over ${s.n}, in the best three ${s.picked}×`);
