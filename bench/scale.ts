/**
 * Scale benchmark (issue #22): `shopcast plan` end to end on synthetic shops of growing size, each stage timed,
 * the process's peak memory, and each stage's growth exponent (the slope of log time on log SKUs).
 *   npm run bench:scale [-- --sizes 1000,10000,100000] [-- --years 2] [-- --seed 1] [-- --memory-limit 2GB]
 * The shops are made by `shopcast synth` (from the bundled sample shop: no outside data needed) and kept in
 * bench/out/scale/shop-N for the next run; each plan runs in a fresh workspace as its own process (bench/cli-run.ts).
 * Writes bench/out/scale/scale.json and prints the growth table, with the sizes measured by earlier runs with the
 * same settings (bench/out/scale/row-N.json): `--sizes 100000` alone adds the largest shop to an earlier table.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { MEMORY_FROM, runCli } from './cli-run.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,10000,100000' },
    years: { type: 'string', default: '2' },
    seed: { type: 'string', default: '1' },
    'memory-limit': { type: 'string', default: '2GB' },
    dir: { type: 'string', default: join(repo, 'bench/out/scale') },
  },
});
const sizes = values.sizes!.split(',').map(Number);
const dir = values.dir!;
mkdirSync(dir, { recursive: true });

/** The stages reported, in the plan's order, and where each one's seconds are in plan --json. */
const STAGES = [
  'ingest: read',
  'ingest: load',
  'clean',
  'read',
  'forecast',
  'lifecycle',
  'inventory',
  'outputs',
  'report',
];

interface Row {
  skus: number;
  order_lines: number;
  synth_seconds: number;
  seconds: Record<string, number>;
  total_seconds: number;
  peak_mb: number;
  ingest_lines_per_second: number;
  planned_skus: number;
}

const rows: Row[] = [];
const runKey = JSON.stringify({ years: values.years, seed: values.seed, memory: values['memory-limit'] });
for (const n of sizes) {
  const shop = join(dir, `shop-${n}`);
  const key = JSON.stringify({ skus: n, years: values.years, seed: values.seed });
  const summaryFile = join(shop, 'synth.json');
  let synth: { order_lines: number; seconds: number; key?: string } | undefined;
  if (existsSync(summaryFile)) {
    const s = JSON.parse(readFileSync(summaryFile, 'utf8')) as { order_lines: number; seconds: number; key?: string };
    if (s.key === key) synth = s;
  }
  if (synth === undefined) {
    const made = await runCli(
      ['synth', '--skus', String(n), '--years', values.years!, '--seed', values.seed!].concat([
        '--out',
        shop,
        '--json',
      ]),
    );
    synth = { ...(made.report as { order_lines: number; seconds: number }), key };
    writeFileSync(summaryFile, JSON.stringify(synth) + '\n');
  }
  const ws = join(dir, `ws-${n}`);
  rmSync(ws, { recursive: true, force: true });
  const files = ['order-lines.csv.gz', 'catalog.csv', 'stock.csv'].map((f) => join(shop, f));
  const r = await runCli([
    'plan',
    ...files,
    '--workspace',
    ws,
    '--out',
    join(dir, `plan-${n}`),
    '--memory-limit',
    values['memory-limit']!,
    '--json',
  ]);
  const p = r.report as {
    skus: number;
    seconds: Record<string, number>;
    ingest: { seconds: { read: number; load: number; clean: number } };
  };
  const seconds: Record<string, number> = {
    'ingest: read': p.ingest.seconds.read,
    'ingest: load': p.ingest.seconds.load,
    clean: p.ingest.seconds.clean,
    read: p.seconds['read']!,
    forecast: p.seconds['forecast']!,
    lifecycle: p.seconds['lifecycle']!,
    inventory: p.seconds['inventory']!,
    outputs: p.seconds['outputs']!,
    report: p.seconds['report']!,
  };
  const ingest = seconds['ingest: read']! + seconds['ingest: load']!;
  rows.push({
    skus: n,
    order_lines: synth.order_lines,
    synth_seconds: synth.seconds,
    seconds,
    total_seconds: Number(r.seconds.toFixed(1)),
    peak_mb: Math.round(r.peakMB),
    ingest_lines_per_second: Math.round(synth.order_lines / Math.max(1e-9, ingest)),
    planned_skus: p.skus,
  });
  console.log(`${n} SKUs: ${r.seconds.toFixed(1)} s, peak ${Math.round(r.peakMB)} MB, ${JSON.stringify(seconds)}`);
  writeFileSync(join(dir, `row-${n}.json`), JSON.stringify({ key: runKey, row: rows.at(-1) }) + '\n');
  rmSync(ws, { recursive: true, force: true });
}
// the table takes every size measured with these settings, in this run or an earlier one (row-N.json)
for (const f of readdirSync(dir).filter((x) => /^row-\d+\.json$/.test(x))) {
  const saved = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { key: string; row: Row };
  if (saved.key === runKey && !rows.some((r) => r.skus === saved.row.skus)) rows.push(saved.row);
}
rows.sort((a, b) => a.skus - b.skus);

/** Least-squares slope of log y on log x: time ∝ SKUs^slope. */
function exponent(xs: number[], ys: number[]): number | null {
  const pts = xs.map((x, i) => [Math.log(x), Math.log(Math.max(ys[i]!, 0.05))] as const);
  if (pts.length < 2) return null;
  const mx = pts.reduce((a, p) => a + p[0], 0) / pts.length;
  const my = pts.reduce((a, p) => a + p[1], 0) / pts.length;
  let sxy = 0;
  let sxx = 0;
  for (const [x, y] of pts) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
  }
  return sxx > 0 ? sxy / sxx : null;
}

const xs = rows.map((r) => r.skus);
const growth = Object.fromEntries(
  [...STAGES, 'total'].map((s) => [
    s,
    exponent(
      xs,
      rows.map((r) => (s === 'total' ? r.total_seconds : r.seconds[s]!)),
    ),
  ]),
);
const result = {
  machine: `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`,
  memory_from: MEMORY_FROM,
  memory_limit: values['memory-limit'],
  years: Number(values.years),
  seed: Number(values.seed),
  rows,
  growth_exponent: growth,
};
writeFileSync(join(dir, 'scale.json'), JSON.stringify(result, null, 2) + '\n');
const f = (x: number | null): string => (x === null ? '—' : x.toFixed(2));
const lines = [
  `| stage | ${rows.map((r) => `${r.skus.toLocaleString('en')} SKUs`).join(' | ')} | growth exponent |`,
  `|---|${rows.map(() => '---|').join('')}---|`,
  ...STAGES.map((s) => `| ${s} | ${rows.map((r) => `${r.seconds[s]!.toFixed(1)} s`).join(' | ')} | ${f(growth[s]!)} |`),
  `| **total (process)** | ${rows.map((r) => `**${r.total_seconds.toFixed(1)} s**`).join(' | ')} | ${f(growth['total']!)} |`,
  `| peak memory | ${rows.map((r) => `${r.peak_mb.toLocaleString('en')} MB`).join(' | ')} | |`,
  `| order lines | ${rows.map((r) => r.order_lines.toLocaleString('en')).join(' | ')} | |`,
  `| ingest (read + load) | ${rows.map((r) => `${r.ingest_lines_per_second.toLocaleString('en')} lines/s`).join(' | ')} | |`,
];
console.log(`\n${result.machine}; peak memory: ${MEMORY_FROM}; --memory-limit ${values['memory-limit']}\n`);
console.log(lines.join('\n'));
console.log(`\nwritten to ${join(dir, 'scale.json')}`);
