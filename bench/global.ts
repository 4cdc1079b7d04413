/**
 * Global-model benchmarks (issue #4):   npm run bench:global [-- --skip online-retail,rossmann,training]
 *  1. Online Retail daily per SKU, as of 2011-10-07, h = 28: runs bench/online-retail.js with the
 *     statistical models, the global model, the ensemble and the oracle-level bound (revenue-
 *     weighted RMSSE and scaled pinball loss; see that file).
 *  2. Rossmann stores 1–557, the last 42 days (2015-06-20 … 2015-07-31) held out: per-store AutoETS
 *     (weekly season), the global model and the ensemble, RMSSE per store over its open days (scale:
 *     the mean squared day-to-day change of its training series), averaged over stores; and how
 *     the promotion shows in the global model's explanations of each store's first promotion day.
 *  3. Training on the full Online Retail history (to 2011-11-04, h = 28): wall time and peak
 *     resident memory of the whole `shopcast forecast --model global` process (GNU time).
 * Reads ../shared/data (says so when absent); writes bench/out/global.json.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { explainSkus } from '../src/pipeline/explain.js';
import { Workspace } from '../src/store/workspace.js';
import { sql } from '../src/store/sql.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const out = join(repo, 'bench/out');
const bin = join(repo, 'bin/shopcast');
const { values } = parseArgs({ options: { skip: { type: 'string', default: '' } } });
const skip = new Set(values.skip!.split(',').filter((x) => x !== ''));
mkdirSync(out, { recursive: true });
const report: Record<string, unknown> = { measured: new Date().toISOString().slice(0, 10) };

function run(args: string[], label: string): string {
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${label}: ${r.stderr}`);
  return r.stdout;
}

// 1. Online Retail
const orData = join(repo, '../shared/data/online-retail/transactions.csv.gz');
if (!skip.has('online-retail')) {
  if (!existsSync(orData)) console.log(`online retail: ${orData} is absent; skipped.`);
  else {
    process.stdout.write(
      run(
        [
          join(repo, 'dist/bench/online-retail.js'),
          '--models',
          'window-average,theta,adida,auto,global,ensemble,oracle-level,oracle-level-weekday',
        ],
        'online-retail',
      ),
    );
    report['online_retail'] = JSON.parse(readFileSync(join(out, 'online-retail.json'), 'utf8'));
  }
}

// 2. Rossmann
const rsData = join(repo, '../shared/data/rossmann/train-stores-1-557.csv.gz');
if (!skip.has('rossmann')) {
  if (!existsSync(rsData)) console.log(`rossmann: ${rsData} is absent; skipped.`);
  else report['rossmann'] = await rossmann();
}

async function rossmann(): Promise<Record<string, unknown>> {
  const AS_OF = '2015-06-19';
  const H = 42;
  const wsDir = mkdtempSync(join(tmpdir(), 'shopcast-rossmann-'));
  try {
    run(
      [bin, 'ingest', rsData, '--map', join(repo, 'examples/rossmann-map.json'), '--workspace', wsDir, '--json'],
      'rossmann ingest',
    );
    const ws = await Workspace.open(wsDir);
    const actualRows = await ws.all(
      sql`SELECT sku, date::VARCHAR AS d, units FROM daily_demand WHERE date > ${AS_OF}::DATE AND NOT closed AND units IS NOT NULL`,
    );
    const trainRows = await ws.all(
      sql`SELECT sku, CASE WHEN closed THEN 0 ELSE units END AS v FROM daily_demand WHERE date <= ${AS_OF}::DATE ORDER BY sku, date`,
    );
    const promoRows = await ws.all(
      sql`SELECT sku, min(date)::VARCHAR AS d FROM daily_demand WHERE date > ${AS_OF}::DATE AND promo AND NOT closed GROUP BY sku`,
    );
    ws.close();
    const actual = new Map<string, Map<string, number>>();
    for (const r of actualRows)
      (actual.get(r['sku'] as string) ?? actual.set(r['sku'] as string, new Map()).get(r['sku'] as string)!).set(
        r['d'] as string,
        r['units'] as number,
      );
    const scale = new Map<string, number>();
    let prev: { sku: string; v: number | null } | undefined;
    const acc = new Map<string, { s: number; n: number }>();
    for (const r of trainRows) {
      const sku = r['sku'] as string;
      const v = r['v'] as number | null;
      if (prev !== undefined && prev.sku === sku && prev.v !== null && v !== null) {
        const a = acc.get(sku) ?? acc.set(sku, { s: 0, n: 0 }).get(sku)!;
        a.s += (v - prev.v) ** 2;
        a.n++;
      }
      prev = { sku, v };
    }
    for (const [sku, a] of acc) if (a.n > 0 && a.s > 0) scale.set(sku, a.s / a.n);
    const results: Record<string, unknown>[] = [];
    for (const model of ['ets', 'global', 'ensemble']) {
      const file = join(out, `rossmann-${model}.csv`);
      const t = process.hrtime.bigint();
      const summary = JSON.parse(
        run(
          [
            bin,
            'forecast',
            '--workspace',
            wsDir,
            '--freq',
            'day',
            '--horizon',
            String(H),
            '--season-length',
            '7',
            '--as-of',
            AS_OF,
            '--model',
            model,
            '--out',
            file,
            '--json',
          ],
          `rossmann ${model}`,
        ),
      ) as { global?: Record<string, number> };
      const seconds = Number(process.hrtime.bigint() - t) / 1e9;
      const fc = new Map<string, Map<string, number>>();
      for (const line of readFileSync(file, 'utf8').trim().split('\n').slice(1)) {
        const f = line.split(',');
        (fc.get(f[0]!) ?? fc.set(f[0]!, new Map()).get(f[0]!)!).set(f[1]!, Number(f[2]));
      }
      let sum = 0;
      let wsum = 0;
      let wacc = 0;
      let stores = 0;
      for (const [sku, days] of actual) {
        const f = fc.get(sku);
        const s2 = scale.get(sku);
        if (f === undefined || s2 === undefined) continue;
        let se = 0;
        let n = 0;
        let sales = 0;
        for (const [d, y] of days) {
          const p = f.get(d);
          if (p === undefined) continue;
          se += (y - p) ** 2;
          sales += y;
          n++;
        }
        if (n === 0) continue;
        const rmsse = Math.sqrt(se / n / s2);
        sum += rmsse;
        wacc += sales * rmsse;
        wsum += sales;
        stores++;
      }
      const row = {
        model,
        rmsse: sum / stores,
        sales_weighted_rmsse: wacc / wsum,
        stores,
        seconds,
        ...(summary.global ?? {}),
      };
      results.push(row);
      console.log(
        `rossmann ${model}: mean RMSSE ${row.rmsse.toFixed(4)} (sales-weighted ${row.sales_weighted_rmsse.toFixed(4)}) over ${stores} stores, ${seconds.toFixed(1)} s`,
      );
      if (model === 'global') results.push({ promotion: await promotionInExplanations(wsDir, promoRows) });
    }
    return { as_of: AS_OF, horizon: H, results };
  } finally {
    rmSync(wsDir, { recursive: true, force: true });
  }
}

/** How the promotion shows in the explanation of each store's first promotion day held out. */
async function promotionInExplanations(
  wsDir: string,
  promoRows: Record<string, unknown>[],
): Promise<Record<string, unknown>> {
  const ws = await Workspace.open(wsDir);
  try {
    const ex = await explainSkus(
      ws,
      promoRows.map((r) => ({ sku: r['sku'] as string, date: r['d'] as string })),
    );
    let top1 = 0;
    let top3 = 0;
    const factors: number[] = [];
    for (const e of ex) {
      const rank = e.drivers.findIndex((d) => d.feature === 'promo');
      if (rank === 0) top1++;
      if (rank >= 0 && rank < 3) top3++;
      factors.push(e.drivers[rank]!.factor);
    }
    factors.sort((a, b) => a - b);
    const importance = ex[0]?.importance ?? [];
    const out = {
      explained: ex.length,
      promo_top_driver: top1,
      promo_in_top_3: top3,
      median_promo_factor: factors[Math.floor(factors.length / 2)] ?? NaN,
      gain_rank_of_promo: importance.findIndex((i) => i.feature === 'promo') + 1,
      gain_share_of_promo: importance.find((i) => i.feature === 'promo')?.share ?? 0,
      example:
        ex[0] === undefined
          ? undefined
          : { sku: ex[0].sku, date: ex[0].date, forecast: ex[0].forecast, drivers: ex[0].drivers.slice(0, 5) },
    };
    console.log(
      `rossmann explanations of ${out.explained} stores' first promotion day: promotion the top driver in ${top1}, in the top 3 in ${top3}; median factor ×${out.median_promo_factor.toFixed(2)}; gain rank ${out.gain_rank_of_promo} (${(100 * out.gain_share_of_promo).toFixed(1)} % of the gain)`,
    );
    return out;
  } finally {
    ws.close();
  }
}

