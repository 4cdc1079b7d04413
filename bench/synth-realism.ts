/**
 * How real the synthetic shop is (issue #22): its demand profile and cleaning shares beside Online Retail's.
 *   npm run bench:synth [-- --skus 3990] [-- --years 2] [-- --seed 1]
 * Ingests ../shared/data/online-retail/transactions.csv.gz (says so and compares with nothing when absent) and a
 * synthetic shop of as many SKUs as Online Retail has products (`shopcast synth`), each into a fresh workspace, and
 * prints `profileWorkspace` and the cleaning report of both as one table. Writes bench/out/synth-realism.json.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type DemandProfile, inspectWorkspace, profileWorkspace } from '../src/pipeline/inspect.js';
import { ingestFiles } from '../src/pipeline/ingest.js';
import { writeSynthShop } from '../src/pipeline/synth.js';
import { Workspace } from '../src/store/workspace.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const { values } = parseArgs({
  options: {
    skus: { type: 'string', default: '3990' },
    years: { type: 'string', default: '2' },
    seed: { type: 'string', default: '1' },
    file: { type: 'string', default: join(repo, '../shared/data/online-retail/transactions.csv.gz') },
  },
});

interface Shop {
  profile: DemandProfile;
  lines: number;
  /** cleaning rule → share of the order lines it touched */
  cleaning: Record<string, number>;
}

async function measure(files: string[]): Promise<Shop> {
  const dir = mkdtempSync(join(tmpdir(), 'shopcast-realism-'));
  const ws = await Workspace.open(join(dir, 'ws'), { memoryLimit: '2GB' });
  try {
    await ingestFiles(ws, files);
    const s = await inspectWorkspace(ws, 0);
    const share = (rule: string): number => (s.cleaning[rule] ?? 0) / s.order_lines;
    return {
      profile: await profileWorkspace(ws),
      lines: s.order_lines,
      cleaning: Object.fromEntries(
        ['cancellations', 'returns', 'non_product', 'duplicates', 'bad_price', 'outliers'].map((r) => [r, share(r)]),
      ),
    };
  } finally {
    ws.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const synthDir = mkdtempSync(join(tmpdir(), 'shopcast-synth-'));
const made = await writeSynthShop({
  skus: Number(values.skus),
  years: Number(values.years),
  seed: Number(values.seed),
  out: synthDir,
});
const synth = await measure([made.files.order_lines, made.files.catalog, made.files.stock]);
rmSync(synthDir, { recursive: true, force: true });
const real = existsSync(values.file!) ? await measure([values.file!]) : undefined;
if (real === undefined) console.log(`${values.file} is absent (the shared data sets are not on this machine).`);

const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;
const num = (x: number, d = 1): string => x.toFixed(d);
const rows: [string, (s: Shop) => string][] = [
  ['SKUs selling', (s) => s.profile.skus.toLocaleString('en')],
  ['order lines', (s) => s.lines.toLocaleString('en')],
  ['years of data', (s) => num(s.profile.years, 2)],
  ['lines per SKU and year: median', (s) => num(s.profile.lines_per_sku_year.median)],
  ['lines per SKU and year: mean', (s) => num(s.profile.lines_per_sku_year.mean)],
  ['lines per SKU and year: 90th percentile', (s) => num(s.profile.lines_per_sku_year.p90)],
  ['intermittent SKUs (ADI > 1.32)', (s) => pct(s.profile.intermittent_share)],
  ['lumpy SKUs (ADI > 1.32, CV² > 0.49)', (s) => pct(s.profile.lumpy_share)],
  ['share of open days with a sale (median SKU)', (s) => pct(s.profile.sale_day_share_median)],
  ['CV of weekly units (median SKU)', (s) => num(s.profile.weekly_cv_median, 2)],
  ['SKUs launched within the data (first sale ≥ 28 days in)', (s) => pct(s.profile.launch_share)],
  ['sale lines per order', (s) => num(s.profile.lines_per_order, 2)],
  ...['cancellations', 'returns', 'non_product', 'duplicates', 'bad_price', 'outliers'].map(
    (r) => [`lines: ${r.replace('_', '-')}`, (s: Shop) => pct(s.cleaning[r]!)] as [string, (s: Shop) => string],
  ),
];
const table = [
  `| statistic | Online Retail | synthetic (${made.skus.toLocaleString('en')} SKUs, ${made.years} years, seed ${made.seed}) |`,
  '|---|---|---|',
  ...rows.map(([name, f]) => `| ${name} | ${real === undefined ? '—' : f(real)} | ${f(synth)} |`),
];
console.log(table.join('\n'));
mkdirSync(join(repo, 'bench/out'), { recursive: true });
writeFileSync(join(repo, 'bench/out/synth-realism.json'), JSON.stringify({ made, synth, real }, null, 2) + '\n');
