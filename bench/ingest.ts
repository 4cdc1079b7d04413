/**
 * Ingest benchmark (issue #2): the full UCI Online Retail file, ingested and cleaned by the CLI as a
 * whole process into a fresh workspace, several times; prints wall time and peak memory (median).
 *   npm run bench:ingest [-- --runs 5] [-- --file PATH]
 * Reads ../shared/data/online-retail/transactions.csv.gz and says so when it is absent.
 * Peak memory is the process's maximum resident set size (bench/cli-run.ts says how it is read).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type CliRun as Run, MEMORY_FROM, runCli as runOnce } from './cli-run.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    file: { type: 'string', default: join(repo, '../shared/data/online-retail/transactions.csv.gz') },
  },
});
const file = values.file!;
if (!existsSync(file)) {
  console.log(`bench:ingest: ${file} is absent (the shared data sets are not on this machine); nothing measured.`);
  process.exit(0);
}
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const runs = Number(values.runs);
const fresh: Run[] = [];
let reingest: Run | undefined;
for (let i = 0; i < runs; i++) {
  const ws = mkdtempSync(join(tmpdir(), 'shopcast-bench-'));
  try {
    fresh.push(await runOnce(['ingest', file, '--workspace', ws, '--json']));
    if (i === 0) reingest = await runOnce(['ingest', file, '--workspace', ws, '--json']);
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
  console.log(`run ${i + 1}: ${fresh[i]!.seconds.toFixed(2)} s, peak ${fresh[i]!.peakMB.toFixed(0)} MB`);
}
const r = fresh[0]!.report as {
  rows_read: number;
  rows_loaded: number;
  rows_rejected: number;
  skus: number;
  cleaning: Record<string, number>;
};
const result = {
  file,
  machine: `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`,
  memory_from: MEMORY_FROM,
  runs,
  seconds: fresh.map((f) => Number(f.seconds.toFixed(3))),
  median_seconds: Number(median(fresh.map((f) => f.seconds)).toFixed(3)),
  peak_mb: fresh.map((f) => Math.round(f.peakMB)),
  median_peak_mb: Math.round(median(fresh.map((f) => f.peakMB))),
  reingest_seconds: Number(reingest!.seconds.toFixed(3)),
  reingest_rows_new: (reingest!.report as { rows_new: number }).rows_new,
  rows_read: r.rows_read,
  rows_loaded: r.rows_loaded,
  rows_rejected: r.rows_rejected,
  accounted: r.rows_read === r.rows_loaded + r.rows_rejected,
  skus: r.skus,
  cleaning: r.cleaning,
};
mkdirSync(join(repo, 'bench/out'), { recursive: true });
writeFileSync(join(repo, 'bench/out/ingest.json'), JSON.stringify(result, null, 2) + '\n');
console.log(JSON.stringify(result, null, 2));
console.log(
  `\nmedian ${result.median_seconds} s wall, median peak ${result.median_peak_mb} MB over ${runs} runs; written to bench/out/ingest.json`,
);