// 3. Training time and memory on the full Online Retail history
if (!skip.has('training') && existsSync(orData)) {
  const wsDir = mkdtempSync(join(tmpdir(), 'shopcast-or-full-'));
  try {
    run([bin, 'ingest', orData, '--workspace', wsDir, '--json'], 'online-retail ingest');
    const r = spawnSync(
      '/usr/bin/time',
      [
        '-f',
        'TIME %e %M',
        process.execPath,
        bin,
        'forecast',
        '--workspace',
        wsDir,
        '--freq',
        'day',
        '--horizon',
        '28',
        '--model',
        'global',
        '--out',
        join(out, 'online-retail-full-global.csv'),
        '--json',
      ],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`full training: ${r.stderr}`);
    const m = /TIME ([\d.]+) (\d+)/.exec(r.stderr);
    const summary = JSON.parse(r.stdout) as {
      series: number;
      global: { training_seconds: number; train_rows: number };
    };
    const row = {
      skus: summary.series,
      wall_seconds: Number(m?.[1]),
      peak_rss_mb: Number(m?.[2]) / 1024,
      ...summary.global,
    };
    report['training_full_online_retail'] = row;
    console.log(
      `full Online Retail training: ${row.wall_seconds} s wall (training ${row.training_seconds} s), peak memory ${row.peak_rss_mb.toFixed(0)} MB, ${row.train_rows} rows`,
    );
  } finally {
    rmSync(wsDir, { recursive: true, force: true });
  }
}

writeFileSync(join(out, 'global.json'), JSON.stringify(report, null, 2) + '\n');
console.log('written to bench/out/global.json');
